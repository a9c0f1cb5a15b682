package dev.corral.curation.quality;

import dev.corral.core.stage.FilterColumns;
import dev.corral.core.stage.FilterTransformer;
import dev.corral.core.stage.Stages;
import dev.corral.curation.fasttext.FastTextModel;
import dev.corral.curation.fasttext.Prediction;
import dev.corral.curation.fasttext.Predictor;
import dev.corral.curation.models.ExecutorModels;
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
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * LLaMA's CommonCrawl quality filter (Touvron et al. 2023, section 2.1): a linear classifier
 * trained to tell pages used as references in Wikipedia from random pages; pages not classified as
 * references are discarded. Annotates {@code quality_score}, the fastText probability of the
 * reference label ({@code positiveLabel}, default {@code wiki}), and sets {@code drop_reason =
 * low_quality} below {@code threshold} (default 0.25, the cutoff RedPajama used to reproduce
 * LLaMA's CommonCrawl with a fastText classifier trained on about 300K reference pages). Train the
 * model with {@code corral quality train}; see docs/quality-classifier.md for building the
 * positives.
 */
public final class QualityClassifier extends FilterTransformer<QualityClassifier> {
  private static final long serialVersionUID = 1L;

  /** The reason code for pages below the threshold. */
  public static final String LOW_QUALITY = "low_quality";

  /** RedPajama's threshold on the reference-page probability. */
  public static final double DEFAULT_THRESHOLD = 0.25;

  static final StructType RESULT =
      FilterColumns.resultType(
          List.of(
              new StructField(
                  "score",
                  DataTypes.FloatType,
                  true,
                  org.apache.spark.sql.types.Metadata.empty())));

  private final Param<String> outputCol;
  private final Param<String> modelPath;
  private final Param<String> positiveLabel;
  private final DoubleParam threshold;

  public QualityClassifier() {
    this(Identifiable.randomUID("quality"));
  }

  public QualityClassifier(String uid) {
    super(uid);
    outputCol =
        new Param<>(
            this,
            "outputCol",
            "output column for the reference-page probability (float)",
            Stages.nonBlank());
    modelPath =
        new Param<>(
            this,
            "modelPath",
            "the fastText classifier (.bin or .ftz), any Hadoop path",
            Stages.nonBlank());
    positiveLabel =
        new Param<>(
            this,
            "positiveLabel",
            "the label of reference-like pages, without __label__",
            Stages.nonBlank());
    threshold =
        new DoubleParam(
            this,
            "threshold",
            "pages whose reference probability is below this get drop_reason = low_quality (in [0, 1])",
            ParamValidators.inRange(0.0, 1.0));
    setDefault(outputCol, "quality_score");
    setDefault(positiveLabel, "wiki");
    setDefault(threshold, DEFAULT_THRESHOLD);
  }

  public Param<String> outputCol() {
    return outputCol;
  }

  public Param<String> modelPath() {
    return modelPath;
  }

  public Param<String> positiveLabel() {
    return positiveLabel;
  }

  public DoubleParam threshold() {
    return threshold;
  }

  public String getOutputCol() {
    return $(outputCol);
  }

  public String getModelPath() {
    return $(modelPath);
  }

  public String getPositiveLabel() {
    return $(positiveLabel);
  }

  public double getThreshold() {
    return (Double) $(threshold);
  }

  public QualityClassifier setOutputCol(String v) {
    set(outputCol, v);
    return this;
  }

  public QualityClassifier setModelPath(String v) {
    set(modelPath, v);
    return this;
  }

  public QualityClassifier setPositiveLabel(String v) {
    set(positiveLabel, v);
    return this;
  }

  public QualityClassifier setThreshold(double v) {
    set(threshold, v);
    return this;
  }

  @Override
  public List<String> dropReasons() {
    return List.of(LOW_QUALITY);
  }

  @Override
  public StructType transformSchema(StructType schema) {
    return FilterColumns.transformSchema(
        "QualityClassifier " + uid,
        schema,
        getInputCol(),
        getDropReasonCol(),
        List.of(getOutputCol()),
        RESULT);
  }

  @Override
  public Dataset<Row> transform(Dataset<?> dataset) {
    transformSchema(dataset.schema(), true);
    var udf =
        functions
            .udf(
                new Score(getModelPath(), "__label__" + getPositiveLabel(), (float) getThreshold()),
                RESULT)
            .withName("corral_quality");
    return FilterColumns.transform(
        dataset, uid, udf, getInputCol(), getDropReasonCol(), List.of(getOutputCol()), RESULT);
  }

  public static MLReader<QualityClassifier> read() {
    return new DefaultParamsReader<>();
  }

  public static QualityClassifier load(String path) {
    return read().load(path);
  }

  /** The row function; its serialized state is the model URI, the label and the threshold. */
  static final class Score implements UDF1<String, Row> {
    private static final long serialVersionUID = 1L;
    private final String modelUri;
    private final String label;
    private final float threshold;
    private transient FastTextModel model;

    Score(String modelUri, String label, float threshold) {
      this.modelUri = modelUri;
      this.label = label;
      this.threshold = threshold;
    }

    @Override
    public Row call(String text) {
      if (text == null) {
        return RowFactory.create(null, null);
      }
      if (model == null) {
        model = ExecutorModels.fastText(modelUri);
      }
      float score = 0f;
      for (Prediction p :
          model.predict(text.replace('\n', ' ').replace('\r', ' '), Predictor.ALL_LABELS, 0f)) {
        if (p.label().equals(label)) {
          score = Math.min(1f, p.probability()); // fastText adds 1e-5 before its log
        }
      }
      return RowFactory.create(score, score < threshold ? LOW_QUALITY : null);
    }
  }
}
