package io.ipsecmesh.testsupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Waiting for a text in a log another process writes: found when it is written, a clear failure when not. */
class LogWatchTest {

  @TempDir
  Path dir;

  @Test
  void returnsOnceAnotherWriterAddsTheText() throws Exception {
    Path log = dir.resolve("gateway.log");
    Files.writeString(log, "starting\n");
    Thread writer = Thread.ofPlatform().start(() -> {
      try {
        Files.writeString(log, "starting\nipsec-mesh: started\n");
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    });
    String content = LogWatch.await(log, "ipsec-mesh: started", 20);
    writer.join();
    assertTrue(content.contains("ipsec-mesh: started"));
    assertEquals("ipsec-mesh: started", LogWatch.awaitLine(log, "started", Duration.ofSeconds(20)).substring(0, 19));
  }

  @Test
  void aTextThatNeverComesFailsWithTheFileContent() throws Exception {
    Path log = dir.resolve("charon.log");
    Files.writeString(log, "nothing here\n");
    AssertionError e = assertThrows(AssertionError.class, () -> LogWatch.await(log, "established", 1));
    assertTrue(e.getMessage().contains("nothing here") && e.getMessage().contains("established"), e.getMessage());
  }
}
