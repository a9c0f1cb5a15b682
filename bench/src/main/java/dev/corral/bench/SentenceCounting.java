package dev.corral.bench;

import com.johnsnowlabs.nlp.DocumentAssembler;
import com.johnsnowlabs.nlp.annotators.sbd.pragmatic.SentenceDetector;
import dev.corral.curation.quality.heuristics.SentenceCounter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.BreakIterator;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;

/**
 * The figures behind SENTENCES.md (curation/.../quality/heuristics): C4's sentence count by Spark
 * NLP's rule-based {@code SentenceDetector}, by Corral's {@code SentenceCounter} and by the JDK's
 * {@code BreakIterator}, on the 12 tricky cases (score against the expected counts) and on a text
 * file cut into documents of 20 lines (seconds of {@code sum(count)} over the cached frame, runs
 * alternating, in Spark {@code local[2]}).
 *
 * <p>Usage: {@code SentenceCounting TEXT_FILE RUNS}; {@code bench/sentences.sh} runs it.
 */
public final class SentenceCounting {
  /**
   * Expected counts (first) of the cases SentenceCounterTest checks; "Wait..." may read as 2 or 3.
   */
  private static final Object[][] CASES = {
    {1, "Dr. Smith arrived at 3 p.m. on Monday."},
    {1, "The value of pi is about 3.14 and e is about 2.72."},
    {2, "Wait... I think so. Really?"},
    {1, "He paused... and then left."},
    {2, "She said \"Stop.\" Then she left."},
    {1, "We met Mr. and Mrs. Jones, e.g. at the U.S. embassy."},
    {3, "Is it true? Yes! It is."},
    {1, "See Fig. 3 and No. 5 in the appendix."},
    {2, "J. R. R. Tolkien wrote books. He was British."},
    {1, "Visit example.com for details"},
    {3, "The price rose 2.5%. Analysts were surprised. \"Why?\" asked one."},
    {2, "It ended in 1999. 2000 began quietly."},
  };

  private SentenceCounting() {}

  public static void main(String[] args) throws Exception {
    Path file = Path.of(args[0]);
    int runs = Integer.parseInt(args[1]);
    SparkSession spark =
        SparkSession.builder()
            .master("local[2]")
            .appName("SentenceCounting")
            .config("spark.ui.enabled", "false")
            .getOrCreate();
    spark
        .udf()
        .register(
            "corral_sentences",
            (UDF1<String, Integer>) SentenceCounter::count,
            DataTypes.IntegerType);
    spark
        .udf()
        .register(
            "jdk_sentences",
            (UDF1<String, Integer>) SentenceCounting::breakIterator,
            DataTypes.IntegerType);
    DocumentAssembler document = new DocumentAssembler();
    document.setInputCol("text");
    document.setOutputCol("document");
    SentenceDetector sentences = new SentenceDetector();
    sentences.setInputCols(new String[] {"document"});
    sentences.setOutputCol("sentence");
    PipelineModel sparkNlp =
        new Pipeline()
            .setStages(new PipelineStage[] {document, sentences})
            .fit(spark.emptyDataset(Encoders.STRING()).toDF("text"));

    List<String> cases = new ArrayList<>();
    for (Object[] c : CASES) {
      cases.add((String) c[1]);
    }
    Dataset<Row> tricky = spark.createDataset(cases, Encoders.STRING()).toDF("text");
    List<Row> counts =
        sparkNlp
            .transform(tricky)
            .selectExpr(
                "text",
                "size(sentence) AS spark_nlp",
                "corral_sentences(text) AS corral",
                "jdk_sentences(text) AS jdk")
            .collectAsList();
    int[] right = new int[3];
    System.out.println("| expected | Spark NLP | BreakIterator | SentenceCounter | text |");
    for (int i = 0; i < CASES.length; i++) {
      Row r = counts.get(i);
      int expected = (Integer) CASES[i][0];
      int[] got = {r.getInt(1), r.getInt(3), r.getInt(2)};
      for (int k = 0; k < 3; k++) {
        right[k] += got[k] == expected ? 1 : 0;
      }
      System.out.printf(
          "| %d | %d | %d | %d | `%s` |%n", expected, got[0], got[1], got[2], r.getString(0));
    }
    System.out.printf(
        "right of %d: Spark NLP %d, BreakIterator %d, SentenceCounter %d%n",
        CASES.length, right[0], right[1], right[2]);

    List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    List<String> docs = new ArrayList<>();
    long chars = 0;
    for (int i = 0; i < lines.size(); i += 20) {
      String doc = String.join("\n", lines.subList(i, Math.min(lines.size(), i + 20)));
      docs.add(doc);
      chars += doc.length();
    }
    Dataset<Row> text =
        spark.createDataset(docs, Encoders.STRING()).toDF("text").repartition(2).cache();
    text.count();
    System.out.printf(
        "%,d documents, %,d characters, cached; Spark local[2]%n", docs.size(), chars);
    double[][] seconds = new double[3][runs];
    for (int run = 0; run < runs; run++) {
      seconds[0][run] =
          time(() -> sparkNlp.transform(text).select(functions.expr("sum(size(sentence))")));
      seconds[1][run] = time(() -> text.select(functions.expr("sum(jdk_sentences(text))")));
      seconds[2][run] = time(() -> text.select(functions.expr("sum(corral_sentences(text))")));
    }
    String[] names = {
      "Spark NLP DocumentAssembler + SentenceDetector", "BreakIterator UDF", "SentenceCounter UDF"
    };
    double[] medians = new double[3];
    for (int k = 0; k < 3; k++) {
      medians[k] = median(seconds[k]);
      System.out.printf(
          "%s: %s s, median %.3f s%n", names[k], Arrays.toString(seconds[k]), medians[k]);
    }
    System.out.printf("Spark NLP / SentenceCounter: %.1fx the time%n", medians[0] / medians[2]);
    spark.stop();
  }

  private static double time(java.util.function.Supplier<Dataset<Row>> query) {
    long start = System.nanoTime();
    query.get().first();
    return (System.nanoTime() - start) / 1e9;
  }

  private static double median(double[] values) {
    double[] v = values.clone();
    Arrays.sort(v);
    return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
  }

  /** Non-blank segments of the JDK's English sentence iterator. */
  static int breakIterator(String text) {
    BreakIterator it = BreakIterator.getSentenceInstance(Locale.ENGLISH);
    it.setText(text);
    int n = 0;
    for (int start = it.first(), end = it.next();
        end != BreakIterator.DONE;
        start = end, end = it.next()) {
      if (!text.substring(start, end).isBlank()) {
        n++;
      }
    }
    return n;
  }
}
