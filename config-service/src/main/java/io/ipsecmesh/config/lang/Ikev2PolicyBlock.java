package io.ipsecmesh.config.lang;

/** {@code crypto ikev2 policy NAME}: {@code proposal NAME} (repeatable) and {@code match address local IP}. */
final class Ikev2PolicyBlock implements Block {

  private final ConfigDraft.Ikev2PolicyDraft policy;
  private final Diagnostics diagnostics;
  private final CrossReferences references;

  Ikev2PolicyBlock(ConfigDraft.Ikev2PolicyDraft policy, Diagnostics diagnostics, CrossReferences references) {
    this.policy = policy;
    this.diagnostics = diagnostics;
    this.references = references;
  }

  @Override
  public String title() {
    return "crypto ikev2 policy " + policy.name;
  }

  @Override
  public boolean owns(Args a) {
    return a.is(0, "proposal") || a.is(0, "match");
  }

  @Override
  public Block apply(Args a) {
    if (a.is(0, "proposal")) {
      a.skip(1).command("proposal");
      String name = a.name("proposal name");
      a.end();
      if (!policy.proposals.contains(name)) {
        policy.proposals.add(name);
      }
      references.add(CrossReferences.Kind.IKEV2_PROPOSAL, name, a.lineNumber);
      return null;
    }
    if (a.startsWith("match", "address", "local")) {
      a.skip(3).command("match address local");
      String ip = a.ipv4("address");
      a.end();
      if (!policy.matchAddressLocal.contains(ip)) {
        policy.matchAddressLocal.add(ip);
      }
      return null;
    }
    diagnostics.warn(a.lineNumber, a.summary() + " is not used by this gateway; ignored");
    return null;
  }
}
