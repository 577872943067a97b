package io.ipsecmesh.esp;

import io.ipsecmesh.esp.fwd.DataPathWarmup;
import io.ipsecmesh.esp.fwd.ManualSequenceFile;
import io.ipsecmesh.esp.fwd.PuntRateLimiter;
import io.ipsecmesh.esp.iface.InterfaceMap;
import io.ipsecmesh.esp.qos.Dscp;
import io.ipsecmesh.esp.qos.LlqCryptoQueue;
import io.ipsecmesh.esp.spd.Ip128;
import io.ipsecmesh.esp.tun.UdpInnerPort;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Deployment settings of the esp-forwarder (the verticle's config JSON, or the {@code --name value} flags
 * of {@code ipsec-mesh run} and {@code io.ipsecmesh.esp.Main}), read and checked once at start: a bad value
 * stops the forwarder with the option's name in the error. IOS has no command for any of them (the seed's
 * commands arrive with the configuration); they are this host's: its sockets, its TUN, its interface names.
 *
 * @param forwarderId      this forwarder's name in metrics and bus messages (default {@code HOST/PID})
 * @param bind             the UDP 4500 socket ({@code bindAddress}, default 0.0.0.0; {@code port}, default 4500, 0 = any)
 * @param innerPort        {@code auto} (TUN when permitted, else none), {@code tun}, {@code udp}, {@code none}
 * @param innerUdpBind     {@code udp} only: HOST:PORT of the {@link UdpInnerPort}
 * @param innerUdpPeer     {@code udp} only: HOST:PORT decapsulated packets go to
 * @param tunName          {@code ipsec0}
 * @param tunMtu           1400 (68-65535)
 * @param tunTxQueueLen    2000
 * @param tunOffload       true: TSO super-packets from the TUN
 * @param routes           true: route the crypto ACLs' destinations into the TUN
 * @param udpGro           default: on with computed checksums, off with zero ones. On, the socket reads one
 *                         coalesced datagram per {@code recvmsg} with its segment size ({@link
 *                         io.ipsecmesh.esp.io.UdpEncapSocket}): a peer's UDP GSO batch (or what the NIC's GRO joined)
 *                         arrives whole, ~45 ESP packets per system call. Zero-checksum datagrams are never
 *                         coalesced (the kernel's UDP GRO, like its GSO, wants a checksum), so with them GRO would
 *                         only trade {@code recvmmsg} batches of 32 for one datagram per {@code recvmsg}
 * @param zeroUdpChecksum  {@code udpChecksum} zero (default; the seed's IPsec NAT Transparency, "the checksum
 *                         value is always assigned to zero", RFC 3948 §2.1) or computed
 * @param udpGso           true: with computed checksums, batch by UDP GSO
 * @param rawEsp           {@code auto} (open IP protocol 50 when permitted), {@code on} (must open), {@code off}
 * @param ikePuntPerSource IKE datagrams on UDP 4500 punted to ike-service a second per source (100)
 * @param ikePuntGlobal    the same from all sources (10 000)
 * @param llqPriorityDscp  the DSCPs of the LLQ priority class in front of the encryption stage, null = no LLQ
 * @param llqPriorityQueue priority ring slots (256, a power of two)
 * @param llqBulkQueue     bulk ring slots (2048, a power of two)
 * @param accessCheck      the crypto access check on clear-text packets; null = on where the forwarder owns a TUN
 * @param interfaceMap     {@code IOS=HOST,…}: the host interface of each IOS interface
 * @param stateDir         where the sequence high-water marks of manual SAs are kept ({@link ManualSequenceFile})
 * @param bind6            the IPv6 UDP socket of IPv6 peers ({@code bindAddress6}, IPv6 only, on the same port;
 *                         default {@code ::} when {@code bindAddress} is {@code 0.0.0.0}, else none); null
 *                         ({@code bindAddress6 none}, or {@code bindAddress} itself IPv6, which then serves both
 *                         families) for none
 * @param warmupPackets    throwaway packets per transform sent through the packet path over loopback at start
 *                         ({@link DataPathWarmup}, where the forwarder owns a TUN), so that the JIT has compiled it
 *                         before the first real packet; 0 = none
 */
public record EspForwarderSettings(String forwarderId, InetSocketAddress bind, InnerPort innerPort,
    String innerUdpBind, String innerUdpPeer, String tunName, int tunMtu, int tunTxQueueLen, boolean tunOffload,
    boolean routes, boolean udpGro, boolean zeroUdpChecksum, boolean udpGso, RawEsp rawEsp, int ikePuntPerSource,
    int ikePuntGlobal, int[] llqPriorityDscp, int llqPriorityQueue, int llqBulkQueue, Boolean accessCheck,
    InterfaceMap interfaceMap, Path stateDir, InetSocketAddress bind6, int warmupPackets) {

  /** The forwarder's inner side. */
  public enum InnerPort { AUTO, TUN, UDP, NONE }

  /** The raw ESP socket for SAs without UDP encapsulation. */
  public enum RawEsp { AUTO, ON, OFF }

  public EspForwarderSettings {
    if (tunMtu < 68 || tunMtu > 65535) {
      throw new IllegalArgumentException("tunMtu must be 68-65535 (RFC 791: every IPv4 link carries 68), got " + tunMtu);
    }
    if (tunTxQueueLen < 1) {
      throw new IllegalArgumentException("tunTxQueueLen must be at least 1, got " + tunTxQueueLen);
    }
    if (innerPort == InnerPort.UDP && (innerUdpBind == null || innerUdpPeer == null)) {
      throw new IllegalArgumentException("innerPort udp needs innerUdpBind HOST:PORT and innerUdpPeer HOST:PORT");
    }
    PuntRateLimiter.checkRates(ikePuntPerSource, ikePuntGlobal);
    for (int q : new int[] {llqPriorityQueue, llqBulkQueue}) {
      if (q < 1 || Integer.bitCount(q) != 1) {
        throw new IllegalArgumentException("llqPriorityQueue and llqBulkQueue must be powers of two, got " + q);
      }
    }
    llqPriorityDscp = llqPriorityDscp == null ? null : llqPriorityDscp.clone();
    if (warmupPackets < 0) {
      throw new IllegalArgumentException("warmupPackets must be 0 (none) or more, got " + warmupPackets);
    }
  }

  /** Reads the deployment config; numbers and booleans may come typed (JSON) or as text (flags). */
  public static EspForwarderSettings from(JsonObject config) {
    JsonObject c = config == null ? new JsonObject() : config;
    String llq = text(c, "llqPriorityDscp", null);
    return new EspForwarderSettings(
        text(c, "forwarderId", hostName() + "/" + ProcessHandle.current().pid()),
        new InetSocketAddress(Ip128.literal(text(c, "bindAddress", "0.0.0.0")), port(c)),
        choice(c, "innerPort", InnerPort.AUTO),
        text(c, "innerUdpBind", null), text(c, "innerUdpPeer", null),
        text(c, "tunName", "ipsec0"), integer(c, "tunMtu", 1400), integer(c, "tunTxQueueLen", 2000),
        bool(c, "tunOffload", true), bool(c, "routes", true),
        bool(c, "udpGro", !zeroChecksum(text(c, "udpChecksum", "zero"))),
        zeroChecksum(text(c, "udpChecksum", "zero")), bool(c, "udpGso", true),
        choice(c, "rawEsp", RawEsp.AUTO),
        integer(c, "ikePuntPerSource", PuntRateLimiter.DEFAULT_PER_SOURCE),
        integer(c, "ikePuntGlobal", PuntRateLimiter.DEFAULT_GLOBAL),
        llq == null ? null : Dscp.parseList(llq),
        integer(c, "llqPriorityQueue", 256), integer(c, "llqBulkQueue", 2048),
        c.getValue("accessCheck") == null ? null : bool(c, "accessCheck", false),
        InterfaceMap.parse(text(c, "interfaceMap", null)),
        Path.of(text(c, "stateDir", System.getProperty("user.home") + "/.ipsec-mesh/state")), bind6(c),
        integer(c, "warmupPackets", DataPathWarmup.DEFAULT_PACKETS));
  }

  /**
   * The IPv6 socket beside an IPv4 {@code bindAddress}: IPv6 peers (RFC 8200 outer headers) get their own socket,
   * bound IPv6-only so IPv4 packets keep arriving at the IPv4 one.
   */
  private static InetSocketAddress bind6(JsonObject c) {
    String v4 = text(c, "bindAddress", "0.0.0.0");
    // beside the IPv4 wildcard the IPv6 wildcard; beside one IPv4 address none unless asked for (several forwarders
    // on one host each bind their own address, and must not share one IPv6 wildcard socket)
    String v6 = text(c, "bindAddress6", Ip128.literal(v4).isAnyLocalAddress() ? "::" : "none");
    if (v4.indexOf(':') >= 0 || "none".equalsIgnoreCase(v6)) {
      return null;
    }
    java.net.InetAddress a = Ip128.literal(v6);
    if (!(a instanceof java.net.Inet6Address)) {
      throw new IllegalArgumentException("bindAddress6 must be an IPv6 address or none, got '" + v6 + "'");
    }
    return new InetSocketAddress(a, port(c));
  }

  /** The default forwarder settings (no deployment config). */
  public static EspForwarderSettings defaults() {
    return from(new JsonObject());
  }

  @Override
  public int[] llqPriorityDscp() {
    return llqPriorityDscp == null ? null : llqPriorityDscp.clone();
  }

  /** The size of an LLQ ring slot: the largest inner packet it queues. */
  public int llqSlotPacket() {
    return LlqCryptoQueue.DEFAULT_SLOT_PACKET;
  }

  private static boolean zeroChecksum(String mode) {
    return switch (mode) {
      case "zero" -> true;
      case "computed" -> false;
      default -> throw new IllegalArgumentException("udpChecksum must be zero or computed, got '" + mode + "'");
    };
  }

  private static <E extends Enum<E>> E choice(JsonObject c, String key, E dflt) {
    String v = text(c, key, dflt.name());
    for (E e : dflt.getDeclaringClass().getEnumConstants()) {
      if (e.name().equalsIgnoreCase(v)) {
        return e;
      }
    }
    StringBuilder allowed = new StringBuilder();
    for (E e : dflt.getDeclaringClass().getEnumConstants()) {
      allowed.append(allowed.isEmpty() ? "" : "|").append(e.name().toLowerCase(Locale.ROOT));
    }
    throw new IllegalArgumentException(key + " must be " + allowed + ", got '" + v + "'");
  }

  private static int port(JsonObject c) {
    int port = integer(c, "port", 4500);
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port must be 0-65535, got " + port);
    }
    return port;
  }

  private static int integer(JsonObject c, String key, int dflt) {
    String v = text(c, key, null);
    if (v == null) {
      return dflt;
    }
    try {
      return Integer.parseInt(v.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(key + " must be a whole number, got '" + v + "'");
    }
  }

  private static boolean bool(JsonObject c, String key, boolean dflt) {
    String v = text(c, key, null);
    if (v == null) {
      return dflt;
    }
    return switch (v.trim().toLowerCase(Locale.ROOT)) {
      case "true" -> true;
      case "false" -> false;
      default -> throw new IllegalArgumentException(key + " must be true or false, got '" + v + "'");
    };
  }

  /** A text option; command-line flags arrive typed (a numeric id is an Integer), so any value is read as text. */
  private static String text(JsonObject c, String key, String dflt) {
    Object v = c.getValue(key);
    return v == null ? dflt : String.valueOf(v);
  }

  private static String hostName() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      return "esp-forwarder";
    }
  }
}
