package io.ipsecmesh.it.invalidspi;

import io.ipsecmesh.gateway.JvmFlags;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The gateways of the invalid-SPI scenarios: their IOS configuration and {@code ipsec-mesh run} in a namespace. */
final class InvalidSpiGateways {

  private InvalidSpiGateways() {}

  /**
   * One IKEv2 PSK crypto map (AES-GCM-128, group 19) on {@code wan0} protecting {@code lan}.0/24 to
   * {@code remoteLan}.0/24 with {@code peer}; {@code crypto isakmp invalid-spi-recovery} when {@code recovery}.
   *
   * @param header the first lines (a comment, a hostname), each ending in a newline
   */
  static String config(String header, boolean recovery, String keyringPeer, String psk, String wan, String peer,
      String lan, String remoteLan) {
    return header
        + (recovery ? "crypto isakmp invalid-spi-recovery\n" : "")
        + "crypto ikev2 proposal P\n encryption aes-gcm-128\n prf sha256\n group 19\n"
        + "crypto ikev2 policy POL\n proposal P\n"
        + "crypto ikev2 keyring KR\n peer " + keyringPeer + "\n  address " + peer + "\n  pre-shared-key " + psk + "\n"
        + "crypto ikev2 profile PROF\n match identity remote address " + peer + " 255.255.255.255\n"
        + " authentication local pre-share\n authentication remote pre-share\n keyring local KR\n"
        + "crypto ipsec transform-set TS esp-gcm 128\n"
        + "crypto map VPN 10 ipsec-isakmp\n set peer " + peer + "\n set transform-set TS\n set ikev2-profile PROF\n"
        + " match address 101\n"
        + "interface wan0\n ip address " + wan + " 255.255.255.252\n crypto map VPN\n"
        + "interface lan0\n ip address " + lan + ".1 255.255.255.0\n"
        + "access-list 101 permit ip " + lan + ".0 0.0.0.255 " + remoteLan + ".0 0.0.0.255\n"
        + "end\n";
  }

  /** {@code ipsec-mesh run} with {@code cfg} in {@code ns} (any free API and no metrics port), output to {@code log}. */
  static Process gateway(String ns, Path cfg, Path api, Path log, String... flags) throws IOException {
    List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", ns,
        ProcessHandle.current().info().command().orElse("java")));
    cmd.addAll(JvmFlags.ALL);
    cmd.addAll(List.of("-Xmx320m", "-cp", System.getProperty("java.class.path"), "io.ipsecmesh.gateway.Main", "run",
        "--config", cfg.toString(), "--api-port", "0", "--metrics-port", "0", "--api-file", api.toString()));
    cmd.addAll(List.of(flags));
    return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
  }
}
