package io.ipsecmesh.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bin/ipsec-mesh} (the repository's launcher, two directories up from this module) and the JVM's AOT
 * cache: {@code aot train} records a run stopped by a signal and makes {@code ipsec-mesh.aot} beside the jar,
 * later starts map it, and a start never depends on it — absent, older than the jar, or not a cache at all.
 * A real JVM and a real cache, with {@link AotTrainee} as the jar's main class.
 */
class LauncherAotCacheTest {

  private static final Path LAUNCHER = Path.of("..", "bin", "ipsec-mesh").toAbsolutePath().normalize();

  @TempDir
  Path dir;

  private record Result(int status, String output) {}

  @Test
  void aTrainingRunStoppedBySigtermLeavesACacheThatTheNextStartMaps() throws Exception {
    Path jar = traineeJar();
    Path cache = dir.resolve("ipsec-mesh.aot");

    Result plain = launch(jar, Map.of(), "version");
    assertEquals(0, plain.status(), plain.output());
    assertTrue(plain.output().contains("trainee version, aot: none"), plain.output());

    // the operator's step: run under load, then stop it; the launcher turns the recording into the cache
    Process train = start(jar, Map.of(), "aot", "train", "--config", "x.cfg");
    try {
      BufferedReader lines = new BufferedReader(new InputStreamReader(train.getInputStream(), StandardCharsets.UTF_8));
      String up = awaitLine(lines, "trainee running");
      assertTrue(up.contains("run --config x.cfg"), up);
      assertTrue(up.contains("-XX:AOTMode=record"), up);
      new ProcessBuilder("kill", "-TERM", Long.toString(train.pid())).inheritIO().start().waitFor();
      StringBuilder rest = new StringBuilder();
      for (String l; (l = lines.readLine()) != null; ) {
        rest.append(l).append('\n');
      }
      assertTrue(train.waitFor(120, TimeUnit.SECONDS), "aot train did not end");
      assertEquals(0, train.exitValue(), rest.toString());
      assertTrue(rest.toString().contains("the training JVM ended with status 143"), rest.toString());
      assertTrue(rest.toString().contains("AOT cache " + cache + " written"), rest.toString());
    } finally {
      train.descendants().forEach(ProcessHandle::destroyForcibly);
      train.destroyForcibly();
    }
    assertTrue(Files.size(cache) > 0);
    assertFalse(Files.exists(dir.resolve("ipsec-mesh.aotconf")), "the recording is removed");

    Result mapped = launch(jar, Map.of("IPSECMESH_JAVA_OPTS", "-Xlog:aot=info"), "version");
    assertEquals(0, mapped.status(), mapped.output());
    assertTrue(mapped.output().contains("aot: -XX:AOTCache=" + cache), mapped.output());
    assertTrue(mapped.output().contains("Using AOT-linked classes: true"), mapped.output());

    Result off = launch(jar, Map.of("IPSECMESH_AOT_CACHE", "off"), "version");
    assertEquals(0, off.status(), off.output());
    assertTrue(off.output().contains("aot: none"), off.output());
  }

  @Test
  void aCacheOlderThanTheJarIsLeftOutWithAHint() throws Exception {
    Path jar = traineeJar();
    Path cache = dir.resolve("ipsec-mesh.aot");
    Files.writeString(cache, "from an earlier build");
    Files.setLastModifiedTime(cache, FileTime.from(Instant.now().minusSeconds(3600)));

    Result r = launch(jar, Map.of(), "version");
    assertEquals(0, r.status(), r.output());
    assertTrue(r.output().contains("trainee version, aot: none"), r.output());
    assertTrue(r.output().contains("AOT cache " + cache + " is older than " + jar + ": not used"), r.output());
  }

  @Test
  void aNewerFileThatIsNoCacheStillStarts() throws Exception {
    Path jar = traineeJar();
    Path cache = dir.resolve("ipsec-mesh.aot");
    Files.writeString(cache, "not a cache");
    Files.setLastModifiedTime(cache, FileTime.from(Instant.now().plusSeconds(60)));

    Result r = launch(jar, Map.of(), "version");
    assertEquals(0, r.status(), r.output());
    assertTrue(r.output().contains("trainee version, aot: -XX:AOTCache=" + cache), r.output());
  }

  /** A jar whose only class is {@link AotTrainee}, as the gateway jar's manifest names {@code Main}. */
  private Path traineeJar() throws IOException {
    Manifest manifest = new Manifest();
    manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
    manifest.getMainAttributes().put(Attributes.Name.MAIN_CLASS, AotTrainee.class.getName());
    Path jar = dir.resolve("ipsec-mesh.jar");
    String entry = AotTrainee.class.getName().replace('.', '/') + ".class";
    try (OutputStream file = Files.newOutputStream(jar); JarOutputStream out = new JarOutputStream(file, manifest);
        InputStream in = AotTrainee.class.getClassLoader().getResourceAsStream(entry)) {
      out.putNextEntry(new JarEntry(entry));
      in.transferTo(out);
      out.closeEntry();
    }
    return jar;
  }

  private Process start(Path jar, Map<String, String> env, String... args) throws IOException {
    List<String> cmd = new ArrayList<>(List.of("bash", LAUNCHER.toString()));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true);
    pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
    pb.environment().put("IPSECMESH_JAR", jar.toString());
    pb.environment().remove("IPSECMESH_AOT_CACHE");
    pb.environment().remove("IPSECMESH_JAVA_OPTS");
    pb.environment().putAll(env);
    return pb.start();
  }

  private Result launch(Path jar, Map<String, String> env, String... args) throws Exception {
    Process p = start(jar, env, args);
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("launcher did not end: " + output);
    }
    return new Result(p.exitValue(), output);
  }

  private static String awaitLine(BufferedReader lines, String prefix) throws IOException {
    StringBuilder seen = new StringBuilder();
    for (String l; (l = lines.readLine()) != null; ) {
      if (l.startsWith(prefix)) {
        return l;
      }
      seen.append(l).append('\n');
    }
    throw new AssertionError("no line starting with '" + prefix + "' in: " + seen);
  }
}
