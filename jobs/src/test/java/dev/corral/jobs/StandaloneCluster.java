package dev.corral.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.corral.core.testing.ChildJvms;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A Spark standalone cluster on 127.0.0.1 made of separate JVMs: one {@code
 * org.apache.spark.deploy.master.Master} and {@code N} {@code
 * org.apache.spark.deploy.worker.Worker}s, started from the jars {@code
 * jobs/target/spark-classpath.txt} lists (the Spark that {@code ./corral} runs on), so {@code
 * spark-submit --master spark://...} runs the shaded jar on it as on a real cluster.
 *
 * <p>The Workers launch executors (and, in cluster deploy mode, the driver) with {@code
 * $SPARK_HOME/jars/*} on the class path, so the cluster gets a SPARK_HOME whose {@code jars/} holds
 * one link per jar of that list, and {@code SPARK_SCALA_VERSION} so the launcher does not look for
 * a Spark build tree. Worker {@code i} has one fake GPU at address {@code i} (a discovery script),
 * so an executor asking for one GPU lands on a worker of its own and its tasks see its address.
 */
final class StandaloneCluster implements AutoCloseable {
  /** Cores each Worker offers: one for an executor, one for a driver in cluster deploy mode. */
  static final int WORKER_CORES = 2;

  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * A killed Worker is declared dead after this many seconds without a heartbeat (default 60), so
   * the Master stops offering it to applications soon after a test kills it.
   */
  private static final String WORKER_TIMEOUT = "spark.worker.timeout 15\n";

  /** JVMs start slowly on a shared 2-core machine. */
  private static final Duration START_LIMIT = Duration.ofMinutes(5);

  private final Path dir;
  private final Path home;
  private final int masterPort;
  private final int masterUiPort;
  private Process master;
  private final List<Process> workers = new ArrayList<>();

  private StandaloneCluster(Path dir) throws IOException {
    this.dir = dir;
    this.home = dir.resolve("spark-home");
    this.masterPort = freePort();
    this.masterUiPort = freePort();
  }

  /** Starts a Master and {@code workers} Workers under {@code dir}; returns once all registered. */
  static StandaloneCluster start(Path dir, int workers) throws IOException, InterruptedException {
    StandaloneCluster cluster = new StandaloneCluster(dir);
    try {
      cluster.linkJars();
      Path conf = dir.resolve("master.conf");
      Files.writeString(conf, WORKER_TIMEOUT, StandardCharsets.UTF_8);
      cluster.master =
          cluster.launch(
              "master",
              List.of(
                  "org.apache.spark.deploy.master.Master",
                  "--host",
                  "127.0.0.1",
                  "--port",
                  Integer.toString(cluster.masterPort),
                  "--webui-port",
                  Integer.toString(cluster.masterUiPort),
                  "--properties-file",
                  conf.toString()));
      for (int i = 0; i < workers; i++) {
        cluster.workers.add(cluster.startWorker(i));
      }
      cluster.awaitWorkers(workers, START_LIMIT);
      return cluster;
    } catch (IOException | InterruptedException | RuntimeException e) {
      cluster.close();
      throw e;
    }
  }

  /** {@code spark://127.0.0.1:PORT}. */
  String masterUrl() {
    return "spark://127.0.0.1:" + masterPort;
  }

  /** The Spark jars, one per line of {@code spark-classpath.txt}. */
  static List<Path> sparkJars() throws IOException {
    String cp = Files.readString(Path.of(System.getProperty("corral.spark.classpath"))).trim();
    return Arrays.stream(cp.split(":")).map(Path::of).toList();
  }

  /** The java binary running the tests, for every child JVM. */
  static String java() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  /** The JVM flags Spark needs on Java 17, and the tests' flags for the JVMs they start. */
  static List<String> jvmFlags() {
    List<String> flags =
        new ArrayList<>(Arrays.asList(System.getProperty("corral.jvm.opens").trim().split("\\s+")));
    flags.addAll(ChildJvms.flags());
    return flags;
  }

  private void linkJars() throws IOException {
    Path jars = Files.createDirectories(home.resolve("jars"));
    for (Path jar : sparkJars()) {
      Path link = jars.resolve(jar.getFileName());
      if (!Files.exists(link, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
        Files.createSymbolicLink(link, jar);
      }
    }
  }

  private Process startWorker(int i) throws IOException {
    Path script = dir.resolve("gpu-" + i + ".sh");
    Files.writeString(
        script,
        "#!/bin/sh\n# A fake GPU for a standalone test worker.\n"
            + "echo '{\"name\":\"gpu\",\"addresses\":[\""
            + i
            + "\"]}'\n",
        StandardCharsets.UTF_8);
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
    Path conf = dir.resolve("worker-" + i + ".conf");
    Files.writeString(
        conf,
        "spark.worker.resource.gpu.amount 1\n"
            + "spark.worker.resource.gpu.discoveryScript "
            + script
            + "\n"
            + WORKER_TIMEOUT,
        StandardCharsets.UTF_8);
    return launch(
        "worker-" + i,
        List.of(
            "org.apache.spark.deploy.worker.Worker",
            "--host",
            "127.0.0.1",
            "--cores",
            Integer.toString(WORKER_CORES),
            "--memory",
            "3g",
            "--webui-port",
            Integer.toString(freePort()),
            "--work-dir",
            Files.createDirectories(workDir(i)).toString(),
            "--properties-file",
            conf.toString(),
            masterUrl()));
  }

  /** Where Worker {@code i} keeps its executors' and drivers' folders and logs. */
  Path workDir(int i) {
    return dir.resolve("work-" + i);
  }

  /** The log of a daemon: {@code master} or {@code worker-i}. */
  Path log(String name) {
    return dir.resolve(name + ".log");
  }

  private Process launch(String name, List<String> mainAndArgs) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(java());
    cmd.addAll(jvmFlags());
    cmd.add("-Xmx256m");
    cmd.add("-cp");
    cmd.add(home.resolve("jars").toString() + "/*");
    cmd.addAll(mainAndArgs);
    ProcessBuilder builder =
        new ProcessBuilder(cmd)
            .redirectErrorStream(true)
            .redirectOutput(log(name).toFile())
            .directory(dir.toFile());
    builder.environment().put("SPARK_HOME", home.toString());
    builder.environment().put("SPARK_SCALA_VERSION", "2.12");
    builder.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
    return builder.start();
  }

  /** The Master's state, from its web UI's {@code /json}. */
  JsonNode state() throws IOException, InterruptedException {
    HttpResponse<String> response =
        HttpClient.newBuilder()
            .followRedirects(HttpClient.Redirect.NORMAL)
            .build()
            .send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + masterUiPort + "/json/"))
                    .timeout(Duration.ofSeconds(10))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    return JSON.readTree(response.body());
  }

  private void awaitWorkers(int n, Duration limit) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + limit.toNanos();
    IOException lastError = null;
    while (System.nanoTime() < deadline) {
      if (!master.isAlive()) {
        throw new IllegalStateException("the Master exited:\n" + tail(log("master")));
      }
      try {
        if (state().path("aliveworkers").asInt() >= n) {
          return;
        }
      } catch (IOException e) {
        lastError = e; // the UI is not up yet
      }
      Thread.sleep(500);
    }
    StringBuilder logs = new StringBuilder();
    for (int i = 0; i < workers.size(); i++) {
      logs.append(tail(log("worker-" + i))).append('\n');
    }
    throw new IllegalStateException(
        n
            + " workers did not register within "
            + limit
            + " (last error from the Master's /json/: "
            + lastError
            + "):\n"
            + logs
            + tail(log("master")));
  }

  /** Kills Worker {@code i}'s JVM at once (SIGKILL), as a lost machine would vanish. */
  void killWorker(int i) throws InterruptedException {
    Process worker = workers.get(i);
    worker.descendants().forEach(ProcessHandle::destroyForcibly);
    worker.destroyForcibly();
    worker.waitFor(30, TimeUnit.SECONDS);
  }

  /** Restarts Worker {@code i} after {@link #killWorker}, and waits until it has registered. */
  void restartWorker(int i) throws IOException, InterruptedException {
    // First the Master must have declared the killed one dead, else it counts as alive.
    long deadline = System.nanoTime() + START_LIMIT.toNanos();
    while (state().path("aliveworkers").asInt() >= workers.size()) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("the Master never declared worker " + i + " dead");
      }
      Thread.sleep(500);
    }
    workers.set(i, startWorker(i));
    awaitWorkers(workers.size(), START_LIMIT);
  }

  /** Every executor stderr the Workers wrote ({@code work-i/app-*}{@code /<id>/stderr}). */
  List<Path> executorLogs() throws IOException {
    List<Path> logs = new ArrayList<>();
    for (int i = 0; i < workers.size(); i++) {
      if (!Files.isDirectory(workDir(i))) {
        continue;
      }
      try (Stream<Path> files = Files.walk(workDir(i), 3)) {
        files
            .filter(p -> p.getFileName().toString().equals("stderr"))
            .filter(p -> p.getParent().getParent().getFileName().toString().startsWith("app-"))
            .sorted()
            .forEach(logs::add);
      }
    }
    return logs;
  }

  /** The stdout of the newest driver a Worker ran in cluster deploy mode. */
  Path newestDriverDir() throws IOException {
    List<Path> drivers = new ArrayList<>();
    for (int i = 0; i < workers.size(); i++) {
      if (Files.isDirectory(workDir(i))) {
        try (Stream<Path> files = Files.list(workDir(i))) {
          files.filter(p -> p.getFileName().toString().startsWith("driver-")).forEach(drivers::add);
        }
      }
    }
    return drivers.stream()
        .max(Comparator.comparingLong(p -> p.toFile().lastModified()))
        .orElseThrow(() -> new IllegalStateException("no driver folder under " + dir));
  }

  /** The last lines of a file, for failure messages. */
  static String tail(Path file) {
    try {
      List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
      return file
          + ":\n"
          + String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    } catch (IOException | UncheckedIOException e) {
      return file + ": " + e;
    }
  }

  @Override
  public void close() {
    List<Process> all = new ArrayList<>(workers);
    if (master != null) {
      all.add(master);
    }
    for (Process p : all) {
      p.descendants().forEach(ProcessHandle::destroy);
      p.destroy();
    }
    for (Process p : all) {
      try {
        if (!p.waitFor(20, TimeUnit.SECONDS)) {
          p.descendants().forEach(ProcessHandle::destroyForcibly);
          p.destroyForcibly();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
