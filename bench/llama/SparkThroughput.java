// LlamaScorer (perplexity mode) in Spark local[2] against the same engine outside Spark, on the
// same texts.
// A single-file program (java SparkThroughput.java), run by bench/llama-spark.sh on the jobs jar's
// classpath.
import dev.corral.inference.llama.Generator;
import dev.corral.inference.llama.LlamaModel;
import dev.corral.inference.llama.Scorer;
import dev.corral.inference.spark.InferenceMetrics;
import dev.corral.inference.spark.LlamaGenerator;
import dev.corral.inference.spark.LlamaScorer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;

public class SparkThroughput {
  public static void main(String[] args) throws Exception {
    if (args.length > 6 && args[6].equals("generate")) {
      generate(args);
      return;
    }
    Path textFile = Path.of(args[0]);
    Path model = Path.of(args[1]);
    int rows = Integer.parseInt(args[2]);
    int runs = Integer.parseInt(args[3]);
    // Optional: engine threads sharing the model (the Spark side runs local[2]), and the text
    // length in chars
    // (paragraphs are joined until it is reached, then cut).
    int engineThreads = args.length > 4 ? Integer.parseInt(args[4]) : 1;
    int chars = args.length > 5 ? Integer.parseInt(args[5]) : 400;
    int batchTokens = 2048;
    List<String> texts = new ArrayList<>();
    StringBuilder pending = new StringBuilder();
    for (String line : Files.readAllLines(textFile)) {
      if (line.isBlank()
          || texts.size() >= rows
          || chars > 400 && line.chars().filter(c -> c > 127).count() * 10 > line.length()) {
        continue; // long texts: mostly-ASCII paragraphs only, so that chars set the token count
        // (~4.3 per token)
      }
      pending.append(pending.length() == 0 ? "" : " ").append(line);
      if (pending.length() >= chars || chars <= 400) {
        texts.add(pending.length() > chars ? pending.substring(0, chars) : pending.toString());
        pending.setLength(0);
      }
    }
    SparkSession spark =
        SparkSession.builder()
            .master("local[2]")
            .appName("llama-throughput")
            .config("spark.ui.enabled", "false")
            .getOrCreate();
    spark.sparkContext().setLogLevel("WARN");
    Dataset<Row> df =
        spark.createDataset(texts, Encoders.STRING()).toDF("text").repartition(4).cache();
    df.count();
    long tokens;
    List<Double> engine = new ArrayList<>();
    List<Double> inSpark = new ArrayList<>();
    try (LlamaModel m = LlamaModel.load(model)) {
      // The engine alone: the same texts sorted by length (as the Spark stage batches them),
      // batches of 16.
      List<String> sorted = new ArrayList<>(texts);
      sorted.sort(
          (a, b) ->
              Integer.compare(m.tokenizer().encode(a).length, m.tokenizer().encode(b).length));
      Scorer scorer = Scorer.builder().setModel(m).optBatchSize(16).build();
      scorer.scoreAll(sorted.subList(0, Math.min(32, sorted.size()))); // warm-up
      long t = 0;
      for (String s : texts) {
        t += m.tokenizer().encode(s).length;
      }
      tokens = t;
      LlamaScorer stage =
          new LlamaScorer().setModelPath(model.toString()).setBatchTokens(batchTokens);
      stage.transform(df.limit(32)).write().format("noop").mode("overwrite").save(); // warm-up
      for (int r = 0; r < runs; r++) {
        long t0 = System.nanoTime();
        if (engineThreads == 1) {
          scorer.scoreAll(sorted);
        } else {
          inThreads(sorted, engineThreads, scorer::scoreAll);
        }
        engine.add((System.nanoTime() - t0) / 1e9);
        InferenceMetrics metrics = InferenceMetrics.register(spark.sparkContext(), "bench");
        t0 = System.nanoTime();
        stage.setMetrics(metrics).transform(df).write().format("noop").mode("overwrite").save();
        inSpark.add((System.nanoTime() - t0) / 1e9);
        if (metrics.snapshot().rows() != texts.size() || metrics.snapshot().errors() != 0) {
          throw new IllegalStateException("Spark scored " + metrics.snapshot());
        }
      }
    }
    spark.stop();
    report(
        "engine outside Spark (" + engineThreads + " thread(s), batches of 16, sorted)",
        engine,
        texts.size(),
        tokens);
    report(
        "LlamaScorer in Spark local[2] (batchTokens " + batchTokens + ")",
        inSpark,
        texts.size(),
        tokens);
    System.out.printf(
        Locale.ROOT,
        "Spark/engine throughput = %.2f (%d texts, %d tokens)%n",
        median(engine) / median(inSpark),
        texts.size(),
        tokens);
  }

  // LlamaGenerator (greedy) in Spark local[2] against the engine's Generator in two threads sharing
  // the model,
  // on the first UDHR paragraphs cut at 200 characters; args[7] new tokens per prompt.
  static void generate(String[] args) throws Exception {
    Path textFile = Path.of(args[0]);
    Path model = Path.of(args[1]);
    int rows = Integer.parseInt(args[2]);
    int runs = Integer.parseInt(args[3]);
    int newTokens = Integer.parseInt(args[7]);
    List<String> prompts = new ArrayList<>();
    for (String line : Files.readAllLines(textFile)) {
      if (!line.isBlank() && prompts.size() < rows) {
        prompts.add(line.length() > 200 ? line.substring(0, 200) : line);
      }
    }
    SparkSession spark =
        SparkSession.builder()
            .master("local[2]")
            .appName("llama-generate-throughput")
            .config("spark.ui.enabled", "false")
            .getOrCreate();
    spark.sparkContext().setLogLevel("WARN");
    Dataset<Row> df =
        spark.createDataset(prompts, Encoders.STRING()).toDF("prompt").repartition(4).cache();
    df.count();
    List<Double> engine = new ArrayList<>();
    List<Double> inSpark = new ArrayList<>();
    AtomicLong generated = new AtomicLong();
    long sparkTokens = 0;
    try (LlamaModel m = LlamaModel.load(model)) {
      Generator generator =
          Generator.builder()
              .setModel(m)
              .optMaxNewTokens(newTokens)
              .optTemperature(0)
              .optBatchSize(16)
              .build();
      generator.generateAll(prompts.subList(0, Math.min(4, prompts.size()))); // warm-up
      LlamaGenerator stage =
          new LlamaGenerator()
              .setModelPath(model.toString())
              .setMaxNewTokens(newTokens)
              .setTemperature(0);
      stage.transform(df.limit(4)).write().format("noop").mode("overwrite").save(); // warm-up
      for (int r = 0; r < runs; r++) {
        generated.set(0);
        long t0 = System.nanoTime();
        inThreads(
            prompts,
            2,
            share ->
                generator.generateAll(share).forEach(g -> generated.addAndGet(g.tokens().length)));
        engine.add((System.nanoTime() - t0) / 1e9);
        t0 = System.nanoTime();
        Dataset<Row> out =
            stage
                .transform(df)
                .select(
                    functions.size(functions.col("generated_tokens")).as("n"),
                    functions.col("error"))
                .cache();
        Row agg = out.agg(functions.sum("n"), functions.count(functions.col("error"))).first();
        inSpark.add((System.nanoTime() - t0) / 1e9);
        sparkTokens = agg.getLong(0);
        if (agg.getLong(1) != 0) {
          throw new IllegalStateException(agg.getLong(1) + " rows failed");
        }
        out.unpersist();
      }
    }
    spark.stop();
    report(
        "engine outside Spark (2 threads, batches of 16, greedy)",
        engine,
        prompts.size(),
        generated.get());
    report("LlamaGenerator in Spark local[2] (greedy)", inSpark, prompts.size(), sparkTokens);
    System.out.printf(
        Locale.ROOT,
        "Spark/engine generation throughput = %.2f (%d prompts, %d and %d tokens)%n",
        (sparkTokens / median(inSpark)) / (generated.get() / median(engine)),
        prompts.size(),
        generated.get(),
        sparkTokens);
  }

  /**
   * Runs {@code work} in {@code n} threads, thread k taking every n-th item from k, so the shares
   * are even.
   */
  static void inThreads(List<String> items, int n, Consumer<List<String>> work)
      throws InterruptedException {
    List<Thread> threads = new ArrayList<>();
    for (int k = 0; k < n; k++) {
      List<String> share = new ArrayList<>();
      for (int i = k; i < items.size(); i += n) {
        share.add(items.get(i));
      }
      Thread th = new Thread(() -> work.accept(share));
      th.start();
      threads.add(th);
    }
    for (Thread th : threads) {
      th.join();
    }
  }

  static double median(List<Double> xs) {
    List<Double> s = new ArrayList<>(xs);
    Collections.sort(s);
    int n = s.size();
    return n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
  }

  static void report(String what, List<Double> runs, int rows, long tokens) {
    StringBuilder b = new StringBuilder();
    for (double r : runs) {
      b.append(String.format(Locale.ROOT, "%.3f ", r));
    }
    double m = median(runs);
    System.out.printf(
        Locale.ROOT, "| %s | %s| %.3f | %.1f | %.0f |%n", what, b, m, rows / m, tokens / m);
  }
}
