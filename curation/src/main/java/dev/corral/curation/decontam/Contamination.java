package dev.corral.curation.decontam;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.explode;

import dev.corral.core.Errors;
import dev.corral.core.io.Tables;
import dev.corral.core.stage.FilterColumns;
import dev.corral.core.stage.FilterTransformer;
import dev.corral.core.stage.Stages;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamValidators;
import org.apache.spark.ml.param.StringArrayParam;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Benchmark contamination: a document that shares a word n-gram ({@code n}, default 13) with an
 * evaluation prompt or answer gets {@code drop_reason = contaminated} (where still null), the names
 * of the benchmarks it overlaps in {@code contaminated_by} (an array, empty for a clean document)
 * and the number of distinct shared n-grams in {@code contaminated_ngrams}. GPT-3 (Brown et al.
 * 2020, appendix C) removed training documents with 13-gram collisions with its benchmarks and
 * measured the rest the same way; LLaMA's users ask for the same check inside the recipe. Words are
 * compared as {@link WordNgrams} normalizes them, so an overlap counts across line breaks, case and
 * punctuation.
 *
 * <p>The benchmarks are a table ({@code benchmarks}: JSON Lines, Parquet or Delta) with a benchmark
 * name column ({@code benchmarkCol}) and one or more text columns ({@code benchmarkTextCols}, e.g.
 * prompt and answer, each cut into n-grams on its own). Their n-grams are computed by Spark,
 * gathered on the driver and broadcast once ({@link BenchmarkIndex}: 24 to 48 bytes per distinct
 * n-gram, so tens of millions fit an executor); a text shorter than {@code n} words gives no n-gram
 * and is counted in {@link #benchmarkSummary()}. Null document text gives null outputs and leaves
 * {@code drop_reason} as it was.
 */
public final class Contamination extends FilterTransformer<Contamination> {
  private static final long serialVersionUID = 1L;

  /** The reason code of a document that overlaps a benchmark. */
  public static final String CONTAMINATED = "contaminated";

  /** GPT-3's n-gram length (Brown et al. 2020, appendix C). */
  public static final int DEFAULT_N = 13;

  static final StructType RESULT =
      FilterColumns.resultType(
          List.of(
              DataTypes.createStructField(
                  "benchmarks", DataTypes.createArrayType(DataTypes.StringType, false), true),
              DataTypes.createStructField("ngrams", DataTypes.IntegerType, true)));

  private final Param<String> benchmarks;
  private final Param<String> benchmarksFormat;
  private final Param<String> benchmarkCol;
  private final StringArrayParam benchmarkTextCols;
  private final IntParam n;
  private final Param<String> outputCol;
  private final Param<String> ngramsCol;

  /** The index of the last transform, kept so that chunks of one run share one broadcast. */
  private transient Loaded loaded;

  private record Loaded(
      String key,
      JavaSparkContext context,
      Broadcast<BenchmarkIndex> index,
      Map<String, Object> summary) {}

  public Contamination() {
    this(Identifiable.randomUID("contamination"));
  }

  public Contamination(String uid) {
    super(uid);
    benchmarks =
        new Param<>(
            this,
            "benchmarks",
            "the benchmark table (JSON Lines, Parquet or Delta; any Hadoop path): one row per prompt or "
                + "answer, with the benchmark's name and its text",
            Stages.nonBlank());
    benchmarksFormat =
        new Param<>(
            this,
            "benchmarksFormat",
            "format of the benchmark table: json, parquet or delta (unset: from the path)",
            Stages.nonBlank());
    benchmarkCol =
        new Param<>(
            this,
            "benchmarkCol",
            "column of the benchmark table naming the benchmark (string)",
            Stages.nonBlank());
    benchmarkTextCols =
        new StringArrayParam(
            this,
            "benchmarkTextCols",
            "columns of the benchmark table holding texts to match (strings: prompts, answers), each cut "
                + "into n-grams on its own (at least one)");
    n =
        new IntParam(
            this,
            "n",
            "words per n-gram; a document sharing one with a benchmark text is contaminated (GPT-3, Brown"
                + " et al. 2020 appendix C: 13, lowercased, punctuation ignored)",
            ParamValidators.gtEq(1));
    outputCol =
        new Param<>(
            this,
            "outputCol",
            "output column: the benchmarks a document overlaps (array of strings, empty when none)",
            Stages.nonBlank());
    ngramsCol =
        new Param<>(
            this,
            "ngramsCol",
            "output column: distinct n-grams a document shares with the benchmarks (int)",
            Stages.nonBlank());
    setDefault(benchmarkCol, "benchmark");
    setDefault(benchmarkTextCols, new String[] {"text"});
    setDefault(n, DEFAULT_N);
    setDefault(outputCol, "contaminated_by");
    setDefault(ngramsCol, "contaminated_ngrams");
  }

  public Param<String> benchmarks() {
    return benchmarks;
  }

  public Param<String> benchmarksFormat() {
    return benchmarksFormat;
  }

  public Param<String> benchmarkCol() {
    return benchmarkCol;
  }

  public StringArrayParam benchmarkTextCols() {
    return benchmarkTextCols;
  }

  public IntParam n() {
    return n;
  }

  public Param<String> outputCol() {
    return outputCol;
  }

  public Param<String> ngramsCol() {
    return ngramsCol;
  }

  public String getBenchmarks() {
    return isDefined(benchmarks) ? getOrDefault(benchmarks) : null;
  }

  public Contamination setBenchmarks(String value) {
    set(benchmarks, value);
    return this;
  }

  public String getBenchmarksFormat() {
    return isDefined(benchmarksFormat) ? getOrDefault(benchmarksFormat) : null;
  }

  public Contamination setBenchmarksFormat(String value) {
    set(benchmarksFormat, value);
    return this;
  }

  public String getBenchmarkCol() {
    return getOrDefault(benchmarkCol);
  }

  public Contamination setBenchmarkCol(String value) {
    set(benchmarkCol, value);
    return this;
  }

  public String[] getBenchmarkTextCols() {
    return getOrDefault(benchmarkTextCols);
  }

  public Contamination setBenchmarkTextCols(String... value) {
    set(benchmarkTextCols, value);
    return this;
  }

  public int getN() {
    return (Integer) getOrDefault(n);
  }

  public Contamination setN(int value) {
    set(n, value);
    return this;
  }

  public String getOutputCol() {
    return getOrDefault(outputCol);
  }

  public Contamination setOutputCol(String value) {
    set(outputCol, value);
    return this;
  }

  public String getNgramsCol() {
    return getOrDefault(ngramsCol);
  }

  public Contamination setNgramsCol(String value) {
    set(ngramsCol, value);
    return this;
  }

  @Override
  public List<String> dropReasons() {
    return List.of(CONTAMINATED);
  }

  @Override
  public StructType transformSchema(StructType schema) {
    if (getBenchmarks() == null) {
      throw Errors.badParams(
          "Contamination " + uid, "benchmarks (the benchmark table's path) is not set");
    }
    if (getBenchmarkTextCols().length == 0) {
      throw Errors.badParams("Contamination " + uid, "benchmarkTextCols names no column");
    }
    return FilterColumns.transformSchema(
        "Contamination " + uid,
        schema,
        getInputCol(),
        getDropReasonCol(),
        List.of(getOutputCol(), getNgramsCol()),
        RESULT);
  }

  @Override
  public Dataset<Row> transform(Dataset<?> dataset) {
    transformSchema(dataset.schema(), true);
    Loaded index = load(dataset.sparkSession());
    return FilterColumns.transform(
        dataset,
        uid,
        functions.udf(new MatchFunction(index.index()), RESULT).withName("corral_contamination"),
        getInputCol(),
        getDropReasonCol(),
        List.of(getOutputCol(), getNgramsCol()),
        RESULT);
  }

  /**
   * What the last transform read from the benchmark table: its path, {@code n}, distinct n-grams in
   * all and, per benchmark, its texts, the texts shorter than {@code n} words and its distinct
   * n-grams; empty before the first transform.
   */
  public Map<String, Object> benchmarkSummary() {
    return loaded == null ? Map.of() : loaded.summary();
  }

  /**
   * Documents of a table this stage annotated that overlap each benchmark (a document overlapping
   * two counts for both), by name.
   */
  public Map<String, Long> documentsPerBenchmark(Dataset<Row> annotated) {
    Map<String, Long> out = new TreeMap<>();
    for (Row r :
        annotated
            .select(explode(Stages.column(getOutputCol())).as("benchmark"))
            .groupBy("benchmark")
            .count()
            .collectAsList()) {
      out.put(r.getString(0), r.getLong(1));
    }
    return out;
  }

  /** The benchmark index for these params, read and broadcast once per Spark context. */
  private synchronized Loaded load(SparkSession spark) {
    String key =
        getBenchmarks()
            + "|"
            + getBenchmarksFormat()
            + "|"
            + getBenchmarkCol()
            + "|"
            + String.join(",", getBenchmarkTextCols())
            + "|"
            + getN();
    JavaSparkContext context = JavaSparkContext.fromSparkContext(spark.sparkContext());
    if (loaded != null && loaded.key().equals(key) && loaded.context().sc() == context.sc()) {
      return loaded;
    }
    String stage = "Contamination " + uid;
    String path = getBenchmarks();
    Dataset<Row> table = Tables.read(spark, path, getBenchmarksFormat());
    Stages.requireColumn(stage, table.schema(), getBenchmarkCol(), DataTypes.StringType);
    for (String c : getBenchmarkTextCols()) {
      Stages.requireColumn(stage, table.schema(), c, DataTypes.StringType);
    }
    int words = getN();
    org.apache.spark.sql.expressions.UserDefinedFunction grams =
        functions.udf(
            (UDF1<String, long[]>) text -> text == null ? null : WordNgrams.of(text, words),
            DataTypes.createArrayType(DataTypes.LongType, false));
    Dataset<Row> texts = null;
    for (String c : getBenchmarkTextCols()) {
      Dataset<Row> part =
          table
              .select(Stages.column(getBenchmarkCol()).as("benchmark"), grams.apply(col(c)).as("g"))
              .filter(col("g").isNotNull());
      texts = texts == null ? part : texts.union(part);
    }
    // Benchmarks are small (MMLU's 14k questions are about 1M n-grams): one job brings them here.
    Map<String, Object> perBenchmark = new TreeMap<>();
    Map<Long, List<String>> gramMap = new HashMap<>();
    for (Row r : texts.collectAsList()) {
      if (r.isNullAt(0)) {
        throw Errors.badInput(
            path, "a row with text has a null " + getBenchmarkCol() + " (the benchmark's name)");
      }
      String name = r.getString(0);
      List<Long> g = r.getList(1);
      @SuppressWarnings("unchecked")
      Map<String, Object> b =
          (Map<String, Object>)
              perBenchmark.computeIfAbsent(
                  name,
                  k -> {
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("texts", 0L);
                    m.put("texts_shorter_than_n", 0L);
                    m.put("ngrams", 0L);
                    return m;
                  });
      b.merge("texts", 1L, (x, y) -> (Long) x + (Long) y);
      if (g.isEmpty()) {
        b.merge("texts_shorter_than_n", 1L, (x, y) -> (Long) x + (Long) y);
      }
      for (Long h : g) {
        List<String> holders = gramMap.computeIfAbsent(h, k -> new ArrayList<>(1));
        if (!holders.contains(name)) {
          holders.add(name);
        }
      }
    }
    if (gramMap.isEmpty()) {
      throw Errors.badInput(
          path,
          "the benchmark table has no text of "
              + words
              + " words or more in "
              + Arrays.toString(getBenchmarkTextCols())
              + ", so nothing could match (Contamination n = "
              + words
              + ")");
    }
    BenchmarkIndex index = BenchmarkIndex.of(words, gramMap);
    index
        .ngramsPerBenchmark()
        .forEach(
            (name, count) -> {
              @SuppressWarnings("unchecked")
              Map<String, Object> b = (Map<String, Object>) perBenchmark.get(name);
              b.put("ngrams", count);
            });
    Map<String, Object> summary = new LinkedHashMap<>();
    summary.put("benchmarks_path", path);
    summary.put("n", words);
    summary.put("ngrams", gramMap.size());
    summary.put("per_benchmark", perBenchmark);
    loaded = new Loaded(key, context, context.broadcast(index), summary);
    return loaded;
  }

  /** Spark ML's reader for a saved stage; {@code Pipeline} loading finds it by reflection. */
  public static MLReader<Contamination> read() {
    return new DefaultParamsReader<>();
  }

  /** Loads a stage saved with {@code write().save(path)}. */
  public static Contamination load(String path) {
    return read().load(path);
  }

  /** The row function: carries only the broadcast handle, the index arrives once per executor. */
  static final class MatchFunction implements UDF1<String, Row> {
    private static final long serialVersionUID = 1L;
    private final Broadcast<BenchmarkIndex> index;

    MatchFunction(Broadcast<BenchmarkIndex> index) {
      this.index = index;
    }

    @Override
    public Row call(String text) {
      if (text == null) {
        return null;
      }
      BenchmarkIndex.Match m = index.value().match(text);
      return RowFactory.create(
          Arrays.asList(m.benchmarks()), m.ngrams(), m.ngrams() > 0 ? CONTAMINATED : null);
    }
  }
}
