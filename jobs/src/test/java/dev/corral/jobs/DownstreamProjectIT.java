package dev.corral.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.corral.core.testing.ChildJvms;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Corral as a library: a Maven project outside the reactor ({@code src/it/downstream}: one Spark
 * application and its JUnit test) depends on the single coordinate {@code corral-spark} and uses
 * {@code LanguageIdentifier}, {@code MinHashDeduplicator} and {@code LlamaScorer}. The reactor's
 * built artifacts (jars, sources and javadoc jars, poms) are installed with {@code
 * install:install-file} into a temporary local repository; everything else resolves offline and
 * read-only from the user's repository ({@code maven.repo.local.tail}), which is never written.
 */
class DownstreamProjectIT {
  private static final String[] LIBRARIES = {"core", "curation", "inference"};

  @TempDir Path tmp;

  @Test
  void aProjectOutsideTheReactorBuildsAndRunsCorralFromTheInstalledArtifacts() throws Exception {
    Path reactor = Path.of(System.getProperty("corral.reactor.dir"));
    String version = System.getProperty("corral.version");
    Path repo = tmp.resolve("repo");

    Path installer = Files.createDirectories(tmp.resolve("installer"));
    Files.writeString(installer.resolve("pom.xml"), installerPom(reactor, version));
    maven(installer, repo, "validate");

    List<String> installed = new ArrayList<>();
    try (Stream<Path> files = Files.walk(repo)) {
      files.filter(Files::isRegularFile).forEach(f -> installed.add(repo.relativize(f).toString()));
    }
    for (String file : installed) {
      assertTrue(
          file.startsWith("dev/corral/"), "only Corral's artifacts in the new repo: " + file);
    }
    for (String module : LIBRARIES) {
      for (String suffix : List.of(".jar", "-sources.jar", "-javadoc.jar", ".pom")) {
        String name = "corral-" + module + "-" + version + suffix;
        assertTrue(
            installed.contains("dev/corral/corral-" + module + "/" + version + "/" + name),
            name + " installed; repo holds " + installed);
      }
    }

    Path app = tmp.resolve("app");
    copy(reactor.resolve("jobs/src/it/downstream"), app);
    String log =
        maven(
            app,
            repo,
            "-Dcorral.version=" + version,
            "-Dllama.tiny=" + sharedDir(reactor).resolve("fixtures/llama-tiny"),
            "test");
    assertTrue(
        log.contains("Tests run: 3, Failures: 0, Errors: 0, Skipped: 0"),
        "the downstream tests ran:\n" + tail(log));
  }

  private static Path sharedDir(Path reactor) {
    String shared = System.getProperty("corral.shared.dir");
    return (shared != null ? Path.of(shared) : reactor.resolve("../shared"))
        .toAbsolutePath()
        .normalize();
  }

  /** A pom whose validate phase installs each built artifact of the reactor, with its pom. */
  private static String installerPom(Path reactor, String version) {
    StringBuilder executions = new StringBuilder();
    execution(executions, "parent", reactor.resolve("pom.xml"), reactor.resolve("pom.xml"), "");
    execution(
        executions,
        "corral-spark",
        reactor.resolve("corral-spark/pom.xml"),
        reactor.resolve("corral-spark/pom.xml"),
        "");
    for (String module : LIBRARIES) {
      Path target = reactor.resolve(module).resolve("target");
      String base = "corral-" + module + "-" + version;
      execution(
          executions,
          module,
          target.resolve(base + ".jar"),
          reactor.resolve(module).resolve("pom.xml"),
          "<sources>"
              + target.resolve(base + "-sources.jar")
              + "</sources><javadoc>"
              + target.resolve(base + "-javadoc.jar")
              + "</javadoc>");
    }
    return """
        <project xmlns="http://maven.apache.org/POM/4.0.0">
          <modelVersion>4.0.0</modelVersion>
          <groupId>example</groupId>
          <artifactId>corral-installer</artifactId>
          <version>1</version>
          <packaging>pom</packaging>
          <build>
            <plugins>
              <plugin>
                <groupId>org.apache.maven.plugins</groupId>
                <artifactId>maven-install-plugin</artifactId>
                <version>3.1.3</version>
                <executions>%s</executions>
              </plugin>
            </plugins>
          </build>
        </project>
        """
        .formatted(executions);
  }

  private static void execution(
      StringBuilder out, String id, Path file, Path pom, String attached) {
    assertTrue(Files.isRegularFile(file), "built before this test: " + file);
    out.append("<execution><id>")
        .append(id)
        .append("</id><phase>validate</phase><goals><goal>install-file</goal></goals>")
        .append("<configuration><file>")
        .append(file)
        .append("</file><pomFile>")
        .append(pom)
        .append("</pomFile>")
        .append(attached)
        .append("</configuration></execution>");
  }

  /** Runs this build's Maven, offline, in {@code dir}; returns its output, failing on an error. */
  private static String maven(Path dir, Path repo, String... args)
      throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("maven.home"), "bin", "mvn").toString());
    command.addAll(
        List.of(
            "-B",
            "-o",
            "-Dmaven.repo.local=" + repo,
            "-Dmaven.repo.local.tail=" + System.getProperty("corral.user.repo")));
    command.addAll(List.of(args));
    Path log = dir.resolve("maven.log");
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
    // After the user's own MAVEN_OPTS, which it keeps.
    builder
        .environment()
        .merge("MAVEN_OPTS", String.join(" ", ChildJvms.flags()), (a, b) -> a + " " + b);
    Process process = builder.start();
    if (!process.waitFor(8, TimeUnit.MINUTES)) {
      process.destroyForcibly();
      throw new AssertionError("maven did not finish in 8 minutes in " + dir);
    }
    String output = Files.readString(log, StandardCharsets.UTF_8);
    assertEquals(0, process.exitValue(), String.join(" ", command) + "\n" + tail(output));
    return output;
  }

  private static String tail(String log) {
    List<String> lines = log.lines().toList();
    return String.join("\n", lines.subList(Math.max(0, lines.size() - 80), lines.size()));
  }

  private static void copy(Path from, Path to) throws IOException {
    try (Stream<Path> files = Files.walk(from)) {
      for (Path source : (Iterable<Path>) files::iterator) {
        Path target = to.resolve(from.relativize(source).toString());
        if (Files.isDirectory(source)) {
          Files.createDirectories(target);
        } else {
          Files.copy(source, target);
        }
      }
    }
  }
}
