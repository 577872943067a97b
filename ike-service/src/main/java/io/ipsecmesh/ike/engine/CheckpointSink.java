package io.ipsecmesh.ike.engine;

import io.ipsecmesh.proto.sa.IkeCheckpoint;

/**
 * Where the engine puts the state of its established IKE SAs after every completed exchange, so another
 * ike-service can continue them ({@link IkeEngine#adopt}): the verticle's adapter seals it into
 * {@code ike.checkpoints}; tests keep it in memory. Called on the engine's thread; must not block it.
 */
public interface CheckpointSink {

  /** The IKE SA's state after an exchange; the sink owns {@code checkpoint} and zeroes its keys when done. */
  void write(IkeCheckpoint checkpoint);

  /** The IKE SA is deleted: its checkpoint goes (never adopted afterwards). */
  void remove(String ikeSaId);

  /**
   * Runs {@code send} once every checkpoint written so far is stored — write-ahead: a response leaves only after
   * the state it moves the SA to is in the cluster, so an owner killed right after answering never leaves an
   * adopter one exchange behind the peer. Now, for a sink that stores synchronously (tests, none).
   */
  default void afterStored(Runnable send) {
    send.run();
  }

  /** No checkpoints (a single ike-service). */
  CheckpointSink NONE = new CheckpointSink() {
    @Override
    public void write(IkeCheckpoint checkpoint) {
      checkpoint.destroy();
    }

    @Override
    public void remove(String ikeSaId) {}
  };
}
