package io.ipsecmesh.proto.bus;

import io.vertx.core.Vertx;
import io.vertx.core.eventbus.EventBus;
import java.util.ArrayList;
import java.util.List;

/**
 * Registers a {@link RecordCodec} for every message record of the event-bus contract. Each concern's
 * message class lists its records in a {@code RECORDS} constant and adds itself to
 * {@link #CONTRACT}; every service calls {@link #register(Vertx)} once at start.
 */
public final class BusCodecs {

  /** Every record type that travels on the bus, gathered from the per-concern message classes. */
  public static final List<Class<? extends Record>> CONTRACT = contract();

  private BusCodecs() {}

  private static List<Class<? extends Record>> contract() {
    List<Class<? extends Record>> all = new ArrayList<>();
    all.addAll(ConfigMessages.RECORDS);
    all.addAll(SaMessages.RECORDS);
    all.addAll(FwdMessages.RECORDS);
    all.addAll(IkeMessages.RECORDS);
    all.addAll(DpdMessages.RECORDS);
    all.addAll(NatKeepaliveMessages.RECORDS);
    all.addAll(MemberMessages.RECORDS);
    all.addAll(MgmtMessages.RECORDS);
    all.addAll(EzvpnMessages.RECORDS);
    return List.copyOf(all);
  }

  /** Idempotent per Vert.x instance: the gateway deploys every service into one Vertx. */
  public static synchronized void register(Vertx vertx) {
    EventBus bus = vertx.eventBus();
    for (Class<? extends Record> type : CONTRACT) {
      registerOne(bus, type);
    }
  }

  private static <T extends Record> void registerOne(EventBus bus, Class<T> type) {
    try {
      bus.registerDefaultCodec(type, new RecordCodec<>(type));
    } catch (IllegalStateException alreadyRegistered) {
      // another service in this JVM registered the contract first
    }
  }
}
