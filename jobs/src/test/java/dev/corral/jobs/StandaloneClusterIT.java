package dev.corral.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.corral.core.testing.ChildJvms;
import dev.corral.core.testing.TestSpark;
import dev.corral.curation.io.WarcFixtures;
import dev.corral.curation.lm.CcnetNormalizer;
import dev.corral.curation.lm.NgramTrainer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shaded jar under {@code spark-submit --master spark://127.0.0.1:PORT} on a real standalone
 * cluster (a Master and two Workers, each its own JVM, each Worker with one fake GPU): every job's
 * output equals its local-mode output row for row, in client and in cluster deploy mode; {@code
 * score} loads one model per executor and GPU; a Worker killed mid-job or a driver killed mid-score
 * loses and duplicates no row.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class StandaloneClusterIT {
  /**
   * Tests left to {@code -Pcluster}: every build runs one per claim (both deploy modes, a lost
   * Worker, a killed driver whose resumed run loads one model per GPU); these add the other jobs,
   * score's lost Worker and a fresh run's model per GPU.
   */
  static final String FULL = "full-cluster";

  static final Path TINY =
      Path.of(System.getProperty("corral.shared.dir", "../../shared"), "fixtures/llama-tiny");

  @TempDir static Path tmp;
  private static StandaloneCluster cluster;
  private static SparkSession spark;

  /** Outputs of the local-mode reference runs, by job name. */
  private static final Map<String, Path> reference = new HashMap<>();

  enum Mode {
    LOCAL,
    CLIENT,
    CLUSTER
  }

  /** A finished spark-submit: its exit code and the driver's output (stdout and stderr). */
  record Run(int code, String log) {}

  @BeforeAll
  static void start() throws Exception {
    cluster = StandaloneCluster.start(Files.createDirectories(tmp.resolve("cluster")), 2);
    spark = TestSpark.startWithExtensions("StandaloneClusterIT");
  }

  @AfterAll
  static void stop() {
    TestSpark.stop(spark);
    if (cluster != null) {
      cluster.close();
    }
  }

  // ---- the jobs, each with its input ----

  /** One job: its arguments for an output folder, its output format, columns that may differ. */
  record JobSpec(
      String name,
      List<String> args,
      String format,
      List<String> placementColumns,
      List<String> conf) {
    JobSpec(String name, List<String> args, String format, List<String> placementColumns) {
      this(name, args, format, placementColumns, List.of());
    }

    List<String> argsFor(Path output) {
      List<String> all = new ArrayList<>(args);
      all.addAll(List.of("--output", output.toString()));
      return all;
    }
  }

  private static List<String> udhr() throws IOException {
    List<String> texts = new ArrayList<>();
    for (String line : Files.readAllLines(JobsTest.UDHR, StandardCharsets.UTF_8)) {
      texts.add(line.split("\t", 3)[2]);
    }
    return texts;
  }

  /** {@code n} UDHR paragraphs spread over its languages. */
  private static List<String> sample(int n) throws IOException {
    List<String> all = udhr();
    List<String> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(all.get(i * (all.size() / n)));
    }
    return out;
  }

  private static String json(String s) {
    return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + "\"";
  }

  private static Path jsonl(String name, List<String> texts) throws IOException {
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < texts.size(); i++) {
      lines.add("{\"id\": " + i + ", \"text\": " + json(texts.get(i)) + "}");
    }
    Path p = tmp.resolve(name + ".jsonl");
    if (!Files.exists(p)) {
      Files.write(p, lines, StandardCharsets.UTF_8);
    }
    return p;
  }

  /** Pages of two UDHR paragraphs each, with planted near and exact duplicates. */
  private static Path dedupInput(String name, int pages) throws IOException {
    List<String> paragraphs = udhr().stream().filter(t -> t.split(" ").length >= 30).toList();
    SplittableRandom random = new SplittableRandom(9);
    List<String> docs = new ArrayList<>();
    for (int i = 0; i < pages; i++) {
      docs.add(
          paragraphs.get(random.nextInt(paragraphs.size()))
              + "\n"
              + paragraphs.get(random.nextInt(paragraphs.size())));
      if (i % 50 == 49) {
        docs.add(docs.get(i - 7) + " Share this page.");
      }
    }
    return jsonl(name, docs);
  }

  private static Path scoreInput(String name, int rows) throws IOException {
    List<String> texts = new ArrayList<>();
    List<String> paragraphs = udhr();
    for (int i = 0; i < rows; i++) {
      String p = paragraphs.get((i * 37) % paragraphs.size());
      // Short texts (the first 100 code points), and an empty one now and then: its row gets an
      // error.
      int[] head = p.codePoints().limit(100).toArray();
      texts.add(i % 97 == 5 ? "" : new String(head, 0, head.length));
    }
    return jsonl(name, texts);
  }

  static JobSpec langid() throws IOException {
    return new JobSpec(
        "langid",
        List.of("langid", "--input", jsonl("langid", sample(400)).toString(), "--format", "json"),
        "json",
        List.of());
  }

  static JobSpec ccnet() throws IOException {
    Path wetDir = tmp.resolve("wet");
    Path lmDir = tmp.resolve("lm");
    if (!Files.isDirectory(wetDir)) {
      List<String[]> udhr = new ArrayList<>();
      for (String line : Files.readAllLines(JobsTest.UDHR, StandardCharsets.UTF_8)) {
        udhr.add(line.split("\t"));
      }
      List<String> dutch = udhr.stream().filter(f -> f[1].equals("nl")).map(f -> f[2]).toList();
      List<String> swedish = udhr.stream().filter(f -> f[1].equals("sv")).map(f -> f[2]).toList();
      Files.createDirectories(lmDir);
      new NgramTrainer(3)
          .train(dutch.stream().map(CcnetNormalizer::normalize).toList(), lmDir.resolve("nl.arpa"));
      Files.createDirectories(wetDir);
      String boilerplate = "Home | About us | Contact | Privacy";
      int part = 0;
      for (List<String> lang : List.of(dutch, swedish)) {
        String file = "part-" + part++ + ".warc.wet.gz";
        List<byte[]> records = new ArrayList<>(List.of(WarcFixtures.warcinfo(file)));
        for (int i = 0; i + 2 < lang.size(); i += 3) {
          records.add(
              WarcFixtures.conversion(
                  "http://example.org/" + part + "/" + i,
                  "2019-02-15T19:15:59Z",
                  "Page " + i,
                  String.join("\n", boilerplate, lang.get(i), lang.get(i + 1), lang.get(i + 2))));
        }
        WarcFixtures.writeGzip(wetDir.resolve(file), records);
      }
    }
    return new JobSpec(
        "ccnet",
        List.of(
            "ccnet",
            "--input",
            wetDir.toString(),
            "--lm-dir",
            lmDir.toString(),
            "--tokenizer",
            "whitespace",
            "--format",
            "parquet"),
        "parquet",
        List.of());
  }

  static JobSpec dedup() throws IOException {
    return new JobSpec(
        "dedup",
        List.of("dedup", "--input", dedupInput("dedup", 400).toString()),
        "delta",
        List.of(),
        List.of("spark.sql.files.maxPartitionBytes=64k"));
  }

  static JobSpec curate() throws IOException {
    Path config = tmp.resolve("pipeline.yaml");
    Files.writeString(
        config,
        String.join(
            "\n",
            "name: cluster-pipeline",
            "stages:",
            "  - stage: LanguageIdentifier",
            "  - stage: GopherQualityFilter",
            "  - stage: C4Filter",
            ""));
    return new JobSpec(
        "curate",
        List.of(
            "curate", "--config", config.toString(), "--input", jsonl("curate", udhr()).toString()),
        "delta",
        List.of());
  }

  /** {@code score} in several commits, so a stopped run has chunks to resume. */
  static JobSpec score() throws IOException {
    return new JobSpec(
        "score",
        List.of(
            "score",
            "--model",
            TINY.toString(),
            "--input",
            scoreInput("score", 120).toString(),
            "--partitions-per-commit",
            "2"),
        "delta",
        List.of("device"),
        // About 6 input partitions: 3 commits of 2 tasks, one for each executor.
        List.of("spark.sql.files.maxPartitionBytes=3k"));
  }

  // ---- spark-submit ----

  /** Spark settings for every run; the small file splits give {@code score} many chunks. */
  private static List<String> conf(Mode mode) {
    String pytorch = System.getProperty("PYTORCH_VERSION");
    String engine =
        "-Dai.djl.offline=true -DPYTORCH_VERSION="
            + pytorch
            + " -Dai.djl.pytorch.num_threads=1 -Dai.djl.pytorch.num_interop_threads=1";
    String flags = String.join(" ", StandaloneCluster.jvmFlags());
    List<String> conf =
        new ArrayList<>(
            List.of(
                "spark.ui.enabled=false",
                "spark.sql.shuffle.partitions=4",
                // Tables of a few files: Delta's cluster-sized 50 snapshot tasks per commit cost
                // more than the job.
                "spark.databricks.delta.snapshotPartitions=2",
                "spark.driver.memory=1g",
                "spark.corral.llama.cpuFallback=true"));
    if (mode != Mode.LOCAL) {
      conf.addAll(
          List.of(
              "spark.executor.cores=1",
              "spark.executor.memory=640m",
              "spark.cores.max=2",
              "spark.executor.resource.gpu.amount=1",
              "spark.task.resource.gpu.amount=1",
              // Start the job on both executors, so both Workers hold tasks.
              "spark.scheduler.minRegisteredResourcesRatio=1.0",
              "spark.scheduler.maxRegisteredResourcesWaitingTime=60s",
              "spark.executor.extraJavaOptions="
                  + engine
                  + " "
                  + String.join(" ", ChildJvms.flags()),
              "spark.executorEnv.PYTORCH_VERSION=" + pytorch,
              "spark.executorEnv.OMP_NUM_THREADS=1"));
    }
    if (mode == Mode.CLUSTER) {
      conf.add("spark.driver.extraJavaOptions=" + flags + " " + engine);
      // The driver's folder on a Worker: its stdout and stderr are the job's output.
      conf.add("spark.standalone.submit.waitAppCompletion=true");
    }
    return conf;
  }

  /** Starts spark-submit for {@code args}; its output goes to {@code log}. */
  private static Process submit(Mode mode, JobSpec spec, Path output, Path log) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(StandaloneCluster.java());
    cmd.addAll(StandaloneCluster.jvmFlags());
    cmd.add("-Dai.djl.offline=true");
    cmd.add("-Dlog4j2.configurationFile=" + Path.of("../conf/log4j2.properties").toAbsolutePath());
    cmd.add("-cp");
    cmd.add(Files.readString(Path.of(System.getProperty("corral.spark.classpath"))).trim());
    cmd.add("org.apache.spark.deploy.SparkSubmit");
    cmd.add("--master");
    cmd.add(mode == Mode.LOCAL ? "local[2]" : cluster.masterUrl());
    cmd.add("--deploy-mode");
    cmd.add(mode == Mode.CLUSTER ? "cluster" : "client");
    List<String> conf = new ArrayList<>(conf(mode));
    conf.addAll(spec.conf());
    for (String c : conf) {
      cmd.add("--conf");
      cmd.add(c);
    }
    cmd.add("--class");
    cmd.add("dev.corral.jobs.Corral");
    cmd.add(System.getProperty("corral.jar"));
    cmd.addAll(spec.argsFor(output));
    ProcessBuilder builder =
        new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
    builder.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
    builder.environment().put("PYTORCH_VERSION", System.getProperty("PYTORCH_VERSION"));
    builder.environment().put("OMP_NUM_THREADS", "1");
    return builder.start();
  }

  private static int runCount;

  /** Runs {@code spec} to {@code output} and waits; the log is the driver's, wherever it ran. */
  private static Run run(Mode mode, JobSpec spec, Path output) throws Exception {
    Path log = tmp.resolve(spec.name() + "-" + mode + "-" + runCount++ + ".log");
    Process p = submit(mode, spec, output, log);
    try {
      assertTrue(p.waitFor(10, TimeUnit.MINUTES), () -> "spark-submit timed out: " + log);
    } finally {
      kill(p);
    }
    String text = Files.readString(log);
    if (mode == Mode.CLUSTER) {
      Path driver = cluster.newestDriverDir();
      text +=
          Files.readString(driver.resolve("stdout")) + Files.readString(driver.resolve("stderr"));
    }
    return new Run(p.exitValue(), text);
  }

  private static void kill(Process p) throws InterruptedException {
    p.descendants().forEach(ProcessHandle::destroyForcibly);
    p.destroyForcibly();
    p.waitFor(30, TimeUnit.SECONDS);
  }

  /**
   * The local-mode output of {@code spec}, run once, in this JVM's {@code local[*]} session (one
   * JVM start less per job than a {@code spark-submit --master local}).
   */
  private static synchronized Path reference(JobSpec spec) throws Exception {
    Path out = reference.get(spec.name());
    if (out == null) {
      out = tmp.resolve("local-" + spec.name());
      // The job's own settings (SQL settings: file splits), as spark-submit gives them.
      for (String c : spec.conf()) {
        spark.conf().set(c.substring(0, c.indexOf('=')), c.substring(c.indexOf('=') + 1));
      }
      CommandLineTest.Result r;
      try {
        r = CommandLineTest.run(new byte[0], spec.argsFor(out).toArray(String[]::new));
      } finally {
        spec.conf().forEach(c -> spark.conf().unset(c.substring(0, c.indexOf('='))));
      }
      assertEquals(0, r.code(), r.err());
      reference.put(spec.name(), out);
    }
    return out;
  }

  /** Every row of an output as JSON, sorted, without the columns that name the placement. */
  private static List<String> rows(JobSpec spec, Path output) {
    Dataset<Row> table = spark.read().format(spec.format()).load(output.toString());
    for (String c : spec.placementColumns()) {
      table = table.drop(c);
    }
    String[] columns = table.columns();
    Arrays.sort(columns);
    return table.selectExpr(columns).toJSON().collectAsList().stream().sorted().toList();
  }

  private static void assertSameRows(JobSpec spec, Path output) throws Exception {
    List<String> expected = rows(spec, reference(spec));
    List<String> actual = rows(spec, output);
    assertTrue(expected.size() > 0, spec.name() + ": the local run wrote no rows");
    assertEquals(expected.size(), actual.size(), spec.name() + ": row count");
    for (int i = 0; i < expected.size(); i++) {
      assertEquals(expected.get(i), actual.get(i), spec.name() + ": sorted row " + i);
    }
  }

  private static void assertRunsLikeLocal(JobSpec spec, Mode mode) throws Exception {
    reference(spec);
    Path out = tmp.resolve(mode + "-" + spec.name());
    Run r = run(mode, spec, out);
    assertEquals(0, r.code(), r.log());
    assertSameRows(spec, out);
  }

  // ---- the tests ----

  @Test
  @Order(1)
  void langidInClientAndClusterMode() throws Exception {
    assertRunsLikeLocal(langid(), Mode.CLIENT);
    assertRunsLikeLocal(langid(), Mode.CLUSTER);
  }

  @Test
  @Tag(FULL)
  @Order(2)
  void ccnetInClientAndClusterMode() throws Exception {
    assertRunsLikeLocal(ccnet(), Mode.CLIENT);
    assertRunsLikeLocal(ccnet(), Mode.CLUSTER);
  }

  @Test
  @Tag(FULL)
  @Order(3)
  void dedupInClientAndClusterMode() throws Exception {
    assertRunsLikeLocal(dedup(), Mode.CLIENT);
    assertRunsLikeLocal(dedup(), Mode.CLUSTER);
  }

  @Test
  @Tag(FULL)
  @Order(4)
  void curateInClientAndClusterMode() throws Exception {
    assertRunsLikeLocal(curate(), Mode.CLIENT);
    assertRunsLikeLocal(curate(), Mode.CLUSTER);
  }

  /**
   * Each executor got one fake GPU, its own Worker's ("0" or "1"); each loaded the model once, for
   * its GPU (its log says so), and rows were scored on both. The build checks this on the resumed
   * run of {@link #scoreResumesAfterTheDriverIsKilled}; {@code -Pcluster} also on a run of its own.
   */
  @Test
  @Tag(FULL)
  @Order(5)
  void scoreLoadsOneModelPerExecutorAndGpu() throws Exception {
    JobSpec spec = score();
    reference(spec);
    Path out = tmp.resolve("client-score");
    Set<Path> before = new HashSet<>(cluster.executorLogs());
    Run r = run(Mode.CLIENT, spec, out);
    assertEquals(0, r.code(), r.log());
    assertSameRows(spec, out);
    assertOneModelPerExecutorAndGpu(out, before);
  }

  /** The rows of {@code out} and the logs of executors that {@code before} does not hold. */
  private static void assertOneModelPerExecutorAndGpu(Path out, Set<Path> before)
      throws IOException {
    Set<String> devices = new TreeSet<>();
    spark
        .read()
        .format("delta")
        .load(out.toString())
        .select("device")
        .distinct()
        .collectAsList()
        .forEach(row -> devices.add(row.getString(0)));
    assertEquals(Set.of("gpu:0", "gpu:1"), devices, "rows were scored on both executors' GPUs");

    Pattern loaded = Pattern.compile("corral: loaded LLaMA (\\S+) on (gpu:\\d) .* executor (\\S+)");
    Map<String, List<String>> loadsByExecutor = new HashMap<>();
    for (Path log : cluster.executorLogs()) {
      if (before.contains(log)) {
        continue;
      }
      for (String line : Files.readAllLines(log, StandardCharsets.UTF_8)) {
        Matcher m = loaded.matcher(line);
        if (m.find()) {
          loadsByExecutor.computeIfAbsent(m.group(3), k -> new ArrayList<>()).add(m.group(2));
        }
      }
    }
    assertEquals(2, loadsByExecutor.size(), () -> "model loads by executor: " + loadsByExecutor);
    Set<String> gpus = new TreeSet<>();
    loadsByExecutor
        .values()
        .forEach(
            l -> {
              assertEquals(1, l.size(), () -> "model loads by executor: " + loadsByExecutor);
              gpus.add(l.get(0));
            });
    assertEquals(
        Set.of("gpu:0", "gpu:1"), gpus, () -> "model loads by executor: " + loadsByExecutor);
  }

  @Test
  @Tag(FULL)
  @Order(6)
  void scoreInClusterMode() throws Exception {
    assertRunsLikeLocal(score(), Mode.CLUSTER);
  }

  /** Waits until {@code condition} holds, or fails after {@code seconds}. */
  private static void await(String what, int seconds, Process p, BooleanSupplier condition)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (!condition.getAsBoolean()) {
      assertTrue(p.isAlive(), "the job ended before " + what);
      assertTrue(System.nanoTime() < deadline, "timed out waiting for " + what);
      Thread.sleep(200);
    }
  }

  /** The application folders Worker {@code worker} holds ({@code work-i/app-*}). */
  private static Set<Path> appDirs(int worker) {
    try (Stream<Path> files = Files.list(cluster.workDir(worker))) {
      return new TreeSet<>(
          files.filter(f -> f.getFileName().toString().startsWith("app-")).toList());
    } catch (IOException e) {
      return Set.of();
    }
  }

  /**
   * Whether an executor of an application that Worker {@code worker} did not hold before ({@code
   * old}) has started a task: an older application's log, still written while it shuts down, does
   * not count.
   */
  private static boolean runningTaskOn(int worker, Set<Path> old) {
    for (Path app : appDirs(worker)) {
      if (old.contains(app)) {
        continue;
      }
      try (Stream<Path> files = Files.walk(app, 2)) {
        for (Path log : files.filter(f -> f.getFileName().toString().equals("stderr")).toList()) {
          if (Files.readString(log).contains("Running task")) {
            return true;
          }
        }
      } catch (IOException | java.io.UncheckedIOException e) {
        // The folder is being written; look again.
      }
    }
    return false;
  }

  /** Kills Worker 1 (and its executor) once it runs a task of {@code spec}; the job still ends. */
  private void survivesALostWorker(JobSpec spec) throws Exception {
    reference(spec);
    Path out = tmp.resolve("worker-lost-" + spec.name());
    Path log = tmp.resolve("worker-lost-" + spec.name() + ".log");
    Set<Path> old = appDirs(1);
    Process p = submit(Mode.CLIENT, spec, out, log);
    try {
      await("a task on worker 1", 300, p, () -> runningTaskOn(1, old));
      cluster.killWorker(1);
      assertTrue(p.waitFor(8, TimeUnit.MINUTES), "spark-submit timed out");
      String text = Files.readString(log);
      assertEquals(0, p.exitValue(), text);
      // The driver saw the executor go while the job ran, and rescheduled its tasks.
      assertTrue(text.contains("Lost executor"), text);
      assertSameRows(spec, out);
    } finally {
      kill(p);
      cluster.restartWorker(1);
    }
  }

  @Test
  @Order(7)
  void dedupSurvivesALostWorker() throws Exception {
    survivesALostWorker(dedup());
  }

  @Test
  @Tag(FULL)
  @Order(8)
  void scoreSurvivesALostWorker() throws Exception {
    survivesALostWorker(score());
  }

  /** Delta commits in the staging folder of {@code output}'s running job. */
  private static long commits(Path output) {
    try (Stream<Path> files = Files.walk(output.getParent(), 3)) {
      return files
          .filter(f -> f.toString().contains(".corral-staging-" + output.getFileName()))
          .filter(f -> f.getParent().getFileName().toString().equals("_delta_log"))
          .filter(f -> f.getFileName().toString().matches("\\d+\\.json"))
          .count();
    } catch (IOException | java.io.UncheckedIOException e) {
      return 0;
    }
  }

  @Test
  @Order(9)
  void scoreResumesAfterTheDriverIsKilled() throws Exception {
    JobSpec spec = score();
    reference(spec);
    Path out = tmp.resolve("driver-killed-score");
    Path log = tmp.resolve("driver-killed-score.log");
    Process p = submit(Mode.CLIENT, spec, out, log);
    try {
      await("a committed chunk", 300, p, () -> commits(out) >= 1);
    } finally {
      kill(p);
    }
    assertTrue(!Files.exists(out), "a killed run commits nothing to the output");
    Set<Path> before = new HashSet<>(cluster.executorLogs());
    Run again = run(Mode.CLIENT, spec, out);
    assertEquals(0, again.code(), again.log());
    assertTrue(again.log().contains("resuming the run that was stopped"), again.log());
    String record = Files.readString(out.resolve("_corral/score.json"));
    Matcher resumed = Pattern.compile("\"commits_resumed\"\\s*:\\s*(\\d+)").matcher(record);
    assertTrue(resumed.find(), record);
    assertTrue(Integer.parseInt(resumed.group(1)) >= 1, record);
    assertSameRows(spec, out);
    // The chunks left are scored on both executors, each loading the model once, for its GPU.
    assertOneModelPerExecutorAndGpu(out, before);
  }
}
