package io.ipsecmesh.config.lang;

import io.ipsecmesh.proto.config.DfBit;
import io.ipsecmesh.proto.config.Fragmentation;
import io.ipsecmesh.proto.config.EzvpnAttachment;
import java.util.Locale;

/**
 * {@code interface NAME}: {@code ip address}, {@code ip mtu}, {@code crypto map}, {@code crypto ipsec df-bit}
 * (overrides the global one) and {@code crypto ipsec client ezvpn NAME inside|outside}. Everything else an
 * interface has (speed, duplex, …) is no concern of the gateway.
 */
final class InterfaceBlock implements Block {

  private final ConfigDraft.InterfaceDraft iface;
  private final CrossReferences references;

  InterfaceBlock(ConfigDraft.InterfaceDraft iface, CrossReferences references) {
    this.iface = iface;
    this.references = references;
  }

  @Override
  public String title() {
    return "interface " + iface.name;
  }

  @Override
  public boolean owns(Args a) {
    // "crypto map NAME" with one argument: the global "crypto map NAME SEQ …" has more.
    return a.startsWith("ip", "address") || a.startsWith("ip", "mtu")
        || (a.startsWith("crypto", "map") && a.size() <= 3)
        || a.startsWith("crypto", "ipsec", "df-bit")
        || a.startsWith("crypto", "ipsec", "fragmentation") || a.startsWith("crypto", "ipsec", "client", "ezvpn");
  }

  @Override
  public Block apply(Args a) {
    if (a.startsWith("ip", "address")) {
      a.skip(2).command("ip address");
      String ip = a.ipv4("address");
      String mask = a.netmask("mask");
      a.end();
      iface.ipAddress = ip;
      iface.mask = mask;
    } else if (a.startsWith("ip", "mtu")) {
      a.skip(2).command("ip mtu");
      iface.ipMtu = a.integer("bytes", 68, 9216);
      a.end();
    } else if (a.startsWith("crypto", "map")) {
      a.skip(2).command("crypto map");
      iface.cryptoMap = a.name("map name");
      a.end();
      references.add(CrossReferences.Kind.CRYPTO_MAP, iface.cryptoMap, a.lineNumber);
    } else if (a.startsWith("crypto", "ipsec", "df-bit")) {
      a.skip(3).command("crypto ipsec df-bit");
      iface.dfBit = DfBit.valueOf(a.oneOf("setting", "clear", "set", "copy").toUpperCase(Locale.ROOT));
      a.end();
    } else if (a.startsWith("crypto", "ipsec", "fragmentation")) {
      a.skip(3).command("crypto ipsec fragmentation");
      iface.fragmentation = a.oneOf("where", "before-encryption", "after-encryption").equals("before-encryption")
          ? Fragmentation.BEFORE_ENCRYPTION : Fragmentation.AFTER_ENCRYPTION;
      a.end();
    } else {
      a.skip(4).command("crypto ipsec client ezvpn");
      String name = a.name("ezvpn name");
      boolean outside = !a.hasMore() || a.oneOf("side", "inside", "outside").equals("outside");
      a.end();
      iface.ezvpn = new EzvpnAttachment(name, outside);
      references.add(CrossReferences.Kind.EZVPN, name, a.lineNumber);
    }
    return null;
  }
}
