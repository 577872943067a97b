package io.ipsecmesh.ike.v1;

import io.ipsecmesh.proto.sa.IsakmpCheckpoint;

/**
 * Where the IKEv1 engine's checkpoints go (scale-out): {@code ike.checkpoints}, sealed, in production. Called on
 * the engine's thread after each completed exchange, so it must not block; it owns the record (and zeroes it).
 */
public interface IsakmpCheckpointSink {

  IsakmpCheckpointSink NONE = new IsakmpCheckpointSink() {
    @Override
    public void write(IsakmpCheckpoint checkpoint) {
      checkpoint.destroy();
    }

    @Override
    public void remove(String isakmpSaId) {}
  };

  void write(IsakmpCheckpoint checkpoint);

  void remove(String isakmpSaId);
}
