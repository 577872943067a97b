package io.ipsecmesh.proto.bus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipsecmesh.proto.kek.ProcessKek;
import io.ipsecmesh.proto.sa.ChildSa;
import io.ipsecmesh.proto.sa.IkeSaSummary;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

/**
 * {@link IkeSaSummary} moved from {@code proto.ikev2} to {@code proto.sa}; its rows in {@code ipsec.ike-sa} are
 * MAC'd over the record's name, so it keeps the old one as its {@link WireName}: a row written by a member of
 * the previous release verifies here and ours verifies there, while the MAC still separates record types.
 */
class WireNameTest {

  private static final String OLD_NAME = "io.ipsecmesh.proto.ikev2.IkeSaSummary";
  private static final IkeSaSummary ROW = new IkeSaSummary("0102030405060708:0a0b0c0d0e0f1011", "198.51.100.2",
      "192.0.2.1", "READY", 1001, "ACTIVE", "198.51.100.2", 2, 500, 500, "Initiator", 1234L);

  /** The $mac a member of the previous release writes: HMAC-SHA256 over the class name it had, then the JSON. */
  private static String macUnder(String typeName, IkeSaSummary row) throws Exception {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(ProcessKek.current().derive(RecordJson.MAC_PURPOSE), "HmacSHA256"));
    mac.update((typeName + "\n").getBytes(StandardCharsets.UTF_8));
    return Base64.getEncoder().encodeToString(
        mac.doFinal(RecordJson.normalized(row).encode().getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void aRowOfThePreviousReleaseVerifiesAndOursIsWrittenUnderTheSameName() throws Exception {
    JsonObject old = RecordJson.normalized(ROW).put(RecordJson.MAC_MEMBER, macUnder(OLD_NAME, ROW));
    assertEquals(ROW, RecordJson.fromJson(old, IkeSaSummary.class));
    assertEquals(macUnder(OLD_NAME, ROW), RecordJson.toJson(ROW).getString(RecordJson.MAC_MEMBER));
  }

  @Test
  void theMacStillBindsTheRecordType() throws Exception {
    JsonObject underNewName = RecordJson.normalized(ROW)
        .put(RecordJson.MAC_MEMBER, macUnder(IkeSaSummary.class.getName(), ROW));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> RecordJson.fromJson(underNewName, IkeSaSummary.class));
    assertTrue(e.getMessage().contains("does not verify"), e.getMessage());
  }

  @Test
  void wireNamesAreTheOldNameOrTheClassName() {
    assertEquals(OLD_NAME, RecordJson.wireName(IkeSaSummary.class));
    assertEquals(ChildSa.class.getName(), RecordJson.wireName(ChildSa.class));
    assertEquals("record:" + ChildSa.class.getName(), new RecordCodec<>(ChildSa.class).name());
  }
}
