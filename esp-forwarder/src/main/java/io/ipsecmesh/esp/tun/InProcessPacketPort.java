package io.ipsecmesh.esp.tun;

import io.ipsecmesh.esp.io.PacketBuffer;
import java.util.Arrays;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A {@link PacketPort} inside the JVM: tests inject inner packets (delivered synchronously on the
 * injecting thread, like a TUN read) and collect what the forwarder writes to the inner side. Needs
 * no root and no kernel device.
 */
public final class InProcessPacketPort implements PacketPort {

  private final String name;
  private final PacketBuffer rx = new PacketBuffer();
  private final LinkedBlockingQueue<byte[]> written = new LinkedBlockingQueue<>();
  private volatile InnerPacketHandler handler;

  public InProcessPacketPort(String name) {
    this.name = name;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public void start(InnerPacketHandler handler) {
    this.handler = handler;
  }

  /** Plays an inner packet arriving from the LAN. */
  public synchronized void inject(byte[] packet) {
    InnerPacketHandler h = handler;
    if (h == null) {
      throw new IllegalStateException("port not started");
    }
    System.arraycopy(packet, 0, rx.array(), PacketBuffer.HEADROOM, packet.length);
    h.onInnerPacket(rx, PacketBuffer.HEADROOM, packet.length);
    h.onBatchEnd();
  }

  @Override
  public boolean write(PacketBuffer buf, int off, int len) {
    written.add(Arrays.copyOfRange(buf.array(), off, off + len));
    return true;
  }

  /** The next packet the forwarder wrote to the inner side, or null after {@code timeoutMillis}. */
  public byte[] poll(long timeoutMillis) throws InterruptedException {
    return written.poll(timeoutMillis, TimeUnit.MILLISECONDS);
  }

  public int pending() {
    return written.size();
  }

  @Override
  public void close() {
    handler = null;
  }
}
