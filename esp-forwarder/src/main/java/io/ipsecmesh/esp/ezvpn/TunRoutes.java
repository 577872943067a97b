package io.ipsecmesh.esp.ezvpn;

import io.ipsecmesh.esp.tun.KernelRoutes;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The split-include routes through the forwarder's TUN device ({@code ip route replace|del PREFIX dev DEV}), and a
 * network-plus remote's assigned address on it ({@code ip addr replace|del A/32 dev DEV}).
 */
public final class TunRoutes implements EasyVpnDataPath.Routes {

  private final String device;
  private final Consumer<String> log;

  public TunRoutes(String device, Consumer<String> log) {
    this.device = device;
    this.log = log;
  }

  @Override
  public void add(List<String> prefixes) {
    KernelRoutes.install(device, prefixes).forEach(log);
  }

  /** A route that is already gone (the device went down) is no failure. */
  @Override
  public void remove(List<String> prefixes) {
    for (String p : prefixes) {
      if (!ip("route", "del", p, "No such process")) {
        return;
      }
    }
  }

  @Override
  public void addAddresses(List<String> addresses) {
    for (String a : addresses) {
      if (!ip("addr", "replace", a, null)) {
        return;
      }
    }
  }

  /** An address that is already gone (the device went down) is no failure. */
  @Override
  public void removeAddresses(List<String> addresses) {
    for (String a : addresses) {
      if (!ip("addr", "del", a, "Cannot assign requested address")) {
        return;
      }
    }
  }

  /** {@code ip OBJECT VERB ARG dev DEVICE}, failures logged; false when interrupted. Blocking. */
  private boolean ip(String object, String verb, String arg, String harmless) {
    String what = "ip " + object + " " + verb + " " + arg + " dev " + device;
    try {
      Process proc = new ProcessBuilder("ip", object, verb, arg, "dev", device).redirectErrorStream(true).start();
      String out = new String(proc.getInputStream().readAllBytes()).trim();
      if (!proc.waitFor(5, TimeUnit.SECONDS)) {
        proc.destroyForcibly();
        log.accept(what + ": timed out");
      } else if (proc.exitValue() != 0 && (harmless == null || !out.contains(harmless))) {
        log.accept(what + ": " + out);
      }
      return true;
    } catch (IOException e) {
      log.accept(what + ": " + e.getMessage());
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
