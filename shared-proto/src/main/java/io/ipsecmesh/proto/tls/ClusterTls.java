package io.ipsecmesh.proto.tls;

import io.ipsecmesh.proto.kek.Kek;
import io.ipsecmesh.proto.kek.KekFile;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.core.net.PfxOptions;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * TLS with mutual authentication for the clustered event bus: a cluster CA and one certificate per
 * member, made with the JDK's {@code keytool} (no private key ever leaves a PKCS#12 file). Layout of
 * {@code ipsec-mesh tls init DIR NAME...}:
 *
 * <pre>
 *   DIR/ca.p12            the CA's key: keep it off the members, it signs new member certificates
 *   DIR/ca.pem            the CA certificate: every member's trust anchor
 *   DIR/NAME/member.p12   NAME's key and certificate (CN=NAME, signed by the CA), mode 0600
 *   DIR/NAME/ca.pem       a copy of the CA certificate, so DIR/NAME is all a member needs
 * </pre>
 *
 * The PKCS#12 files are protected by a password derived from the cluster KEK (HKDF purpose
 * {@value #PASSWORD_PURPOSE}): a keystore copied without the KEK opens nothing, and no password file
 * has to be provisioned next to it. Every member presents its certificate and requires the peer's
 * ({@link ClientAuth#REQUIRED}); a certificate of another CA fails the handshake both ways.
 */
public final class ClusterTls {

  public static final String CA_KEYSTORE = "ca.p12";
  public static final String CA_CERT = "ca.pem";
  public static final String MEMBER_KEYSTORE = "member.p12";
  static final String PASSWORD_PURPOSE = "tls-keystore-password";
  private static final String NAME = "[A-Za-z0-9][A-Za-z0-9_.-]{0,62}";

  private ClusterTls() {}

  /** The files a member uses: its keystore and the CA certificate. */
  public record Member(Path caCert, Path keystore) {}

  /**
   * Creates the CA (when {@code dir} has none) and a certificate for each name. Refuses to replace an
   * existing member's files.
   *
   * @return the members created, in order
   */
  public static List<Member> init(Path dir, Kek kek, List<String> names) {
    for (String n : names) {
      if (!n.matches(NAME)) {
        throw new IllegalArgumentException("member name '" + n + "' must be letters, digits, '.', '_' or '-' (1-63)");
      }
    }
    String pw = password(kek);
    try {
      createPrivateDir(dir);
      Path caKeystore = dir.resolve(CA_KEYSTORE);
      if (!Files.exists(caKeystore)) {
        keytool(pw, "-genkeypair", "-alias", "ca", "-keyalg", "EC", "-groupname", "secp256r1", "-dname",
            "CN=ipsec-mesh cluster CA", "-ext", "bc:c=ca:true", "-ext", "ku:c=keyCertSign,cRLSign", "-validity", "3650",
            "-storetype", "PKCS12", "-keystore", caKeystore.toString());
        ownerOnly(caKeystore);
        keytool(pw, "-exportcert", "-rfc", "-alias", "ca", "-keystore", caKeystore.toString(), "-file",
            dir.resolve(CA_CERT).toString());
      }
      List<Member> out = new ArrayList<>();
      for (String name : names) {
        out.add(member(dir, caKeystore, name, pw));
      }
      return out;
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot create TLS material in " + dir + ": " + e.getMessage());
    }
  }

  private static Member member(Path dir, Path caKeystore, String name, String pw) throws IOException {
    Path mdir = dir.resolve(name);
    Path keystore = mdir.resolve(MEMBER_KEYSTORE);
    if (Files.exists(keystore)) {
      throw new IllegalArgumentException("TLS keystore " + keystore + " exists: refusing to replace it");
    }
    createPrivateDir(mdir);
    Path csr = mdir.resolve("member.csr");
    Path cert = mdir.resolve("member.pem");
    try {
      keytool(pw, "-genkeypair", "-alias", "member", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=" + name,
          "-validity", "825", "-storetype", "PKCS12", "-keystore", keystore.toString());
      ownerOnly(keystore);
      keytool(pw, "-certreq", "-alias", "member", "-keystore", keystore.toString(), "-file", csr.toString());
      keytool(pw, "-gencert", "-rfc", "-alias", "ca", "-keystore", caKeystore.toString(), "-infile", csr.toString(),
          "-outfile", cert.toString(), "-validity", "825", "-ext", "ku:c=digitalSignature",
          "-ext", "eku=serverAuth,clientAuth", "-ext", "san=dns:" + name);
      keytool(pw, "-importcert", "-noprompt", "-alias", "ca", "-file", dir.resolve(CA_CERT).toString(), "-keystore",
          keystore.toString());
      keytool(pw, "-importcert", "-noprompt", "-alias", "member", "-file", cert.toString(), "-keystore",
          keystore.toString());
      Files.copy(dir.resolve(CA_CERT), mdir.resolve(CA_CERT), StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(csr);
    }
    return new Member(mdir.resolve(CA_CERT), keystore);
  }

  /**
   * {@code ipsec-mesh run} alone: its own CA and member certificate under {@code dir} (in the state
   * directory, named after the KEK's proof, since the keystores open only under that KEK), created on
   * first use; later starts reuse them.
   */
  public static Member loadOrCreate(Path dir, Kek kek) {
    Path mdir = dir.resolve("run");
    Member m = new Member(mdir.resolve(CA_CERT), mdir.resolve(MEMBER_KEYSTORE));
    if (Files.exists(m.keystore())) {
      return m;
    }
    try {
      createPrivateDir(dir.toAbsolutePath().getParent());
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot create " + dir.getParent() + ": " + e.getMessage());
    }
    // built aside and moved in whole, so two first starts at once never see half a directory
    Path tmp;
    try {
      tmp = Files.createTempDirectory(dir.toAbsolutePath().getParent(), dir.getFileName() + ".new-",
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot create TLS material in " + dir + ": " + e.getMessage());
    }
    try {
      init(tmp, kek, List.of("run"));
    } catch (IllegalArgumentException e) {
      deleteTree(tmp);
      throw e;
    }
    try {
      Files.move(tmp, dir, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      deleteTree(tmp);
      // rename(2) fails with ENOTEMPTY (a plain FileSystemException) when another process won: use its files
      if (!Files.exists(m.keystore())) {
        throw new IllegalArgumentException("cannot create TLS material in " + dir + ": " + e.getMessage());
      }
    }
    return m;
  }

  /**
   * Turns on TLS for the clustered event bus: this member's keystore, the CA as the only trust anchor,
   * the peer's certificate required.
   *
   * @throws IllegalArgumentException when a file is missing, others can read the keystore, or the KEK
   *     does not open it
   */
  public static EventBusOptions apply(EventBusOptions bus, Member member, Kek kek) {
    try {
      KekFile.requireOwnerOnly(member.keystore(), "TLS keystore");
      if (!Files.isReadable(member.caCert())) {
        throw new NoSuchFileException(member.caCert().toString());
      }
    } catch (NoSuchFileException e) {
      throw new IllegalArgumentException("TLS file " + e.getFile() + " does not exist (create the cluster's with: "
          + "ipsec-mesh tls init DIR NAME...)");
    } catch (IOException e) {
      throw new IllegalArgumentException("TLS keystore " + member.keystore() + " cannot be read: " + e.getMessage());
    }
    String pw = password(kek);
    try {
      java.security.KeyStore ks = java.security.KeyStore.getInstance("PKCS12");
      try (var in = Files.newInputStream(member.keystore())) {
        ks.load(in, pw.toCharArray());
      }
    } catch (IOException | java.security.GeneralSecurityException e) {
      throw new IllegalArgumentException("TLS keystore " + member.keystore() + " does not open under the "
          + kek + " (made for another cluster?)");
    }
    return bus.setSsl(true)
        .setClientAuth(ClientAuth.REQUIRED)
        .setKeyCertOptions(new PfxOptions().setPath(member.keystore().toString()).setPassword(pw).setAlias("member"))
        .setTrustOptions(new PemTrustOptions().addCertPath(member.caCert().toString()));
  }

  static String password(Kek kek) {
    byte[] k = kek.derive(PASSWORD_PURPOSE);
    try {
      return HexFormat.of().formatHex(k);
    } finally {
      Arrays.fill(k, (byte) 0);
    }
  }

  private static void createPrivateDir(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    }
  }

  private static void ownerOnly(Path file) throws IOException {
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
  }

  /** Runs the JDK's keytool; the store password goes through its environment, never its command line. */
  private static void keytool(String password, String... args) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
    cmd.addAll(List.of(args));
    cmd.addAll(List.of("-storepass:env", "IPSECMESH_KS_PW"));
    if (args[0].equals("-genkeypair")) {
      cmd.addAll(List.of("-keypass:env", "IPSECMESH_KS_PW")); // PKCS#12: key and store share the password
    }
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.environment().put("IPSECMESH_KS_PW", password);
    Process p = pb.start();
    byte[] out = p.getInputStream().readAllBytes();
    try {
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IOException("keytool " + args[0] + " timed out");
      }
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new IOException("interrupted");
    }
    if (p.exitValue() != 0) {
      throw new IOException("keytool " + args[0] + " failed: " + new String(out, StandardCharsets.UTF_8).strip());
    }
  }

  private static void deleteTree(Path dir) {
    try (var walk = Files.walk(dir)) {
      walk.sorted(java.util.Comparator.reverseOrder()).forEach(f -> {
        try {
          Files.delete(f);
        } catch (IOException ignored) {
          // best effort: a leftover temporary directory holds nothing the next start uses
        }
      });
    } catch (IOException ignored) {
      // nothing to clean
    }
  }
}
