package io.ipsecmesh.proto.sa;

/**
 * An RFC 7296 §3.13.1 traffic selector: an address range, a port range and an IP protocol
 * (0 = any). Addresses are textual IPv4/IPv6 literals.
 */
public record TrafficSelector(String startAddress, String endAddress, int protocol, int startPort, int endPort) {

  public static TrafficSelector anyPorts(String start, String end) {
    return new TrafficSelector(start, end, 0, 0, 65535);
  }
}
