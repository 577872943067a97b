package io.ipsecmesh.proto.bus;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageCodec;
import io.vertx.core.json.JsonObject;

/**
 * Event-bus codec for one message record: local delivery passes the (immutable) record itself,
 * clustered delivery writes it as length-prefixed JSON through {@link RecordJson}.
 *
 * <p>The wire comes from another cluster member, which may run another version or be hostile:
 * {@link #decodeFromWire} refuses malformed input only with {@link io.vertx.core.json.DecodeException}
 * (not JSON) or {@link IllegalArgumentException} (length prefix outside the buffer, JSON of the wrong
 * shape), never with another exception (fuzzed by {@code RecordCodecFuzzTest}).
 */
public final class RecordCodec<T extends Record> implements MessageCodec<T, T> {

  private final Class<T> type;

  public RecordCodec(Class<T> type) {
    this.type = type;
  }

  @Override
  public void encodeToWire(Buffer buffer, T record) {
    Buffer json = RecordJson.toJson(record).toBuffer();
    buffer.appendInt(json.length()).appendBuffer(json);
  }

  @Override
  public T decodeFromWire(int pos, Buffer buffer) {
    // the length prefix is the sender's word: check it against what arrived before slicing
    if (pos < 0 || buffer.length() - pos < 4) {
      throw new IllegalArgumentException(name() + ": " + Math.max(0, buffer.length() - pos)
          + " bytes, shorter than the 4-byte length prefix");
    }
    int len = buffer.getInt(pos);
    if (len < 0 || len > buffer.length() - pos - 4) {
      throw new IllegalArgumentException(name() + ": length prefix " + len + " but " + (buffer.length() - pos - 4)
          + " bytes follow it");
    }
    return RecordJson.fromJson(new JsonObject(buffer.getBuffer(pos + 4, pos + 4 + len)), type);
  }

  @Override
  public T transform(T record) {
    return record;
  }

  @Override
  public String name() {
    return "record:" + RecordJson.wireName(type);
  }

  @Override
  public byte systemCodecID() {
    return -1;
  }
}
