package io.ipsecmesh.config.store;

import io.ipsecmesh.config.lang.ConfigError;
import io.ipsecmesh.config.lang.ConfigParser;
import io.ipsecmesh.config.lang.ParseResult;

/**
 * The IOS configuration language of {@code config.lang} as the store's validator; diagnostics in the
 * form {@code config check} prints ({@code FILE:LINE: message}, {@code FILE:LINE: warning: message}).
 */
public final class IosConfigValidator implements ConfigValidator {

  @Override
  public Validation validate(String fileName, String text) {
    ParseResult r = ConfigParser.parse(fileName, text);
    return new Validation(r.ok() ? r.config() : null,
        r.errors().stream().map(ConfigError::toString).toList(),
        r.warnings().stream().map(w -> w.file() + ":" + w.line() + ": warning: " + w.message()).toList());
  }
}
