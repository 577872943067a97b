package io.ipsecmesh.config.lang;

/**
 * A configuration sub-mode ({@code config-crypto-map}, {@code config-if}, …) opened by a header line
 * such as {@code crypto map green 1 ipsec-isakmp}. It recognises its own commands even when they are not
 * indented, as IOS does, so flat examples load like indented ones.
 */
interface Block {

  /** The header, for messages: "crypto map green 1". */
  String title();

  /** Whether the line is one of this sub-mode's commands. */
  boolean owns(Args line);

  /** Applies one of its commands; returns a nested sub-mode the line opens, or null. */
  Block apply(Args line);

  /** Whether lines of this block that it does not own are silently dropped (the header itself was refused). */
  default boolean swallowsUnknown() {
    return false;
  }
}
