package io.ipsecmesh.proto.runtime;

import com.hazelcast.core.HazelcastInstance;
import io.vertx.core.Vertx;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.spi.cluster.ClusterManager;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.util.concurrent.ConcurrentMap;

/** Access to the Hazelcast member under a clustered Vert.x, for the shared maps of {@code SharedMaps}. */
public final class Cluster {

  private Cluster() {}

  /** The member this Vert.x runs on, or null when Vert.x is not clustered (unit tests). */
  public static HazelcastInstance hazelcast(Vertx vertx) {
    ClusterManager cm = ((VertxInternal) vertx).clusterManager();
    return cm instanceof HazelcastClusterManager hz ? hz.getHazelcastInstance() : null;
  }

  /**
   * The named shared map: the Hazelcast {@code IMap} when clustered, else a map local to this Vert.x
   * instance, so a service behaves the same in a non-clustered unit test as in the cluster.
   */
  public static ConcurrentMap<String, String> map(Vertx vertx, String name) {
    HazelcastInstance hz = hazelcast(vertx);
    if (hz != null) {
      return hz.getMap(name);
    }
    return new LocalMapView(vertx.sharedData().getLocalMap(name));
  }
}
