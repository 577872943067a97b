package io.ipsecmesh.config.store;

import io.ipsecmesh.proto.bus.ConfigMessages;
import io.ipsecmesh.proto.bus.ConfigMessages.ConfigChanged;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.Optional;
import java.util.logging.Logger;

/**
 * The one way a configuration becomes active: validate, and only when valid and different store it
 * and publish {@link ConfigChanged}. An invalid text never replaces a good configuration. Offers are
 * applied one after the other (ordered worker), so versions are published in order.
 */
public final class ConfigApplier {

  private static final Logger LOG = Logger.getLogger(ConfigApplier.class.getName());

  private final Vertx vertx;
  private final ConfigValidator validator;
  private final ConfigStore store;
  private final Listener listener;

  /** Told on the caller's context what became of each offer, after a new version was published. */
  public interface Listener {
    void applied(ActiveConfig active);

    void rejected(ApplyOutcome.Rejected rejected);
  }

  public ConfigApplier(Vertx vertx, ConfigValidator validator, ConfigStore store, Listener listener) {
    this.vertx = vertx;
    this.validator = validator;
    this.store = store;
    this.listener = listener;
  }

  /** Validates only: what {@code config check} and a dry-run API call report. */
  public Future<Validation> check(String source, String text) {
    return vertx.executeBlocking(() -> validator.validate(source, text), true);
  }

  /** @param source the file name or "api", the prefix of every diagnostic */
  public Future<ApplyOutcome> apply(String source, String text) {
    return vertx.<Applying>executeBlocking(() -> decide(source, text), true).map(a -> {
      if (a.outcome instanceof ApplyOutcome.Applied applied) {
        // the listener first: whoever hears config.changed and then asks config.get gets this version
        listener.applied(a.active);
        vertx.eventBus().publish(ConfigMessages.CONFIG_CHANGED, new ConfigChanged(applied.version(), a.active.config()));
        LOG.info(() -> "configuration version " + applied.version() + " from " + source + " is active");
        // legacy crypto allowed by crypto engine compliance shield disable is warned about on every use
        applied.warnings().stream().filter(w -> w.contains("compliance shield"))
            .forEach(w -> LOG.warning(() -> "configuration version " + applied.version() + ": " + w));
      } else if (a.outcome instanceof ApplyOutcome.Rejected rejected) {
        LOG.warning(() -> "configuration from " + source + " rejected, the active one stays:\n  "
            + String.join("\n  ", rejected.errors()));
        listener.rejected(rejected);
      }
      return a.outcome;
    });
  }

  /** The active configuration as stored in the cluster (blocking read on a worker). */
  public Future<Optional<ActiveConfig>> current() {
    return vertx.executeBlocking(store::current, true);
  }

  private Applying decide(String source, String text) {
    Validation v = validator.validate(source, text);
    if (!v.valid()) {
      return new Applying(new ApplyOutcome.Rejected(v.errors(), v.warnings()), null);
    }
    Optional<ActiveConfig> active = store.current();
    if (active.isPresent() && active.get().config().render().equals(v.config().render())) {
      return new Applying(new ApplyOutcome.Unchanged(active.get().version(), v.warnings()), active.get());
    }
    ActiveConfig stored = store.replace(v.config());
    return new Applying(new ApplyOutcome.Applied(stored.version(), v.warnings()), stored);
  }

  private record Applying(ApplyOutcome outcome, ActiveConfig active) {}
}
