package io.ipsecmesh.esp.steer;

import io.ipsecmesh.proto.time.Scheduler;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.LongSupplier;

/**
 * Inbound steering of forwarder scale-out: makes the kernel deliver each UDP-encapsulated ESP packet to the socket
 * of its SA's owner, so the bus hand-off ({@code fwd.handoff.<id>}) only carries the moments around a membership
 * change. For each shared socket (one SO_REUSEPORT group per bound address and port: IPv4 and IPv6 are separate
 * groups) this instance
 * <ol>
 *   <li>learns its index in the group by probing itself ({@link ReuseportIndexProbe}) every
 *       {@link #PROBE_EVERY_MILLIS} and at once whenever the live instances change (a socket that closed moved
 *       another one), and publishes it ({@code fwd.steering});
 *   <li>if it is the lowest live instance id, compiles bucket → owner → index ({@link SteeringTable},
 *       {@link SpiBuckets}) into a program ({@link ReuseportProgram}) and attaches it on its own socket, which
 *       replaces the group's program: at once when the table changes, and again after every probe round (a program
 *       another instance attached while it led is replaced within a second).
 * </ol>
 * A stale program costs throughput only, never correctness: what it misdelivers is handed off as before.
 * No Vert.x in here: the verticle adapts the bus; timers run on {@link Scheduler}.
 */
public final class ReuseportSteering {

  public static final long PROBE_EVERY_MILLIS = 1_000;
  /** How long a round's probes may take to come back over loopback before the round is read. */
  public static final long PROBE_WAIT_MILLIS = 300;

  /** One shared socket. */
  public interface Group {
    /** The group's name, the same in every instance: the bound address and port. */
    String name();

    /** Sends one probe from the socket to its own bound address and port. */
    void sendProbe(byte[] probe);

    /** Attaches the program on the socket: null when done, else why not. */
    String attach(List<ReuseportProgram.Insn> program);
  }

  /** What the steering tells the others and the log. */
  public interface Events {
    /** This instance's index in {@code group} ({@link ReuseportProgram#UNKNOWN} when the round told nothing). */
    void index(String group, int index);

    /** This instance attached a new table to {@code group} (the first time, or it changed). */
    void attached(String group, int[] indexOfBucket, int instructions);

    void attachFailed(String group, String why);
  }

  private final String self;
  private final Scheduler scheduler;
  private final Map<String, Group> groups = new LinkedHashMap<>();
  private final Map<String, ReuseportIndexProbe> probes = new HashMap<>();
  private final Events events;
  private final SteeringTable table = new SteeringTable();
  private final Map<String, int[]> attached = new HashMap<>();
  private Set<String> members = Set.of();
  private String[] owners = new String[SpiBuckets.COUNT];
  private long round;
  private Scheduler.Timer tick;
  private boolean stopped;

  public ReuseportSteering(String self, Scheduler scheduler, List<Group> groups, LongSupplier nonces, Events events) {
    this.self = self;
    this.scheduler = scheduler;
    this.events = events;
    for (Group g : groups) {
      this.groups.put(g.name(), g);
      probes.put(g.name(), new ReuseportIndexProbe(nonces));
    }
  }

  /** The probe state of {@code group}: its socket passes received probes to it. */
  public ReuseportIndexProbe probe(String group) {
    return probes.get(group);
  }

  public void start() {
    tick();
  }

  public void stop() {
    stopped = true;
    if (tick != null) {
      tick.cancel();
    }
  }

  private void tick() {
    if (stopped) {
      return;
    }
    round();
    tick = scheduler.schedule(PROBE_EVERY_MILLIS, this::tick);
  }

  /** One probe round on every socket; read {@link #PROBE_WAIT_MILLIS} later (a newer round supersedes it). */
  private void round() {
    long r = ++round;
    int k = ReuseportIndexProbe.probesFor(members.size());
    groups.values().forEach(g -> probes.get(g.name()).startRound(k, g::sendProbe));
    scheduler.schedule(PROBE_WAIT_MILLIS, () -> {
      if (r != round || stopped) {
        return;
      }
      for (Group g : groups.values()) {
        int index = probes.get(g.name()).finishRound();
        table.index(self, g.name(), index);
        events.index(g.name(), index);
        attach(g, true);
      }
    });
  }

  /**
   * The live forwarder instances changed: new owners per bucket, and every socket probes again now. The same set
   * again (the heartbeats tell it every second) changes nothing: the secondly round already runs.
   */
  public void members(Set<String> live) {
    if (live.equals(members)) {
      return;
    }
    members = Set.copyOf(live);
    owners = SpiBuckets.owners(members);
    table.members(members);
    groups.values().forEach(g -> attach(g, false));
    if (!stopped) {
      round();
    }
  }

  /** Another instance told its index in {@code group} ({@code fwd.steering}). */
  public void heard(String instance, String group, int index) {
    if (instance.equals(self)) {
      return;
    }
    table.index(instance, group, index);
    Group g = groups.get(group);
    if (g != null) {
      attach(g, false);
    }
  }

  /** Whether this instance compiles and attaches the programs: the lowest live instance id. */
  public boolean leads() {
    return members.contains(self) && Collections.min(members).equals(self);
  }

  private void attach(Group g, boolean refresh) {
    if (!leads()) {
      attached.remove(g.name()); // should it lead again, it attaches at once
      return;
    }
    int[] t = table.indexOfBucket(g.name(), owners);
    int[] before = attached.get(g.name());
    boolean changed = !Arrays.equals(t, before);
    if (!changed && !refresh) {
      return;
    }
    List<ReuseportProgram.Insn> program = ReuseportProgram.build(t);
    String failure = g.attach(program);
    if (failure != null) {
      attached.remove(g.name());
      events.attachFailed(g.name(), failure);
    } else {
      attached.put(g.name(), t);
      if (changed) {
        events.attached(g.name(), t, program.size());
      }
    }
  }

  /** The table last attached to {@code group} by this instance (null: none, or not leading). */
  public int[] attachedTable(String group) {
    int[] t = attached.get(group);
    return t == null ? null : t.clone();
  }

  public List<String> groups() {
    return new ArrayList<>(groups.keySet());
  }
}
