package dev.corral.curation.quality.heuristics;

import dev.corral.core.stage.FilterColumns;
import dev.corral.core.stage.FilterTransformer;
import dev.corral.core.stage.Stages;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.ml.param.DoubleParam;
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
 * Gopher's repetition filter as a Spark ML stage (Rae et al. 2021, appendix A.1.1 and Table A1;
 * definitions, order and reason codes are in {@link GopherRepetition}). It adds, under {@code
 * outputPrefix} (default {@code gopher_}): {@code dup_line_frac}, {@code dup_line_char_frac},
 * {@code dup_para_frac}, {@code dup_para_char_frac}, {@code top_<n>_gram_frac} for each n of {@code
 * topNGrams} (default 2, 3, 4) and {@code dup_<n>_gram_frac} for each n of {@code dupNGrams}
 * (default 5 to 10), and sets {@code drop_reason} where it is still null and a fraction is above
 * its threshold. Null text gives null annotations and leaves {@code drop_reason} as it was. Each
 * threshold is a param whose default is Table A1's value.
 */
public final class GopherRepetitionFilter extends FilterTransformer<GopherRepetitionFilter> {
  private static final long serialVersionUID = 1L;

  private final Param<String> outputPrefix;
  private final DoubleParam maxDupLineFrac;
  private final DoubleParam maxDupLineCharFrac;
  private final DoubleParam maxDupParaFrac;
  private final DoubleParam maxDupParaCharFrac;
  private final Param<String> topNGrams;
  private final Param<String> dupNGrams;

  /** A stage with a random uid and Table A1's thresholds. */
  public GopherRepetitionFilter() {
    this(Identifiable.randomUID("gopherRepetition"));
  }

  /** A stage with the given uid; Spark ML's reader and {@code copy} call this. */
  public GopherRepetitionFilter(String uid) {
    super(uid);
    outputPrefix =
        new Param<>(
            this, "outputPrefix", "prefix of the annotation column names", Stages.nonBlank());
    maxDupLineFrac =
        new DoubleParam(
            this,
            "maxDupLineFrac",
            "highest fraction of lines that repeat an earlier line (Gopher Table A1: 0.30); "
                + "above gives dup_line_frac",
            ParamValidators.inRange(0.0, 1.0));
    maxDupLineCharFrac =
        new DoubleParam(
            this,
            "maxDupLineCharFrac",
            "highest fraction of the text's characters in repeated lines (Gopher Table A1: 0.20); "
                + "above gives dup_line_char_frac",
            ParamValidators.inRange(0.0, 1.0));
    maxDupParaFrac =
        new DoubleParam(
            this,
            "maxDupParaFrac",
            "highest fraction of paragraphs that repeat an earlier paragraph (Gopher Table A1: 0.30); "
                + "above gives dup_para_frac",
            ParamValidators.inRange(0.0, 1.0));
    maxDupParaCharFrac =
        new DoubleParam(
            this,
            "maxDupParaCharFrac",
            "highest fraction of the text's characters in repeated paragraphs (Gopher Table A1: 0.20); "
                + "above gives dup_para_char_frac",
            ParamValidators.inRange(0.0, 1.0));
    topNGrams =
        new Param<>(
            this,
            "topNGrams",
            "top n-gram rules as n:threshold pairs, the highest fraction of word characters in the most"
                + " frequent n-gram (Gopher Table A1: 2:0.20,3:0.18,4:0.16); above gives top_<n>_gram",
            GopherRepetition.NGramRules.validator());
    dupNGrams =
        new Param<>(
            this,
            "dupNGrams",
            "duplicate n-gram rules as n:threshold pairs, the highest fraction of word characters in"
                + " repeated n-grams (Gopher Table A1: 5:0.15,6:0.14,7:0.13,8:0.12,9:0.11,10:0.10);"
                + " above gives duplicated_<n>_n_grams",
            GopherRepetition.NGramRules.validator());
    setDefault(outputPrefix, "gopher_");
    setDefault(topNGrams, GopherRepetition.DEFAULTS.top().toString());
    setDefault(dupNGrams, GopherRepetition.DEFAULTS.dup().toString());
    setDefault(maxDupLineFrac, 0.30);
    setDefault(maxDupLineCharFrac, 0.20);
    setDefault(maxDupParaFrac, 0.30);
    setDefault(maxDupParaCharFrac, 0.20);
  }

  /** Prefix of the annotation columns (default {@code gopher_}). */
  public Param<String> outputPrefix() {
    return outputPrefix;
  }

  public String getOutputPrefix() {
    return getOrDefault(outputPrefix);
  }

  public GopherRepetitionFilter setOutputPrefix(String value) {
    set(outputPrefix, value);
    return this;
  }

  /** Highest fraction of lines that repeat an earlier line (Gopher Table A1: 0.30). */
  public DoubleParam maxDupLineFrac() {
    return maxDupLineFrac;
  }

  public double getMaxDupLineFrac() {
    return (Double) getOrDefault(maxDupLineFrac);
  }

  public GopherRepetitionFilter setMaxDupLineFrac(double value) {
    set(maxDupLineFrac, value);
    return this;
  }

  /** Highest fraction of the text's characters in repeated lines (Gopher Table A1: 0.20). */
  public DoubleParam maxDupLineCharFrac() {
    return maxDupLineCharFrac;
  }

  public double getMaxDupLineCharFrac() {
    return (Double) getOrDefault(maxDupLineCharFrac);
  }

  public GopherRepetitionFilter setMaxDupLineCharFrac(double value) {
    set(maxDupLineCharFrac, value);
    return this;
  }

  /** Highest fraction of paragraphs that repeat an earlier paragraph (Gopher Table A1: 0.30). */
  public DoubleParam maxDupParaFrac() {
    return maxDupParaFrac;
  }

  public double getMaxDupParaFrac() {
    return (Double) getOrDefault(maxDupParaFrac);
  }

  public GopherRepetitionFilter setMaxDupParaFrac(double value) {
    set(maxDupParaFrac, value);
    return this;
  }

  /** Highest fraction of the text's characters in repeated paragraphs (Gopher Table A1: 0.20). */
  public DoubleParam maxDupParaCharFrac() {
    return maxDupParaCharFrac;
  }

  public double getMaxDupParaCharFrac() {
    return (Double) getOrDefault(maxDupParaCharFrac);
  }

  public GopherRepetitionFilter setMaxDupParaCharFrac(double value) {
    set(maxDupParaCharFrac, value);
    return this;
  }

  /**
   * Top n-gram rules, {@code n:threshold} pairs (default Table A1's {@code 2:0.2,3:0.18,4:0.16}).
   */
  public Param<String> topNGrams() {
    return topNGrams;
  }

  public String getTopNGrams() {
    return getOrDefault(topNGrams);
  }

  public GopherRepetitionFilter setTopNGrams(String value) {
    set(topNGrams, value);
    return this;
  }

  /** Duplicate n-gram rules, {@code n:threshold} pairs (default Table A1's, n = 5 to 10). */
  public Param<String> dupNGrams() {
    return dupNGrams;
  }

  public String getDupNGrams() {
    return getOrDefault(dupNGrams);
  }

  public GopherRepetitionFilter setDupNGrams(String value) {
    set(dupNGrams, value);
    return this;
  }

  /** The thresholds these params name. */
  public GopherRepetition.Thresholds thresholds() {
    return new GopherRepetition.Thresholds(
        getMaxDupLineFrac(),
        getMaxDupLineCharFrac(),
        getMaxDupParaFrac(),
        getMaxDupParaCharFrac(),
        GopherRepetition.NGramRules.parse(getTopNGrams()),
        GopherRepetition.NGramRules.parse(getDupNGrams()));
  }

  @Override
  public List<String> dropReasons() {
    return thresholds().reasons();
  }

  @Override
  public StructType transformSchema(StructType schema) {
    return FilterColumns.transformSchema(
        "GopherRepetitionFilter " + uid,
        schema,
        getInputCol(),
        getDropReasonCol(),
        outputs(),
        resultType(thresholds()));
  }

  @Override
  public Dataset<Row> transform(Dataset<?> dataset) {
    transformSchema(dataset.schema(), true);
    return FilterColumns.transform(
        dataset,
        uid,
        udf(thresholds()),
        getInputCol(),
        getDropReasonCol(),
        outputs(),
        resultType(thresholds()));
  }

  /** Spark ML's reader for a saved stage; {@code Pipeline} loading finds it by reflection. */
  public static MLReader<GopherRepetitionFilter> read() {
    return new DefaultParamsReader<>();
  }

  /** Loads a stage saved with {@code write().save(path)}. */
  public static GopherRepetitionFilter load(String path) {
    return read().load(path);
  }

  /**
   * The row function as a UDF: text to the struct of annotations and reason; it carries only the
   * thresholds.
   */
  public static UserDefinedFunction udf(GopherRepetition.Thresholds thresholds) {
    return functions
        .udf(new RepetitionFunction(thresholds), resultType(thresholds))
        .withName("corral_gopher_repetition");
  }

  private List<String> outputs() {
    return annotations(thresholds()).stream().map(a -> getOutputPrefix() + a).toList();
  }

  /** Annotation columns, after {@code outputPrefix}, in output order. */
  public static List<String> annotations(GopherRepetition.Thresholds thresholds) {
    List<String> names =
        new ArrayList<>(
            List.of("dup_line_frac", "dup_line_char_frac", "dup_para_frac", "dup_para_char_frac"));
    for (int n : thresholds.top().ns()) {
      names.add("top_" + n + "_gram_frac");
    }
    for (int n : thresholds.dup().ns()) {
      names.add("dup_" + n + "_gram_frac");
    }
    return List.copyOf(names);
  }

  static StructType resultType(GopherRepetition.Thresholds thresholds) {
    return FilterColumns.resultType(
        annotations(thresholds).stream()
            .map(a -> DataTypes.createStructField(a, DataTypes.DoubleType, true))
            .toList());
  }

  /** The UDF body. Serializable state: the thresholds only. */
  static final class RepetitionFunction implements UDF1<String, Row> {
    private static final long serialVersionUID = 1L;
    private final GopherRepetition.Thresholds thresholds;

    RepetitionFunction(GopherRepetition.Thresholds thresholds) {
      this.thresholds = thresholds;
    }

    @Override
    public Row call(String text) {
      if (text == null) {
        return null;
      }
      GopherRepetition.Stats s = GopherRepetition.annotate(text, thresholds);
      Object[] values = new Object[5 + s.topNGramFrac().length + s.dupNGramFrac().length];
      int i = 0;
      values[i++] = s.dupLineFrac();
      values[i++] = s.dupLineCharFrac();
      values[i++] = s.dupParaFrac();
      values[i++] = s.dupParaCharFrac();
      for (double v : s.topNGramFrac()) {
        values[i++] = v;
      }
      for (double v : s.dupNGramFrac()) {
        values[i++] = v;
      }
      values[i] = thresholds.reason(s);
      return RowFactory.create(values);
    }
  }
}
