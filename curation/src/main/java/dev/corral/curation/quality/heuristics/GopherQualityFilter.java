package dev.corral.curation.quality.heuristics;

import dev.corral.core.Errors;
import dev.corral.core.stage.CheckedParams;
import dev.corral.core.stage.FilterColumns;
import dev.corral.core.stage.FilterTransformer;
import dev.corral.core.stage.Stages;
import java.util.List;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamValidators;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Gopher's quality filter as a Spark ML stage (Rae et al. 2021, appendix A.1.1; the rules, their
 * order and reason codes are in {@link GopherQuality}). It adds, under {@code outputPrefix}
 * (default {@code gopher_}): {@code word_count}, {@code mean_word_length}, {@code hash_ratio},
 * {@code ellipsis_ratio}, {@code bullet_line_frac}, {@code ellipsis_line_frac}, {@code
 * alpha_word_frac}, {@code stop_words}, and sets {@code drop_reason} where it is still null and a
 * rule is broken. Null text gives null annotations and leaves {@code drop_reason} as it was. Each
 * threshold is a param whose default is the paper's value.
 */
public final class GopherQualityFilter extends FilterTransformer<GopherQualityFilter>
    implements CheckedParams {
  private static final long serialVersionUID = 1L;

  /** Annotation columns, after {@code outputPrefix}, in output order. */
  public static final List<String> ANNOTATIONS =
      List.of(
          "word_count",
          "mean_word_length",
          "hash_ratio",
          "ellipsis_ratio",
          "bullet_line_frac",
          "ellipsis_line_frac",
          "alpha_word_frac",
          "stop_words");

  static final StructType RESULT =
      FilterColumns.resultType(
          List.of(
              DataTypes.createStructField("word_count", DataTypes.IntegerType, true),
              DataTypes.createStructField("mean_word_length", DataTypes.DoubleType, true),
              DataTypes.createStructField("hash_ratio", DataTypes.DoubleType, true),
              DataTypes.createStructField("ellipsis_ratio", DataTypes.DoubleType, true),
              DataTypes.createStructField("bullet_line_frac", DataTypes.DoubleType, true),
              DataTypes.createStructField("ellipsis_line_frac", DataTypes.DoubleType, true),
              DataTypes.createStructField("alpha_word_frac", DataTypes.DoubleType, true),
              DataTypes.createStructField("stop_words", DataTypes.IntegerType, true)));

  private final Param<String> outputPrefix;
  private final IntParam minDocWords;
  private final IntParam maxDocWords;
  private final DoubleParam minMeanWordLength;
  private final DoubleParam maxMeanWordLength;
  private final DoubleParam maxHashRatio;
  private final DoubleParam maxEllipsisRatio;
  private final DoubleParam maxBulletLineFrac;
  private final DoubleParam maxEllipsisLineFrac;
  private final DoubleParam minAlphaWordFrac;
  private final IntParam minStopWords;
  private final Param<String> bullets;

  /** A stage with a random uid and the paper's thresholds. */
  public GopherQualityFilter() {
    this(Identifiable.randomUID("gopherQuality"));
  }

  /** A stage with the given uid; Spark ML's reader and {@code copy} call this. */
  public GopherQualityFilter(String uid) {
    super(uid);
    GopherQuality.Thresholds d = GopherQuality.DEFAULTS;
    outputPrefix =
        new Param<>(
            this, "outputPrefix", "prefix of the annotation column names", Stages.nonBlank());
    minDocWords =
        new IntParam(
            this,
            "minDocWords",
            "fewest words a document may have (Gopher A.1.1: 50); fewer gives gopher_short_doc",
            ParamValidators.gtEq(0));
    maxDocWords =
        new IntParam(
            this,
            "maxDocWords",
            "most words a document may have (Gopher A.1.1: 100,000); more gives gopher_long_doc",
            ParamValidators.gtEq(0));
    minMeanWordLength =
        new DoubleParam(
            this,
            "minMeanWordLength",
            "lowest mean word length in characters (Gopher A.1.1: 3); below gives gopher_below_avg_word_len",
            ParamValidators.gtEq(0));
    maxMeanWordLength =
        new DoubleParam(
            this,
            "maxMeanWordLength",
            "highest mean word length in characters (Gopher A.1.1: 10); above gives gopher_above_avg_word_len",
            ParamValidators.gtEq(0));
    maxHashRatio =
        new DoubleParam(
            this,
            "maxHashRatio",
            "highest '#' to word ratio (Gopher A.1.1: 0.1); above gives gopher_too_many_hashes",
            ParamValidators.gtEq(0));
    maxEllipsisRatio =
        new DoubleParam(
            this,
            "maxEllipsisRatio",
            "highest ellipsis ('...' or '\u2026') to word ratio (Gopher A.1.1: 0.1); above gives gopher_too_many_ellipsis",
            ParamValidators.gtEq(0));
    maxBulletLineFrac =
        new DoubleParam(
            this,
            "maxBulletLineFrac",
            "highest fraction of non-blank lines starting with a bullet (Gopher A.1.1: 0.9); above gives "
                + "gopher_too_many_bullets",
            ParamValidators.inRange(0.0, 1.0));
    maxEllipsisLineFrac =
        new DoubleParam(
            this,
            "maxEllipsisLineFrac",
            "highest fraction of non-blank lines ending with an ellipsis (Gopher A.1.1: 0.3); above gives "
                + "gopher_too_many_end_ellipsis",
            ParamValidators.inRange(0.0, 1.0));
    minAlphaWordFrac =
        new DoubleParam(
            this,
            "minAlphaWordFrac",
            "lowest fraction of words with an alphabetic character (Gopher A.1.1: 0.8); below gives "
                + "gopher_below_alpha_threshold",
            ParamValidators.inRange(0.0, 1.0));
    minStopWords =
        new IntParam(
            this,
            "minStopWords",
            "fewest distinct stop words of {the, be, to, of, and, that, have, with} (Gopher A.1.1: 2); fewer gives "
                + "gopher_too_few_stop_words",
            ParamValidators.inRange(0, GopherQuality.STOP_WORDS.size()));
    bullets =
        new Param<>(
            this,
            "bullets",
            "characters that make a line bulleted when it starts with one, after its leading whitespace"
                + " (default: the Gopher implementations' set \u2022\u2023\u2043\u204c\u204d\u2219\u25cb\u25cf\u25d8\u25e6\u29be\u29bf-*)",
            Stages.nonBlank());
    setDefault(outputPrefix, "gopher_");
    setDefault(bullets, d.bullets());
    setDefault(minDocWords, d.minWords());
    setDefault(maxDocWords, d.maxWords());
    setDefault(minMeanWordLength, d.minMeanWordLength());
    setDefault(maxMeanWordLength, d.maxMeanWordLength());
    setDefault(maxHashRatio, d.maxHashRatio());
    setDefault(maxEllipsisRatio, d.maxEllipsisRatio());
    setDefault(maxBulletLineFrac, d.maxBulletLineFrac());
    setDefault(maxEllipsisLineFrac, d.maxEllipsisLineFrac());
    setDefault(minAlphaWordFrac, d.minAlphaWordFrac());
    setDefault(minStopWords, d.minStopWords());
  }

  /** Prefix of the annotation columns (default {@code gopher_}). */
  public Param<String> outputPrefix() {
    return outputPrefix;
  }

  /** Fewest words (default 50). */
  public IntParam minDocWords() {
    return minDocWords;
  }

  /** Most words (default 100,000). */
  public IntParam maxDocWords() {
    return maxDocWords;
  }

  /** Lowest mean word length (default 3). */
  public DoubleParam minMeanWordLength() {
    return minMeanWordLength;
  }

  /** Highest mean word length (default 10). */
  public DoubleParam maxMeanWordLength() {
    return maxMeanWordLength;
  }

  /** Highest '#' per word (default 0.1). */
  public DoubleParam maxHashRatio() {
    return maxHashRatio;
  }

  /** Highest ellipses per word (default 0.1). */
  public DoubleParam maxEllipsisRatio() {
    return maxEllipsisRatio;
  }

  /** Highest fraction of bulleted lines (default 0.9). */
  public DoubleParam maxBulletLineFrac() {
    return maxBulletLineFrac;
  }

  /** Highest fraction of lines ending with an ellipsis (default 0.3). */
  public DoubleParam maxEllipsisLineFrac() {
    return maxEllipsisLineFrac;
  }

  /** Lowest fraction of words with a letter (default 0.8). */
  public DoubleParam minAlphaWordFrac() {
    return minAlphaWordFrac;
  }

  /** Fewest distinct stop words (default 2). */
  public IntParam minStopWords() {
    return minStopWords;
  }

  public String getOutputPrefix() {
    return getOrDefault(outputPrefix);
  }

  public GopherQualityFilter setOutputPrefix(String value) {
    set(outputPrefix, value);
    return this;
  }

  public int getMinDocWords() {
    return (Integer) getOrDefault(minDocWords);
  }

  public GopherQualityFilter setMinDocWords(int value) {
    set(minDocWords, value);
    return this;
  }

  public int getMaxDocWords() {
    return (Integer) getOrDefault(maxDocWords);
  }

  public GopherQualityFilter setMaxDocWords(int value) {
    set(maxDocWords, value);
    return this;
  }

  public double getMinMeanWordLength() {
    return (Double) getOrDefault(minMeanWordLength);
  }

  public GopherQualityFilter setMinMeanWordLength(double value) {
    set(minMeanWordLength, value);
    return this;
  }

  public double getMaxMeanWordLength() {
    return (Double) getOrDefault(maxMeanWordLength);
  }

  public GopherQualityFilter setMaxMeanWordLength(double value) {
    set(maxMeanWordLength, value);
    return this;
  }

  public double getMaxHashRatio() {
    return (Double) getOrDefault(maxHashRatio);
  }

  public GopherQualityFilter setMaxHashRatio(double value) {
    set(maxHashRatio, value);
    return this;
  }

  public double getMaxEllipsisRatio() {
    return (Double) getOrDefault(maxEllipsisRatio);
  }

  public GopherQualityFilter setMaxEllipsisRatio(double value) {
    set(maxEllipsisRatio, value);
    return this;
  }

  public double getMaxBulletLineFrac() {
    return (Double) getOrDefault(maxBulletLineFrac);
  }

  public GopherQualityFilter setMaxBulletLineFrac(double value) {
    set(maxBulletLineFrac, value);
    return this;
  }

  public double getMaxEllipsisLineFrac() {
    return (Double) getOrDefault(maxEllipsisLineFrac);
  }

  public GopherQualityFilter setMaxEllipsisLineFrac(double value) {
    set(maxEllipsisLineFrac, value);
    return this;
  }

  public double getMinAlphaWordFrac() {
    return (Double) getOrDefault(minAlphaWordFrac);
  }

  public GopherQualityFilter setMinAlphaWordFrac(double value) {
    set(minAlphaWordFrac, value);
    return this;
  }

  /** Characters that start a bulleted line (default {@link GopherQuality#BULLETS}). */
  public Param<String> bullets() {
    return bullets;
  }

  public String getBullets() {
    return getOrDefault(bullets);
  }

  public GopherQualityFilter setBullets(String value) {
    set(bullets, value);
    return this;
  }

  public int getMinStopWords() {
    return (Integer) getOrDefault(minStopWords);
  }

  public GopherQualityFilter setMinStopWords(int value) {
    set(minStopWords, value);
    return this;
  }

  /** The thresholds these params name. */
  public GopherQuality.Thresholds thresholds() {
    return new GopherQuality.Thresholds(
        getMinDocWords(),
        getMaxDocWords(),
        getMinMeanWordLength(),
        getMaxMeanWordLength(),
        getMaxHashRatio(),
        getMaxEllipsisRatio(),
        getMaxBulletLineFrac(),
        getMaxEllipsisLineFrac(),
        getMinAlphaWordFrac(),
        getMinStopWords(),
        getBullets());
  }

  /** Refuses ranges that no document could fall in: a minimum above its maximum. */
  public void checkParams() {
    if (getMinDocWords() > getMaxDocWords()) {
      throw Errors.paramsOutOfOrder(
          "GopherQualityFilter", "minDocWords", getMinDocWords(), "maxDocWords", getMaxDocWords());
    }
    if (getMinMeanWordLength() > getMaxMeanWordLength()) {
      throw Errors.paramsOutOfOrder(
          "GopherQualityFilter",
          "minMeanWordLength",
          getMinMeanWordLength(),
          "maxMeanWordLength",
          getMaxMeanWordLength());
    }
  }

  @Override
  public List<String> dropReasons() {
    return GopherQuality.Thresholds.REASONS;
  }

  @Override
  public StructType transformSchema(StructType schema) {
    checkParams();
    return FilterColumns.transformSchema(
        "GopherQualityFilter " + uid, schema, getInputCol(), getDropReasonCol(), outputs(), RESULT);
  }

  @Override
  public Dataset<Row> transform(Dataset<?> dataset) {
    transformSchema(dataset.schema(), true);
    return FilterColumns.transform(
        dataset, uid, udf(thresholds()), getInputCol(), getDropReasonCol(), outputs(), RESULT);
  }

  /** Spark ML's reader for a saved stage; {@code Pipeline} loading finds it by reflection. */
  public static MLReader<GopherQualityFilter> read() {
    return new DefaultParamsReader<>();
  }

  /** Loads a stage saved with {@code write().save(path)}. */
  public static GopherQualityFilter load(String path) {
    return read().load(path);
  }

  /**
   * The row function as a UDF: text to the struct of annotations and reason; it carries only the
   * thresholds.
   */
  public static UserDefinedFunction udf(GopherQuality.Thresholds thresholds) {
    return functions.udf(new QualityFunction(thresholds), RESULT).withName("corral_gopher_quality");
  }

  private List<String> outputs() {
    return ANNOTATIONS.stream().map(a -> getOutputPrefix() + a).toList();
  }

  /** The UDF body. Serializable state: the thresholds only. */
  static final class QualityFunction implements UDF1<String, Row> {
    private static final long serialVersionUID = 1L;
    private final GopherQuality.Thresholds thresholds;

    QualityFunction(GopherQuality.Thresholds thresholds) {
      this.thresholds = thresholds;
    }

    @Override
    public Row call(String text) {
      if (text == null) {
        return null;
      }
      GopherQuality.Stats s = GopherQuality.annotate(text, thresholds.bullets());
      return RowFactory.create(
          s.words(),
          s.meanWordLength(),
          s.hashRatio(),
          s.ellipsisRatio(),
          s.bulletLineFrac(),
          s.ellipsisLineFrac(),
          s.alphaWordFrac(),
          s.stopWords(),
          thresholds.reason(s));
    }
  }
}
