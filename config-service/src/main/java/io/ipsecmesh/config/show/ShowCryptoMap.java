package io.ipsecmesh.config.show;

import io.ipsecmesh.proto.config.AccessList;
import io.ipsecmesh.proto.config.CryptoMapEntry;
import io.ipsecmesh.proto.config.GatewayConfig;
import io.ipsecmesh.proto.config.InterfaceConfig;
import io.ipsecmesh.proto.config.RunningConfigWriter;
import io.ipsecmesh.proto.config.SaSettings;
import io.ipsecmesh.proto.config.TransformSet;
import io.ipsecmesh.proto.sa.ChildSa;
import java.util.List;

/**
 * {@code show crypto map [tag NAME]} and {@code show crypto dynamic-map [tag NAME]} in IOS's layout: per entry its
 * peers as configured — a {@code set peer} host name as the name, with {@code dynamic} when it is resolved at each
 * attempt — the access list, the peer of its live SAs ({@code Current peer}), lifetimes, PFS and transform sets; an
 * entry that stands for a dynamic crypto map shows its template tag; then the interfaces using the map.
 */
public final class ShowCryptoMap {

  private ShowCryptoMap() {}

  /** @param tag only this map, or null for all */
  public static String render(GatewayConfig config, List<ChildSa> childSas, String tag, boolean dynamic) {
    StringBuilder out = new StringBuilder();
    List<CryptoMapEntry> entries = dynamic ? config.dynamicMaps() : config.cryptoMaps();
    for (CryptoMapEntry e : entries) {
      if (tag != null && !e.name().equals(tag)) {
        continue;
      }
      out.append(dynamic ? "Crypto Map Template\"" : "Crypto Map \"").append(e.name()).append("\" ").append(e.seq())
          .append(dynamic ? "\n" : " " + e.keying().keyword() + "\n");
      if (e.dynamicMap() != null) {
        out.append("\tDynamic map template tag: ").append(e.dynamicMap()).append('\n');
      }
      for (String p : e.peers()) {
        out.append("\tPeer = ").append(p).append(e.dynamicPeer(p) ? " (dynamic)" : "").append('\n');
      }
      if (e.matchAddress() != null) {
        AccessList acl = config.accessList(e.matchAddress());
        out.append("\tExtended IP access list ").append(e.matchAddress()).append('\n');
        if (acl != null) {
          acl.entries().forEach(ace -> out.append("\t    access-list ").append(acl.name()).append(' ')
              .append(RunningConfigWriter.entry(ace)).append('\n'));
        }
      }
      if (e.dynamicMap() == null) {
        childSas.stream().filter(sa -> sa.cryptoMap().equals(e.name()) && sa.mapSequence() == e.seq()).findFirst()
            .ifPresent(sa -> out.append("\tCurrent peer: ").append(sa.peerAddress()).append('\n'));
        SaSettings sa = config.effectiveSa(e);
        out.append("\tSecurity association lifetime: ").append(sa.lifetimeKilobytes() == null
            ? SaSettings.DEFAULT_LIFETIME_KILOBYTES : sa.lifetimeKilobytes()).append(" kilobytes/")
            .append(sa.lifetimeSeconds() == null ? SaSettings.DEFAULT_LIFETIME_SECONDS : sa.lifetimeSeconds())
            .append(" seconds\n");
        out.append("\tResponder-Only (Y/N): N\n");
        out.append("\tPFS (Y/N): ").append(e.pfsGroup() == null ? "N" : "Y").append('\n');
        if (e.pfsGroup() != null) {
          out.append("\tDH group:  group").append(e.pfsGroup()).append('\n');
        }
        out.append("\tTransform sets={ \n");
        for (String name : e.transformSets()) {
          TransformSet t = config.transformSet(name);
          out.append("\t\t").append(name).append(":  { ").append(t == null ? "" : t.transform().iosName + " ")
              .append(" } , \n");
        }
        out.append("\t}\n");
      }
      if (!dynamic) {
        List<InterfaceConfig> itfs = config.interfacesWithCryptoMap(e.name());
        if (!itfs.isEmpty()) {
          out.append("\tInterfaces using crypto map ").append(e.name()).append(":\n");
          itfs.forEach(i -> out.append("\t\t").append(i.name()).append('\n'));
        }
      }
      out.append('\n');
    }
    return out.toString();
  }
}
