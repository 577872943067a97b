package io.ipsecmesh.proto.config;

/**
 * A TCP/UDP port condition of an access-list entry: {@code eq P}, {@code neq P}, {@code lt P},
 * {@code gt P} or {@code range LOW HIGH}. For the single-port operators {@code low == high}.
 */
public record PortMatch(Operator operator, int low, int high) {

  public enum Operator {
    EQ, NEQ, LT, GT, RANGE;

    public String keyword() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  public boolean matches(int port) {
    return switch (operator) {
      case EQ -> port == low;
      case NEQ -> port != low;
      case LT -> port < low;
      case GT -> port > low;
      case RANGE -> port >= low && port <= high;
    };
  }

  public String text() {
    return operator == Operator.RANGE ? "range " + low + " " + high : operator.keyword() + " " + low;
  }
}
