package dev.corral.curation.langid;

import dev.corral.core.CorralConf;
import dev.corral.core.Errors;
import dev.corral.core.stage.Stages;
import dev.corral.core.stage.TextTransformer;
import dev.corral.curation.fasttext.FastTextModel;
import dev.corral.curation.fasttext.Prediction;
import dev.corral.curation.models.ExecutorModels;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamValidators;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Identifies the language of a text column with a fastText model, CCNet style (Wenzek et al. 2020,
 * section 3.3): newlines become spaces, the best label (without {@code __label__}) goes to {@code
 * language} and its probability to {@code language_score}; a best probability below {@code
 * minScore} (0.5, CCNet's threshold) gives {@code language = "unknown"} with the score still set,
 * so a later filter can explain the drop. The default model is fastText's {@code lid.176.ftz},
 * bundled in the jar ({@link #BUNDLED_MODEL}).
 *
 * <p>Rows: null text gives null language, score and top-k; text with no token (empty or only
 * whitespace) gives {@code unknown}, score 0 and an empty top-k, because a fastText label for it
 * carries no evidence. With {@code topK > 0} a column {@code language_topk}:
 * array&lt;struct&lt;label, score&gt;&gt; holds the {@code topK} best labels, best first. The stage
 * adds columns and never drops a row.
 *
 * <p>The model is loaded once per executor JVM by {@link ExecutorModels}; the row function carries
 * only the model URI and the params.
 */
public final class LanguageIdentifier extends TextTransformer<LanguageIdentifier> {
  private static final long serialVersionUID = 1L;

  /**
   * URI of the fastText lid.176 model bundled in the jar (CC BY-SA 3.0, see NOTICE.md beside it).
   */
  public static final String BUNDLED_MODEL = CorralConf.LANGID_MODEL.defaultValue();

  /** CCNet's language threshold: below it a document's language is not trusted. */
  public static final double DEFAULT_MIN_SCORE = CorralConf.LANGID_MIN_SCORE.defaultValue();

  /** The language of a text whose best score is below {@code minScore}, or that has no token. */
  public static final String UNKNOWN = "unknown";

  /** Element type of the top-k column. */
  public static final StructType TOPK_ELEMENT =
      new StructType()
          .add("label", DataTypes.StringType, false)
          .add("score", DataTypes.FloatType, false);

  private final Param<String> outputCol;
  private final Param<String> scoreCol;
  private final Param<String> topKCol;
  private final Param<String> modelPath;
  private final DoubleParam minScore;
  private final IntParam topK;

  /** A stage with a random uid and default params. */
  public LanguageIdentifier() {
    this(Identifiable.randomUID("langid"));
  }

  /** A stage with the given uid; Spark ML's reader and {@code copy} call this. */
  public LanguageIdentifier(String uid) {
    super(uid);
    // Params are created here, not in field initializers, because they read uid from their parent.
    outputCol =
        new Param<>(
            this,
            "outputCol",
            "output column for the language code, e.g. 'en', or 'unknown'",
            Stages.nonBlank());
    scoreCol =
        new Param<>(
            this,
            "scoreCol",
            "output column for the best label's probability (float)",
            Stages.nonBlank());
    topKCol =
        new Param<>(
            this,
            "topKCol",
            "output column for the topK best labels, array<struct<label:string,score:float>>; added only when topK > 0",
            Stages.nonBlank());
    modelPath =
        new Param<>(
            this,
            "modelPath",
            "fastText language-ID model: 'builtin:NAME' for a bundled model or any Hadoop-readable path",
            Stages.nonBlank());
    minScore =
        new DoubleParam(
            this,
            "minScore",
            "lowest best-label probability that names a language; below it the language is 'unknown' (in [0, 1])",
            ParamValidators.inRange(0.0, 1.0));
    topK =
        new IntParam(
            this,
            "topK",
            "how many best labels to keep in topKCol; 0 adds no top-k column (>= 0)",
            ParamValidators.gtEq(0));
    setDefault(outputCol, "language");
    setDefault(scoreCol, "language_score");
    setDefault(topKCol, "language_topk");
    setDefault(modelPath, BUNDLED_MODEL);
    setDefault(minScore, DEFAULT_MIN_SCORE);
    setDefault(topK, 0);
  }

  /** Output column for the language code (default {@code language}). */
  public Param<String> outputCol() {
    return outputCol;
  }

  /** Output column for the best label's probability (default {@code language_score}). */
  public Param<String> scoreCol() {
    return scoreCol;
  }

  /**
   * Output column for the top-k labels (default {@code language_topk}), present only when topK &gt;
   * 0.
   */
  public Param<String> topKCol() {
    return topKCol;
  }

  /** Model URI (default {@link #BUNDLED_MODEL}). */
  public Param<String> modelPath() {
    return modelPath;
  }

  /** Lowest best-label probability that names a language (default 0.5). */
  public DoubleParam minScore() {
    return minScore;
  }

  /** Number of best labels in the top-k column; 0 (default) adds none. */
  public IntParam topK() {
    return topK;
  }

  public String getOutputCol() {
    return getOrDefault(outputCol);
  }

  public LanguageIdentifier setOutputCol(String value) {
    set(outputCol, value);
    return this;
  }

  public String getScoreCol() {
    return getOrDefault(scoreCol);
  }

  public LanguageIdentifier setScoreCol(String value) {
    set(scoreCol, value);
    return this;
  }

  public String getTopKCol() {
    return getOrDefault(topKCol);
  }

  public LanguageIdentifier setTopKCol(String value) {
    set(topKCol, value);
    return this;
  }

  public String getModelPath() {
    return getOrDefault(modelPath);
  }

  public LanguageIdentifier setModelPath(String value) {
    set(modelPath, value);
    return this;
  }

  public double getMinScore() {
    return (Double) getOrDefault(minScore);
  }

  public LanguageIdentifier setMinScore(double value) {
    set(minScore, value);
    return this;
  }

  public int getTopK() {
    return (Integer) getOrDefault(topK);
  }

  public LanguageIdentifier setTopK(int value) {
    set(topK, value);
    return this;
  }

  @Override
  public StructType transformSchema(StructType schema) {
    String stage = "LanguageIdentifier " + uid;
    Stages.requireColumn(stage, schema, getInputCol(), DataTypes.StringType);
    List<String> outputs = outputColumns();
    for (int i = 0; i < outputs.size(); i++) {
      Stages.requireAbsent(stage, schema, outputs.get(i));
      if (outputs.subList(0, i).contains(outputs.get(i))) {
        throw Errors.badColumn(stage, outputs.get(i), "is named by two output params");
      }
    }
    StructType result = resultType(getTopK());
    StructType out = schema;
    for (int i = 0; i < outputs.size(); i++) {
      // Fields of a nullable struct read back as nullable, whatever the struct declares.
      out = out.add(outputs.get(i), result.fields()[i].dataType(), true);
    }
    return out;
  }

  @Override
  public Dataset<Row> transform(Dataset<?> dataset) {
    transformSchema(dataset.schema(), true);
    List<String> outputs = outputColumns();
    String scratch = "__corral_" + uid;
    Column result =
        udf(getModelPath(), getMinScore(), getTopK()).apply(utf8(Stages.column(getInputCol())));
    Dataset<Row> scored = dataset.toDF().withColumn(scratch, result);
    List<Column> columns = new ArrayList<>();
    for (String name : dataset.columns()) {
      columns.add(Stages.column(name));
    }
    StructType fields = resultType(getTopK());
    for (int i = 0; i < outputs.size(); i++) {
      columns.add(Stages.column(scratch).getField(fields.fieldNames()[i]).as(outputs.get(i)));
    }
    // The UDF is referenced by 2-3 fields, so the optimizer keeps it in its own projection: one
    // call per row.
    return scored.select(columns.toArray(new Column[0]));
  }

  /** Spark ML's reader for a saved stage; {@code Pipeline} loading finds it by reflection. */
  public static MLReader<LanguageIdentifier> read() {
    return new DefaultParamsReader<>();
  }

  /** Loads a stage saved with {@code write().save(path)}. */
  public static LanguageIdentifier load(String path) {
    return read().load(path);
  }

  /**
   * The row function as a Spark UDF: text to struct&lt;language:string, score:float[,
   * topk:array&lt;...&gt;]&gt; ({@code topk} only when {@code topK > 0}). Its serialized state is
   * the model URI and the two numbers; the model is fetched from {@link ExecutorModels} where the
   * UDF runs. The SQL functions use it too.
   */
  public static UserDefinedFunction udf(String modelUri, double minScore, int topK) {
    return functions
        .udf(new LanguageFunction(modelUri, minScore, topK), resultType(topK))
        .withName("corral_language");
  }

  /**
   * The text as UTF-8 bytes, the UDF's input: Spark stores strings as UTF-8, so the cast copies
   * bytes without decoding them to a Java string that fastText would encode again.
   */
  public static Column utf8(Column text) {
    return text.cast(DataTypes.BinaryType);
  }

  /** The struct the UDF returns. */
  static StructType resultType(int topK) {
    StructType type =
        new StructType()
            .add("language", DataTypes.StringType, true)
            .add("score", DataTypes.FloatType, true);
    return topK > 0 ? type.add("topk", new ArrayType(TOPK_ELEMENT, false), true) : type;
  }

  private List<String> outputColumns() {
    List<String> names = new ArrayList<>(List.of(getOutputCol(), getScoreCol()));
    if (getTopK() > 0) {
      names.add(getTopKCol());
    }
    return names;
  }

  /**
   * CCNet's preprocessing on UTF-8 bytes: the model reads one line, so line breaks become spaces.
   * Returns null when no token is left, i.e. every byte is one of fastText's word separators.
   */
  static byte[] oneLine(byte[] utf8) {
    byte[] line = utf8;
    boolean token = false;
    for (int i = 0; i < line.length; i++) {
      byte b = line[i];
      if (b == '\n' || b == '\r') {
        if (line == utf8) {
          line = utf8.clone(); // copy only when there is a line break to replace
        }
        line[i] = ' ';
      } else if (!(b == ' ' || b == '\t' || b == 0x0b || b == '\f' || b == 0)) {
        token = true;
      }
    }
    return token ? line : null;
  }

  /** The UDF body. Serializable state: the URI and params only. */
  static final class LanguageFunction implements UDF1<byte[], Row> {
    private static final long serialVersionUID = 1L;
    private final String modelUri;
    private final double minScore;
    private final int topK;
    // Filled on first call where the function runs; a benign race at worst fetches the same cached
    // model twice.
    private transient FastTextModel model;

    LanguageFunction(String modelUri, double minScore, int topK) {
      this.modelUri = modelUri;
      this.minScore = minScore;
      this.topK = topK;
    }

    @Override
    public Row call(byte[] text) {
      if (text == null) {
        return null;
      }
      byte[] line = oneLine(text);
      if (line == null) {
        return row(UNKNOWN, 0f, List.of());
      }
      if (model == null) {
        model = ExecutorModels.fastText(modelUri);
      }
      // Threshold 0 so that the best label always comes back and minScore decides "unknown" here.
      List<Prediction> predictions = model.predict(line, Math.max(1, topK), 0f);
      if (predictions.isEmpty()) {
        return row(UNKNOWN, 0f, List.of());
      }
      Prediction best = predictions.get(0);
      String language = best.probability() < minScore ? UNKNOWN : best.bareLabel();
      List<Row> top = new ArrayList<>(predictions.size());
      for (Prediction p : predictions) {
        top.add(RowFactory.create(p.bareLabel(), p.probability()));
      }
      return row(language, best.probability(), top);
    }

    private Row row(String language, float score, List<Row> top) {
      return topK > 0
          ? RowFactory.create(language, score, top)
          : RowFactory.create(language, score);
    }
  }
}
