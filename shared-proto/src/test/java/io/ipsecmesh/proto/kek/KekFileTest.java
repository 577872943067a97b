package io.ipsecmesh.proto.kek;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KekFileTest {

  @TempDir
  Path dir;

  @Test
  void initWritesAnOwnerOnlyFileThatLoadsToTheSameKey() throws Exception {
    Path f = dir.resolve("sub").resolve("kek");
    Kek created = KekFile.create(f);
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(f)));
    assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(f.getParent())));
    assertTrue(Files.readString(f).matches("[0-9a-f]{64}\n"));
    assertTrue(created.sameKey(KekFile.load(f)));
    try (var files = Files.list(f.getParent())) {
      assertEquals(1, files.count(), "no temporary file left behind");
    }
  }

  @Test
  void initNeverReplacesAKek() {
    Path f = dir.resolve("kek");
    KekFile.create(f);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> KekFile.create(f));
    assertTrue(e.getMessage().startsWith("KEK file " + f + " exists: refusing to replace a KEK"), e.getMessage());
    assertTrue(KekFile.loadOrCreate(f).sameKey(KekFile.load(f)));
  }

  @Test
  void modes0400And0600AreAcceptedLooserOnesRefusedWithTheFix() throws Exception {
    Path f = dir.resolve("kek");
    Files.writeString(f, "00".repeat(32) + "\n");
    Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("r--------"));
    KekFile.load(f);
    Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-------"));
    KekFile.load(f);
    for (String[] mode : new String[][] {{"rw-r--r--", "0644"}, {"rw-rw----", "0660"}, {"rwx------", "0700"},
        {"r-----r--", "0404"}}) {
      Files.setPosixFilePermissions(f, PosixFilePermissions.fromString(mode[0]));
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> KekFile.load(f));
      assertEquals("KEK file " + f + " has mode " + mode[1] + ": it must be readable by its owner only (chmod 600 " + f
          + ")", e.getMessage());
    }
  }

  @Test
  void aMissingOrMalformedFileIsAClearError() throws Exception {
    Path f = dir.resolve("kek");
    assertEquals("KEK file " + f + " does not exist (create one with: ipsec-mesh kek init " + f + ")",
        assertThrows(IllegalArgumentException.class, () -> KekFile.load(f)).getMessage());
    Files.writeString(f, "abc");
    Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-------"));
    assertEquals("KEK file " + f + ": a KEK is 64 hex digits (32 bytes), got 3 characters",
        assertThrows(IllegalArgumentException.class, () -> KekFile.load(f)).getMessage());
  }
}
