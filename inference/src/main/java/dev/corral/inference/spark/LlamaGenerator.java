package dev.corral.inference.spark;

import dev.corral.core.Errors;
import dev.corral.core.stage.Stages;
import dev.corral.inference.llama.GenerationConfig;
import dev.corral.inference.llama.Generator;
import dev.corral.inference.llama.LlamaModel;
import dev.corral.inference.llama.LlamaTokenizer;
import dev.corral.inference.llama.Penalties;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntArrayParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.LongParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamValidators;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import scala.runtime.AbstractFunction1;

/**
 * Text generation with a LLaMA-family model on every row of a table: the prompt column in, {@code
 * generation} (the new text, special tokens skipped), {@code generated_tokens} (their ids, a stop
 * token included), {@code finish_reason} ({@code stop} or {@code length}), {@code error} and {@code
 * device} out.
 *
 * <p>Sampling params left unset take the checkpoint's {@code generation_config.json} (greedy when
 * it does not sample), as {@link Generator} does. With sampling, a row draws from a random stream
 * derived from {@code seed} and its place in its batch, so a run is reproducible for the same
 * input, partitioning and params; greedy decoding does not depend on batching at all.
 *
 * <pre>{@code
 * Dataset<Row> out = new LlamaGenerator().setModelPath("/models/tinyllama").setMaxNewTokens(64).transform(prompts);
 * }</pre>
 */
public final class LlamaGenerator extends LlamaTransformer<LlamaGenerator> {
  private static final long serialVersionUID = 1L;

  /**
   * Tokens generated when neither {@code maxNewTokens} nor generation_config.json says, as in
   * {@link Generator}.
   */
  static final int DEFAULT_MAX_NEW_TOKENS = 128;

  private final Param<String> promptCol;
  private final IntParam maxNewTokens;
  private final DoubleParam temperature;
  private final IntParam topK;
  private final DoubleParam topP;
  private final LongParam seed;
  private final IntArrayParam stopTokenIds;
  private final DoubleParam repetitionPenalty;
  private final Param<String> penaltyStyle;
  private final IntParam penaltyLastN;
  private final DoubleParam frequencyPenalty;
  private final DoubleParam presencePenalty;

  public LlamaGenerator() {
    this(Identifiable.randomUID("llamaGenerator"));
  }

  public LlamaGenerator(String uid) {
    super(uid);
    promptCol = new Param<>(this, "promptCol", "column of prompts (string)", Stages.nonBlank());
    maxNewTokens =
        new IntParam(
            this,
            "maxNewTokens",
            "tokens to generate at most per row (unset: "
                + "generation_config.json's max_new_tokens, else "
                + DEFAULT_MAX_NEW_TOKENS
                + ")",
            ParamValidators.gt(0));
    temperature =
        new DoubleParam(
            this,
            "temperature",
            "sampling temperature, 0 = greedy (unset: greedy unless "
                + "generation_config.json sets do_sample)",
            ParamValidators.gtEq(0));
    topK =
        new IntParam(
            this,
            "topK",
            "sample among the k most likely tokens, 0 = off (unset: " + "generation_config.json)",
            ParamValidators.gtEq(0));
    topP =
        new DoubleParam(
            this,
            "topP",
            "nucleus sampling mass in (0, 1], 1 = off (unset: generation_config.json)",
            ParamValidators.inRange(0, 1, false, true));
    seed = new LongParam(this, "seed", "seed of the sampling streams");
    stopTokenIds =
        new IntArrayParam(
            this,
            "stopTokenIds",
            "token ids that end a row, besides the checkpoint's " + "eos ids",
            NonNegative.INSTANCE);
    repetitionPenalty =
        new DoubleParam(
            this,
            "repetitionPenalty",
            "penalty on tokens already seen, > 1 discourages them, 1 = off (penaltyStyle's"
                + " convention)",
            ParamValidators.gt(0));
    penaltyStyle =
        new Param<>(
            this,
            "penaltyStyle",
            "huggingface (every token seen, as transformers) or llama.cpp (the last"
                + " penaltyLastN tokens, with frequency and presence penalties)",
            ParamValidators.inArray(new String[] {"huggingface", "llama.cpp"}));
    penaltyLastN =
        new IntParam(
            this,
            "penaltyLastN",
            "llama.cpp style: tokens the penalties look back on, -1 all, 0 off (unset: 64)",
            ParamValidators.gtEq(-1));
    frequencyPenalty =
        new DoubleParam(
            this,
            "frequencyPenalty",
            "llama.cpp style: subtracted from a seen token's logit per occurrence");
    presencePenalty =
        new DoubleParam(
            this, "presencePenalty", "llama.cpp style: subtracted once from a seen token's logit");
    setDefault(promptCol, "prompt");
    setDefault(repetitionPenalty, 1.0);
    setDefault(penaltyStyle, "huggingface");
    setDefault(seed, 0L);
    setDefault(stopTokenIds, new int[0]);
  }

  public static MLReader<LlamaGenerator> read() {
    return new DefaultParamsReader<>();
  }

  public static LlamaGenerator load(String path) {
    return read().load(path);
  }

  public Param<String> promptCol() {
    return promptCol;
  }

  public String getPromptCol() {
    return getOrDefault(promptCol);
  }

  public LlamaGenerator setPromptCol(String value) {
    set(promptCol, value);
    return this;
  }

  public IntParam maxNewTokens() {
    return maxNewTokens;
  }

  public int getMaxNewTokens() {
    return (Integer) getOrDefault(maxNewTokens);
  }

  public LlamaGenerator setMaxNewTokens(int value) {
    set(maxNewTokens, value);
    return this;
  }

  public DoubleParam temperature() {
    return temperature;
  }

  public double getTemperature() {
    return (Double) getOrDefault(temperature);
  }

  public LlamaGenerator setTemperature(double value) {
    set(temperature, value);
    return this;
  }

  public IntParam topK() {
    return topK;
  }

  public int getTopK() {
    return (Integer) getOrDefault(topK);
  }

  public LlamaGenerator setTopK(int value) {
    set(topK, value);
    return this;
  }

  public DoubleParam topP() {
    return topP;
  }

  public double getTopP() {
    return (Double) getOrDefault(topP);
  }

  public LlamaGenerator setTopP(double value) {
    set(topP, value);
    return this;
  }

  public LongParam seed() {
    return seed;
  }

  public long getSeed() {
    return (Long) getOrDefault(seed);
  }

  public LlamaGenerator setSeed(long value) {
    set(seed, value);
    return this;
  }

  public IntArrayParam stopTokenIds() {
    return stopTokenIds;
  }

  public int[] getStopTokenIds() {
    return getOrDefault(stopTokenIds);
  }

  public LlamaGenerator setStopTokenIds(int[] value) {
    set(stopTokenIds, value);
    return this;
  }

  public DoubleParam repetitionPenalty() {
    return repetitionPenalty;
  }

  public double getRepetitionPenalty() {
    return (Double) getOrDefault(repetitionPenalty);
  }

  public LlamaGenerator setRepetitionPenalty(double value) {
    set(repetitionPenalty, value);
    return this;
  }

  public Param<String> penaltyStyle() {
    return penaltyStyle;
  }

  public String getPenaltyStyle() {
    return getOrDefault(penaltyStyle);
  }

  public LlamaGenerator setPenaltyStyle(String value) {
    set(penaltyStyle, value);
    return this;
  }

  public IntParam penaltyLastN() {
    return penaltyLastN;
  }

  public int getPenaltyLastN() {
    return (Integer) getOrDefault(penaltyLastN);
  }

  public LlamaGenerator setPenaltyLastN(int value) {
    set(penaltyLastN, value);
    return this;
  }

  public DoubleParam frequencyPenalty() {
    return frequencyPenalty;
  }

  public double getFrequencyPenalty() {
    return (Double) getOrDefault(frequencyPenalty);
  }

  public LlamaGenerator setFrequencyPenalty(double value) {
    set(frequencyPenalty, value);
    return this;
  }

  public DoubleParam presencePenalty() {
    return presencePenalty;
  }

  public double getPresencePenalty() {
    return (Double) getOrDefault(presencePenalty);
  }

  public LlamaGenerator setPresencePenalty(double value) {
    set(presencePenalty, value);
    return this;
  }

  @Override
  protected List<StructField> resultFields() {
    return List.of(
        field("generation", DataTypes.StringType),
        field("generated_tokens", DataTypes.createArrayType(DataTypes.IntegerType, true)),
        field("finish_reason", DataTypes.StringType),
        field(ERROR, DataTypes.StringType),
        field(DEVICE, DataTypes.StringType));
  }

  @Override
  protected void checkInputs(StructType schema) {
    column(schema, getPromptCol(), DataTypes.StringType);
  }

  @Override
  protected Worker<?, ?> worker(StructType schema) {
    PromptWorker w = new PromptWorker(column(schema, getPromptCol(), DataTypes.StringType));
    w.maxNewTokens = isDefined(maxNewTokens) ? getMaxNewTokens() : null;
    w.temperature = isDefined(temperature) ? getTemperature() : null;
    w.topK = isDefined(topK) ? getTopK() : null;
    w.topP = isDefined(topP) ? getTopP() : null;
    w.seed = getSeed();
    w.stopTokenIds = getStopTokenIds();
    // checked here, on the driver, so that a bad combination fails the job before any task
    w.penalties =
        Penalties.of(
            getPenaltyStyle(),
            getRepetitionPenalty(),
            isDefined(penaltyLastN) ? getPenaltyLastN() : null,
            isDefined(frequencyPenalty) ? getFrequencyPenalty() : null,
            isDefined(presencePenalty) ? getPresencePenalty() : null);
    return w;
  }

  /** One prompt per row; a batch is one {@link Generator} call. */
  private static final class PromptWorker extends Worker<int[], Generator.Generation> {
    private static final long serialVersionUID = 1L;
    private final int promptCol;
    Integer maxNewTokens;
    Double temperature;
    Integer topK;
    Double topP;
    long seed;
    int[] stopTokenIds;
    Penalties penalties;

    PromptWorker(int promptCol) {
      this.promptCol = promptCol;
    }

    private Generator generator(LlamaModel model, int newTokens, int batchSize) {
      Generator.Builder b =
          Generator.builder()
              .setModel(model)
              .optMaxNewTokens(newTokens)
              .optSeed(seed)
              .optStopTokens(stopTokenIds)
              .optPenalties(penalties)
              .optBatchSize(batchSize);
      if (temperature != null) {
        b.optTemperature(temperature);
      }
      if (topK != null) {
        b.optTopK(topK);
      }
      if (topP != null) {
        b.optTopP(topP);
      }
      return b.build();
    }

    @Override
    Batcher.Work<Row, int[], Generator.Generation, Row> work(LlamaModel model, String device) {
      LlamaTokenizer tok = model.tokenizer();
      GenerationConfig g = model.generationConfig();
      // resolved as Generator resolves it, because the token budget and the length check need the
      // number
      int newTokens =
          maxNewTokens != null
              ? maxNewTokens
              : g.maxNewTokens() > 0 ? g.maxNewTokens() : DEFAULT_MAX_NEW_TOKENS;
      int limit = Math.min(inputLimit(model), model.config().maxPositions() - newTokens);
      // Settings the model rejects (a stop token outside its vocabulary) fail the task here, not
      // every row.
      generator(model, newTokens, 1);
      return new Batcher.Work<>() {
        @Override
        public int[] prepare(Row row) {
          int[] ids = tok.encode(LlamaScorer.text(row, promptCol, "prompt"));
          if (ids.length > limit) {
            throw Errors.badInput(
                "prompt",
                ids.length
                    + " tokens exceed the limit of "
                    + limit
                    + " (maxInputTokens, or the model's context less "
                    + newTokens
                    + " new tokens)");
          }
          return ids;
        }

        @Override
        public int sequences(int[] ids) {
          return 1;
        }

        @Override
        public long tokensIn(int[] ids) {
          return ids.length;
        }

        @Override
        public long tokensOut(Generator.Generation g) {
          return g.tokens().length;
        }

        @Override
        public int width(int[] ids) {
          return ids.length + newTokens;
        }

        @Override
        public List<Generator.Generation> run(List<int[]> batch) {
          return generator(model, newTokens, batch.size()).generateIds(batch);
        }

        @Override
        public Row output(Row row, Generator.Generation g, String error) {
          if (g == null) {
            return append(row, null, null, null, error, device);
          }
          List<Integer> tokens = new ArrayList<>(g.tokens().length);
          for (int t : g.tokens()) {
            tokens.add(t);
          }
          return append(
              row,
              g.text(),
              scala.collection.JavaConverters.asScalaBuffer(tokens).toSeq(),
              g.finishReason().name().toLowerCase(Locale.ROOT),
              null,
              device);
        }
      };
    }
  }

  // A named class, not a lambda, so that Params holding it stay Java-serializable.
  private static final class NonNegative extends AbstractFunction1<int[], Object>
      implements Serializable {
    private static final long serialVersionUID = 1L;
    static final NonNegative INSTANCE = new NonNegative();

    @Override
    public Object apply(int[] ids) {
      for (int id : ids) {
        if (id < 0) {
          return false;
        }
      }
      return true;
    }

    private Object readResolve() {
      return INSTANCE;
    }
  }
}
