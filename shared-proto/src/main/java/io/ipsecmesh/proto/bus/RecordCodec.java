package io.ipsecmesh.proto.bus;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageCodec;
import io.vertx.core.json.JsonObject;

/**
 * Event-bus codec for one message record: local delivery passes the (immutable) record itself,
 * clustered delivery writes it as length-prefixed JSON through {@link RecordJson}.
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
    int len = buffer.getInt(pos);
    return RecordJson.fromJson(new JsonObject(buffer.getBuffer(pos + 4, pos + 4 + len)), type);
  }

  @Override
  public T transform(T record) {
    return record;
  }

  @Override
  public String name() {
    return "record:" + type.getName();
  }

  @Override
  public byte systemCodecID() {
    return -1;
  }
}
