package dev.corral.inference.spark;

import dev.corral.core.CorralConf;
import dev.corral.core.Errors;
import dev.corral.core.stage.CorralTransformer;
import dev.corral.core.stage.Stages;
import dev.corral.inference.llama.LlamaModel;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.ml.param.BooleanParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamValidators;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * What {@link LlamaScorer} and {@link LlamaGenerator} share: the model params, the batching params,
 * the {@code error} and {@code device} columns, and the partition loop (place the task, get the
 * executor's model, stream the rows through a {@link Batcher}). Subclasses add their params and
 * columns and say what a batch is.
 *
 * @param <T> the concrete stage, so that setters chain
 */
public abstract class LlamaTransformer<T extends LlamaTransformer<T>> extends CorralTransformer<T> {
  private static final long serialVersionUID = 1L;

  /**
   * The dtypes a model can compute in: {@code auto} is f32 on the CPU and, on a GPU, f16 for a
   * checkpoint stored in 16 bits (bf16 included: DJL 0.35's PyTorch engine has no bfloat16), f32
   * otherwise.
   */
  static final List<String> DTYPES = List.of("auto", "float32", "float16");

  /** The engine's dtype for a {@link #DTYPES} name; null for {@code auto}. */
  static ai.djl.ndarray.types.DataType engineType(String dtype) {
    return switch (dtype) {
      case "float32" -> ai.djl.ndarray.types.DataType.FLOAT32;
      case "float16" -> ai.djl.ndarray.types.DataType.FLOAT16;
      default -> null;
    };
  }

  /** Output column: why a row has no result, null when it has one. */
  public static final String ERROR = "error";

  /** Output column: where the row's model ran ({@code cpu}, {@code gpu:0}, ...). */
  public static final String DEVICE = "device";

  private final Param<String> modelPath;
  private final Param<String> dtype;
  private final IntParam batchTokens;
  private final IntParam maxInputTokens;
  private final IntParam sortWindow;
  private final BooleanParam cpuFallback;

  /** Counters the next transforms update; not a param (accumulators belong to one SparkContext). */
  private transient InferenceMetrics metrics;

  private transient InferenceMetrics lastMetrics;

  protected LlamaTransformer(String uid) {
    super(uid);
    // Params are created in the constructor, not as field initializers, because they read the uid.
    modelPath =
        new Param<>(
            this,
            "modelPath",
            "Hugging Face checkpoint folder (any Hadoop path; remote folders "
                + "are copied once per executor)",
            Stages.nonBlank());
    dtype =
        new Param<>(
            this,
            "dtype",
            "dtype the model computes in: "
                + DTYPES
                + " (auto: float32 on the "
                + "CPU; on a GPU float16 for f16/bf16 checkpoints, float32 otherwise)",
            ParamValidators.inArray(DTYPES));
    batchTokens =
        new IntParam(
            this,
            "batchTokens",
            "token budget of one forward pass: sequences x longest "
                + "sequence (padded), prompt plus new tokens when generating; a longer row runs alone",
            ParamValidators.gt(0));
    maxInputTokens =
        new IntParam(
            this,
            "maxInputTokens",
            "longest input in tokens (BOS included); a longer row "
                + "gets an error; 0 means the model's context (max_position_embeddings)",
            ParamValidators.gtEq(0));
    sortWindow =
        new IntParam(
            this,
            "sortWindow",
            "rows read, sorted by length and batched together; bounds the "
                + "memory a partition needs and the padding saved",
            ParamValidators.gt(0));
    cpuFallback =
        new BooleanParam(
            this,
            "cpuFallback",
            "load on the CPU even where the task has a GPU, still "
                + "keying the model cache and the device column by the GPU address (tests with fake GPUs); unset: the "
                + "Spark setting "
                + CorralConf.LLAMA_CPU_FALLBACK.key()
                + ", default false");
    setDefault(dtype, "auto");
    setDefault(batchTokens, 4096);
    setDefault(maxInputTokens, 0);
    setDefault(sortWindow, 256);
  }

  public Param<String> modelPath() {
    return modelPath;
  }

  public String getModelPath() {
    return getOrDefault(modelPath);
  }

  public T setModelPath(String value) {
    set(modelPath, value);
    return self();
  }

  public Param<String> dtype() {
    return dtype;
  }

  public String getDtype() {
    return getOrDefault(dtype);
  }

  public T setDtype(String value) {
    set(dtype, value);
    return self();
  }

  public IntParam batchTokens() {
    return batchTokens;
  }

  public int getBatchTokens() {
    return (Integer) getOrDefault(batchTokens);
  }

  public T setBatchTokens(int value) {
    set(batchTokens, value);
    return self();
  }

  public IntParam maxInputTokens() {
    return maxInputTokens;
  }

  public int getMaxInputTokens() {
    return (Integer) getOrDefault(maxInputTokens);
  }

  public T setMaxInputTokens(int value) {
    set(maxInputTokens, value);
    return self();
  }

  public IntParam sortWindow() {
    return sortWindow;
  }

  public int getSortWindow() {
    return (Integer) getOrDefault(sortWindow);
  }

  public T setSortWindow(int value) {
    set(sortWindow, value);
    return self();
  }

  public BooleanParam cpuFallback() {
    return cpuFallback;
  }

  /** The param's value; false when unset (the Spark setting applies only at {@link #transform}). */
  public boolean getCpuFallback() {
    return isDefined(cpuFallback) && (Boolean) getOrDefault(cpuFallback);
  }

  public T setCpuFallback(boolean value) {
    set(cpuFallback, value);
    return self();
  }

  /**
   * Counters the following {@link #transform}s update (rows, errors, tokens in and out); unset,
   * each transform registers its own, named after the stage ({@code corral.llamaScorer.rows}, ...),
   * see {@link #lastMetrics}.
   */
  public T setMetrics(InferenceMetrics value) {
    metrics = value;
    return self();
  }

  /** The counters of the last {@link #transform}, null before the first. */
  public InferenceMetrics lastMetrics() {
    return lastMetrics;
  }

  /** The columns this stage adds, {@code error} and {@code device} last. */
  protected abstract List<StructField> resultFields();

  /** Checks the input columns of {@code schema}. */
  protected abstract void checkInputs(StructType schema);

  /**
   * The executor-side work for a partition, holding settings and column positions only (it is
   * serialized).
   */
  protected abstract Worker<?, ?> worker(StructType schema);

  @Override
  public StructType transformSchema(StructType schema) {
    checkInputs(schema);
    StructType out = schema;
    for (StructField f : resultFields()) {
      if (Arrays.asList(schema.fieldNames()).contains(f.name())) {
        throw Errors.badInput(
            getClass().getSimpleName() + ": column '" + f.name() + "'",
            "already exists; stages add columns and never overwrite (rename or drop it first)");
      }
      out = out.add(f);
    }
    return out;
  }

  @Override
  public Dataset<Row> transform(Dataset<?> dataset) {
    if (!isDefined(modelPath)) {
      throw Errors.missing(getClass().getSimpleName(), "ModelPath");
    }
    StructType out = transformSchema(dataset.schema());
    Worker<?, ?> worker = worker(dataset.schema());
    worker.modelPath = getModelPath();
    worker.dtype = getDtype();
    worker.batchTokens = getBatchTokens();
    worker.maxInputTokens = getMaxInputTokens();
    worker.sortWindow = getSortWindow();
    worker.cpuFallback =
        isSet(cpuFallback)
            ? getCpuFallback()
            : CorralConf.LLAMA_CPU_FALLBACK.get(dataset.sparkSession());
    worker.width = dataset.schema().size();
    String name = getClass().getSimpleName();
    lastMetrics =
        metrics != null
            ? metrics
            : InferenceMetrics.register(
                dataset.sparkSession().sparkContext(),
                Character.toLowerCase(name.charAt(0)) + name.substring(1));
    worker.metrics = lastMetrics;
    return dataset.toDF().mapPartitions(worker, Encoders.row(out));
  }

  /** Column index of {@code name}, checked to have {@code type}. */
  protected final int column(StructType schema, String name, DataType type) {
    if (!Arrays.asList(schema.fieldNames()).contains(name)) {
      throw Errors.badInput(
          getClass().getSimpleName() + ": column '" + name + "'",
          "does not exist; columns are " + Arrays.toString(schema.fieldNames()));
    }
    DataType actual = schema.apply(name).dataType();
    if (!DataType.equalsIgnoreNullability(actual, type)) {
      throw Errors.badInput(
          getClass().getSimpleName() + ": column '" + name + "'",
          "must be of type " + type.simpleString() + " but is " + actual.simpleString());
    }
    return schema.fieldIndex(name);
  }

  static StructField field(String name, DataType type) {
    return DataTypes.createStructField(name, type, true);
  }

  /**
   * The partition loop. Runs on executors: finds the task's placement, takes the JVM's model for it
   * from {@link ExecutorLlamas}, and streams the rows through a {@link Batcher} with the stage's
   * {@link #work}.
   *
   * @param <P> a prepared row
   * @param <R> a row's result
   */
  protected abstract static class Worker<P, R> implements MapPartitionsFunction<Row, Row> {
    private static final long serialVersionUID = 1L;

    String modelPath;
    String dtype;
    int batchTokens;
    int maxInputTokens;
    int sortWindow;
    boolean cpuFallback;
    int width; // input columns
    InferenceMetrics metrics; // null: not counted

    /** What a batch is for this stage, given the partition's model and placement. */
    abstract Batcher.Work<Row, P, R, Row> work(LlamaModel model, String device);

    /** The longest input the model takes, in tokens, after {@code maxInputTokens}. */
    final int inputLimit(LlamaModel model) {
      int context = model.config().maxPositions();
      return maxInputTokens == 0 ? context : Math.min(maxInputTokens, context);
    }

    @Override
    public Iterator<Row> call(Iterator<Row> rows) {
      GpuPinning.Placement placement = GpuPinning.currentTask(cpuFallback);
      LlamaModel model = ExecutorLlamas.get(modelPath, placement, dtype);
      Batcher.Work<Row, P, R, Row> work = work(model, placement.label());
      return new Batcher<>(
          rows, metrics == null ? work : new Counted<>(work, metrics), sortWindow, batchTokens);
    }

    /** The input row followed by {@code results}. */
    final Row append(Row in, Object... results) {
      Object[] values = new Object[width + results.length];
      for (int i = 0; i < width; i++) {
        values[i] = in.get(i);
      }
      System.arraycopy(results, 0, values, width, results.length);
      return RowFactory.create(values);
    }
  }

  /** A stage's work that updates the progress counters as rows are prepared and emitted. */
  private static final class Counted<P, R> implements Batcher.Work<Row, P, R, Row> {
    private final Batcher.Work<Row, P, R, Row> work;
    private final InferenceMetrics metrics;

    Counted(Batcher.Work<Row, P, R, Row> work, InferenceMetrics metrics) {
      this.work = work;
      this.metrics = metrics;
    }

    @Override
    public P prepare(Row row) {
      P p = work.prepare(row);
      metrics.tokensIn(work.tokensIn(p));
      return p;
    }

    @Override
    public int sequences(P prepared) {
      return work.sequences(prepared);
    }

    @Override
    public int width(P prepared) {
      return work.width(prepared);
    }

    @Override
    public List<R> run(List<P> batch) {
      return work.run(batch);
    }

    @Override
    public Row output(Row row, R result, String error) {
      Row out = work.output(row, result, error);
      metrics.row(error != null);
      if (result != null) {
        metrics.tokensOut(work.tokensOut(result));
      }
      return out;
    }
  }
}
