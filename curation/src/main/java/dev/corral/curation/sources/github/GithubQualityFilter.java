package dev.corral.curation.sources.github;

import dev.corral.core.Errors;
import dev.corral.core.stage.CheckedParams;
import dev.corral.core.stage.FilterColumns;
import dev.corral.core.stage.FilterTransformer;
import dev.corral.core.stage.Stages;
import dev.corral.curation.models.ExecutorTokenizers;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamValidators;
import org.apache.spark.ml.param.StringArrayParam;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.api.java.UDF2;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * RedPajama v1's quality rules for GitHub files ({@code rp_v1:data_prep/github/
 * github_run_filter.py}; LLaMA: "we filtered low quality files with heuristics based on the line
 * length or proportion of alphanumeric characters", Touvron et al. 2023, section 2.1) on the
 * cleaned text: it adds {@code line_count}, {@code max_line_length}, {@code avg_line_length},
 * {@code alnum_prop} ({@link FileStats}, Python's semantics) and {@code alpha_token_ratio}
 * (alphabetic characters per token of {@code tokenizer}; null for a file without tokens), under
 * {@code outputPrefix}, and sets {@code drop_reason}, where still null, to the first rule that
 * rejects the file, in RedPajama's order: {@code github_empty}, {@code github_extension} (the path
 * ends with none of {@code extensions}), {@code github_max_line} (longest line &gt; 1000), {@code
 * github_avg_line} (average &gt; 100), {@code github_alnum} (&lt; 0.25), {@code github_alpha_token}
 * (&lt; 1.5). Null text gives null outputs and leaves {@code drop_reason}.
 *
 * <p>RedPajama counted tokens with GPT-NeoX's tokenizer ({@code EleutherAI/pythia-6.9b-deduped});
 * the default here is the bundled LLaMA tokenizer, the one LLaMA's token counts are in. The
 * tokenizer is loaded once per executor JVM ({@link TokenCounts}); the row function carries only
 * the settings.
 */
public final class GithubQualityFilter extends FilterTransformer<GithubQualityFilter>
    implements CheckedParams {
  private static final long serialVersionUID = 1L;

  /** The annotation columns, after {@code outputPrefix}, in output order. */
  public static final List<String> ANNOTATIONS =
      List.of(
          "line_count", "max_line_length", "avg_line_length", "alnum_prop", "alpha_token_ratio");

  static final StructType RESULT =
      FilterColumns.resultType(
          List.of(
              DataTypes.createStructField("line_count", DataTypes.IntegerType, true),
              DataTypes.createStructField("max_line_length", DataTypes.IntegerType, true),
              DataTypes.createStructField("avg_line_length", DataTypes.DoubleType, true),
              DataTypes.createStructField("alnum_prop", DataTypes.DoubleType, true),
              DataTypes.createStructField("alpha_token_ratio", DataTypes.DoubleType, true)));

  private final Param<String> pathCol;
  private final Param<String> outputPrefix;
  private final Param<String> tokenizer;
  private final StringArrayParam extensions;
  private final IntParam maxLineLength;
  private final DoubleParam maxAvgLineLength;
  private final DoubleParam minAlnumProp;
  private final DoubleParam minAlphaPerToken;

  public GithubQualityFilter() {
    this(Identifiable.randomUID("githubQuality"));
  }

  public GithubQualityFilter(String uid) {
    super(uid);
    GithubRules.Thresholds d = GithubRules.DEFAULTS;
    pathCol =
        new Param<>(
            this,
            "pathCol",
            "column holding the path in the repository (string)",
            Stages.nonBlank());
    outputPrefix =
        new Param<>(this, "outputPrefix", "prefix of the annotation column names (may be empty)");
    tokenizer =
        new Param<>(
            this,
            "tokenizer",
            "Hugging Face tokenizer.json counting tokens for the alpha/token rule: "
                + "'builtin:llama-tokenizer.json' or a Hadoop path (RedPajama used GPT-NeoX's, "
                + "EleutherAI/pythia-6.9b-deduped)",
            Stages.nonBlank());
    extensions =
        new StringArrayParam(
            this,
            "extensions",
            "path suffixes kept, case-sensitive (RedPajama's whitelist, github_run_filter.py: 66 entries)");
    maxLineLength =
        new IntParam(
            this,
            "maxLineLength",
            "files with a longer line, in characters, are dropped (RedPajama: 1000)",
            ParamValidators.gtEq(0));
    maxAvgLineLength =
        new DoubleParam(
            this,
            "maxAvgLineLength",
            "files whose characters per line exceed this are dropped (RedPajama: 100)",
            ParamValidators.gtEq(0));
    minAlnumProp =
        new DoubleParam(
            this,
            "minAlnumProp",
            "files with a smaller share of alphanumeric characters are dropped (RedPajama: 0.25)",
            ParamValidators.inRange(0, 1));
    minAlphaPerToken =
        new DoubleParam(
            this,
            "minAlphaPerToken",
            "files with fewer alphabetic characters per token are dropped (RedPajama: 1.5)",
            ParamValidators.gtEq(0));
    setDefault(pathCol, "path");
    setDefault(outputPrefix, "");
    setDefault(tokenizer, ExecutorTokenizers.LLAMA);
    setDefault(extensions, GithubRules.EXTENSIONS.toArray(new String[0]));
    setDefault(maxLineLength, d.maxLineLength());
    setDefault(maxAvgLineLength, d.maxAvgLineLength());
    setDefault(minAlnumProp, d.minAlnumProp());
    setDefault(minAlphaPerToken, d.minAlphaPerToken());
  }

  public Param<String> pathCol() {
    return pathCol;
  }

  public Param<String> outputPrefix() {
    return outputPrefix;
  }

  public Param<String> tokenizer() {
    return tokenizer;
  }

  public StringArrayParam extensions() {
    return extensions;
  }

  public IntParam maxLineLength() {
    return maxLineLength;
  }

  public DoubleParam maxAvgLineLength() {
    return maxAvgLineLength;
  }

  public DoubleParam minAlnumProp() {
    return minAlnumProp;
  }

  public DoubleParam minAlphaPerToken() {
    return minAlphaPerToken;
  }

  public String getPathCol() {
    return getOrDefault(pathCol);
  }

  public GithubQualityFilter setPathCol(String value) {
    set(pathCol, value);
    return this;
  }

  public String getOutputPrefix() {
    return getOrDefault(outputPrefix);
  }

  public GithubQualityFilter setOutputPrefix(String value) {
    set(outputPrefix, value);
    return this;
  }

  public String getTokenizer() {
    return getOrDefault(tokenizer);
  }

  public GithubQualityFilter setTokenizer(String value) {
    set(tokenizer, value);
    return this;
  }

  public String[] getExtensions() {
    return getOrDefault(extensions);
  }

  public GithubQualityFilter setExtensions(String... value) {
    set(extensions, value);
    return this;
  }

  public int getMaxLineLength() {
    return (Integer) getOrDefault(maxLineLength);
  }

  public GithubQualityFilter setMaxLineLength(int value) {
    set(maxLineLength, value);
    return this;
  }

  public double getMaxAvgLineLength() {
    return (Double) getOrDefault(maxAvgLineLength);
  }

  public GithubQualityFilter setMaxAvgLineLength(double value) {
    set(maxAvgLineLength, value);
    return this;
  }

  public double getMinAlnumProp() {
    return (Double) getOrDefault(minAlnumProp);
  }

  public GithubQualityFilter setMinAlnumProp(double value) {
    set(minAlnumProp, value);
    return this;
  }

  public double getMinAlphaPerToken() {
    return (Double) getOrDefault(minAlphaPerToken);
  }

  public GithubQualityFilter setMinAlphaPerToken(double value) {
    set(minAlphaPerToken, value);
    return this;
  }

  /** The thresholds these params name. */
  public GithubRules.Thresholds thresholds() {
    return new GithubRules.Thresholds(
        getMaxLineLength(), getMaxAvgLineLength(), getMinAlnumProp(), getMinAlphaPerToken());
  }

  @Override
  public void checkParams() {
    if (getExtensions().length == 0) {
      throw Errors.badParams(
          "GithubQualityFilter " + uid, "extensions is empty, so every file would be dropped");
    }
  }

  @Override
  public List<String> dropReasons() {
    return List.of(
        GithubRules.EMPTY,
        GithubRules.EXTENSION,
        GithubRules.MAX_LINE,
        GithubRules.AVG_LINE,
        GithubRules.ALNUM,
        GithubRules.ALPHA_TOKEN);
  }

  @Override
  public StructType transformSchema(StructType schema) {
    checkParams();
    String stage = "GithubQualityFilter " + uid;
    Stages.requireColumn(stage, schema, getPathCol(), DataTypes.StringType);
    return FilterColumns.transformSchema(
        stage, schema, getInputCol(), getDropReasonCol(), outputs(), RESULT);
  }

  @Override
  public Dataset<Row> transform(Dataset<?> dataset) {
    transformSchema(dataset.schema(), true);
    UserDefinedFunction udf =
        functions
            .udf(
                new QualityFunction(getTokenizer(), thresholds(), List.of(getExtensions())), RESULT)
            .withName("corral_github_quality");
    String scratch = "__corral_" + uid;
    Dataset<Row> scored =
        dataset
            .toDF()
            .withColumn(
                scratch, udf.apply(Stages.column(getInputCol()), Stages.column(getPathCol())));
    List<Column> columns = new ArrayList<>();
    for (String name : dataset.columns()) {
      columns.add(Stages.column(name));
    }
    List<String> outputs = outputs();
    for (int i = 0; i < outputs.size(); i++) {
      columns.add(Stages.column(scratch).getField(ANNOTATIONS.get(i)).as(outputs.get(i)));
    }
    columns.add(Stages.column(scratch).getField(FilterColumns.REASON).as(scratch + "_reason"));
    Dataset<Row> annotated = scored.select(columns.toArray(new Column[0]));
    return FilterColumns.setReason(
            annotated, getDropReasonCol(), Stages.column(scratch + "_reason"))
        .drop(scratch + "_reason");
  }

  private List<String> outputs() {
    return ANNOTATIONS.stream().map(a -> getOutputPrefix() + a).toList();
  }

  public static MLReader<GithubQualityFilter> read() {
    return new DefaultParamsReader<>();
  }

  public static GithubQualityFilter load(String path) {
    return read().load(path);
  }

  /** Statistics, the token ratio and the reason of one file, as a row of {@link #RESULT}. */
  static Row annotate(
      String text,
      String path,
      TokenCounts tokens,
      GithubRules.Thresholds thresholds,
      List<String> extensions) {
    FileStats s = FileStats.of(text);
    long count = s.length() == 0 ? 0 : tokens.count(text);
    Double ratio = count == 0 ? null : (double) s.alphaChars() / count;
    return RowFactory.create(
        s.lineCount(),
        s.maxLineLength(),
        s.avgLineLength(),
        s.alnumProp(),
        ratio,
        GithubRules.qualityReason(path, s, ratio, thresholds, extensions));
  }

  /** The UDF body: carries the settings and the tokenizer's URI, never the tokenizer. */
  static final class QualityFunction implements UDF2<String, String, Row> {
    private static final long serialVersionUID = 1L;
    private final String tokenizer;
    private final GithubRules.Thresholds thresholds;
    private final List<String> extensions;

    QualityFunction(String tokenizer, GithubRules.Thresholds thresholds, List<String> extensions) {
      this.tokenizer = tokenizer;
      this.thresholds = thresholds;
      this.extensions = new ArrayList<>(Arrays.asList(extensions.toArray(new String[0])));
    }

    @Override
    public Row call(String text, String path) {
      if (text == null) {
        return null;
      }
      return annotate(text, path, TokenCounts.get(tokenizer), thresholds, extensions);
    }
  }
}
