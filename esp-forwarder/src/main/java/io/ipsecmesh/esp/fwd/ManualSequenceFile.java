package io.ipsecmesh.esp.fwd;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The outbound sequence high-water mark of each manual SA, one small file per SA under the forwarder's state
 * directory ({@code STATE/seq/<sha-256 of the SA id>}, content {@code <SA id> <highest reserved number>}).
 * Manual keys cannot be rekeyed and come back unchanged after a restart, so the only way never to repeat a
 * sequence number (and with it a CBC+HMAC packet an observer could replay against a reset receiver) is to
 * resume above every number that may have been sent: each block is written here, fsync'd and atomically
 * renamed into place before its first number is used. A file that cannot be read or parsed is an error, not
 * zero: the SA then does not send (RFC 4303 §3.3.3: the counter must never be reset for the SA's keys).
 */
public final class ManualSequenceFile {

  private static final int MAX_FILE_BYTES = 4096;
  private final Path dir;

  /** @param stateDir the forwarder's state directory; {@code seq/} is created in it (mode of the umask). */
  public ManualSequenceFile(Path stateDir) {
    this.dir = stateDir.resolve("seq");
  }

  public Path directory() {
    return dir;
  }

  /** The highest number reserved for {@code saId}, 0 when it never sent. */
  public synchronized long highWater(String saId) throws IOException {
    Path f = file(saId);
    byte[] bytes;
    try {
      if (Files.size(f) > MAX_FILE_BYTES) {
        throw new IOException("sequence file " + f + " is too large");
      }
      bytes = Files.readAllBytes(f);
    } catch (NoSuchFileException e) {
      return 0;
    }
    String[] parts = new String(bytes, StandardCharsets.UTF_8).trim().split(" ");
    if (parts.length != 2 || !parts[0].equals(saId)) {
      throw new IOException("sequence file " + f + " does not hold the high-water mark of this SA");
    }
    try {
      long v = Long.parseLong(parts[1]);
      if (v < 0) {
        throw new IOException("sequence file " + f + " holds a negative number");
      }
      return v;
    } catch (NumberFormatException e) {
      throw new IOException("sequence file " + f + " holds no number");
    }
  }

  /** Records {@code last} as the SA's high-water mark, durably (fsync of the file and of its directory). */
  public synchronized void record(String saId, long last) throws IOException {
    if (highWater(saId) >= last) {
      return; // never lower it
    }
    Files.createDirectories(dir);
    Path f = file(saId);
    Path tmp = dir.resolve(f.getFileName() + ".tmp");
    try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
        StandardOpenOption.TRUNCATE_EXISTING)) {
      ByteBuffer b = ByteBuffer.wrap((saId + " " + last + "\n").getBytes(StandardCharsets.UTF_8));
      while (b.hasRemaining()) {
        ch.write(b);
      }
      ch.force(true);
    }
    try {
      Files.move(tmp, f, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(tmp, f, StandardCopyOption.REPLACE_EXISTING);
    }
    try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
      d.force(true); // the rename itself survives a power loss
    } catch (IOException e) {
      // some file systems cannot open a directory; the file's own fsync already happened
    }
  }

  private Path file(String saId) {
    try {
      byte[] h = MessageDigest.getInstance("SHA-256").digest(saId.getBytes(StandardCharsets.UTF_8));
      return dir.resolve(HexFormat.of().formatHex(h, 0, 16));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
