package io.ipsecmesh.config.store;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.file.FileProps;
import java.util.logging.Logger;

/**
 * Live reload from the configuration file: a periodic stat (modification time and size), and on a
 * change the text goes through {@link ConfigApplier}. Polling rather than inotify because it works
 * the same on bind mounts, NFS and editors that replace the file by rename. A change is read only
 * once two polls in a row see the same stamp, so a file caught half-written (or truncated to empty
 * by an editor that rewrites in place) is never applied.
 */
public final class ConfigFileWatcher {

  private static final Logger LOG = Logger.getLogger(ConfigFileWatcher.class.getName());

  private final Vertx vertx;
  private final String path;
  private final ConfigApplier applier;
  private long timerId = -1;
  private Stamp seen;
  private Stamp pending;
  private boolean busy;

  public ConfigFileWatcher(Vertx vertx, String path, ConfigApplier applier) {
    this.vertx = vertx;
    this.path = path;
    this.applier = applier;
  }

  /** Loads the file once now; the returned future carries that first outcome. */
  public Future<ApplyOutcome> start(long intervalMillis) {
    Future<ApplyOutcome> first = load();
    timerId = vertx.setPeriodic(intervalMillis, id -> poll());
    return first;
  }

  public void stop() {
    if (timerId >= 0) {
      vertx.cancelTimer(timerId);
    }
  }

  private void poll() {
    if (busy) {
      return;
    }
    busy = true;
    vertx.fileSystem().props(path)
        .compose(props -> {
          Stamp stamp = Stamp.of(props);
          if (stamp.equals(seen)) {
            return Future.succeededFuture();
          }
          if (!stamp.equals(pending)) {
            pending = stamp;
            return Future.succeededFuture();
          }
          return load().mapEmpty();
        })
        .onFailure(err -> LOG.warning(() -> "cannot read configuration file " + path + ": " + err.getMessage()))
        .onComplete(ignored -> busy = false);
  }

  private Future<ApplyOutcome> load() {
    return vertx.fileSystem().props(path).compose(props -> {
      Stamp stamp = Stamp.of(props);
      return vertx.fileSystem().readFile(path).compose(buffer -> {
        // remembered before applying: a rejected file is not re-validated every second, only when edited again
        seen = stamp;
        return applier.apply(path, buffer.toString(java.nio.charset.StandardCharsets.UTF_8));
      });
    });
  }

  private record Stamp(long modified, long size) {
    static Stamp of(FileProps p) {
      return new Stamp(p.lastModifiedTime(), p.size());
    }
  }
}
