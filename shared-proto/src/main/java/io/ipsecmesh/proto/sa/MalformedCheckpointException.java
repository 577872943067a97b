package io.ipsecmesh.proto.sa;

/**
 * A checkpoint that does not decode or does not open ({@link IkeCheckpointCodec}, {@link IsakmpCheckpointCodec});
 * the message names the field, never a value. Checked, so a reader of the cluster map cannot forget it: a
 * checkpoint is cluster input, another process wrote it.
 */
public final class MalformedCheckpointException extends Exception {
  public MalformedCheckpointException(String message) {
    super(message);
  }
}
