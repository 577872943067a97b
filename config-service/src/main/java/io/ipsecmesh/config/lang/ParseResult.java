package io.ipsecmesh.config.lang;

import io.ipsecmesh.proto.config.GatewayConfig;
import java.util.List;

/**
 * What {@link ConfigParser#parse} found.
 *
 * @param config   the model, or null when there is at least one error
 * @param errors   lines refused, in line order
 * @param warnings lines accepted but ignored or suspicious (unrelated IOS commands, undefined references)
 */
public record ParseResult(GatewayConfig config, List<ConfigError> errors, List<ConfigError> warnings) {
  public ParseResult {
    errors = List.copyOf(errors);
    warnings = List.copyOf(warnings);
  }

  public boolean ok() {
    return errors.isEmpty();
  }
}
