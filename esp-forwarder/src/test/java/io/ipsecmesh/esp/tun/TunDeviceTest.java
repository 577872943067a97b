package io.ipsecmesh.esp.tun;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.ipsecmesh.esp.Packets;
import io.ipsecmesh.esp.io.PacketBuffer;
import java.io.File;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real TUN interface through FFM, moved into a network namespace this test creates: {@code ping}
 * inside the namespace sends echo requests into the TUN, the test answers them by writing echo
 * replies back, so both the read loop and write are exercised end to end. Needs root.
 */
class TunDeviceTest {

  private static int run(String... cmd) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
        .start();
    if (!p.waitFor(20, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      return -1;
    }
    return p.exitValue();
  }

  @org.junit.jupiter.params.ParameterizedTest(name = "offload {0}")
  @org.junit.jupiter.params.provider.ValueSource(booleans = {false, true})
  void pingInANamespaceIsAnsweredThroughTheTun(boolean offload) throws Exception {
    assumeTrue(new File("/dev/net/tun").exists(), "no /dev/net/tun");
    assumeTrue(run("id", "-u") == 0 && ProcessHandle.current().info().user().map("root"::equals).orElse(false),
        "needs root for TUN devices and network namespaces");
    String tag = Long.toString(ProcessHandle.current().pid() % 100000);
    String ns = "esptun" + tag;
    AtomicInteger answered = new AtomicInteger();
    try (TunDevice tun = TunDevice.open("esptun" + tag, 1400, 1000, offload)) {
      assertEquals("esptun" + tag, tun.name());
      assertEquals(0, run("ip", "netns", "add", ns));
      try {
        assertEquals(0, run("ip", "link", "set", tun.name(), "netns", ns));
        assertEquals(0, run("ip", "-n", ns, "addr", "add", "10.91.250.1/30", "dev", tun.name()));
        assertEquals(0, run("ip", "-n", ns, "link", "set", tun.name(), "up"));
        PacketBuffer out = new PacketBuffer();
        tun.start((buf, off, len) -> {
          byte[] a = buf.array();
          if ((a[off] & 0xF0) != 0x40 || a[off + 9] != 1 || a[off + 20] != 8) {
            return; // only IPv4 ICMP echo requests are answered
          }
          byte[] o = out.array();
          int at = PacketBuffer.HEADROOM;
          System.arraycopy(a, off, o, at, len);
          System.arraycopy(a, off + 16, o, at + 12, 4);
          System.arraycopy(a, off + 12, o, at + 16, 4);
          o[at + 20] = 0; // echo reply
          o[at + 22] = 0;
          o[at + 23] = 0;
          int c = Packets.checksum(o, at + 20, len - 20);
          o[at + 22] = (byte) (c >>> 8);
          o[at + 23] = (byte) c;
          if (tun.write(out, at, len)) {
            answered.incrementAndGet();
          }
        });
        assertEquals(0, run("ip", "netns", "exec", ns, "ping", "-c", "2", "-W", "2", "10.91.250.2"),
            "ping through the TUN was not answered");
        assertTrue(answered.get() >= 2);
      } finally {
        run("ip", "netns", "del", ns);
      }
    }
  }
}
