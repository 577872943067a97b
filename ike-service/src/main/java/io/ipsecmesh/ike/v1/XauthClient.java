package io.ipsecmesh.ike.v1;

import static io.ipsecmesh.proto.ikev1.IsakmpConstants.*;

import io.ipsecmesh.proto.ikev1.IsakmpPayload.Attribute;
import io.ipsecmesh.proto.ikev1.IsakmpPayload.ConfigAttributes;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.logging.Logger;

/**
 * The XAUTH client (draft-ietf-ipsec-isakmp-xauth-06 §4, generic type): the server asks (REQUEST with
 * USER-NAME and USER-PASSWORD), we answer with the Easy VPN remote's {@code username}/{@code password} (IOS
 * {@code xauth userid mode local}); the server's SET with XAUTH-STATUS is acknowledged, and with OK the remote
 * goes on to Mode Config, with FAIL the ISAKMP SA ends. A challenge or a type other than generic is answered
 * with nothing and ends the SA: there is no one to type a passcode.
 */
final class XauthClient {

  private static final Logger LOG = Logger.getLogger(Ikev1Engine.class.getName());

  private XauthClient() {}

  static void receive(Ikev1Engine e, IsakmpSa sa, ConfigAttributes attrs, TransactionExchange.Reply reply) {
    switch (attrs.cfgType()) {
      case CFG_REQUEST -> answer(e, sa, attrs, reply);
      case CFG_SET -> status(e, sa, attrs, reply);
      default -> LOG.fine(() -> "ISAKMP: XAUTH message of type " + attrs.cfgType() + " from " + sa.peerAddress
          + " ignored");
    }
  }

  private static void answer(Ikev1Engine e, IsakmpSa sa, ConfigAttributes request, TransactionExchange.Reply reply) {
    Attribute type = request.attribute(XAUTH_TYPE);
    if ((type != null && type.longValue() != XAUTH_TYPE_GENERIC) || request.attribute(XAUTH_CHALLENGE) != null
        || request.attribute(XAUTH_PASSCODE) != null) {
      LOG.warning(() -> "ISAKMP: " + sa.peerAddress + " asks for an XAUTH type this remote cannot answer"
          + " (only generic user name and password)");
      e.life.fail(sa, "xauth-type-unsupported");
      return;
    }
    Ikev1Policy.EasyVpnClient client = sa.policy.xauth();
    List<Attribute> out = new ArrayList<>();
    if (type != null) {
      out.add(Attribute.basic(XAUTH_TYPE, XAUTH_TYPE_GENERIC));
    }
    out.add(new Attribute(XAUTH_USER_NAME, false, 0, client.username().getBytes(StandardCharsets.UTF_8)));
    byte[] password = client.password().clone();
    try {
      out.add(new Attribute(XAUTH_USER_PASSWORD, false, 0, password));
      reply.send(new ConfigAttributes(CFG_REPLY, request.identifier(), out));
    } finally {
      Arrays.fill(password, (byte) 0);
    }
    sa.clientState = IsakmpSa.ClientState.XAUTH_SENT;
    e.life.summaryChanged(sa);
  }

  private static void status(Ikev1Engine e, IsakmpSa sa, ConfigAttributes set, TransactionExchange.Reply reply) {
    Attribute status = set.attribute(XAUTH_STATUS);
    if (status == null) {
      return;
    }
    reply.send(new ConfigAttributes(CFG_ACK, set.identifier(), List.of(Attribute.basic(XAUTH_STATUS,
        (int) status.longValue()))));
    if (status.longValue() != XAUTH_STATUS_OK) {
      LOG.warning(() -> "ISAKMP: XAUTH with " + sa.peerAddress + " failed: the server refused user "
          + sa.policy.xauth().username());
      e.life.fail(sa, "xauth-failed");
      return;
    }
    LOG.info(() -> "ISAKMP: XAUTH with " + sa.peerAddress + " as " + sa.policy.xauth().username() + " succeeded");
    ModeConfigClient.start(e, sa);
  }
}
