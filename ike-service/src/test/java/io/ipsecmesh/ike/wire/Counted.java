package io.ipsecmesh.ike.wire;

import io.ipsecmesh.ike.engine.EngineStats;
import java.util.ArrayList;
import java.util.List;

/** What an engine of either version counted of its DoS limits and reply cache (an IKEv1 engine takes it too). */
public final class Counted implements EngineStats {

  public final List<String> dropped = new ArrayList<>();
  public int answered;

  @Override
  public void retransmissionAnswered(int ikeVersion) {
    answered++;
  }

  @Override
  public void requestDropped(int ikeVersion, String reason) {
    dropped.add(reason);
  }
}
