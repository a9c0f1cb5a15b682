package dev.corral.inference.spark;

import dev.corral.core.CorralConf;
import dev.corral.core.Errors;
import dev.corral.inference.llama.LlamaModel;
import dev.corral.inference.llama.LlamaTokenizer;
import dev.corral.inference.llama.Scorer;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.SparkSessionExtensions;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.catalyst.FunctionIdentifier;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.ExpressionInfo;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import scala.Function1;
import scala.Tuple3;
import scala.collection.Seq;
import scala.runtime.BoxedUnit;

/**
 * Corral's inference SQL functions, for SQL and PySpark users: {@code corral_perplexity(text)}, the
 * perplexity of a text under the LLaMA-family model named by {@value #MODEL_CONF}. Enable it with
 * {@code spark.sql.extensions=dev.corral.inference.spark.InferenceSparkExtensions} (after Delta's
 * and Corral's, with commas).
 *
 * <p>The model is read when a query is analyzed ({@code SET spark.corral.llama.model=...} applies
 * to the next query) and loaded once per executor JVM and GPU, as {@link LlamaScorer} does. The
 * function scores one row at a time; for a table, {@link LlamaScorer} batches rows by length and is
 * much faster. A null, empty or one-token text, or one longer than the model's context, gives null.
 */
public final class InferenceSparkExtensions
    implements Function1<SparkSessionExtensions, BoxedUnit> {
  /** The Hugging Face checkpoint folder {@code corral_perplexity} scores with. */
  public static final String MODEL_CONF = CorralConf.LLAMA_MODEL.key();

  /** Spark instantiates the extension by reflection through this constructor. */
  public InferenceSparkExtensions() {}

  @Override
  public BoxedUnit apply(SparkSessionExtensions extensions) {
    String name = "corral_perplexity";
    // Spark checks these layouts: sections start "\n    Name:\n" and end "\n  ".
    ExpressionInfo info =
        new ExpressionInfo(
            InferenceSparkExtensions.class.getName(),
            null,
            name,
            "_FUNC_(text) - Returns the perplexity (double) of text under the LLaMA model "
                + MODEL_CONF
                + ": exp(-mean log P(token | tokens before)) over every token after BOS. Null, empty or one-token "
                + "text, or text longer than the model's context, gives null.",
            "\n    Arguments:\n      * text - a string expression; other types are cast to string\n  ",
            "\n    Examples:\n      > SELECT _FUNC_('The cat sat on the mat.');\n       12.3\n  ",
            "",
            "misc_funcs",
            "",
            "",
            "java_udf");
    Function1<Seq<Expression>, Expression> builder =
        arguments -> {
          if (arguments.size() != 1) {
            throw Errors.badArgument(name + " arguments", arguments.size(), "1 argument (text)");
          }
          SparkSession spark = SparkSession.active();
          String model = CorralConf.LLAMA_MODEL.get(spark);
          if (model.isBlank()) {
            throw Errors.badArgument(
                MODEL_CONF, model, "a Hugging Face checkpoint folder (SET " + MODEL_CONF + "=...)");
          }
          boolean cpuFallback = CorralConf.LLAMA_CPU_FALLBACK.get(spark);
          Column text = new Column(arguments.apply(0)).cast(DataTypes.StringType);
          return perplexity(model, cpuFallback).apply(text).expr();
        };
    extensions.injectFunction(new Tuple3<>(FunctionIdentifier.apply(name), info, builder));
    return BoxedUnit.UNIT;
  }

  /** The UDF behind {@code corral_perplexity}: one text in, its perplexity or null out. */
  public static UserDefinedFunction perplexity(String modelPath, boolean cpuFallback) {
    return functions
        .udf(new Perplexity(modelPath, cpuFallback), DataTypes.DoubleType)
        .withName("corral_perplexity");
  }

  private static final class Perplexity implements UDF1<String, Double> {
    private static final long serialVersionUID = 1L;
    private final String modelPath;
    private final boolean cpuFallback;
    private transient Scorer scorer;
    private transient LlamaTokenizer tokenizer;
    private transient int context;

    Perplexity(String modelPath, boolean cpuFallback) {
      this.modelPath = modelPath;
      this.cpuFallback = cpuFallback;
    }

    @Override
    public Double call(String text) {
      if (text == null || text.isEmpty()) {
        return null;
      }
      if (scorer == null) {
        LlamaModel model =
            ExecutorLlamas.get(modelPath, GpuPinning.currentTask(cpuFallback), "auto");
        scorer = Scorer.builder().setModel(model).optBatchSize(1).build();
        tokenizer = model.tokenizer();
        context = model.config().maxPositions();
      }
      int[] ids = tokenizer.encode(text);
      if (ids.length < 2 || ids.length > context) {
        return null;
      }
      return scorer.scoreIds(java.util.List.of(ids)).get(0).perplexity();
    }
  }
}
