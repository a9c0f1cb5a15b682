package dev.corral.core.testing;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.spark.SparkContext;
import org.apache.spark.sql.SparkSession;

/**
 * A Spark {@code local-cluster} for tests: a real standalone Master and Worker inside the test JVM
 * and {@code N} separate executor JVMs, optionally with fake GPUs, started from the Maven test
 * classpath with no Spark distribution installed.
 *
 * <pre>{@code
 * SparkSession spark = LocalCluster.builder("MyClusterTest").executors(2).fakeGpus().start();
 * try { ... } finally { LocalCluster.stop(spark); }
 * }</pre>
 *
 * <h2>The recipe</h2>
 *
 * <ol>
 *   <li><b>A SPARK_HOME made of links.</b> The Worker launches each executor with the launcher
 *       library's {@code WorkerCommandBuilder}, whose class path is {@code
 *       spark.executor.extraClassPath} followed by {@code $SPARK_HOME/jars/*}; that folder must
 *       exist. {@link #sparkHome()} builds {@code target/local-cluster-home-<hash of the class
 *       path>/jars/} once, with one symbolic link per jar of {@code java.class.path} (Surefire puts
 *       the full test class path there), atomically, so concurrent builds of the module do not trip
 *       over each other.
 *   <li><b>The Worker must find it.</b> The Worker reads {@code SPARK_HOME} from its environment
 *       (default: the working directory), except that with the system property {@code
 *       spark.testing} set it reads the system property {@code spark.test.home} instead (that is
 *       how Spark's own suites do it). A test cannot change its JVM's environment, so {@link
 *       Builder#start()} sets both system properties while the SparkContext starts (the Worker
 *       reads its home when it is built) and restores them afterwards. As a side effect {@code
 *       spark.testing=true} lands in the application's conf, as in Spark's own suites; worker
 *       folders go to temporary folders ({@code java.io.tmpdir/worker-*}) removed at JVM exit, and
 *       the standalone backend appends the driver's whole {@code java.class.path} to the executors'
 *       class path (before {@code jars/*}), so executors see the driver's class path in the
 *       driver's order.
 *   <li><b>The Scala version.</b> Without {@code SPARK_SCALA_VERSION} the launcher looks for {@code
 *       $SPARK_HOME/launcher/target/scala-2.1x} and fails; {@code
 *       spark.executorEnv.SPARK_SCALA_VERSION=2.12} puts it in the builder's child environment,
 *       which it reads first.
 *   <li><b>The application's classes.</b> The class path's folders ({@code target/classes}, {@code
 *       target/test-classes}) go to {@code spark.executor.extraClassPath}, so executors can load
 *       Corral's classes, its bundled models and the tests' lambdas. By default they go as copies
 *       taken at start ({@code <home>/apps/<pid>-<n>/}, deleted at exit): executors load classes
 *       lazily, and a build running beside the tests that recompiles {@code target/classes} made
 *       executors fail with {@code NoClassDefFoundError} ({@link
 *       Builder#snapshotClasses(boolean)}).
 *   <li><b>JVM flags.</b> The test JVM's {@code --add-opens}/{@code --add-exports} and {@code
 *       -Djdk.reflect.useDirectMethodHandle} flags go to {@code spark.executor.extraJavaOptions},
 *       with {@link ChildJvms#flags()}.
 *   <li><b>Sizes.</b> One worker, {@code local-cluster[1,N,N*memory]}, with {@code
 *       spark.executor.cores=1} and {@code spark.executor.memory} = memory (default 768 MiB), so
 *       the one worker runs {@code N} executors. {@code spark.cores.max=N} with {@code
 *       spark.scheduler.minRegisteredResourcesRatio=1} makes the SparkContext wait until all {@code
 *       N} executors have registered (without {@code cores.max} a standalone backend expects 0
 *       cores and does not wait), and {@link Builder#start()} checks that they did, so a first job
 *       spreads over all executors.
 *   <li><b>Fake GPUs</b> ({@link Builder#fakeGpus()}): {@code spark.worker.resource.gpu.amount=N}
 *       with a discovery script printing {@code {"name":"gpu","addresses":["0",...,"N-1"]}}, and
 *       {@code spark.executor.resource.gpu.amount=1}, {@code spark.task.resource.gpu.amount=1}: one
 *       address per executor, seen by tasks in {@code TaskContext.get().resources()}. Plain {@code
 *       local[*]} has no resources, which is why GPU scheduling needs this class.
 * </ol>
 *
 * <p>Executors' stdout and stderr are in {@code java.io.tmpdir/worker-*}{@code /app-*}{@code
 * /<id>/}; when executors do not come up, the error quotes the newest executor stderr.
 */
public final class LocalCluster {
  /** The Scala version of the Spark on the class path. */
  private static final String SCALA_VERSION = "2.12";

  private static final String TESTING = "spark.testing";
  private static final String TEST_HOME = "spark.test.home";

  /** How long the SparkContext waits for the executors to register. */
  private static final String WAIT = "spark.scheduler.maxRegisteredResourcesWaitingTime";

  private static Path sparkHome;

  /** Class folder copies made by this JVM, deleted at exit. */
  private static final List<Path> snapshots = new ArrayList<>();

  private LocalCluster() {}

  /** A cluster for the test application {@code app}. */
  public static Builder builder(String app) {
    return new Builder(app);
  }

  /** Stops a session started here and forgets it, so the next class starts clean. */
  public static void stop(SparkSession spark) {
    if (spark != null) {
      spark.stop();
    }
    SparkSession.clearActiveSession();
    SparkSession.clearDefaultSession();
  }

  /** Settings of one cluster; {@link #start()} makes it. */
  public static final class Builder {
    private final String app;
    private int executors = 2;
    private int executorMemoryMb = 768;
    private boolean fakeGpus;
    private boolean snapshot = true;
    private final Map<String, String> extra = new LinkedHashMap<>();

    private Builder(String app) {
      this.app = app;
    }

    /** How many executor JVMs (1 core each); 2 unless set. */
    public Builder executors(int n) {
      if (n < 1) {
        throw new IllegalArgumentException("executors must be at least 1, got " + n);
      }
      this.executors = n;
      return this;
    }

    /** Heap of each executor in MiB; 768 unless set. */
    public Builder executorMemoryMb(int mb) {
      if (mb < 450) {
        throw new IllegalArgumentException(
            "executor memory below 450 MiB cannot start Spark, got " + mb);
      }
      this.executorMemoryMb = mb;
      return this;
    }

    /** One fake GPU per executor: addresses "0" to "N-1", each task takes one. */
    public Builder fakeGpus() {
      this.fakeGpus = true;
      return this;
    }

    /**
     * Whether executors load the application's classes from a copy of the class folders taken at
     * start (the default) rather than from the folders themselves. Executors load classes lazily,
     * long after the driver did, so in a work tree where another build may recompile {@code
     * target/classes} meanwhile, the live folders give {@code NoClassDefFoundError}s that have
     * nothing to do with the test.
     */
    public Builder snapshotClasses(boolean value) {
      this.snapshot = value;
      return this;
    }

    /** Any other Spark setting, applied last. */
    public Builder config(String key, String value) {
      extra.put(key, value);
      return this;
    }

    /** The settings {@link #start()} uses, master included (for reports and for debugging). */
    public Map<String, String> settings() {
      Path home = sparkHome();
      Map<String, String> conf = new LinkedHashMap<>();
      conf.put(
          "spark.master",
          "local-cluster[1," + executors + "," + executors * executorMemoryMb + "]");
      conf.put("spark.app.name", app);
      conf.put("spark.executor.cores", "1");
      conf.put("spark.executor.memory", executorMemoryMb + "m");
      conf.put("spark.cores.max", Integer.toString(executors));
      conf.put("spark.scheduler.minRegisteredResourcesRatio", "1.0");
      conf.put(WAIT, "60s");
      conf.put("spark.executorEnv.SPARK_SCALA_VERSION", SCALA_VERSION);
      conf.put(
          "spark.executor.extraClassPath",
          String.join(
              File.pathSeparator,
              snapshot
                  ? snapshotClassFolders(home)
                  : classPathFolders().stream().map(Path::toString).toList()));
      List<String> executorFlags = new ArrayList<>(moduleFlags());
      executorFlags.addAll(ChildJvms.flags());
      conf.put("spark.executor.extraJavaOptions", String.join(" ", executorFlags));
      conf.put("spark.ui.enabled", "false");
      conf.put("spark.ui.showConsoleProgress", "false");
      conf.put("spark.driver.host", "localhost");
      conf.put("spark.driver.bindAddress", "127.0.0.1");
      conf.put("spark.sql.shuffle.partitions", "4");
      if (fakeGpus) {
        conf.put("spark.worker.resource.gpu.amount", Integer.toString(executors));
        conf.put(
            "spark.worker.resource.gpu.discoveryScript", gpuScript(home, executors).toString());
        conf.put("spark.executor.resource.gpu.amount", "1");
        conf.put("spark.task.resource.gpu.amount", "1");
      }
      conf.putAll(extra);
      return conf;
    }

    /**
     * Starts the cluster and returns a session on it once all executors have registered. Fails with
     * the newest executor stderr when they do not.
     */
    public SparkSession start() {
      Map<String, String> conf = settings();
      long startedAt = System.currentTimeMillis();
      SparkSession spark;
      synchronized (LocalCluster.class) {
        String oldTesting = System.getProperty(TESTING);
        String oldHome = System.getProperty(TEST_HOME);
        System.setProperty(TESTING, "true");
        System.setProperty(TEST_HOME, sparkHome().toString());
        try {
          SparkSession.Builder builder = SparkSession.builder();
          conf.forEach(builder::config);
          spark = builder.getOrCreate();
        } finally {
          restore(TESTING, oldTesting);
          restore(TEST_HOME, oldHome);
        }
      }
      SparkContext sc = spark.sparkContext();
      if (!sc.master().startsWith("local-cluster")) {
        throw new IllegalStateException(
            "a session on "
                + sc.master()
                + " was already running; stop it before "
                + "starting a local-cluster (one SparkContext per JVM)");
      }
      // The context waited for the executors' cores; check they came, with their logs when they did
      // not.
      int registered = sc.statusTracker().getExecutorInfos().length - 1;
      if (registered < executors) {
        String logs = newestExecutorStderr(startedAt);
        stop(spark);
        throw new IllegalStateException(
            "local-cluster: "
                + registered
                + " of "
                + executors
                + " executors registered within "
                + conf.get(WAIT)
                + "; SPARK_HOME="
                + sparkHome()
                + "\n"
                + logs);
      }
      return spark;
    }
  }

  private static void restore(String key, String old) {
    if (old == null) {
      System.clearProperty(key);
    } else {
      System.setProperty(key, old);
    }
  }

  /**
   * The SPARK_HOME made for this class path: {@code target/local-cluster-home-<hash>/jars/} with a
   * link to each jar of {@code java.class.path}. Built once per class path, atomically.
   */
  public static synchronized Path sparkHome() {
    if (sparkHome != null) {
      return sparkHome;
    }
    List<Path> jars =
        classPath().stream().filter(p -> p.getFileName().toString().endsWith(".jar")).toList();
    List<String> missing = new ArrayList<>();
    for (String needed :
        List.of(
            "spark-core_" + SCALA_VERSION, "spark-launcher_" + SCALA_VERSION, "scala-library")) {
      if (jars.stream().noneMatch(j -> j.getFileName().toString().startsWith(needed))) {
        missing.add(needed);
      }
    }
    if (!missing.isEmpty()) {
      throw new IllegalStateException(
          "local-cluster: the class path lacks "
              + missing
              + " (java.class.path has "
              + jars.size()
              + " jars; run the tests with Maven/Surefire)");
    }
    Path home = targetDir().resolve("local-cluster-home-" + hash(jars));
    if (!Files.isDirectory(home.resolve("jars"))) {
      build(home, jars);
    }
    sparkHome = home;
    return home;
  }

  private static void build(Path home, List<Path> jars) {
    Path tmp = home.resolveSibling(home.getFileName() + ".tmp-" + ProcessHandle.current().pid());
    try {
      deleteTree(tmp);
      Path dir = Files.createDirectories(tmp.resolve("jars"));
      Set<String> names = new HashSet<>();
      for (Path jar : jars) {
        String name = jar.getFileName().toString();
        // Two artifacts may share a file name (core-1.0.jar); the link names must differ.
        for (int i = 1; !names.add(name); i++) {
          name = i + "-" + jar.getFileName();
        }
        Files.createSymbolicLink(dir.resolve(name), jar.toAbsolutePath());
      }
      try {
        Files.move(tmp, home, StandardCopyOption.ATOMIC_MOVE);
      } catch (FileAlreadyExistsException | AtomicMoveNotSupportedException e) {
        // Another JVM built the same home first: its links are the same.
        deleteTree(tmp);
      } catch (IOException e) {
        if (!Files.isDirectory(home.resolve("jars"))) {
          throw e;
        }
        deleteTree(tmp);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("local-cluster: cannot build SPARK_HOME " + home, e);
    }
  }

  /**
   * A discovery script printing addresses 0..n-1 of resource "gpu", executable, beside the jars.
   */
  private static Path gpuScript(Path home, int n) {
    Path script = home.resolve("gpu-discovery-" + n + ".sh");
    if (Files.isExecutable(script)) {
      return script;
    }
    String addresses =
        Stream.iterate(0, i -> i + 1)
            .limit(n)
            .map(i -> "\"" + i + "\"")
            .collect(Collectors.joining(","));
    String body =
        "#!/bin/sh\n# Fake GPUs for local-cluster tests (LocalCluster).\n"
            + "echo '{\"name\":\"gpu\",\"addresses\":["
            + addresses
            + "]}'\n";
    try {
      Path tmp = Files.createTempFile(home, "gpu-discovery", ".tmp");
      Files.writeString(tmp, body, StandardCharsets.UTF_8);
      Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
      Files.move(tmp, script, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      return script;
    } catch (IOException e) {
      throw new UncheckedIOException(
          "local-cluster: cannot write the GPU discovery script " + script, e);
    }
  }

  /** The test JVM's class path, as Surefire passes it. */
  private static List<Path> classPath() {
    String cp = System.getProperty("java.class.path", "");
    List<Path> entries = new ArrayList<>();
    for (String entry : cp.split(File.pathSeparator)) {
      if (!entry.isBlank() && Files.exists(Path.of(entry))) {
        entries.add(Path.of(entry).toAbsolutePath());
      }
    }
    return entries;
  }

  /** The class path's folders (target/classes, target/test-classes), in order. */
  private static List<Path> classPathFolders() {
    List<Path> dirs = classPath().stream().filter(Files::isDirectory).toList();
    if (dirs.isEmpty()) {
      throw new IllegalStateException(
          "local-cluster: java.class.path has no class folder (target/classes); "
              + "executors would not find the application's classes");
    }
    return dirs;
  }

  /**
   * Copies of the class path's folders under {@code <home>/apps/<pid>-<n>/}, removed when the JVM
   * exits, so executors see the classes of this run whatever a concurrent build does to {@code
   * target/}.
   */
  private static synchronized List<String> snapshotClassFolders(Path home) {
    try {
      if (snapshots.isEmpty()) {
        Runtime.getRuntime()
            .addShutdownHook(new Thread(LocalCluster::deleteSnapshots, "local-cluster-cleanup"));
      }
      Path app =
          Files.createDirectories(home.resolve("apps"))
              .resolve(ProcessHandle.current().pid() + "-" + snapshots.size());
      snapshots.add(app);
      deleteTree(app);
      List<String> copies = new ArrayList<>();
      int i = 0;
      for (Path dir : classPathFolders()) {
        Path copy = app.resolve(i++ + "-" + dir.getFileName());
        try (Stream<Path> files = Files.walk(dir)) {
          for (Path from : files.toList()) {
            Path to = copy.resolve(dir.relativize(from).toString());
            if (Files.isDirectory(from)) {
              Files.createDirectories(to);
            } else {
              Files.copy(from, to, StandardCopyOption.COPY_ATTRIBUTES);
            }
          }
        }
        copies.add(copy.toString());
      }
      return copies;
    } catch (IOException e) {
      throw new UncheckedIOException(
          "local-cluster: cannot copy the class folders for executors", e);
    }
  }

  private static synchronized void deleteSnapshots() {
    for (Path app : snapshots) {
      try {
        deleteTree(app);
      } catch (IOException | UncheckedIOException e) {
        // Best effort at exit: the folder is under target/ and goes with the next clean.
      }
    }
  }

  /** The test JVM's module and reflection flags, which executors need as much as the driver. */
  private static List<String> moduleFlags() {
    List<String> flags = new ArrayList<>();
    for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
      if (arg.startsWith("--add-opens")
          || arg.startsWith("--add-exports")
          || arg.equals("-XX:+IgnoreUnrecognizedVMOptions")
          || arg.startsWith("-Djdk.reflect.")) {
        flags.add(arg);
      }
    }
    return flags;
  }

  /** This module's {@code target/}, the parent of the folder this class was loaded from. */
  private static Path targetDir() {
    try {
      Path classes =
          Path.of(LocalCluster.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      // From another module this class comes in a test jar (maybe in ~/.m2): use that module's own
      // target/.
      return Files.isDirectory(classes) ? classes.getParent() : Path.of("target").toAbsolutePath();
    } catch (java.net.URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String hash(List<Path> jars) {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      for (Path jar : jars) {
        md.update(jar.toString().getBytes(StandardCharsets.UTF_8));
        md.update((byte) 0);
      }
      return HexFormat.of().formatHex(md.digest()).substring(0, 12);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The last lines of the newest executor stderr written since {@code since}, or where to look. */
  private static String newestExecutorStderr(long since) {
    Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
    try (Stream<Path> workers = Files.list(tmp)) {
      List<Path> stderrs = new ArrayList<>();
      for (Path worker :
          workers.filter(p -> p.getFileName().toString().startsWith("worker-")).toList()) {
        try (Stream<Path> files = Files.walk(worker, 3)) {
          files
              .filter(p -> p.getFileName().toString().equals("stderr"))
              .filter(p -> p.toFile().lastModified() >= since)
              .forEach(stderrs::add);
        }
      }
      if (stderrs.isEmpty()) {
        return "no executor stderr under "
            + tmp
            + "/worker-*; executors were not launched (see the driver log)";
      }
      Path newest =
          stderrs.stream().max(Comparator.comparingLong(p -> p.toFile().lastModified())).get();
      List<String> lines = Files.readAllLines(newest, StandardCharsets.UTF_8);
      return "last lines of "
          + newest
          + ":\n"
          + String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
    } catch (IOException | UncheckedIOException e) {
      return "executor logs are under " + tmp + "/worker-* (" + e + ")";
    }
  }

  private static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
