package io.ipsecmesh.config.store;

/** Parses and validates IOS configuration text; {@code fileName} prefixes every diagnostic. */
@FunctionalInterface
public interface ConfigValidator {

  Validation validate(String fileName, String text);
}
