package io.ipsecmesh.proto.kek;

import com.hazelcast.cluster.Member;
import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.config.Config;
import com.hazelcast.core.HazelcastInstance;
import java.security.MessageDigest;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.logging.Logger;

/**
 * Members prove at join that they hold the same KEK: each publishes {@link Kek#proof()} as the
 * Hazelcast member attribute {@value #ATTRIBUTE}; a member whose proof differs from the cluster's
 * oldest member refuses to start ({@link #verifyJoined}). Comparing with the oldest member (the first
 * of Hazelcast's member list, RFC-less but stable: the list is ordered by join) makes the verdict the
 * same for every member, so a newcomer with a wrong key stops and the running cluster stays up.
 */
public final class KekProof {

  public static final String ATTRIBUTE = "ipsecmesh.kek-proof";

  private static final Logger LOG = Logger.getLogger(KekProof.class.getName());

  private KekProof() {}

  /** Sets the member attribute on a member configuration before the member starts. */
  public static void publish(Config config, Kek kek) {
    config.getMemberAttributeConfig().setAttribute(ATTRIBUTE, kek.proof());
  }

  /**
   * After the join: fails when the oldest member holds another KEK (or publishes no proof, i.e. runs
   * a build without it). Also logs each later member that joins with another KEK (it stops itself).
   *
   * @throws KekMismatchException naming the member, the cluster and the fix
   */
  public static void verifyJoined(HazelcastInstance hz, Kek kek) {
    String ours = kek.proof();
    Iterator<Member> members = hz.getCluster().getMembers().iterator();
    Member oldest = members.hasNext() ? members.next() : null;
    if (oldest != null && !oldest.localMember()) {
      String theirs = oldest.getAttribute(ATTRIBUTE);
      if (theirs == null || !MessageDigest.isEqual(ours.getBytes(StandardCharsets.US_ASCII),
          theirs.getBytes(StandardCharsets.US_ASCII))) {
        throw new KekMismatchException("KEK mismatch: the " + kek + " is not the KEK of cluster '"
            + hz.getConfig().getClusterName() + "' (its oldest member " + oldest.getAddress()
            + (theirs == null ? " publishes no KEK proof" : " proves another key") + "); every member needs the "
            + "same KEK file: copy the cluster's (ipsec-mesh kek init creates one), then start again");
      }
    }
    hz.getCluster().addMembershipListener(new MembershipListener() {
      @Override
      public void memberAdded(MembershipEvent e) {
        String theirs = e.getMember().getAttribute(ATTRIBUTE);
        if (theirs == null || !theirs.equals(ours)) {
          LOG.warning(() -> "member " + e.getMember().getAddress() + " joined cluster '" + hz.getConfig().getClusterName()
              + "' with another KEK; it refuses to start and leaves");
        }
      }

      @Override
      public void memberRemoved(MembershipEvent e) {
        // nothing to check
      }
    });
  }

  /** A member holds another KEK than the cluster: the service stops. */
  public static final class KekMismatchException extends IllegalStateException {
    public KekMismatchException(String message) {
      super(message);
    }
  }
}
