/**
 * IKEv2 (RFC 7296), shaped like strongSwan's libcharon ({@code src/libcharon/sa/ikev2/tasks/},
 * {@code task_manager_v2.c}).
 *
 * <p>Layout: {@link io.ipsecmesh.ike.engine.IkeEngine} is the SA manager and IKEv2's {@link
 * io.ipsecmesh.ike.seam.IkeProtocol}: it
 * finds the IKE SA a datagram names, admits IKE_SA_INIT requests ({@code InitRequestGate}: cookies, half-open
 * limits) and turns commands (initiate, ACQUIRE, rekey, delete, clear, DPD probe, INVALID_SPI, NAT mapping) into
 * tasks. Each IKE SA ({@code IkeSa}) has a {@code TaskManager}: the queued and active tasks (one exchange in
 * flight, §2.3; an exchange may be several tasks, as IKE_SA_INIT is {@code IkeInitTask} with
 * {@code NatDetectionTask}), both message-ID windows, SK protection, retransmission and the reply cache (the
 * {@code wire} package's, which IKEv1 uses too), the passive
 * tasks a request makes ({@code ResponderTasks}), collisions handed to the active task of the same
 * {@code Task.Type}, and dpd-service's probes; RFC 7383 fragmentation sits between it and the wire
 * ({@code IkeFragments}, with the stateless {@code io.ipsecmesh.ike.fragment.IkeFragmenter} and the bounded
 * {@code io.ipsecmesh.ike.fragment.FragmentReassembler}). A {@code Task} is one IKE concern with both roles ({@code buildI},
 * {@code processI}, {@code processR}, {@code buildR}) and knows nothing of message IDs, keys of the SK payload or
 * the wire. What tasks share is {@code SaServices}.
 *
 * <p>Adding an exchange: a {@code Task} (both roles), its {@code Task.Type}, a line in {@code ResponderTasks} when
 * the peer may start it, an {@code IkeEngine} command when something outside starts it, and a test on two task
 * managers ({@code TaskPeers}, in the tests).
 */
package io.ipsecmesh.ike.engine;
