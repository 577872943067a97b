package io.ipsecmesh.ike.engine;

import static io.ipsecmesh.ike.engine.TestPeers.A;
import static io.ipsecmesh.ike.engine.TestPeers.B;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.sun.net.httpserver.HttpServer;
import io.ipsecmesh.ike.crypto.CrlSource;
import io.ipsecmesh.ike.crypto.CrlStore;
import io.ipsecmesh.ike.policy.ConfigPolicies;
import io.ipsecmesh.ike.policy.Credentials;
import io.ipsecmesh.ike.policy.PeerPolicy;
import io.ipsecmesh.ike.policy.TrustStore;
import io.ipsecmesh.proto.config.GatewayConfig;
import io.ipsecmesh.proto.config.IdentityMatch;
import io.ipsecmesh.proto.config.IkeIdentity;
import io.ipsecmesh.proto.config.Ikev2Profile;
import io.ipsecmesh.proto.config.PkiTrustpoint;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509CRL;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code revocation-check crl} on the trustpoint a profile verifies with (RFC 4945 §6, RFC 5280 §6.3): the peer's
 * certificate must not be on its CA's current CRL, read from {@code crl query file:…} or fetched over HTTP from the
 * certificate's CRL distribution point (a server on loopback); with {@code revocation-check crl} a CRL that cannot be
 * had refuses the peer, with {@code crl none} it does not. The responder's engine gets its CRLs from a real
 * {@link CrlStore}; the fetch reports back at once (the verticle runs it off the event loop).
 */
class CrlRevocationTest {

  @TempDir
  Path dir;

  private final TestCertificates branchCa;

  CrlRevocationTest() throws Exception {
    branchCa = new TestCertificates("CN=branch CA");
  }

  private static GatewayConfig config(GatewayConfig c, PkiTrustpoint tp) {
    return c.toBuilder().pkiTrustpoints(List.of(tp)).build();
  }

  private PkiTrustpoint trustpoint(PkiTrustpoint.Revocation revocation, String query) throws Exception {
    return new PkiTrustpoint("BRANCH", revocation, query, List.of(HexFormat.of().formatHex(branchCa.ca.getEncoded())));
  }

  private static Ikev2Profile profile(String match) {
    return new Ikev2Profile("PROF", List.of(), null, "ecdsa-sig", "ecdsa-sig", null, null, null,
        List.of(new IdentityMatch(IkeIdentity.Type.FQDN, match, false)), null, List.of("BRANCH"));
  }

  /** A (certificate {@code aCredentials}) initiates towards B, whose trustpoint BRANCH checks revocation. */
  private TestPeers run(Credentials aCredentials, PkiTrustpoint bTrustpoint, CrlStore bCrls) throws Exception {
    PkiTrustpoint plain = trustpoint(PkiTrustpoint.Revocation.NONE, null);
    GatewayConfig a = config(ProfileIdentityTest.config(A, B, "10.91.1.0", "10.91.2.0", List.of(profile(
        "gwb.example.net")), List.of(), List.of(10)), plain);
    GatewayConfig b = config(ProfileIdentityTest.config(B, A, "10.91.2.0", "10.91.1.0", List.of(profile(
        "gwa.example.net")), List.of(), List.of(10)), bTrustpoint);
    TestPeers n = new TestPeers();
    n.b.setCrlSource(new CrlSource() {
      @Override
      public X509CRL cached(String url) {
        return bCrls.cached(url);
      }

      @Override
      public void fetch(String url, Runnable done) {
        bCrls.load(url);
        done.run();
      }
    });
    List<PeerPolicy> pa = ConfigPolicies.from(a, A, aCredentials, TrustStore.from(a.pkiTrustpoints()));
    List<PeerPolicy> pb = ConfigPolicies.from(b, B, branchCa.issue("gwb.example.net", branchCa),
        TrustStore.from(b.pkiTrustpoints()));
    return n.connect(pa, pb);
  }


  private static void assertUp(TestPeers n) {
    assertEquals(1, n.bEvents.installed.size(), n.aEvents.down.toString());
    assertEquals("gwa.example.net", n.bEvents.up.get(0).peerId());
  }

  @Test
  void aCertificateOnTheCrlFromAFileIsRefusedAndAnotherAccepted() throws Exception {
    Credentials revoked = branchCa.issue("gwa.example.net", branchCa);
    Credentials good = branchCa.issue("gwa.example.net", branchCa);
    Path crl = Files.write(dir.resolve("branch.crl"), branchCa.crl(List.of(revoked.chain().get(0)), false));
    PkiTrustpoint tp = trustpoint(PkiTrustpoint.Revocation.CRL, crl.toUri().toString());
    run(revoked, tp, new CrlStore(System::currentTimeMillis)).assertAuthenticationRefused();
    assertUp(run(good, tp, new CrlStore(System::currentTimeMillis)));
  }

  @Test
  void withoutACurrentCrlRevocationCheckCrlRefusesAndCrlNoneAccepts() throws Exception {
    Credentials good = branchCa.issue("gwa.example.net", branchCa);
    String missing = dir.resolve("missing.crl").toUri().toString();
    run(good, trustpoint(PkiTrustpoint.Revocation.CRL, missing), new CrlStore(System::currentTimeMillis))
        .assertAuthenticationRefused();
    assertUp(run(good, trustpoint(PkiTrustpoint.Revocation.CRL_NONE, missing),
        new CrlStore(System::currentTimeMillis)));
    // an expired CRL is no current CRL
    Path expired = Files.write(dir.resolve("expired.crl"), branchCa.crl(List.of(), true));
    run(good, trustpoint(PkiTrustpoint.Revocation.CRL, expired.toUri().toString()),
        new CrlStore(System::currentTimeMillis)).assertAuthenticationRefused();
    // a CRL signed by another CA does not count
    TestCertificates other = new TestCertificates("CN=branch CA");
    Path forged = Files.write(dir.resolve("forged.crl"), other.crl(List.of(), false));
    run(good, trustpoint(PkiTrustpoint.Revocation.CRL, forged.toUri().toString()),
        new CrlStore(System::currentTimeMillis)).assertAuthenticationRefused();
  }

  @Test
  void theCrlIsFetchedOverHttpFromTheCertificatesDistributionPointAndCached() throws Exception {
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    AtomicInteger hits = new AtomicInteger();
    byte[][] body = new byte[1][];
    server.createContext("/branch.crl", x -> {
      hits.incrementAndGet();
      x.sendResponseHeaders(200, body[0].length);
      x.getResponseBody().write(body[0]);
      x.close();
    });
    server.start();
    try {
      String url = "http://127.0.0.1:" + server.getAddress().getPort() + "/branch.crl";
      Credentials revoked = branchCa.issue("gwa.example.net", branchCa, KeyUsage.digitalSignature, url);
      Credentials good = branchCa.issue("gwa.example.net", branchCa, KeyUsage.digitalSignature, url);
      body[0] = branchCa.crl(List.of(revoked.chain().get(0)), false);
      PkiTrustpoint tp = trustpoint(PkiTrustpoint.Revocation.CRL, null);
      CrlStore store = new CrlStore(System::currentTimeMillis);
      run(revoked, tp, store).assertAuthenticationRefused();
      assertEquals(1, hits.get(), "fetched from the distribution point");
      assertUp(run(good, tp, store));
      assertEquals(1, hits.get(), "kept until its nextUpdate");
    } finally {
      server.stop(0);
    }
  }
}
