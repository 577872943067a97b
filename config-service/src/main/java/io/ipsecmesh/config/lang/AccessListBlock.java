package io.ipsecmesh.config.lang;

/** {@code ip access-list extended NAME}: {@code [SEQ] permit|deny …} and {@code remark} lines. */
final class AccessListBlock implements Block {

  private final ConfigDraft.AccessListDraft list;

  AccessListBlock(ConfigDraft.AccessListDraft list) {
    this.list = list;
  }

  @Override
  public String title() {
    return "ip access-list extended " + list.name;
  }

  @Override
  public boolean owns(Args a) {
    int first = isSequence(a.word(0)) ? 1 : 0;
    return a.is(first, "permit") || a.is(first, "deny") || a.is(first, "remark");
  }

  @Override
  public Block apply(Args a) {
    // The sequence number only orders entries inserted later; the list keeps configuration order.
    if (isSequence(a.word(0))) {
      a.skip(1);
    }
    a.command(a.peek());
    list.entries.add(AccessListEntryParser.parse(a));
    return null;
  }

  private static boolean isSequence(String w) {
    return !w.isEmpty() && w.length() <= 10 && w.chars().allMatch(Character::isDigit);
  }
}
