package io.ipsecmesh.config.store;

import java.util.List;

/** What became of a configuration text offered by the file watcher or the API. */
public sealed interface ApplyOutcome {

  List<String> warnings();

  /** Valid and different from the active one: stored and published as {@code version}. */
  record Applied(long version, List<String> warnings) implements ApplyOutcome {}

  /** Valid and equal (as running-config) to the active one: nothing published. */
  record Unchanged(long version, List<String> warnings) implements ApplyOutcome {}

  /** Invalid: the active configuration stays in force. */
  record Rejected(List<String> errors, List<String> warnings) implements ApplyOutcome {}
}
