package io.ipsecmesh.config.lang;

/**
 * Stands for a block whose header line was refused: its sub-commands are dropped without further
 * messages, since the error on the header already says what is wrong and one mistake should give one error.
 */
final class RefusedBlock implements Block {

  private final String title;

  RefusedBlock(String title) {
    this.title = title;
  }

  @Override
  public String title() {
    return title;
  }

  @Override
  public boolean owns(Args line) {
    return !Syntax.isGlobalCommand(line);
  }

  @Override
  public Block apply(Args line) {
    return null;
  }

  @Override
  public boolean swallowsUnknown() {
    return true;
  }
}
