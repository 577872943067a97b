package io.ipsecmesh.ike;

import io.ipsecmesh.proto.bus.IkeMessages;
import io.ipsecmesh.proto.config.GatewayConfig;
import io.ipsecmesh.proto.config.InterfaceConfig;
import io.ipsecmesh.proto.config.Ipv6;
import io.ipsecmesh.proto.esp.UdpEncapClassifier;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.datagram.DatagramSocket;
import io.vertx.core.datagram.DatagramSocketOptions;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * ike-service's UDP sockets on the gateway's IPv6 addresses: one on port 500 (and, when ike-service owns its 4500,
 * one on 4500) bound to the {@code ipv6 address} of every interface that carries an {@code ipv6 crypto map}, opened
 * and closed as configurations come and go. Each is bound to its own address, not to {@code ::}, so the address a
 * datagram came to is known — NAT_DETECTION_DESTINATION_IP (RFC 7296 §2.23) and the Child SA's local address depend
 * on it — and so the IPv4 socket on {@code 0.0.0.0:500} and the forwarder's 4500 socket are left alone. A datagram
 * goes out of the socket of its SA's local address. Addresses are RFC 5952 text on both sides, so an SA found by
 * peer address matches the configuration's {@code set peer}.
 */
final class Ipv6Sockets {

  private static final System.Logger LOG = System.getLogger("io.ipsecmesh.ike");
  private static final byte[] NON_ESP_MARKER = new byte[4];

  private final Vertx vertx;
  private final int ikePort;
  private final int nattPort;
  private final boolean ownNatt;
  private final Consumer<IkeMessages.IkeDatagram> receiver;
  /** Open sockets by "address port". */
  private final Map<String, DatagramSocket> sockets = new HashMap<>();

  Ipv6Sockets(Vertx vertx, int ikePort, int nattPort, boolean ownNatt, Consumer<IkeMessages.IkeDatagram> receiver) {
    this.vertx = vertx;
    this.ikePort = ikePort;
    this.nattPort = nattPort;
    this.ownNatt = ownNatt;
    this.receiver = receiver;
  }

  /**
   * The IPv6 addresses IKE must listen on: those of interfaces with an {@code ipv6 crypto map}, and the tunnel
   * sources of {@code tunnel mode ipsec ipv6} interfaces.
   */
  static Set<String> addresses(GatewayConfig config) {
    Set<String> out = new LinkedHashSet<>();
    for (InterfaceConfig i : config.interfaces()) {
      String a = i.ipv6AddressOnly();
      if (i.ipv6CryptoMap() != null && a != null && Ipv6.isAddress(a)) {
        out.add(Ipv6.canonical(a));
      }
    }
    // the tunnel source of each tunnel mode ipsec ipv6 interface: its IKE runs over IPv6 from there
    for (InterfaceConfig t : config.ipsecTunnels()) {
      String a = t.tunnel().carriesIpv6() ? config.tunnelSourceAddress(t) : null;
      if (a != null && Ipv6.isAddress(a)) {
        out.add(Ipv6.canonical(a));
      }
    }
    return out;
  }

  /** Opens the sockets of new addresses and closes those of addresses gone from the configuration. */
  void update(Set<String> addresses) {
    Set<String> wanted = new LinkedHashSet<>();
    for (String a : addresses) {
      wanted.add(a + " " + ikePort);
      if (ownNatt) {
        wanted.add(a + " " + nattPort);
      }
    }
    sockets.entrySet().removeIf(e -> {
      if (!wanted.contains(e.getKey())) {
        e.getValue().close();
        LOG.log(System.Logger.Level.INFO, "ike-service: closed IPv6 socket " + e.getKey());
        return true;
      }
      return false;
    });
    for (String key : wanted) {
      if (!sockets.containsKey(key)) {
        String address = key.substring(0, key.indexOf(' '));
        int port = Integer.parseInt(key.substring(key.indexOf(' ') + 1));
        open(key, address, port);
      }
    }
  }

  private void open(String key, String address, int port) {
    DatagramSocket s = vertx.createDatagramSocket(new DatagramSocketOptions().setIpV6(true)
        .setReceiveBufferSize(IkeVerticle.RECEIVE_BUFFER_BYTES));
    boolean natt = port == nattPort && port != ikePort;
    s.handler(p -> {
      byte[] data = p.data().getBytes();
      if (natt) {
        // RFC 3948 §2.2: IKE on 4500 follows the non-ESP marker; ESP and keepalives are not ours
        data = UdpEncapClassifier.ikeMessage(data);
        if (data == null) {
          return;
        }
      }
      String peer = Ipv6.canonical(stripZone(p.sender().hostAddress()));
      if (peer != null) {
        receiver.accept(new IkeMessages.IkeDatagram(address, port, peer, p.sender().port(), data));
      }
    });
    sockets.put(key, s);
    s.listen(port, address).onSuccess(x -> LOG.log(System.Logger.Level.INFO,
        "ike-service listening on [" + address + "]:" + port)).onFailure(e -> {
          LOG.log(System.Logger.Level.WARNING, "ike-service: cannot listen on [" + address + "]:" + port + ": " + e);
          sockets.remove(key, s);
        });
  }

  /**
   * Sends {@code message} from {@code [localAddress]:localPort}; false when no IPv6 socket of that address and port
   * is open here (4500 then belongs to the forwarder).
   */
  boolean send(String localAddress, int localPort, String peerAddress, int peerPort, byte[] message) {
    DatagramSocket s = sockets.get(Ipv6.canonical(localAddress) + " " + localPort);
    if (s == null) {
      return false;
    }
    Buffer b = localPort == nattPort && nattPort != ikePort ? Buffer.buffer(NON_ESP_MARKER).appendBytes(message)
        : Buffer.buffer(message);
    s.send(b, peerPort, peerAddress);
    return true;
  }

  void close() {
    sockets.values().forEach(DatagramSocket::close);
    sockets.clear();
  }

  /** {@code fe80::1%eth0} → {@code fe80::1}: a zone never reaches the configuration's text. */
  static String stripZone(String host) {
    int pct = host.indexOf('%');
    return pct < 0 ? host : host.substring(0, pct);
  }
}
