package io.ipsecmesh.config.lang;

/**
 * {@code ip access-list extended NAME}: {@code [SEQ] permit|deny …} and {@code remark} lines; and {@code ipv6
 * access-list NAME}: {@code [sequence N] permit|deny PROTOCOL {X/LEN|any|host X} [PORTS] {…} [PORTS]} and {@code
 * remark} (IOS XE's IPv6 access-list syntax, {@link AccessListEntryParser#parseIpv6}).
 */
final class AccessListBlock implements Block {

  private final ConfigDraft.AccessListDraft list;

  AccessListBlock(ConfigDraft.AccessListDraft list) {
    this.list = list;
  }

  @Override
  public String title() {
    return (list.ipv6 ? "ipv6 access-list " : "ip access-list extended ") + list.name;
  }

  @Override
  public boolean owns(Args a) {
    int first = isSequence(a.word(0)) ? 1 : list.ipv6 && a.is(0, "sequence") ? 2 : 0;
    return a.is(first, "permit") || a.is(first, "deny") || a.is(first, "remark");
  }

  @Override
  public Block apply(Args a) {
    // The sequence number only orders entries inserted later; the list keeps configuration order.
    if (isSequence(a.word(0))) {
      a.skip(1);
    } else if (list.ipv6 && a.is(0, "sequence")) {
      a.skip(1).command("sequence");
      a.number("sequence number", 1, 4_294_967_295L);
    }
    a.command(a.peek());
    list.entries.add(list.ipv6 ? AccessListEntryParser.parseIpv6(a) : AccessListEntryParser.parse(a));
    return null;
  }

  private static boolean isSequence(String w) {
    return !w.isEmpty() && w.length() <= 10 && w.chars().allMatch(Character::isDigit);
  }
}
