package io.ipsecmesh.ike.fragment;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipsecmesh.ike.crypto.IkeSaKeys;
import io.ipsecmesh.ike.crypto.IkeSuite;
import io.ipsecmesh.ike.crypto.SkCipher;
import io.ipsecmesh.proto.ikev2.IkeCodec;
import io.ipsecmesh.proto.ikev2.IkeConstants;
import io.ipsecmesh.proto.ikev2.IkeHeader;
import io.ipsecmesh.proto.ikev2.IkeMessage;
import io.ipsecmesh.proto.ikev2.Payload;
import io.ipsecmesh.proto.time.VirtualScheduler;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link IkeFragmenter}: RFC 7383 §2.5 — the SK content cut into chunks that each fit the MTU, every fragment under
 * the original header with only Length and Next Payload changed, fragment 1 naming the first inner payload, the
 * rest zero; and what the peer's {@link FragmentReassembler} puts back together is the original message.
 */
class IkeFragmenterTest {

  @ParameterizedTest
  @MethodSource("io.ipsecmesh.ike.fragment.Fragments#suites")
  void aMessageLargerThanTheMtuGoesInFragmentsThatEachFitAndReassembleToIt(IkeSuite suite) throws Exception {
    IkeSaKeys keys = Fragments.keys(suite);
    List<Payload> inner = Fragments.ikeAuth(1400);
    int max = IkeFragmenter.maxMessageBytes(576, false, true);
    assertEquals(576 - 20 - 8 - 4, max, "IPv4, UDP and the non-ESP marker of port 4500");
    List<byte[]> out = IkeFragmenter.protect(keys.initiatorCipher(), Fragments.header(1), inner, max);
    assertTrue(out.size() >= 4, out.size() + " fragments");
    byte[] whole = IkeCodec.encodeChain(inner);
    FragmentReassembler r = new FragmentReassembler(new VirtualScheduler(), 1000, () -> {});
    SkCipher rx = keys.initiatorCipher();
    FragmentReassembler.Outcome last = null;
    for (int i = 0; i < out.size(); i++) {
      byte[] d = out.get(i);
      assertTrue(d.length <= max, "fragment " + (i + 1) + " of " + d.length + " bytes");
      IkeMessage m = IkeCodec.decode(d);
      assertEquals(1, m.header().messageId());
      assertEquals(IkeConstants.IKE_AUTH, m.header().exchangeType());
      assertEquals(IkeConstants.FLAG_INITIATOR, m.header().flags());
      assertEquals(IkeConstants.PT_SKF, d[16] & 0xff);
      Payload.EncryptedFragment f = (Payload.EncryptedFragment) m.payloads().getFirst();
      assertEquals(i + 1, f.fragmentNumber());
      assertEquals(out.size(), f.totalFragments());
      assertEquals(i == 0 ? IkeConstants.PT_IDI : 0, f.firstInner(), "§2.5 Next Payload");
      last = r.offer(1, d, f, rx);
    }
    FragmentReassembler.Complete c = assertInstanceOf(FragmentReassembler.Complete.class, last);
    assertEquals(whole.length, c.bytes());
    assertArrayEquals(whole, IkeCodec.encodeChain(c.payloads()), "the original message, payload for payload");
    assertArrayEquals(out.getFirst(), c.firstFragment());
    // fragments but the last are full: the chunk is the most that fits
    assertTrue(out.get(0).length > max - suite.encr().blockBytes - 1, out.get(0).length + " of " + max);
  }

  @Test
  void aMessageThatFitsOrAnSaWithoutFragmentationGoesWhole() throws Exception {
    SkCipher tx = Fragments.keys(Fragments.GCM).initiatorCipher(); // one per key: a second would reuse its IVs
    List<Payload> small = List.of(Payload.Notify.of(IkeConstants.INITIAL_CONTACT, new byte[0]));
    IkeHeader h = Fragments.header(2);
    List<byte[]> one = IkeFragmenter.protect(tx, h, small, 548);
    assertEquals(1, one.size());
    assertEquals(IkeConstants.PT_SK, one.getFirst()[16] & 0xff);
    List<byte[]> unfragmented = IkeFragmenter.protect(tx, h, Fragments.ikeAuth(3000), 0);
    assertEquals(1, unfragmented.size(), "max 0: fragmentation not negotiated (§2.4: MUST NOT)");
    assertEquals(IkeConstants.PT_SK, unfragmented.getFirst()[16] & 0xff);
  }

  @Test
  void exactlyTheMtuStaysWholeOneByteMoreIsFragmented() throws Exception {
    SkCipher tx = Fragments.keys(Fragments.GCM).initiatorCipher();
    List<Payload> inner = Fragments.ikeAuth(600);
    int size = tx.protectedLength(IkeCodec.encodeChain(inner).length);
    assertEquals(1, IkeFragmenter.protect(tx, Fragments.header(1), inner, size).size());
    assertEquals(2, IkeFragmenter.protect(tx, Fragments.header(1), inner, size - 1).size());
  }

  @Test
  void anMtuTooSmallForTheHeadersStillCarriesAMinimumChunk() throws Exception {
    SkCipher tx = Fragments.keys(Fragments.CBC).initiatorCipher();
    int max = IkeFragmenter.maxMessageBytes(68, false, false);
    List<byte[]> out = IkeFragmenter.protect(tx, Fragments.header(1), Fragments.ikeAuth(200), max);
    int content = IkeCodec.encodeChain(Fragments.ikeAuth(200)).length;
    assertEquals((content + IkeFragmenter.MIN_CHUNK - 1) / IkeFragmenter.MIN_CHUNK, out.size(),
        "IOS accepts mtu 68, which cannot hold the headers (§2.2): chunks of " + IkeFragmenter.MIN_CHUNK);
  }

  @Test
  void ipv6AndPort500LeaveDifferentRoom() {
    assertEquals(1280 - 40 - 8, IkeFragmenter.maxMessageBytes(1280, true, false));
    assertEquals(1280 - 20 - 8, IkeFragmenter.maxMessageBytes(1280, false, false));
  }
}
