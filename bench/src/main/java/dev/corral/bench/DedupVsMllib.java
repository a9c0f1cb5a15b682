package dev.corral.bench;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import com.sun.management.GarbageCollectionNotificationInfo;
import dev.corral.curation.dedup.DedupModel;
import dev.corral.curation.dedup.Jaccard;
import dev.corral.curation.dedup.MinHashDeduplicator;
import dev.corral.curation.dedup.Shingles;
import java.io.IOException;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import javax.management.NotificationEmitter;
import javax.management.NotificationListener;
import javax.management.openmbean.CompositeData;
import org.apache.spark.ml.feature.MinHashLSH;
import org.apache.spark.ml.feature.MinHashLSHModel;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerStageCompleted;
import org.apache.spark.scheduler.SparkListenerStageSubmitted;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.scheduler.StageInfo;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.functions;

/**
 * Near-duplicate pairs at Jaccard ≥ 0.8 (word 5-gram shingles): Corral's {@link
 * MinHashDeduplicator} against Spark MLlib's {@code MinHashLSH.approxSimilarityJoin}, in one JVM
 * and one {@code local[2]} session, on the planted corpus of {@link DedupCorpus}. Per size: the
 * corpus is cached and materialized, then runs alternate (Corral, then MLlib with each number of
 * hash tables); each run's wall and CPU time, peak heap (sampled every 20 ms, and after each GC)
 * and the precision, recall and F1 of its pairs against the exact ground truth of {@link
 * DedupGroundTruth} on the documents of the first size (a prefix of the larger corpora). In local
 * mode the driver is the executor, so the JVM's heap is the executor's.
 *
 * <p>Usage: DedupVsMllib UDHR_TSV WORK_DIR MLLIB_TABLES MLLIB_MAX_DOCS MLLIB_LIMIT_MIN
 * SIZE:RUNS[:MLLIB_RUNS]... (e.g. {@code udhr-dev.tsv target/bench 2,3,5 400000 10 100000:3
 * 400000:2:1 1600000:1}). An MLlib configuration that runs past the limit is cancelled and not run
 * again.
 */
public final class DedupVsMllib {
  private static final long SEED = 20261123L;
  private static final double THRESHOLD = 0.8;
  private static final int NGRAM = 5;
  // Brute force and prefix filtering must agree on this prefix before the prefix filter's truth is
  // used.
  private static final int BRUTE_FORCE_DOCS = 20_000;
  private static final int MLLIB_DIM = 1 << 30;
  private static final int THREADS = 2;
  // Seconds of Corral's last run: deduplicate() (the eager search), the annotated rows, the pairs.
  private static volatile double[] phases;

  /** One measured run. */
  record Run(
      String method,
      int size,
      double seconds,
      double cpuSeconds,
      long baselineHeap,
      long peakHeap,
      long peakAfterGc,
      long pairs,
      Quality quality,
      String stages,
      boolean finished,
      double[] phases) {}

  /**
   * Precision, recall and F1 on the truth prefix, and the pairs found there (sorted pair codes).
   */
  record Quality(double precision, double recall, double f1, long[] foundCodes) {}

  public static void main(String[] args) throws Exception {
    Path udhr = Path.of(args[0]);
    Path work = Path.of(args[1]).toAbsolutePath();
    int[] tables = Arrays.stream(args[2].split(",")).mapToInt(Integer::parseInt).toArray();
    long mllibMaxDocs = Long.parseLong(args[3]);
    long mllibLimitMs = (long) (Double.parseDouble(args[4]) * 60_000);
    List<int[]> sizes = new ArrayList<>();
    for (int i = 5; i < args.length; i++) {
      String[] s = args[i].split(":");
      int runs = s.length > 1 ? Integer.parseInt(s[1]) : 1;
      sizes.add(
          new int[] {Integer.parseInt(s[0]), runs, s.length > 2 ? Integer.parseInt(s[2]) : runs});
    }

    DedupCorpus corpus = DedupCorpus.load(udhr, SEED);
    int truthDocs = sizes.get(0)[0];
    System.out.printf(
        Locale.ROOT,
        "corpus: %s, %d translations with >= 10 paragraphs (%d paragraphs), seed %d%n",
        udhr,
        corpus.languageCount(),
        corpus.paragraphCount(),
        SEED);

    // Ground truth on the first truthDocs documents; the corpus is prefix-stable, so it holds at
    // every size.
    long t0 = System.nanoTime();
    String[] texts = corpus.texts(truthDocs);
    long[][] sets =
        IntStream.range(0, truthDocs)
            .parallel()
            .mapToObj(i -> Shingles.of(texts[i], NGRAM, false))
            .toArray(long[][]::new);
    System.out.printf(
        Locale.ROOT,
        "truth: %d documents generated and shingled in %.1f s, %.1f shingles/doc, "
            + "%.0f chars/doc%n",
        truthDocs,
        secondsSince(t0),
        Arrays.stream(sets).mapToInt(s -> s.length).average().orElse(0),
        Arrays.stream(texts).mapToInt(String::length).average().orElse(0));
    long[][] head = Arrays.copyOf(sets, Math.min(BRUTE_FORCE_DOCS, truthDocs));
    t0 = System.nanoTime();
    long[] brute = DedupGroundTruth.bruteForce(head, THRESHOLD, THREADS);
    double bruteSeconds = secondsSince(t0);
    t0 = System.nanoTime();
    long[] prefixHead = DedupGroundTruth.prefixFilter(head, THRESHOLD, THREADS);
    double prefixHeadSeconds = secondsSince(t0);
    if (!Arrays.equals(brute, prefixHead)) {
      throw new IllegalStateException(
          "prefix filter disagrees with brute force on the first "
              + head.length
              + " documents: "
              + prefixHead.length
              + " vs "
              + brute.length
              + " pairs");
    }
    System.out.printf(
        Locale.ROOT,
        "truth: first %d docs, brute force (size filter) %d pairs in %.1f s, prefix "
            + "filter the same %d pairs in %.1f s%n",
        head.length,
        brute.length,
        bruteSeconds,
        prefixHead.length,
        prefixHeadSeconds);
    t0 = System.nanoTime();
    long[] truth = DedupGroundTruth.prefixFilter(sets, THRESHOLD, THREADS);
    System.out.printf(
        Locale.ROOT,
        "truth: first %d docs, prefix filter %d pairs with J >= %.2f in %.1f s%n",
        truthDocs,
        truth.length,
        THRESHOLD,
        secondsSince(t0));
    List<DedupCorpus.Planted> planted = corpus.planted(truthDocs);
    double[] plantedJaccard =
        planted.stream()
            .mapToDouble(p -> Jaccard.similarity(sets[(int) p.id()], sets[(int) p.source()]))
            .toArray();
    long plantedInTruth =
        planted.stream()
            .filter(p -> Arrays.binarySearch(truth, DedupGroundTruth.pair(p.id(), p.source())) >= 0)
            .count();
    System.out.printf(
        Locale.ROOT,
        "truth: %d planted pairs in the first %d docs, %d of them with J >= %.2f; "
            + "%d truth pairs are not planted (copies of one source, pages drawn with the same paragraphs)%n",
        planted.size(),
        truthDocs,
        plantedInTruth,
        THRESHOLD,
        truth.length - plantedInTruth);
    Arrays.fill(sets, null);

    SparkSession spark =
        SparkSession.builder()
            .master("local[2]")
            .appName("dedup-vs-mllib")
            .config("spark.ui.enabled", "false")
            // 8 shuffle partitions per core, as for the other local[2] benchmarks; Spark's 200
            // costs both methods
            // 200 files per map task in every shuffle.
            .config("spark.sql.shuffle.partitions", "16")
            .getOrCreate();
    StageLog stageLog = new StageLog();
    spark.sparkContext().addSparkListener(stageLog);
    UserDefinedFunction vector =
        functions.udf(
            (UDF1<String, Vector>) DedupVsMllib::shingleVector, SQLDataTypes.VectorType());
    HeapMonitor heap = new HeapMonitor();
    ExecutorService runner =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "bench-run");
              t.setDaemon(true);
              return t;
            });

    // Warm-up (JIT, codegen, class loading) on 10,000 documents, not reported.
    Dataset<Row> warm = corpus.frame(spark, 10_000, 2).cache();
    warm.count();
    runCorral(spark, warm, work.resolve("pairs-warm"));
    runMllib(spark, warm, tables[0], vector, work.resolve("pairs-warm"));
    warm.unpersist(true);
    System.out.println("warm-up done");

    Map<Integer, List<Run>> results = new LinkedHashMap<>();
    Set<String> timedOut = ConcurrentHashMap.newKeySet();
    Path pairsOut = work.resolve("pairs");
    for (int[] sizeRuns : sizes) {
      int n = sizeRuns[0];
      int partitions = Math.max(4, n / 12_500);
      t0 = System.nanoTime();
      Dataset<Row> docs = corpus.frame(spark, n, partitions).cache();
      long count = docs.count();
      long chars = docs.agg(functions.sum(functions.length(col("text")))).first().getLong(0);
      System.out.printf(
          Locale.ROOT,
          "%n== %,d documents (%,.1f M chars, %d partitions), cached in %.1f s ==%n",
          count,
          chars / 1e6,
          partitions,
          secondsSince(t0));
      List<Run> runs = new ArrayList<>();
      results.put(n, runs);
      for (int r = 0; r < sizeRuns[1]; r++) {
        runs.add(
            measure(
                spark,
                runner,
                heap,
                stageLog,
                "corral",
                n,
                Long.MAX_VALUE,
                truth,
                truthDocs,
                pairsOut,
                () -> runCorral(spark, docs, pairsOut)));
        // With ids that are not integers the result persists a copy of the input and gives no
        // handle to release
        // it: drop every cache and cache the corpus again (untimed), so that no run starts with
        // another's leftovers.
        spark.catalog().clearCache();
        docs.cache().count();
        for (int l : tables) {
          String method = "mllib-" + l;
          if (n > mllibMaxDocs || timedOut.contains(method) || r >= sizeRuns[2]) {
            continue;
          }
          Run run =
              measure(
                  spark,
                  runner,
                  heap,
                  stageLog,
                  method,
                  n,
                  mllibLimitMs,
                  truth,
                  truthDocs,
                  pairsOut,
                  () -> runMllib(spark, docs, l, vector, pairsOut));
          runs.add(run);
          if (!run.finished()) {
            timedOut.add(method);
          }
        }
      }
      docs.unpersist(true);
      printSize(
          n,
          chars,
          runs,
          planted,
          plantedJaccard,
          truth,
          truthDocs,
          tables,
          mllibMaxDocs,
          mllibLimitMs / 60_000.0);
    }
    printGrowth(results);
    spark.stop();
    runner.shutdownNow();
  }

  /**
   * Corral: the whole result, annotated rows (noop write) and pairs (Parquet), as a pipeline would
   * use it. The seconds of each phase go to {@link #phases}.
   */
  private static long runCorral(SparkSession spark, Dataset<Row> docs, Path out) {
    long t0 = System.nanoTime();
    DedupModel model = new MinHashDeduplicator().setThreshold(THRESHOLD).fit(docs);
    long t1 = System.nanoTime();
    model.transform(docs).write().format("noop").mode("overwrite").save();
    long t2 = System.nanoTime();
    model
        .pairs()
        .select("id_a", "id_b", "similarity")
        .write()
        .mode("overwrite")
        .parquet(out.toString());
    phases = new double[] {(t1 - t0) / 1e9, (t2 - t1) / 1e9, secondsSince(t2)};
    System.out.printf(
        Locale.ROOT,
        "  corral: fit() %.1f s, annotated rows %.1f s, pairs %.1f s; %s%n",
        phases[0],
        phases[1],
        phases[2],
        model.stats());
    return spark.read().parquet(out.toString()).count();
  }

  /**
   * MLlib as its guide shows it: shingle sets as sparse binary vectors, hashed once and cached (so
   * that the self-join does not shingle twice), then the self similarity join at distance 0.2 (1 −
   * 0.8 rounds below 0.2, so J = 0.8 exactly is kept, as the truth keeps it), each unordered pair
   * once.
   */
  private static long runMllib(
      SparkSession spark, Dataset<Row> docs, int tables, UserDefinedFunction vector, Path out) {
    Dataset<Row> features =
        docs.select(col("id"), vector.apply(col("text")).as("features"))
            .where(col("features").isNotNull());
    MinHashLSHModel model =
        new MinHashLSH()
            .setNumHashTables(tables)
            .setSeed(SEED)
            .setInputCol("features")
            .setOutputCol("hashes")
            .fit(features);
    Dataset<Row> hashed = model.transform(features).cache();
    try {
      hashed.count();
      model
          .approxSimilarityJoin(hashed, hashed, 1 - THRESHOLD, "distance")
          .where(col("datasetA.id").lt(col("datasetB.id")))
          .select(
              col("datasetA.id").as("id_a"),
              col("datasetB.id").as("id_b"),
              lit(1.0).minus(col("distance")).as("similarity"))
          .write()
          .mode("overwrite")
          .parquet(out.toString());
    } finally {
      hashed.unpersist();
    }
    return spark.read().parquet(out.toString()).count();
  }

  /**
   * The shingle set as a binary sparse vector, indices the 64-bit hashes mod 2^30; null for no
   * shingle.
   */
  static Vector shingleVector(String text) {
    long[] shingles = Shingles.of(text, NGRAM, false);
    if (shingles.length == 0) {
      return null;
    }
    int[] indices =
        Arrays.stream(shingles)
            .mapToInt(h -> (int) (h & (MLLIB_DIM - 1)))
            .sorted()
            .distinct()
            .toArray();
    double[] ones = new double[indices.length];
    Arrays.fill(ones, 1.0);
    return Vectors.sparse(MLLIB_DIM, indices, ones);
  }

  private static Run measure(
      SparkSession spark,
      ExecutorService runner,
      HeapMonitor heap,
      StageLog stageLog,
      String method,
      int n,
      long limitMs,
      long[] truth,
      int truthDocs,
      Path out,
      Callable<Long> work)
      throws Exception {
    String group = method + "-" + n + "-" + System.nanoTime();
    System.gc();
    Thread.sleep(500);
    long baseline = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    phases = null;
    heap.start();
    long cpu0 = processCpuNanos();
    Map<Long, long[]> threads0 = threadCpu();
    long t0 = System.nanoTime();
    Future<Long> future =
        runner.submit(
            () -> {
              spark.sparkContext().setJobGroup(group, method, true);
              try {
                return work.call();
              } finally {
                spark.sparkContext().clearJobGroup();
              }
            });
    long pairs;
    boolean finished = true;
    try {
      pairs = future.get(limitMs, TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      spark.sparkContext().cancelJobGroup(group);
      future.cancel(true);
      finished = false;
      pairs = -1;
    }
    double seconds = secondsSince(t0);
    double cpuSeconds = (processCpuNanos() - cpu0) / 1e9;
    double[] split = cpuSplit(threads0, threadCpu(), cpuSeconds);
    long[] peaks = heap.stop();
    if (!finished) {
      Thread.sleep(5_000); // let the cancelled tasks wind down before the next run
    }
    Quality quality = finished ? quality(spark, out, truth, truthDocs) : null;
    Run run =
        new Run(
            method,
            n,
            seconds,
            cpuSeconds,
            baseline,
            peaks[0],
            peaks[1],
            pairs,
            quality,
            stageLog.summary(group),
            finished,
            phases);
    System.out.printf(
        Locale.ROOT,
        "%-8s %,9d docs: %s %.1f s (CPU %.1f s: tasks %.1f, driver %.1f, JIT/GC %.1f), "
            + "heap baseline %s peak %s (after GC %s), %s pairs%s; persisted RDDs now %d; load average %s%n    %s%n",
        method,
        n,
        finished ? "" : "DID NOT FINISH in",
        seconds,
        cpuSeconds,
        split[0],
        split[1],
        split[2],
        gib(baseline),
        gib(peaks[0]),
        gib(peaks[1]),
        pairs,
        quality == null
            ? ""
            : String.format(
                Locale.ROOT,
                ", P %.4f R %.4f F1 %.4f on the first %d docs",
                quality.precision(),
                quality.recall(),
                quality.f1(),
                truthDocs),
        spark.sparkContext().getPersistentRDDs().size(),
        loadAverage(),
        run.stages());
    return run;
  }

  // The run's pairs among the first truthDocs documents against the truth.
  private static Quality quality(SparkSession spark, Path pairs, long[] truth, int truthDocs) {
    long[] found =
        spark
            .read()
            .parquet(pairs.toString())
            .where(col("id_a").lt(truthDocs).and(col("id_b").lt(truthDocs)))
            .select("id_a", "id_b")
            .collectAsList()
            .stream()
            .mapToLong(r -> DedupGroundTruth.pair(r.getLong(0), r.getLong(1)))
            .sorted()
            .distinct()
            .toArray();
    long tp = Arrays.stream(found).filter(c -> Arrays.binarySearch(truth, c) >= 0).count();
    double precision = found.length == 0 ? 1.0 : tp / (double) found.length;
    double recall = truth.length == 0 ? 1.0 : tp / (double) truth.length;
    double f1 = precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);
    return new Quality(precision, recall, f1, found);
  }

  private static void printSize(
      int n,
      long chars,
      List<Run> runs,
      List<DedupCorpus.Planted> planted,
      double[] plantedJaccard,
      long[] truth,
      int truthDocs,
      int[] tables,
      long mllibMaxDocs,
      double limitMin) {
    List<String> methods = new ArrayList<>(List.of("corral"));
    for (int l : tables) {
      methods.add("mllib-" + l);
    }
    System.out.printf(
        Locale.ROOT,
        "%n### %,d documents (%.1f M chars); quality on the first %,d documents "
            + "(%,d truth pairs)%n%n",
        n,
        chars / 1e6,
        truthDocs,
        truth.length);
    System.out.println(
        "| method | runs (s) | median wall | docs/s | median CPU | peak heap (sampled) "
            + "| peak heap after GC | precision | recall | F1 | pairs (whole corpus) |");
    System.out.println(
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
    Map<String, Double> medians = new LinkedHashMap<>();
    Map<String, Double> cpuMedians = new LinkedHashMap<>();
    Map<String, Quality> qualities = new LinkedHashMap<>();
    for (String m : methods) {
      List<Run> mine = runs.stream().filter(r -> r.method().equals(m)).toList();
      if (mine.isEmpty()) {
        System.out.printf(
            Locale.ROOT,
            "| %s | not run (above %,d documents) | | | | | | | | | |%n",
            label(m),
            mllibMaxDocs);
        continue;
      }
      List<Run> done = mine.stream().filter(Run::finished).toList();
      String times =
          mine.stream()
              .map(
                  r -> (r.finished() ? "" : "> ") + String.format(Locale.ROOT, "%.1f", r.seconds()))
              .collect(Collectors.joining(" "));
      if (done.isEmpty()) {
        System.out.printf(
            Locale.ROOT,
            "| %s | %s | did not finish in %.0f min | | | %s | %s | | | | |%n",
            label(m),
            times,
            limitMin,
            gib(mine.get(0).peakHeap()),
            gib(mine.get(0).peakAfterGc()));
        continue;
      }
      double median = median(done.stream().mapToDouble(Run::seconds).toArray());
      medians.put(m, median);
      cpuMedians.put(m, median(done.stream().mapToDouble(Run::cpuSeconds).toArray()));
      Quality q = done.get(done.size() - 1).quality();
      qualities.put(m, q);
      boolean same =
          done.stream().allMatch(r -> Arrays.equals(r.quality().foundCodes(), q.foundCodes()));
      System.out.printf(
          Locale.ROOT,
          "| %s | %s | %.1f s | %,.0f | %.1f s | %s | %s | %.4f | %.4f | %.4f%s | %,d |%n",
          label(m),
          times,
          median,
          n / median,
          cpuMedians.get(m),
          gib(done.stream().mapToLong(Run::peakHeap).max().getAsLong()),
          gib(done.stream().mapToLong(Run::peakAfterGc).max().getAsLong()),
          q.precision(),
          q.recall(),
          q.f1(),
          same ? "" : " (runs differ)",
          done.get(done.size() - 1).pairs());
    }
    List<Run> corral =
        runs.stream().filter(r -> r.method().equals("corral") && r.phases() != null).toList();
    if (!corral.isEmpty()) {
      System.out.printf(
          Locale.ROOT,
          "%nCorral's phases (medians): deduplicate() (search, verification, components) "
              + "%.1f s, annotated rows %.1f s, pairs written %.1f s%n",
          median(corral.stream().mapToDouble(r -> r.phases()[0]).toArray()),
          median(corral.stream().mapToDouble(r -> r.phases()[1]).toArray()),
          median(corral.stream().mapToDouble(r -> r.phases()[2]).toArray()));
    }
    if (medians.containsKey("corral")) {
      for (Map.Entry<String, Double> e : medians.entrySet()) {
        if (!e.getKey().equals("corral")) {
          System.out.printf(
              Locale.ROOT,
              "%nspeed: %s / Corral = %.1fx in wall time, %.1fx in CPU time (medians); "
                  + "recall Corral %.4f vs %.4f%n",
              label(e.getKey()),
              e.getValue() / medians.get("corral"),
              cpuMedians.get(e.getKey()) / cpuMedians.get("corral"),
              qualities.get("corral").recall(),
              qualities.get(e.getKey()).recall());
        }
      }
    }
    System.out.printf(
        Locale.ROOT, "%nrecall of planted pairs by edit rate (first %,d documents)%n%n", truthDocs);
    StringBuilder header = new StringBuilder("| edit rate | planted | mean J | with J >= 0.8 |");
    StringBuilder rule = new StringBuilder("| ---: | ---: | ---: | ---: |");
    for (String m : qualities.keySet()) {
      header.append(" ").append(label(m)).append(" recall (J >= 0.8) | found (any J) |");
      rule.append(" ---: | ---: |");
    }
    System.out.println(header);
    System.out.println(rule);
    for (double rate : DedupCorpus.EDIT_RATES) {
      List<Integer> at =
          IntStream.range(0, planted.size())
              .filter(i -> planted.get(i).editRate() == rate)
              .boxed()
              .toList();
      List<Integer> above = at.stream().filter(i -> plantedJaccard[i] >= THRESHOLD).toList();
      StringBuilder row =
          new StringBuilder(
              String.format(
                  Locale.ROOT,
                  "| %.2f | %,d | %.3f | %,d (%.1f%%) |",
                  rate,
                  at.size(),
                  at.stream().mapToDouble(i -> plantedJaccard[i]).average().orElse(0),
                  above.size(),
                  100.0 * above.size() / Math.max(1, at.size())));
      for (Quality q : qualities.values()) {
        long foundAbove = above.stream().filter(i -> found(q, planted.get(i))).count();
        long foundAll = at.stream().filter(i -> found(q, planted.get(i))).count();
        row.append(
            String.format(
                Locale.ROOT,
                " %s | %.1f%% |",
                above.isEmpty()
                    ? "-"
                    : String.format(Locale.ROOT, "%.4f", foundAbove / (double) above.size()),
                100.0 * foundAll / Math.max(1, at.size())));
      }
      System.out.println(row);
    }
  }

  private static boolean found(Quality q, DedupCorpus.Planted p) {
    return Arrays.binarySearch(q.foundCodes(), DedupGroundTruth.pair(p.id(), p.source())) >= 0;
  }

  private static void printGrowth(Map<Integer, List<Run>> results) {
    System.out.printf(
        Locale.ROOT,
        "%n### growth (medians)%n%n| documents | method | median wall | wall per 100k docs "
            + "| per-100k wall / smallest size's | CPU per 100k docs | per-100k CPU / smallest size's |%n"
            + "| ---: | --- | ---: | ---: | ---: | ---: | ---: |%n");
    Map<String, Double> first = new TreeMap<>();
    Map<String, Double> firstCpu = new TreeMap<>();
    for (Map.Entry<Integer, List<Run>> e : results.entrySet()) {
      Map<String, List<Run>> byMethod =
          e.getValue().stream()
              .filter(Run::finished)
              .collect(Collectors.groupingBy(Run::method, TreeMap::new, Collectors.toList()));
      for (Map.Entry<String, List<Run>> m : byMethod.entrySet()) {
        double median = median(m.getValue().stream().mapToDouble(Run::seconds).toArray());
        double per100k = median / (e.getKey() / 100_000.0);
        double cpu100k =
            median(m.getValue().stream().mapToDouble(Run::cpuSeconds).toArray())
                / (e.getKey() / 100_000.0);
        first.putIfAbsent(m.getKey(), per100k);
        firstCpu.putIfAbsent(m.getKey(), cpu100k);
        System.out.printf(
            Locale.ROOT,
            "| %,d | %s | %.1f s | %.2f s | %.2f | %.2f s | %.2f |%n",
            e.getKey(),
            label(m.getKey()),
            median,
            per100k,
            per100k / first.get(m.getKey()),
            cpu100k,
            cpu100k / firstCpu.get(m.getKey()));
      }
    }
  }

  private static String label(String method) {
    return method.equals("corral")
        ? "Corral MinHashDeduplicator"
        : "MLlib MinHashLSH, " + method.substring(method.indexOf('-') + 1) + " tables";
  }

  private static double median(double[] values) {
    double[] v = values.clone();
    Arrays.sort(v);
    return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
  }

  // CPU nanoseconds of every live Java thread, with whether it runs Spark tasks.
  private static Map<Long, long[]> threadCpu() {
    ThreadMXBean bean = ManagementFactory.getThreadMXBean();
    Map<Long, long[]> out = new HashMap<>();
    for (ThreadInfo info : bean.getThreadInfo(bean.getAllThreadIds())) {
      if (info != null) {
        long cpu = bean.getThreadCpuTime(info.getThreadId());
        out.put(
            info.getThreadId(),
            new long[] {cpu, info.getThreadName().startsWith("Executor task") ? 1 : 0});
      }
    }
    return out;
  }

  // Seconds of task threads, of the other Java threads (driver, scheduler, sampler), and the rest
  // of the process's
  // CPU (JIT compilers, GC; also threads that ended during the run).
  private static double[] cpuSplit(
      Map<Long, long[]> before, Map<Long, long[]> after, double total) {
    double tasks = 0;
    double others = 0;
    for (Map.Entry<Long, long[]> e : after.entrySet()) {
      double delta = (e.getValue()[0] - before.getOrDefault(e.getKey(), new long[2])[0]) / 1e9;
      if (e.getValue()[1] == 1) {
        tasks += delta;
      } else {
        others += delta;
      }
    }
    return new double[] {tasks, others, total - tasks - others};
  }

  // CPU time of this JVM (all threads, GC included): on a shared machine it moves less with others'
  // load than wall
  // time.
  private static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  // The machine is shared: the 1-minute load average after each run says how much.
  private static String loadAverage() {
    try {
      return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
    } catch (IOException e) {
      return "?";
    }
  }

  private static double secondsSince(long t0) {
    return (System.nanoTime() - t0) / 1e9;
  }

  private static String gib(long bytes) {
    return String.format(Locale.ROOT, "%.2f GiB", bytes / (double) (1L << 30));
  }

  /**
   * Peak heap used, sampled every 20 ms, and the peak of heap used right after each GC, while
   * running.
   */
  static final class HeapMonitor {
    private final AtomicLong peak = new AtomicLong();
    private final AtomicLong peakAfterGc = new AtomicLong();
    private volatile boolean running;
    private Thread sampler;

    HeapMonitor() {
      Set<String> heapPools =
          ManagementFactory.getMemoryPoolMXBeans().stream()
              .filter(p -> p.getType() == MemoryType.HEAP)
              .map(MemoryPoolMXBean::getName)
              .collect(Collectors.toSet());
      NotificationListener listener =
          (notification, handback) -> {
            if (running
                && notification
                    .getType()
                    .equals(GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION)) {
              GarbageCollectionNotificationInfo info =
                  GarbageCollectionNotificationInfo.from(
                      (CompositeData) notification.getUserData());
              long used =
                  info.getGcInfo().getMemoryUsageAfterGc().entrySet().stream()
                      .filter(e -> heapPools.contains(e.getKey()))
                      .mapToLong(e -> e.getValue().getUsed())
                      .sum();
              peakAfterGc.accumulateAndGet(used, Math::max);
            }
          };
      for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
        ((NotificationEmitter) gc).addNotificationListener(listener, null, null);
      }
    }

    void start() {
      peak.set(0);
      peakAfterGc.set(0);
      running = true;
      sampler =
          new Thread(
              () -> {
                while (running) {
                  MemoryUsage usage = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
                  peak.accumulateAndGet(usage.getUsed(), Math::max);
                  try {
                    Thread.sleep(20);
                  } catch (InterruptedException e) {
                    return;
                  }
                }
              },
              "heap-sampler");
      sampler.setDaemon(true);
      sampler.start();
    }

    long[] stop() throws InterruptedException {
      running = false;
      sampler.join();
      return new long[] {peak.get(), peakAfterGc.get()};
    }
  }

  /**
   * Per job group: every stage's wall time, tasks, peak execution memory, spill and shuffle write.
   */
  static final class StageLog extends SparkListener {
    private final Map<Integer, String> groupOfStage = new ConcurrentHashMap<>();
    private final Map<Integer, long[]> taskTotals = new ConcurrentHashMap<>();
    private final Map<String, List<String>> byGroup = new ConcurrentHashMap<>();

    @Override
    public void onStageSubmitted(SparkListenerStageSubmitted event) {
      String group =
          event.properties() == null ? null : event.properties().getProperty("spark.jobGroup.id");
      if (group != null) {
        groupOfStage.put(event.stageInfo().stageId(), group);
      }
    }

    @Override
    public void onTaskEnd(SparkListenerTaskEnd event) {
      if (event.taskMetrics() == null) {
        return;
      }
      long[] t = taskTotals.computeIfAbsent(event.stageId(), k -> new long[4]);
      synchronized (t) {
        t[0] = Math.max(t[0], event.taskMetrics().peakExecutionMemory());
        t[1] += event.taskMetrics().memoryBytesSpilled();
        t[2] += event.taskMetrics().diskBytesSpilled();
        t[3] += event.taskMetrics().shuffleWriteMetrics().bytesWritten();
      }
    }

    @Override
    public void onStageCompleted(SparkListenerStageCompleted event) {
      StageInfo info = event.stageInfo();
      String group = groupOfStage.get(info.stageId());
      if (group == null || info.submissionTime().isEmpty() || info.completionTime().isEmpty()) {
        return;
      }
      long ms = (Long) info.completionTime().get() - (Long) info.submissionTime().get();
      long[] t = taskTotals.getOrDefault(info.stageId(), new long[4]);
      byGroup
          .computeIfAbsent(group, k -> Collections.synchronizedList(new ArrayList<>()))
          .add(
              String.format(
                  Locale.ROOT,
                  "%07d|%s: %.1f s, %d tasks, peak exec mem %d MB, spill %d MB (disk %d MB), shuffle write %d MB",
                  ms,
                  info.name(),
                  ms / 1e3,
                  info.numTasks(),
                  t[0] >> 20,
                  t[1] >> 20,
                  t[2] >> 20,
                  t[3] >> 20));
    }

    /**
     * The group's longest stages (five, or as many as {@code -Ddedup.stages} says), longest first.
     */
    String summary(String group) {
      List<String> stages = byGroup.getOrDefault(group, List.of());
      synchronized (stages) {
        long total =
            stages.stream().mapToLong(s -> Long.parseLong(s.substring(0, s.indexOf('|')))).sum();
        return String.format(
                Locale.ROOT, "%d stages, %.1f s in all; longest: ", stages.size(), total / 1e3)
            + stages.stream()
                .sorted(Comparator.reverseOrder())
                .limit(Integer.getInteger("dedup.stages", 5))
                .map(s -> s.substring(s.indexOf('|') + 1))
                .collect(Collectors.joining("\n      "));
      }
    }
  }
}
