package io.ipsecmesh.config.store;

import io.ipsecmesh.proto.config.GatewayConfig;
import java.util.List;

/**
 * A configuration text as the IOS parser judged it: the model when valid, else the errors. Every
 * diagnostic reads {@code FILE:LINE: message}, the form {@code config check} and the API print.
 */
public record Validation(GatewayConfig config, List<String> errors, List<String> warnings) {

  public Validation {
    errors = List.copyOf(errors);
    warnings = List.copyOf(warnings);
  }

  public boolean valid() {
    return config != null && errors.isEmpty();
  }
}
