package io.ipsecmesh.ike.engine;

import static io.ipsecmesh.ike.engine.TestPeers.A;
import static io.ipsecmesh.ike.engine.TestPeers.B;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.ipsecmesh.ike.policy.ConfigPolicies;
import io.ipsecmesh.ike.policy.Credentials;
import io.ipsecmesh.ike.policy.PeerPolicy;
import io.ipsecmesh.ike.policy.TrustStore;
import io.ipsecmesh.proto.config.GatewayConfig;
import io.ipsecmesh.proto.config.IdentityMatch;
import io.ipsecmesh.proto.config.IkeIdentity;
import io.ipsecmesh.proto.config.Ikev2Profile;
import io.ipsecmesh.proto.config.PkiTrustpoint;
import java.util.HexFormat;
import java.util.List;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.junit.jupiter.api.Test;

/**
 * Certificate authentication as RFC 4945 and IOS bind it to the profile: the peer's ID must be one the profile
 * matches and one its certificate carries (subjectAltName, or the subject for a DN), the certificate must allow
 * signing (keyUsage digitalSignature) and chain to the profile's own {@code pki trustpoint}, not to any CA the
 * gateway knows. Policies come from configuration models through {@link ConfigPolicies} and
 * {@link TrustStore#from}; A initiates, B verifies.
 */
class CertificateIdentityTest {

  private final TestCertificates branchCa;
  private final TestCertificates partnerCa;

  CertificateIdentityTest() throws Exception {
    branchCa = new TestCertificates("CN=branch CA");
    partnerCa = new TestCertificates("CN=partner CA");
  }

  private static PkiTrustpoint trustpoint(String name, TestCertificates ca) throws Exception {
    return new PkiTrustpoint(name, PkiTrustpoint.Revocation.NONE, null,
        List.of(HexFormat.of().formatHex(ca.ca.getEncoded())));
  }

  /** A profile with ecdsa-sig both ways, {@code match identity remote fqdn MATCH}, verifying with trustpoint TP. */
  private static Ikev2Profile profile(String match, IkeIdentity local, String trustpoint) {
    return new Ikev2Profile("PROF", List.of(), null, "ecdsa-sig", "ecdsa-sig", null, null, null,
        List.of(new IdentityMatch(IkeIdentity.Type.FQDN, match, false)), local, List.of(trustpoint));
  }

  private static GatewayConfig withTrustpoints(GatewayConfig c, List<PkiTrustpoint> tps) {
    return c.toBuilder().pkiTrustpoints(tps).build();
  }

  /**
   * A (credentials {@code aCredentials}, optionally claiming {@code aLocal}) against B (a certificate for
   * gwb.example.net from the branch CA; its profile matches {@code bMatch} and trusts trustpoint BRANCH, whose CA is
   * the branch CA, while the gateway-wide CAs of B's credentials are {@code bGatewayCa}).
   */
  private TestPeers run(Credentials aCredentials, IkeIdentity aLocal, String bMatch, TestCertificates bGatewayCa)
      throws Exception {
    List<PkiTrustpoint> tps = List.of(trustpoint("BRANCH", branchCa), trustpoint("PARTNER", partnerCa));
    GatewayConfig a = withTrustpoints(ProfileIdentityTest.config(A, B, "10.91.1.0", "10.91.2.0",
        List.of(profile("gwb.example.net", aLocal, "BRANCH")), List.of(), List.of(10)), tps);
    GatewayConfig b = withTrustpoints(ProfileIdentityTest.config(B, A, "10.91.2.0", "10.91.1.0",
        List.of(profile(bMatch, null, "BRANCH")), List.of(), List.of(10)), tps);
    TestPeers n = new TestPeers();
    List<PeerPolicy> pa = ConfigPolicies.from(a, A, aCredentials, TrustStore.from(a.pkiTrustpoints()));
    List<PeerPolicy> pb = ConfigPolicies.from(b, B, branchCa.issue("gwb.example.net", bGatewayCa),
        TrustStore.from(b.pkiTrustpoints()));
    assertEquals(1, pa.size());
    assertEquals(1, pb.size());
    return n.connect(pa, pb);
  }


  @Test
  void aCertificateOfTheProfilesTrustpointNamingThePeersIdSucceeds() throws Exception {
    TestPeers n = run(branchCa.issue("gwa.example.net", branchCa), null, "gwa.example.net", branchCa);
    assertEquals(1, n.bEvents.installed.size(), n.aEvents.down.toString());
    assertEquals("gwa.example.net", n.bEvents.up.get(0).peerId());
    assertEquals("gwb.example.net", n.aEvents.up.get(0).peerId());
  }

  @Test
  void aCertificateFromTheSameCaIssuedToAnotherPeerIsRefused() throws Exception {
    // A's certificate is genuine (branch CA) but names other.example.net: its ID is not the profile's
    run(branchCa.issue("other.example.net", branchCa), null, "gwa.example.net", branchCa).assertAuthenticationRefused();
    // claiming gwa.example.net with that certificate fails too: the ID is not in the certificate (RFC 4945 §3.1)
    run(branchCa.issue("other.example.net", branchCa), new IkeIdentity(IkeIdentity.Type.FQDN, "gwa.example.net"),
        "gwa.example.net", branchCa).assertAuthenticationRefused();
  }

  @Test
  void aCertificateFromAnotherTrustpointIsRefusedEvenIfTheGatewayTrustsThatCa() throws Exception {
    // the partner CA is a trustpoint of the configuration and the gateway-wide CA of B, but the profile names BRANCH
    run(partnerCa.issue("gwa.example.net", branchCa), null, "gwa.example.net", partnerCa).assertAuthenticationRefused();
  }

  @Test
  void aCertificateWhoseKeyUsageDoesNotAllowSigningIsRefused() throws Exception {
    run(branchCa.issue("gwa.example.net", branchCa, KeyUsage.keyEncipherment), null, "gwa.example.net", branchCa)
        .assertAuthenticationRefused();
  }
}
