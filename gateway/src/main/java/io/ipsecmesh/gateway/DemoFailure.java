package io.ipsecmesh.gateway;

/** The demo cannot go on; the message is for the operator. */
final class DemoFailure extends Exception {
  DemoFailure(String message) {
    super(message, null, false, false);
  }
}
