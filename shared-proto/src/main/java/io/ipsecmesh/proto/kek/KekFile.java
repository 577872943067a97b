package io.ipsecmesh.proto.kek;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.Set;

/**
 * A KEK file: 64 hex digits (and an optional newline), readable by its owner only (mode 0400 or
 * 0600). A looser mode is refused with the chmod that fixes it: a KEK others can read unwraps every
 * key of the cluster.
 */
public final class KekFile {

  private static final Set<PosixFilePermission> OWNER_ONLY =
      EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);

  private KekFile() {}

  /** @throws IllegalArgumentException with a message naming the file and the fix */
  public static Kek load(Path file) {
    String text;
    try {
      requireOwnerOnly(file, "KEK file");
      text = Files.readString(file, StandardCharsets.US_ASCII);
    } catch (NoSuchFileException e) {
      throw new IllegalArgumentException("KEK file " + file + " does not exist (create one with: ipsec-mesh kek init "
          + file + ")");
    } catch (UnsupportedOperationException e) {
      throw new IllegalArgumentException("KEK file " + file + ": the file system has no POSIX modes to check");
    } catch (IOException e) {
      throw new IllegalArgumentException("KEK file " + file + " cannot be read: " + e.getMessage());
    }
    return Kek.parseHex(text, "KEK file " + file);
  }

  /**
   * Writes a new random KEK to {@code file} with mode 0600 (its directory created 0700 when missing).
   * Never overwrites: an existing file is an error, since replacing a KEK is a rotation
   * (docs/security.md), not an accident.
   */
  public static Kek create(Path file) {
    byte[] k = new byte[Kek.LENGTH];
    new SecureRandom().nextBytes(k);
    char[] hex = (HexFormat.of().formatHex(k) + "\n").toCharArray();
    Path tmp = null;
    try {
      Path dir = file.toAbsolutePath().getParent();
      if (!Files.isDirectory(dir)) {
        Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
      }
      if (Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
        throw new IllegalArgumentException("KEK file " + file + " exists: refusing to replace a KEK (see rotation in "
            + "docs/security.md)");
      }
      tmp = Files.createTempFile(dir, ".kek-", ".tmp",
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      Files.writeString(tmp, new String(hex), StandardCharsets.US_ASCII);
      // a hard link fails when the name exists: of two processes creating it at once, one wins and
      // the other reads the winner's key
      Files.createLink(file, tmp);
      return new Kek(k, "KEK file " + file);
    } catch (FileAlreadyExistsException e) {
      throw new IllegalArgumentException("KEK file " + file + " exists: refusing to replace a KEK");
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot create KEK file " + file + ": " + e.getMessage());
    } finally {
      Arrays.fill(k, (byte) 0);
      Arrays.fill(hex, '0');
      if (tmp != null) {
        try {
          Files.deleteIfExists(tmp);
        } catch (IOException ignored) {
          // a stray temp file holds a key the next create does not use; nothing else to do here
        }
      }
    }
  }

  /** {@code ipsec-mesh run} alone: the KEK kept under its state directory, created on first use. */
  public static Kek loadOrCreate(Path file) {
    if (Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
      return load(file);
    }
    try {
      return create(file);
    } catch (IllegalArgumentException e) {
      if (Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
        return load(file); // another process created it first
      }
      throw e;
    }
  }

  /**
   * Refuses a secret file others could read: mode 0400 or 0600 only.
   *
   * @param what how messages name it ("KEK file", "TLS keystore")
   * @throws NoSuchFileException when it does not exist
   */
  public static void requireOwnerOnly(Path file, String what) throws IOException {
    Set<PosixFilePermission> mode = Files.getPosixFilePermissions(file);
    if (!Files.isRegularFile(file)) {
      throw new IllegalArgumentException(what + " " + file + " is not a regular file");
    }
    if (!OWNER_ONLY.containsAll(mode)) {
      throw new IllegalArgumentException(what + " " + file + " has mode " + octal(mode)
          + ": it must be readable by its owner only (chmod 600 " + file + ")");
    }
  }

  static String octal(Set<PosixFilePermission> mode) {
    int m = 0;
    for (PosixFilePermission p : mode) {
      m |= 1 << (8 - p.ordinal());
    }
    return String.format("0%03o", m);
  }
}
