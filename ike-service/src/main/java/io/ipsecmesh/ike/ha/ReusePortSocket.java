package io.ipsecmesh.ike.ha;

import io.vertx.core.Context;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * UDP 500 shared by every ike-service process on the host: a datagram channel bound with SO_REUSEPORT (Linux
 * spreads the peers over the sockets by 4-tuple hash; Vert.x's JDK transport does not set the option, hence a
 * channel of our own). A virtual thread receives and hands each datagram to the verticle's context; at most
 * {@link #MAX_PENDING} wait there, more are dropped and counted (a flood must not grow the event loop's queue).
 */
public final class ReusePortSocket implements AutoCloseable {

  public static final int MAX_PENDING = 4096;
  private static final int MAX_DATAGRAM = 65_535;
  private static final System.Logger LOG = System.getLogger("io.ipsecmesh.ike");

  /** One datagram as received: sender and bytes. */
  public interface Receiver {
    void received(String senderAddress, int senderPort, byte[] data);
  }

  private final DatagramChannel channel;
  private final AtomicInteger pending = new AtomicInteger();
  private final AtomicLong dropped = new AtomicLong();
  private volatile boolean closed;

  private ReusePortSocket(DatagramChannel channel) {
    this.channel = channel;
  }

  public static ReusePortSocket bind(String address, int port, Context context, Receiver receiver) throws IOException {
    DatagramChannel ch = DatagramChannel.open();
    try {
      ch.setOption(StandardSocketOptions.SO_REUSEPORT, true);
      ch.setOption(StandardSocketOptions.SO_REUSEADDR, true);
      ch.setOption(StandardSocketOptions.SO_RCVBUF, io.ipsecmesh.ike.IkeVerticle.RECEIVE_BUFFER_BYTES);
      ch.bind(new InetSocketAddress(address, port));
    } catch (IOException | RuntimeException e) {
      ch.close();
      throw e;
    }
    ReusePortSocket s = new ReusePortSocket(ch);
    Thread.ofVirtual().name("ike-udp-" + port).start(() -> s.receiveLoop(context, receiver));
    return s;
  }

  private void receiveLoop(Context context, Receiver receiver) {
    ByteBuffer buf = ByteBuffer.allocate(MAX_DATAGRAM);
    while (!closed) {
      try {
        buf.clear();
        InetSocketAddress from = (InetSocketAddress) channel.receive(buf);
        if (from == null) {
          continue;
        }
        buf.flip();
        byte[] data = new byte[buf.remaining()];
        buf.get(data);
        if (pending.incrementAndGet() > MAX_PENDING) {
          pending.decrementAndGet();
          dropped.incrementAndGet();
          continue;
        }
        String host = from.getAddress().getHostAddress();
        int port = from.getPort();
        context.runOnContext(v -> {
          pending.decrementAndGet();
          try {
            receiver.received(host, port, data);
          } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "ike-service: datagram from " + host + " failed: " + e);
          }
        });
      } catch (ClosedChannelException e) {
        return;
      } catch (IOException | RuntimeException e) {
        if (!closed) {
          LOG.log(System.Logger.Level.WARNING, "ike-service: UDP receive failed: " + e);
        }
      }
    }
  }

  /** Sends from the shared port (UDP: never blocks for long); a failure is logged, never thrown. */
  public void send(byte[] data, String address, int port) {
    try {
      channel.send(ByteBuffer.wrap(data), new InetSocketAddress(address, port));
    } catch (IOException | RuntimeException e) {
      LOG.log(System.Logger.Level.WARNING, "ike-service: send to " + address + ":" + port + " failed: " + e);
    }
  }

  /** Datagrams dropped because the event loop was behind by {@link #MAX_PENDING}. */
  public long dropped() {
    return dropped.get();
  }

  @Override
  public void close() {
    closed = true;
    try {
      channel.close();
    } catch (IOException ignored) {
      // closing: nothing to do
    }
  }
}
