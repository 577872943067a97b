package io.ipsecmesh.esp.ezvpn;

import io.ipsecmesh.esp.tun.KernelRoutes;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/** The split-include routes through the forwarder's TUN device ({@code ip route replace|del PREFIX dev DEV}). */
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
      try {
        Process proc = new ProcessBuilder("ip", "route", "del", p, "dev", device).redirectErrorStream(true).start();
        String out = new String(proc.getInputStream().readAllBytes()).trim();
        if (!proc.waitFor(5, TimeUnit.SECONDS)) {
          proc.destroyForcibly();
          log.accept("ip route del " + p + " dev " + device + ": timed out");
        } else if (proc.exitValue() != 0 && !out.contains("No such process")) {
          log.accept("ip route del " + p + " dev " + device + ": " + out);
        }
      } catch (IOException e) {
        log.accept("ip route del " + p + " dev " + device + ": " + e.getMessage());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }
}
