package io.ipsecmesh.config.api;

/** A command line IOS would refuse; the message is the IOS text to show the operator. */
public final class ExecSyntaxException extends Exception {

  public ExecSyntaxException(String iosMessage) {
    super(iosMessage, null, false, false);
  }
}
