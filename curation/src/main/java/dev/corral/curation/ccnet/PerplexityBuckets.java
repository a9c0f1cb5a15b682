package dev.corral.curation.ccnet;

import dev.corral.core.Errors;
import dev.corral.core.stage.CheckedParams;
import dev.corral.core.stage.Stages;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.ml.Estimator;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.param.ParamValidators;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.DefaultParamsWritable;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * CCNet's perplexity buckets (Wenzek et al. 2020, section 3.3: "head", "middle" and "tail" thirds
 * of each language by the perplexity of a Wikipedia-trained n-gram model; cc_net's {@code
 * PerplexityBucket}): per language, the {@code percentileHead}-th (30) and {@code
 * percentileTail}-th (60) percentiles of perplexity are the cutoffs of a {@link
 * PerplexityBucketsModel}.
 *
 * <p>Fitting either estimates the cutoffs on the data, with Spark's {@code percentile_approx}
 * grouped by language (rows with a null language, or a null or negative perplexity, are left out;
 * filter dropped rows before fitting if they should not count; the percentiles are values of the
 * data within {@code accuracy}'s rank error, where CCNet's table was made by interpolation), or,
 * when {@code cutoffsCsv} is set, reads them from a table in CCNet's {@code cutoff.csv} format: a
 * header {@code ,lang1,lang2,...}, then one row per percentile 0..100 whose first field is the
 * percentile.
 */
public final class PerplexityBuckets extends Estimator<PerplexityBucketsModel>
    implements DefaultParamsWritable, CheckedParams {
  private static final long serialVersionUID = 1L;

  private final String uid;
  private final IntParam accuracy;
  private final Param<String> cutoffsCsv;
  private final Param<String> languageCol;
  private final Param<String> outputCol;
  private final IntParam percentileHead;
  private final IntParam percentileTail;
  private final Param<String> perplexityCol;

  /** An estimator with a random uid and CCNet's percentiles. */
  public PerplexityBuckets() {
    this(Identifiable.randomUID("perplexityBuckets"));
  }

  /** An estimator with the given uid; Spark ML's reader and {@code copy} call this. */
  public PerplexityBuckets(String uid) {
    this.uid = uid;
    accuracy =
        new IntParam(
            this,
            "accuracy",
            "percentile_approx accuracy: the rank error is at most 1/accuracy of a language's documents (> 0)",
            ParamValidators.gt(0));
    cutoffsCsv =
        new Param<>(
            this,
            "cutoffsCsv",
            "Hadoop path of a cutoff table in CCNet's cutoff.csv format; unset: estimate the cutoffs on the data",
            Stages.nonBlank());
    languageCol =
        new Param<>(this, "languageCol", "string column with the language code", Stages.nonBlank());
    outputCol =
        new Param<>(
            this,
            "outputCol",
            "output column for the bucket (head, middle, tail, all)",
            Stages.nonBlank());
    percentileHead =
        new IntParam(
            this,
            "percentileHead",
            "percentile of perplexity below which a document is 'head' (CCNet: 30; in [0, 100])",
            ParamValidators.inRange(0, 100));
    percentileTail =
        new IntParam(
            this,
            "percentileTail",
            "percentile of perplexity below which a document not in 'head' is 'middle', else 'tail' (CCNet: 60)",
            ParamValidators.inRange(0, 100));
    perplexityCol =
        new Param<>(
            this,
            "perplexityCol",
            "numeric column with the document's perplexity",
            Stages.nonBlank());
    setDefault(accuracy, 10000);
    setDefault(languageCol, "language");
    setDefault(outputCol, "bucket");
    setDefault(percentileHead, 30);
    setDefault(percentileTail, 60);
    setDefault(perplexityCol, "perplexity");
  }

  @Override
  public String uid() {
    return uid;
  }

  public IntParam accuracy() {
    return accuracy;
  }

  public Param<String> cutoffsCsv() {
    return cutoffsCsv;
  }

  public Param<String> languageCol() {
    return languageCol;
  }

  public Param<String> outputCol() {
    return outputCol;
  }

  public IntParam percentileHead() {
    return percentileHead;
  }

  public IntParam percentileTail() {
    return percentileTail;
  }

  public Param<String> perplexityCol() {
    return perplexityCol;
  }

  public int getAccuracy() {
    return (Integer) getOrDefault(accuracy);
  }

  public PerplexityBuckets setAccuracy(int value) {
    set(accuracy, value);
    return this;
  }

  /** The cutoff table path, or null when cutoffs are estimated on the data. */
  public String getCutoffsCsv() {
    return isDefined(cutoffsCsv) ? getOrDefault(cutoffsCsv) : null;
  }

  public PerplexityBuckets setCutoffsCsv(String value) {
    set(cutoffsCsv, value);
    return this;
  }

  public String getLanguageCol() {
    return getOrDefault(languageCol);
  }

  public PerplexityBuckets setLanguageCol(String value) {
    set(languageCol, value);
    return this;
  }

  public String getOutputCol() {
    return getOrDefault(outputCol);
  }

  public PerplexityBuckets setOutputCol(String value) {
    set(outputCol, value);
    return this;
  }

  public int getPercentileHead() {
    return (Integer) getOrDefault(percentileHead);
  }

  public PerplexityBuckets setPercentileHead(int value) {
    set(percentileHead, value);
    return this;
  }

  public int getPercentileTail() {
    return (Integer) getOrDefault(percentileTail);
  }

  public PerplexityBuckets setPercentileTail(int value) {
    set(percentileTail, value);
    return this;
  }

  public String getPerplexityCol() {
    return getOrDefault(perplexityCol);
  }

  public PerplexityBuckets setPerplexityCol(String value) {
    set(perplexityCol, value);
    return this;
  }

  @Override
  public StructType transformSchema(StructType schema) {
    checkParams();
    return emptyModel().transformSchema(schema);
  }

  @Override
  public PerplexityBucketsModel fit(Dataset<?> dataset) {
    transformSchema(dataset.schema(), true);
    List<String> langs = new ArrayList<>();
    List<double[]> cuts = new ArrayList<>();
    if (getCutoffsCsv() != null) {
      readCsv(
          dataset.sparkSession(),
          getCutoffsCsv(),
          getPercentileHead(),
          getPercentileTail(),
          langs,
          cuts);
    } else {
      double[] ranks = {getPercentileHead() / 100.0, getPercentileTail() / 100.0};
      // One small row per language comes back to the driver: the cutoffs, never the data.
      List<Row> rows =
          dataset
              .toDF()
              .where(
                  Stages.column(getLanguageCol())
                      .isNotNull()
                      .and(Stages.column(getPerplexityCol()).isNotNull())
                      .and(Stages.column(getPerplexityCol()).geq(0)))
              .groupBy(Stages.column(getLanguageCol()).as("language"))
              .agg(
                  functions
                      .percentile_approx(
                          Stages.column(getPerplexityCol()).cast(DataTypes.DoubleType),
                          functions.lit(ranks),
                          functions.lit(getAccuracy()))
                      .as("cutoffs"))
              .orderBy("language")
              .collectAsList();
      for (Row r : rows) {
        langs.add(r.getString(0));
        List<Double> c = r.getList(1);
        cuts.add(new double[] {c.get(0), c.get(1)});
      }
    }
    PerplexityBucketsModel model =
        emptyModel()
            .setLanguages(langs.toArray(new String[0]))
            .setHeadCutoffs(cuts.stream().mapToDouble(c -> c[0]).toArray())
            .setTailCutoffs(cuts.stream().mapToDouble(c -> c[1]).toArray());
    return copyValues(model.setParent(this), ParamMap.empty());
  }

  /**
   * Reads the head and tail cutoffs of every language from a table in CCNet's {@code cutoff.csv}
   * format into {@code langs} and {@code cuts}.
   */
  static void readCsv(
      SparkSession spark, String csv, int head, int tail, List<String> langs, List<double[]> cuts) {
    Path path = new Path(csv);
    String[] header = null;
    String[] headRow = null;
    String[] tailRow = null;
    try {
      FileSystem fs = path.getFileSystem(spark.sessionState().newHadoopConf());
      try (BufferedReader in =
          new BufferedReader(new InputStreamReader(fs.open(path), StandardCharsets.UTF_8))) {
        header = splitCsv(in.readLine());
        for (String line; (line = in.readLine()) != null; ) {
          if (line.isBlank()) {
            continue;
          }
          String[] f = splitCsv(line);
          int percentile = Integer.parseInt(f[0].trim());
          if (percentile == head) {
            headRow = f;
          }
          if (percentile == tail) {
            tailRow = f;
          }
        }
      }
    } catch (IOException e) {
      throw Errors.unreadable(csv, e);
    } catch (NumberFormatException e) {
      throw Errors.badInput(
          csv,
          "not a CCNet cutoff table: a row does not start with a percentile: " + e.getMessage());
    }
    if (header == null || header.length < 2) {
      throw Errors.badInput(csv, "not a CCNet cutoff table: expected a header ',lang1,lang2,...'");
    }
    if (headRow == null || tailRow == null) {
      throw Errors.badInput(csv, "has no row for percentile " + (headRow == null ? head : tail));
    }
    for (int i = 1; i < header.length; i++) {
      if (headRow.length != header.length || tailRow.length != header.length) {
        throw Errors.badInput(csv, "rows and header have different numbers of fields");
      }
      try {
        cuts.add(
            new double[] {
              Double.parseDouble(headRow[i].trim()), Double.parseDouble(tailRow[i].trim())
            });
      } catch (NumberFormatException e) {
        throw Errors.badInput(
            csv, "cutoff of " + header[i] + " is not a number: " + e.getMessage());
      }
      langs.add(header[i].trim());
    }
  }

  private static String[] splitCsv(String line) {
    return line == null ? null : line.split(",", -1);
  }

  /** Refuses a head percentile above the tail one: the middle bucket would be a negative range. */
  public void checkParams() {
    if (getPercentileHead() > getPercentileTail()) {
      throw Errors.paramsOutOfOrder(
          "PerplexityBuckets",
          "percentileHead",
          getPercentileHead(),
          "percentileTail",
          getPercentileTail());
    }
  }

  private PerplexityBucketsModel emptyModel() {
    return new PerplexityBucketsModel(uid)
        .setLanguageCol(getLanguageCol())
        .setPerplexityCol(getPerplexityCol())
        .setOutputCol(getOutputCol());
  }

  @Override
  public PerplexityBuckets copy(ParamMap extra) {
    return defaultCopy(extra);
  }

  /** Spark ML's reader for a saved estimator; {@code Pipeline} loading finds it by reflection. */
  public static MLReader<PerplexityBuckets> read() {
    return new DefaultParamsReader<>();
  }

  /** Loads an estimator saved with {@code write().save(path)}. */
  public static PerplexityBuckets load(String path) {
    return read().load(path);
  }
}
