package io.ipsecmesh.it;

import static io.ipsecmesh.it.GatewayStrongswanTunnelTest.awaitFile;
import static io.ipsecmesh.it.GatewayStrongswanTunnelTest.harness;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipsecmesh.testsupport.StrongswanHarness;
import io.ipsecmesh.testsupport.TestPki;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Identities and authentication methods against strongSwan 5.9.8 (charon, kernel-libipsec), the whole gateway
 * ({@code ipsec-mesh run}) in namespace {@code idgwa}, strongSwan in {@code idgwb}; every profile comes from
 * configuration text applied with {@code ipsec-mesh config apply} (configuration → model → policies, nothing set
 * by hand). Both directions — strongSwan initiating ({@code swanctl --initiate}) and our gateway initiating (a ping
 * from {@code idlana} makes the forwarder ACQUIRE):
 * <ul>
 *   <li>the right PSK with an identity the profile does not match is refused: AUTHENTICATION_FAILED, no IKE SA in
 *       {@code show crypto isakmp sa}, no Child SA in {@code show crypto ipsec sa}, none left at strongSwan;</li>
 *   <li>a PSK peer on an {@code authentication remote rsa-sig} profile is refused;</li>
 *   <li>FQDN and e-mail identities ({@code match identity remote fqdn}, {@code email domain}) succeed.</li>
 * </ul>
 * The topology, start-up and clean-up are {@link AppliedConfigScenario}'s.
 */
@Timeout(value = 420, unit = TimeUnit.SECONDS)
class GatewayStrongswanIdentityTest extends AppliedConfigScenario {

  private static final String PREFIX = "id";
  /** The test's CA ({@code rsa-sig}) and strongSwan's certificates of it, by host. */
  private TestPki pki;
  private final Map<String, TestPki.Issued> peerCertificates = new HashMap<>();

  @Override
  String prefix() {
    return PREFIX;
  }

  @Override
  String templateResource() {
    return "identity/gwa-template.cfg";
  }

  @Override
  String initialConfiguration() {
    return configuration("address " + THEM + " 255.255.255.255", "address " + US, "pre-share");
  }

  /**
   * A throw-away RSA CA ({@code rsa-sig}), our certificate and key in {@code run/pki}, and strongSwan's certificates
   * from the same CA: the peer the profile names ({@code gwb}) and another one ({@code other}).
   */
  @Override
  void beforeGateway() throws Exception {
    Path dir = run.resolve("pki");
    pki = new TestPki("CN=ipsec-mesh identity test CA", TestPki.Keys.RSA);
    pki.writeCa(dir.resolve("ca.pem"));
    TestPki.writePem(pki.issue("gwa.example.net"), dir.resolve("gwa.pem"), dir.resolve("gwa.key"));
    for (String host : List.of("gwb", "other")) {
      peerCertificates.put(host, pki.issue(host + ".example.net"));
    }
  }

  /**
   * The CA is what an rsa-sig profile without pki trustpoint verifies with; our own certificate is unused by the
   * pre-share profiles of this test.
   */
  @Override
  List<String> gatewayOptions() {
    Path dir = run.resolve("pki");
    return List.of("--ike-cert-file", dir.resolve("gwa.pem").toString(), "--ike-key-file",
        dir.resolve("gwa.key").toString(), "--ike-ca-file", dir.resolve("ca.pem").toString());
  }

  /**
   * The scenario configuration with certificates both ways: {@code crypto pki trustpoint BRANCH-CA} with the test
   * CA in its certificate chain (as IOS shows it), the profile's {@code pki trustpoint BRANCH-CA},
   * {@code authentication local|remote rsa-sig}.
   */
  private void applyCertificates(String match) throws Exception {
    byte[] der = pki.ca().getEncoded();
    StringBuilder chain = new StringBuilder("crypto pki trustpoint BRANCH-CA\n enrollment terminal\n!\n"
        + "crypto pki certificate chain BRANCH-CA\n certificate ca 01\n");
    String hex = java.util.HexFormat.of().formatHex(der);
    for (int i = 0; i < hex.length(); i += 64) {
      chain.append("  ").append(hex, i, Math.min(hex.length(), i + 64)).append('\n');
    }
    chain.append("  \tquit\n!\n");
    apply(chain + template.replace("@MATCH@", match).replace(" identity local @LOCAL@\n", "")
        .replace("authentication local pre-share", "authentication local rsa-sig")
        .replace("@REMOTE_AUTH@", "rsa-sig").replace(" keyring local KR\n", " keyring local KR\n pki trustpoint BRANCH-CA\n"));
  }

  /** strongSwan in idgwb with certificate {@code host}.pem of the test CA, claiming {@code host}.example.net. */
  private void strongswanWithCertificate(String host) throws Exception {
    harness(run, PREFIX, Map.of("LOCAL_ID", host + ".example.net", "REMOTE_ID", "gwa.example.net", "AUTH", "pubkey",
        "LOCAL_CERT", host + ".pem", "LOAD", "no", "IKE_PROPOSALS", "aes128gcm16-prfsha256-ecp256"), "charon-start.sh",
        peer, "ikev2-gcm");
    StrongswanHarness.loadCredentials(run, peer, pki, peerCertificates.get(host), host);
  }

  private String configuration(String match, String local, String remoteAuth) {
    return template.replace("@MATCH@", match).replace("@LOCAL@", local).replace("@REMOTE_AUTH@", remoteAuth);
  }

  /** {@code ipsec-mesh config apply} with the profile lines of one scenario; fails unless it became active. */
  private void apply(String match, String local, String remoteAuth) throws Exception {
    apply(configuration(match, local, remoteAuth));
  }

  /** strongSwan in idgwb (restarted) claiming {@code localId}, expecting us as {@code remoteId}, same PSK. */
  private void strongswan(String localId, String remoteId) throws Exception {
    strongswan(Map.of("LOCAL_ID", localId, "REMOTE_ID", remoteId, "SECRET_ID_A", remoteId, "SECRET_ID_B", localId,
        "IKE_PROPOSALS", "aes128gcm16-prfsha256-ecp256"), "ikev2-gcm");
  }

  /** A ping from LAN A: the forwarder ACQUIREs and we initiate; true when a reply came through the tunnel. */
  private boolean weInitiate() throws Exception {
    return pingLanB(4);
  }

  private static int count(String text, String what) {
    int n = 0;
    for (int i = text.indexOf(what); i >= 0; i = text.indexOf(what, i + 1)) {
      n++;
    }
    return n;
  }

  /** Nothing installed on either side: no IKE SA, no Child SA in our show commands, no SA at strongSwan. */
  private void assertNothingInstalled() throws Exception {
    String isakmp = exec("show crypto isakmp sa");
    assertFalse(isakmp.contains(THEM), "show crypto isakmp sa:\n" + isakmp);
    String ipsec = exec("show crypto ipsec sa");
    assertFalse(ipsec.contains("current_peer: " + THEM), "show crypto ipsec sa:\n" + ipsec);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
    String theirs = theirSas();
    while (theirs.contains("ESTABLISHED") && System.nanoTime() < deadline) {
      Thread.sleep(300);
      theirs = theirSas();
    }
    assertFalse(theirs.contains("ESTABLISHED") || theirs.contains("INSTALLED"), theirs);
  }

  @Test
  void theRightPskWithTheWrongIdentityIsRefusedInBothDirections() throws Exception {
    // profile: match identity remote address 172.31.255.2; strongSwan knows the PSK but claims intruder.example
    apply("address " + THEM + " 255.255.255.255", "address " + US, "pre-share");
    strongswan("intruder.example", US);
    String out = theyInitiate();
    assertTrue(out.contains("initiate failed"), out);
    awaitFile(run.resolve(peer).resolve("charon.log"), "received AUTHENTICATION_FAILED notify error", 20);
    awaitFile(gatewayLog, "authentication of " + THEM + " (intruder.example) failed: its identity matches no match "
        + "identity remote", 10);
    assertNothingInstalled();

    // we initiate: strongSwan answers as intruder.example, we refuse its IDr and tell it so
    String refusal = "authentication of " + THEM + " (intruder.example) failed: its identity matches no match "
        + "identity remote of the profile (profile of crypto map VPN 10)";
    int before = count(Files.readString(gatewayLog), refusal);
    String told = "parsed INFORMATIONAL request 2 [ N(AUTH_FAILED) ]";
    int theirsBefore = count(charonLog(), told);
    assertFalse(weInitiate(), "no tunnel for a responder with the wrong identity");
    assertTrue(count(Files.readString(gatewayLog), refusal) > before, Files.readString(gatewayLog));
    // RFC 7296 §2.21.2: the initiator that refuses the responder's AUTH tells it in an INFORMATIONAL, and
    // strongSwan deletes the IKE SA it had established
    assertTrue(count(charonLog(), told) > theirsBefore, charonLog());
    assertTrue(charonLog().contains("IKE_SA deleted"), charonLog());
    assertNothingInstalled();
  }

  @Test
  void aPskPeerOnAnRsaSigProfileIsRefused() throws Exception {
    apply("address " + THEM + " 255.255.255.255", "address " + US, "rsa-sig");
    strongswan(THEM, US);
    String out = theyInitiate();
    assertTrue(out.contains("initiate failed"), out);
    awaitFile(gatewayLog, "authentication of " + THEM + " (" + THEM + ") failed: its AUTH method is not the "
        + "profile's authentication remote", 20);
    assertNothingInstalled();
  }

  @Test
  void aCertificateFromTheSameCaIssuedToAnotherPeerIsRefusedAndThePeersOwnSucceeds() throws Exception {
    applyCertificates("fqdn gwb.example.net");
    // genuine certificate of our CA, but issued to other.example.net: not the peer the profile names
    strongswanWithCertificate("other");
    String out = theyInitiate();
    assertTrue(out.contains("initiate failed"), out);
    awaitFile(gatewayLog, "authentication of " + THEM + " (other.example.net) failed: its identity matches no match "
        + "identity remote of the profile", 20);
    assertNothingInstalled();

    // the certificate issued to gwb.example.net is accepted, both ways
    strongswanWithCertificate("gwb");
    out = theyInitiate();
    assertTrue(out.contains("initiate completed successfully"), out);
    assertTrue(charonLog().contains("authentication of 'gwa.example.net' with RSA"), charonLog());
    assertTrue(exec("show crypto isakmp sa").contains(THEM));
    clearAndSettle();
    assertTrue(weInitiate(), "ping through the tunnel we initiated with certificates; gateway log:\n"
        + Files.readString(gatewayLog));
    clearAndSettle();
  }

  @Test
  void fqdnIdentitiesSucceedInBothDirections() throws Exception {
    apply("fqdn gwb.example.net", "fqdn gwa.example.net", "pre-share");
    strongswan("gwb.example.net", "gwa.example.net");
    assertTrue(weInitiate(), "ping through the tunnel we initiated; gateway log:\n" + Files.readString(gatewayLog));
    assertTrue(charonLog().contains("authentication of 'gwa.example.net' with pre-shared key successful"),
        charonLog());
    String isakmp = exec("show crypto isakmp sa");
    assertTrue(isakmp.contains(THEM), isakmp);
    clearAndSettle();

    String out = theyInitiate();
    assertTrue(out.contains("initiate completed successfully"), out);
    assertTrue(exec("show crypto isakmp sa").contains(THEM));
    assertTrue(exec("show crypto ipsec sa").contains("current_peer: " + THEM));
    clearAndSettle();
  }

  /**
   * IKEv1: {@code crypto isakmp identity hostname} (gwa.example.net) and {@code set isakmp-profile} with
   * {@code match identity host gwb.example.net}; strongSwan's IKEv1 Main Mode as gwb.example.net is accepted, the
   * same key with the ID intruder.example is refused.
   */
  @Test
  void ikev1HostIdentitiesFollowTheIsakmpProfile() throws Exception {
    apply("""
        hostname gwa
        ip domain name example.net
        crypto isakmp policy 10
         encryption aes 256
         hash sha256
         authentication pre-share
         group 14
        crypto isakmp key interop-test-psk-0123456789 address 172.31.255.2
        crypto isakmp identity hostname
        crypto isakmp profile BRANCH
         match identity host gwb.example.net
        crypto ipsec transform-set TS esp-aes 256 esp-sha256-hmac
        crypto map VPN 10 ipsec-isakmp
         set peer 172.31.255.2
         set transform-set TS
         set isakmp-profile BRANCH
         match address 101
        interface wan0
         ip address 172.31.255.1 255.255.255.252
         crypto map VPN
        interface lan0
         ip address 10.91.1.1 255.255.255.0
        access-list 101 permit ip 10.91.1.0 0.0.0.255 10.91.2.0 0.0.0.255
        end
        """);
    harness(run, PREFIX, Map.of("LOCAL_ID", "gwb.example.net", "REMOTE_ID", "gwa.example.net", "SECRET_ID_A",
        "gwa.example.net", "SECRET_ID_B", "gwb.example.net", "DPD_DELAY", "0s"), "charon-start.sh", peer,
        "ikev1-psk");
    assertTrue(weInitiate(), "ping through the IKEv1 tunnel; gateway log:\n" + Files.readString(gatewayLog));
    assertTrue(charonLog().contains("172.31.255.2[gwb.example.net]...172.31.255.1[gwa.example.net]"), charonLog());
    clearAndSettle();

    harness(run, PREFIX, Map.of("LOCAL_ID", "intruder.example", "REMOTE_ID", "gwa.example.net", "SECRET_ID_A",
        "gwa.example.net", "SECRET_ID_B", "intruder.example", "DPD_DELAY", "0s"), "charon-start.sh", peer,
        "ikev1-psk");
    assertFalse(weInitiate(), "no IKEv1 tunnel with a peer calling itself intruder.example");
    awaitFile(gatewayLog, "IKEv1: " + THEM + " identified itself as intruder.example, which crypto map VPN 10 does "
        + "not accept", 20);
    assertFalse(exec("show crypto ipsec sa").contains("current_peer: " + THEM));
  }

  @Test
  void emailIdentitiesSucceed() throws Exception {
    apply("email domain example.net", "email gwa@example.net", "pre-share");
    strongswan("vpn@example.net", "gwa@example.net");
    String out = theyInitiate();
    assertTrue(out.contains("initiate completed successfully"), out);
    assertTrue(charonLog().contains("authentication of 'gwa@example.net' with pre-shared key successful"),
        charonLog());
    assertTrue(exec("show crypto isakmp sa").contains(THEM));
    clearAndSettle();
  }
}
