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
 * {@code dup_para_frac}, {@code dup_para_char_frac}, {@code top_2_gram_frac} … {@code
 * top_4_gram_frac} and {@code dup_5_gram_frac} … {@code dup_10_gram_frac}, and sets {@code
 * drop_reason} where it is still null and a fraction is above its threshold. Null text gives null
 * annotations and leaves {@code drop_reason} as it was. Each threshold is a param whose default is
 * Table A1's value.
 */
public final class GopherRepetitionFilter extends FilterTransformer<GopherRepetitionFilter> {
  private static final long serialVersionUID = 1L;

  /** Annotation columns, after {@code outputPrefix}, in output order. */
  public static final List<String> ANNOTATIONS = annotations();

  static final StructType RESULT =
      FilterColumns.resultType(
          ANNOTATIONS.stream()
              .map(a -> DataTypes.createStructField(a, DataTypes.DoubleType, true))
              .toList());

  private final Param<String> outputPrefix;
  private final DoubleParam maxDupLineFrac;
  private final DoubleParam maxDupLineCharFrac;
  private final DoubleParam maxDupParaFrac;
  private final DoubleParam maxDupParaCharFrac;
  private final DoubleParam maxTop2GramFrac;
  private final DoubleParam maxTop3GramFrac;
  private final DoubleParam maxTop4GramFrac;
  private final DoubleParam maxDup5GramFrac;
  private final DoubleParam maxDup6GramFrac;
  private final DoubleParam maxDup7GramFrac;
  private final DoubleParam maxDup8GramFrac;
  private final DoubleParam maxDup9GramFrac;
  private final DoubleParam maxDup10GramFrac;

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
    maxTop2GramFrac =
        new DoubleParam(
            this,
            "maxTop2GramFrac",
            "highest fraction of word characters in the most frequent 2-gram (Gopher Table A1: 0.20); "
                + "above gives top_2_gram",
            ParamValidators.inRange(0.0, 1.0));
    maxTop3GramFrac =
        new DoubleParam(
            this,
            "maxTop3GramFrac",
            "highest fraction of word characters in the most frequent 3-gram (Gopher Table A1: 0.18); "
                + "above gives top_3_gram",
            ParamValidators.inRange(0.0, 1.0));
    maxTop4GramFrac =
        new DoubleParam(
            this,
            "maxTop4GramFrac",
            "highest fraction of word characters in the most frequent 4-gram (Gopher Table A1: 0.16); "
                + "above gives top_4_gram",
            ParamValidators.inRange(0.0, 1.0));
    maxDup5GramFrac =
        new DoubleParam(
            this,
            "maxDup5GramFrac",
            "highest fraction of word characters in repeated 5-grams (Gopher Table A1: 0.15); "
                + "above gives duplicated_5_n_grams",
            ParamValidators.inRange(0.0, 1.0));
    maxDup6GramFrac =
        new DoubleParam(
            this,
            "maxDup6GramFrac",
            "highest fraction of word characters in repeated 6-grams (Gopher Table A1: 0.14); "
                + "above gives duplicated_6_n_grams",
            ParamValidators.inRange(0.0, 1.0));
    maxDup7GramFrac =
        new DoubleParam(
            this,
            "maxDup7GramFrac",
            "highest fraction of word characters in repeated 7-grams (Gopher Table A1: 0.13); "
                + "above gives duplicated_7_n_grams",
            ParamValidators.inRange(0.0, 1.0));
    maxDup8GramFrac =
        new DoubleParam(
            this,
            "maxDup8GramFrac",
            "highest fraction of word characters in repeated 8-grams (Gopher Table A1: 0.12); "
                + "above gives duplicated_8_n_grams",
            ParamValidators.inRange(0.0, 1.0));
    maxDup9GramFrac =
        new DoubleParam(
            this,
            "maxDup9GramFrac",
            "highest fraction of word characters in repeated 9-grams (Gopher Table A1: 0.11); "
                + "above gives duplicated_9_n_grams",
            ParamValidators.inRange(0.0, 1.0));
    maxDup10GramFrac =
        new DoubleParam(
            this,
            "maxDup10GramFrac",
            "highest fraction of word characters in repeated 10-grams (Gopher Table A1: 0.10); "
                + "above gives duplicated_10_n_grams",
            ParamValidators.inRange(0.0, 1.0));
    setDefault(outputPrefix, "gopher_");
    setDefault(maxDupLineFrac, 0.30);
    setDefault(maxDupLineCharFrac, 0.20);
    setDefault(maxDupParaFrac, 0.30);
    setDefault(maxDupParaCharFrac, 0.20);
    setDefault(maxTop2GramFrac, 0.20);
    setDefault(maxTop3GramFrac, 0.18);
    setDefault(maxTop4GramFrac, 0.16);
    setDefault(maxDup5GramFrac, 0.15);
    setDefault(maxDup6GramFrac, 0.14);
    setDefault(maxDup7GramFrac, 0.13);
    setDefault(maxDup8GramFrac, 0.12);
    setDefault(maxDup9GramFrac, 0.11);
    setDefault(maxDup10GramFrac, 0.10);
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

  /** Highest fraction of word characters in the most frequent 2-gram (Gopher Table A1: 0.20). */
  public DoubleParam maxTop2GramFrac() {
    return maxTop2GramFrac;
  }

  public double getMaxTop2GramFrac() {
    return (Double) getOrDefault(maxTop2GramFrac);
  }

  public GopherRepetitionFilter setMaxTop2GramFrac(double value) {
    set(maxTop2GramFrac, value);
    return this;
  }

  /** Highest fraction of word characters in the most frequent 3-gram (Gopher Table A1: 0.18). */
  public DoubleParam maxTop3GramFrac() {
    return maxTop3GramFrac;
  }

  public double getMaxTop3GramFrac() {
    return (Double) getOrDefault(maxTop3GramFrac);
  }

  public GopherRepetitionFilter setMaxTop3GramFrac(double value) {
    set(maxTop3GramFrac, value);
    return this;
  }

  /** Highest fraction of word characters in the most frequent 4-gram (Gopher Table A1: 0.16). */
  public DoubleParam maxTop4GramFrac() {
    return maxTop4GramFrac;
  }

  public double getMaxTop4GramFrac() {
    return (Double) getOrDefault(maxTop4GramFrac);
  }

  public GopherRepetitionFilter setMaxTop4GramFrac(double value) {
    set(maxTop4GramFrac, value);
    return this;
  }

  /** Highest fraction of word characters in repeated 5-grams (Gopher Table A1: 0.15). */
  public DoubleParam maxDup5GramFrac() {
    return maxDup5GramFrac;
  }

  public double getMaxDup5GramFrac() {
    return (Double) getOrDefault(maxDup5GramFrac);
  }

  public GopherRepetitionFilter setMaxDup5GramFrac(double value) {
    set(maxDup5GramFrac, value);
    return this;
  }

  /** Highest fraction of word characters in repeated 6-grams (Gopher Table A1: 0.14). */
  public DoubleParam maxDup6GramFrac() {
    return maxDup6GramFrac;
  }

  public double getMaxDup6GramFrac() {
    return (Double) getOrDefault(maxDup6GramFrac);
  }

  public GopherRepetitionFilter setMaxDup6GramFrac(double value) {
    set(maxDup6GramFrac, value);
    return this;
  }

  /** Highest fraction of word characters in repeated 7-grams (Gopher Table A1: 0.13). */
  public DoubleParam maxDup7GramFrac() {
    return maxDup7GramFrac;
  }

  public double getMaxDup7GramFrac() {
    return (Double) getOrDefault(maxDup7GramFrac);
  }

  public GopherRepetitionFilter setMaxDup7GramFrac(double value) {
    set(maxDup7GramFrac, value);
    return this;
  }

  /** Highest fraction of word characters in repeated 8-grams (Gopher Table A1: 0.12). */
  public DoubleParam maxDup8GramFrac() {
    return maxDup8GramFrac;
  }

  public double getMaxDup8GramFrac() {
    return (Double) getOrDefault(maxDup8GramFrac);
  }

  public GopherRepetitionFilter setMaxDup8GramFrac(double value) {
    set(maxDup8GramFrac, value);
    return this;
  }

  /** Highest fraction of word characters in repeated 9-grams (Gopher Table A1: 0.11). */
  public DoubleParam maxDup9GramFrac() {
    return maxDup9GramFrac;
  }

  public double getMaxDup9GramFrac() {
    return (Double) getOrDefault(maxDup9GramFrac);
  }

  public GopherRepetitionFilter setMaxDup9GramFrac(double value) {
    set(maxDup9GramFrac, value);
    return this;
  }

  /** Highest fraction of word characters in repeated 10-grams (Gopher Table A1: 0.10). */
  public DoubleParam maxDup10GramFrac() {
    return maxDup10GramFrac;
  }

  public double getMaxDup10GramFrac() {
    return (Double) getOrDefault(maxDup10GramFrac);
  }

  public GopherRepetitionFilter setMaxDup10GramFrac(double value) {
    set(maxDup10GramFrac, value);
    return this;
  }

  /** The thresholds these params name. */
  public GopherRepetition.Thresholds thresholds() {
    return new GopherRepetition.Thresholds(
        getMaxDupLineFrac(),
        getMaxDupLineCharFrac(),
        getMaxDupParaFrac(),
        getMaxDupParaCharFrac(),
        new double[] {getMaxTop2GramFrac(), getMaxTop3GramFrac(), getMaxTop4GramFrac()},
        new double[] {
          getMaxDup5GramFrac(),
          getMaxDup6GramFrac(),
          getMaxDup7GramFrac(),
          getMaxDup8GramFrac(),
          getMaxDup9GramFrac(),
          getMaxDup10GramFrac()
        });
  }

  @Override
  public StructType transformSchema(StructType schema) {
    return FilterColumns.transformSchema(
        "GopherRepetitionFilter " + uid,
        schema,
        getInputCol(),
        getDropReasonCol(),
        outputs(),
        RESULT);
  }

  @Override
  public Dataset<Row> transform(Dataset<?> dataset) {
    transformSchema(dataset.schema(), true);
    return FilterColumns.transform(
        dataset, uid, udf(thresholds()), getInputCol(), getDropReasonCol(), outputs(), RESULT);
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
        .udf(new RepetitionFunction(thresholds), RESULT)
        .withName("corral_gopher_repetition");
  }

  private List<String> outputs() {
    return ANNOTATIONS.stream().map(a -> getOutputPrefix() + a).toList();
  }

  private static List<String> annotations() {
    List<String> names =
        new ArrayList<>(
            List.of("dup_line_frac", "dup_line_char_frac", "dup_para_frac", "dup_para_char_frac"));
    for (int n : GopherRepetition.TOP_NS) {
      names.add("top_" + n + "_gram_frac");
    }
    for (int n : GopherRepetition.DUP_NS) {
      names.add("dup_" + n + "_gram_frac");
    }
    return List.copyOf(names);
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
      GopherRepetition.Stats s = GopherRepetition.annotate(text);
      Object[] values = new Object[ANNOTATIONS.size() + 1];
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
