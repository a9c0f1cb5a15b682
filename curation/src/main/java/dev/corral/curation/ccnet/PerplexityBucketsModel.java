package dev.corral.curation.ccnet;

import dev.corral.core.Errors;
import dev.corral.core.stage.CheckedParams;
import dev.corral.core.stage.Stages;
import java.util.Arrays;
import java.util.HashSet;
import org.apache.spark.ml.Model;
import org.apache.spark.ml.param.DoubleArrayParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.param.StringArrayParam;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.DefaultParamsWritable;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructType;

/**
 * Perplexity cutoffs per language, as {@link PerplexityBuckets} learns them or reads them from
 * CCNet's {@code cutoff.csv}, applied CCNet's way (Wenzek et al. 2020, section 3.3; cc_net's {@code
 * PerplexityBucket}): {@code head} when perplexity &lt; the language's head cutoff, {@code middle}
 * when &lt; its tail cutoff, else {@code tail}; {@code all} for a null or negative perplexity or a
 * language without cutoffs (null included). The cutoffs are params ({@code languages}, {@code
 * headCutoffs}, {@code tailCutoffs}, aligned by index), so they are saved and loaded with the
 * stage.
 */
public final class PerplexityBucketsModel extends Model<PerplexityBucketsModel>
    implements DefaultParamsWritable, CheckedParams {
  private static final long serialVersionUID = 1L;

  public static final String HEAD = "head";
  public static final String MIDDLE = "middle";
  public static final String TAIL = "tail";

  /**
   * The bucket of a document that cannot be placed: no perplexity, or a language without cutoffs.
   */
  public static final String ALL = "all";

  private final String uid;
  private final DoubleArrayParam headCutoffs;
  private final Param<String> languageCol;
  private final StringArrayParam languages;
  private final Param<String> outputCol;
  private final Param<String> perplexityCol;
  private final DoubleArrayParam tailCutoffs;

  /** A model with a random uid and no cutoffs (every document in {@code all}). */
  public PerplexityBucketsModel() {
    this(Identifiable.randomUID("perplexityBucketsModel"));
  }

  /** A model with the given uid; Spark ML's reader and {@code copy} call this. */
  public PerplexityBucketsModel(String uid) {
    this.uid = uid;
    headCutoffs =
        new DoubleArrayParam(
            this,
            "headCutoffs",
            "per language (aligned with languages): perplexity below this is 'head'");
    languageCol =
        new Param<>(this, "languageCol", "string column with the language code", Stages.nonBlank());
    languages = new StringArrayParam(this, "languages", "languages that have cutoffs");
    outputCol =
        new Param<>(
            this,
            "outputCol",
            "output column for the bucket (head, middle, tail, all)",
            Stages.nonBlank());
    perplexityCol =
        new Param<>(
            this,
            "perplexityCol",
            "numeric column with the document's perplexity",
            Stages.nonBlank());
    tailCutoffs =
        new DoubleArrayParam(
            this,
            "tailCutoffs",
            "per language (aligned with languages): perplexity below this and not 'head' is 'middle', else 'tail'");
    setDefault(headCutoffs, new double[0]);
    setDefault(languageCol, "language");
    setDefault(languages, new String[0]);
    setDefault(outputCol, "bucket");
    setDefault(perplexityCol, "perplexity");
    setDefault(tailCutoffs, new double[0]);
  }

  @Override
  public String uid() {
    return uid;
  }

  public DoubleArrayParam headCutoffs() {
    return headCutoffs;
  }

  public Param<String> languageCol() {
    return languageCol;
  }

  public StringArrayParam languages() {
    return languages;
  }

  public Param<String> outputCol() {
    return outputCol;
  }

  public Param<String> perplexityCol() {
    return perplexityCol;
  }

  public DoubleArrayParam tailCutoffs() {
    return tailCutoffs;
  }

  public double[] getHeadCutoffs() {
    return getOrDefault(headCutoffs);
  }

  public PerplexityBucketsModel setHeadCutoffs(double[] value) {
    set(headCutoffs, value);
    return this;
  }

  public String getLanguageCol() {
    return getOrDefault(languageCol);
  }

  public PerplexityBucketsModel setLanguageCol(String value) {
    set(languageCol, value);
    return this;
  }

  public String[] getLanguages() {
    return getOrDefault(languages);
  }

  public PerplexityBucketsModel setLanguages(String[] value) {
    set(languages, value);
    return this;
  }

  public String getOutputCol() {
    return getOrDefault(outputCol);
  }

  public PerplexityBucketsModel setOutputCol(String value) {
    set(outputCol, value);
    return this;
  }

  public String getPerplexityCol() {
    return getOrDefault(perplexityCol);
  }

  public PerplexityBucketsModel setPerplexityCol(String value) {
    set(perplexityCol, value);
    return this;
  }

  public double[] getTailCutoffs() {
    return getOrDefault(tailCutoffs);
  }

  public PerplexityBucketsModel setTailCutoffs(double[] value) {
    set(tailCutoffs, value);
    return this;
  }

  /** The head and tail cutoffs of {@code language}, or null when it has none. */
  public double[] cutoffs(String language) {
    int i = Arrays.asList(getLanguages()).indexOf(language);
    return i < 0 ? null : new double[] {getHeadCutoffs()[i], getTailCutoffs()[i]};
  }

  /**
   * Refuses cutoffs that cannot bucket: not one head and one tail cutoff per language, a language
   * twice, or a head cutoff above its language's tail cutoff (the middle bucket would be a negative
   * range).
   */
  public void checkParams() {
    String[] langs = getLanguages();
    double[] head = getHeadCutoffs();
    double[] tail = getTailCutoffs();
    if (langs.length != head.length || langs.length != tail.length) {
      throw Errors.badParams(
          "PerplexityBucketsModel",
          "languages has "
              + langs.length
              + " entries but headCutoffs "
              + head.length
              + " and tailCutoffs "
              + tail.length
              + " (one of each per language)");
    }
    if (new HashSet<>(Arrays.asList(langs)).size() != langs.length) {
      throw Errors.badParams(
          "PerplexityBucketsModel",
          "languages " + Arrays.toString(langs) + " names a language twice");
    }
    for (int i = 0; i < langs.length; i++) {
      if (head[i] > tail[i]) {
        throw Errors.paramsOutOfOrder(
            "PerplexityBucketsModel",
            "headCutoffs[" + langs[i] + "]",
            head[i],
            "tailCutoffs[" + langs[i] + "]",
            tail[i]);
      }
    }
  }

  @Override
  public StructType transformSchema(StructType schema) {
    checkParams();
    String stage = "PerplexityBucketsModel " + uid;
    Stages.requireColumn(stage, schema, getLanguageCol(), DataTypes.StringType);
    if (!Arrays.asList(schema.fieldNames()).contains(getPerplexityCol())) {
      throw Errors.badColumn(
          stage,
          getPerplexityCol(),
          "does not exist; columns are " + Arrays.toString(schema.fieldNames()));
    }
    if (!(schema.apply(getPerplexityCol()).dataType() instanceof NumericType)) {
      throw Errors.badColumn(
          stage,
          getPerplexityCol(),
          "must be numeric but is " + schema.apply(getPerplexityCol()).dataType().simpleString());
    }
    Stages.requireAbsent(stage, schema, getOutputCol());
    return schema.add(getOutputCol(), DataTypes.StringType, true);
  }

  @Override
  public Dataset<Row> transform(Dataset<?> dataset) {
    transformSchema(dataset.schema(), true);
    Column language = Stages.column(getLanguageCol());
    Column perplexity = Stages.column(getPerplexityCol()).cast(DataTypes.DoubleType);
    Column langs = functions.lit(getLanguages());
    Column head =
        functions.try_element_at(
            functions.map_from_arrays(langs, functions.lit(getHeadCutoffs())), language);
    Column tail =
        functions.try_element_at(
            functions.map_from_arrays(langs, functions.lit(getTailCutoffs())), language);
    Column bucket =
        functions
            .when(perplexity.isNull().or(head.isNull()).or(perplexity.lt(0)), ALL)
            .when(perplexity.lt(head), HEAD)
            .when(perplexity.lt(tail), MIDDLE)
            .otherwise(TAIL);
    return dataset.toDF().withColumn(getOutputCol(), bucket);
  }

  @Override
  public PerplexityBucketsModel copy(ParamMap extra) {
    return copyValues(new PerplexityBucketsModel(uid), extra).setParent(parent());
  }

  /** Spark ML's reader for a saved model; {@code Pipeline} loading finds it by reflection. */
  public static MLReader<PerplexityBucketsModel> read() {
    return new DefaultParamsReader<>();
  }

  /** Loads a model saved with {@code write().save(path)}. */
  public static PerplexityBucketsModel load(String path) {
    return read().load(path);
  }
}
