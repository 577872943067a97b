package io.ipsecmesh.config.lang;

import java.io.ByteArrayInputStream;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.HexFormat;

/**
 * {@code crypto pki certificate chain NAME} as IOS shows it: {@code certificate ca SERIAL} opens the hex dump of a
 * CA certificate's DER, ended by {@code quit}. The CA certificates become the trust anchors of trustpoint NAME;
 * a router's own {@code certificate SERIAL} is accepted and not used (this gateway's comes from a file).
 */
final class CertificateChainBlock implements Block {

  /** Far above any CA certificate; bounds what a garbage hex dump can make us hold. */
  static final int MAX_DER_BYTES = 16_384;

  private final ConfigDraft.TrustpointDraft trustpoint;
  private final Diagnostics diagnostics;

  CertificateChainBlock(ConfigDraft.TrustpointDraft trustpoint, Diagnostics diagnostics) {
    this.trustpoint = trustpoint;
    this.diagnostics = diagnostics;
  }

  @Override
  public String title() {
    return "crypto pki certificate chain " + trustpoint.name;
  }

  @Override
  public boolean owns(Args a) {
    return a.is(0, "certificate");
  }

  @Override
  public Block apply(Args a) {
    a.skip(1).command("certificate");
    boolean ca = a.accept("ca");
    if (!ca && a.is(a.position(), "self-signed")) {
      a.skip(1);
    }
    String serial = a.next("serial number");
    if (serial.length() > 40 || !serial.chars().allMatch(c -> Character.digit(c, 16) >= 0)) {
      throw a.fail("serial number must be hexadecimal, got '" + Args.quote(serial) + "'");
    }
    a.end();
    if (!ca) {
      diagnostics.warn(a.lineNumber, "certificate " + serial + ": this gateway's own certificate comes from "
          + "--ike-cert-file; ignored");
    }
    return new HexBlock(ca, serial, a.lineNumber);
  }

  /** The hex lines of one certificate, up to {@code quit}. */
  final class HexBlock implements Block {
    private final boolean ca;
    private final String serial;
    private final int line;
    private final StringBuilder hex = new StringBuilder();
    private boolean done;
    private boolean failed;

    HexBlock(boolean ca, String serial, int line) {
      this.ca = ca;
      this.serial = serial;
      this.line = line;
      trustpoint.openCertificates.add(this);
    }

    @Override
    public String title() {
      return CertificateChainBlock.this.title() + " certificate " + serial;
    }

    @Override
    public boolean owns(Args a) {
      return !done && (a.is(0, "quit") || isHex(a));
    }

    private static boolean isHex(Args a) {
      for (int i = 0; i < a.size(); i++) {
        if (!a.word(i).chars().allMatch(c -> Character.digit(c, 16) >= 0)) {
          return false;
        }
      }
      return true;
    }

    @Override
    public Block apply(Args a) {
      if (a.is(0, "quit")) {
        a.skip(1).command("quit");
        a.end();
        done = true;
        trustpoint.openCertificates.remove(this);
        if (!failed && ca) {
          trustpoint.caCertificates.add(der(a));
        }
        return null;
      }
      for (int i = 0; i < a.size() && !failed; i++) {
        hex.append(a.word(i));
        if (hex.length() > 2 * MAX_DER_BYTES) {
          failed = true;
          throw new LineError("certificate " + serial + ": longer than " + MAX_DER_BYTES + " bytes; not a certificate");
        }
      }
      return null;
    }

    private String der(Args a) {
      String h = hex.toString().toLowerCase(java.util.Locale.ROOT);
      try {
        byte[] der = HexFormat.of().parseHex(h);
        X509Certificate x = (X509Certificate) CertificateFactory.getInstance("X.509")
            .generateCertificate(new ByteArrayInputStream(der));
        if (x.getBasicConstraints() < 0) {
          throw a.fail("certificate ca " + serial + " is not a CA certificate (no basicConstraints cA): a trust "
              + "anchor must be a CA");
        }
        return HexFormat.of().formatHex(x.getEncoded());
      } catch (IllegalArgumentException | CertificateException e) {
        throw a.fail("certificate ca " + serial + ": the hex lines are not one DER X.509 certificate (copy them "
            + "from show running-config of the CA or from openssl x509 -outform der | xxd -p)");
      }
    }

    /** Named when the configuration ends before {@code quit}. */
    String missingQuit() {
      return "certificate " + serial + " has no quit: end the hex lines with quit";
    }

    int line() {
      return line;
    }
  }
}
