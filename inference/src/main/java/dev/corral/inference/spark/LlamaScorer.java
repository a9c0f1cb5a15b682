package dev.corral.inference.spark;

import dev.corral.core.Errors;
import dev.corral.core.stage.Stages;
import dev.corral.inference.llama.LlamaModel;
import dev.corral.inference.llama.LlamaTokenizer;
import dev.corral.inference.llama.Scorer;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamValidators;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Log-likelihood scoring with a LLaMA-family model, the LLaMA paper's evaluation protocol (Touvron
 * et al. 2023, section 3), on every row of a table. Three modes ({@code mode}):
 *
 * <table>
 *   <caption>modes, inputs and outputs</caption>
 *   <tr><th>mode</th><th>input columns</th><th>{@code logprob}</th><th>{@code tokens}</th>
 *       <th>{@code perplexity}</th><th>{@code logprob_norm_chars}</th><th>{@code choice}</th></tr>
 *   <tr><td>{@code perplexity}</td><td>{@code text}</td><td>sum of log P(token | tokens before), every token
 *       after BOS</td><td>tokens scored</td><td>exp(-logprob / tokens)</td><td>null</td><td>null</td></tr>
 *   <tr><td>{@code continuation}</td><td>{@code context}, {@code continuation}</td><td>log P(continuation |
 *       context)</td><td>continuation tokens</td><td>exp(-logprob / tokens)</td><td>logprob / continuation
 *       characters</td><td>null</td></tr>
 *   <tr><td>{@code choice}</td><td>{@code context}, {@code choices} (array of strings)</td><td colspan="4">those
 *       of the chosen completion, as in continuation mode</td><td>index of the completion with the highest
 *       log-likelihood per character (the paper's normalisation)</td></tr>
 * </table>
 *
 * <p>Choice mode also adds {@code choice_logprobs}, every completion's log-likelihood. Every mode
 * adds {@code error} (null, or why the row has no scores: null or empty input, longer than {@code
 * maxInputTokens} or the model's context, a continuation that adds no tokens) and {@code device}
 * (where the model ran). Log values are natural logs. Continuations split from their context as in
 * lm-evaluation-harness (see {@link Scorer#scoreContinuations}).
 *
 * <pre>{@code
 * Dataset<Row> scored = new LlamaScorer().setModelPath("hdfs:///models/llama-2-7b").setMode("perplexity")
 *     .transform(docs);
 * }</pre>
 */
public final class LlamaScorer extends LlamaTransformer<LlamaScorer> {
  private static final long serialVersionUID = 1L;

  /** The scoring modes. */
  public static final List<String> MODES = List.of("perplexity", "continuation", "choice");

  private final Param<String> mode;
  private final Param<String> textCol;
  private final Param<String> contextCol;
  private final Param<String> continuationCol;
  private final Param<String> choicesCol;

  public LlamaScorer() {
    this(Identifiable.randomUID("llamaScorer"));
  }

  public LlamaScorer(String uid) {
    super(uid);
    mode = new Param<>(this, "mode", "what to score: " + MODES, ParamValidators.inArray(MODES));
    textCol =
        new Param<>(
            this, "textCol", "column of texts to score (perplexity mode)", Stages.nonBlank());
    contextCol =
        new Param<>(
            this,
            "contextCol",
            "column of contexts (continuation and choice modes)",
            Stages.nonBlank());
    continuationCol =
        new Param<>(
            this,
            "continuationCol",
            "column of continuations (continuation mode)",
            Stages.nonBlank());
    choicesCol =
        new Param<>(
            this,
            "choicesCol",
            "column of candidate completions, array of strings (choice mode)",
            Stages.nonBlank());
    setDefault(mode, "perplexity");
    setDefault(textCol, "text");
    setDefault(contextCol, "context");
    setDefault(continuationCol, "continuation");
    setDefault(choicesCol, "choices");
  }

  public static MLReader<LlamaScorer> read() {
    return new DefaultParamsReader<>();
  }

  public static LlamaScorer load(String path) {
    return read().load(path);
  }

  public Param<String> mode() {
    return mode;
  }

  public String getMode() {
    return getOrDefault(mode);
  }

  public LlamaScorer setMode(String value) {
    set(mode, value);
    return this;
  }

  public Param<String> textCol() {
    return textCol;
  }

  public String getTextCol() {
    return getOrDefault(textCol);
  }

  public LlamaScorer setTextCol(String value) {
    set(textCol, value);
    return this;
  }

  public Param<String> contextCol() {
    return contextCol;
  }

  public String getContextCol() {
    return getOrDefault(contextCol);
  }

  public LlamaScorer setContextCol(String value) {
    set(contextCol, value);
    return this;
  }

  public Param<String> continuationCol() {
    return continuationCol;
  }

  public String getContinuationCol() {
    return getOrDefault(continuationCol);
  }

  public LlamaScorer setContinuationCol(String value) {
    set(continuationCol, value);
    return this;
  }

  public Param<String> choicesCol() {
    return choicesCol;
  }

  public String getChoicesCol() {
    return getOrDefault(choicesCol);
  }

  public LlamaScorer setChoicesCol(String value) {
    set(choicesCol, value);
    return this;
  }

  @Override
  protected List<StructField> resultFields() {
    List<StructField> out =
        new ArrayList<>(
            List.of(
                field("logprob", DataTypes.DoubleType),
                field("tokens", DataTypes.IntegerType),
                field("perplexity", DataTypes.DoubleType),
                field("logprob_norm_chars", DataTypes.DoubleType),
                field("choice", DataTypes.IntegerType)));
    if (getMode().equals("choice")) {
      out.add(field("choice_logprobs", DataTypes.createArrayType(DataTypes.DoubleType, true)));
    }
    out.add(field(ERROR, DataTypes.StringType));
    out.add(field(DEVICE, DataTypes.StringType));
    return out;
  }

  @Override
  protected void checkInputs(StructType schema) {
    worker(schema);
  }

  @Override
  protected Worker<?, ?> worker(StructType schema) {
    switch (getMode()) {
      case "perplexity":
        return new TextWorker(column(schema, getTextCol(), DataTypes.StringType));
      case "continuation":
        return new PairWorker(
            column(schema, getContextCol(), DataTypes.StringType),
            column(schema, getContinuationCol(), DataTypes.StringType),
            false);
      default:
        return new PairWorker(
            column(schema, getContextCol(), DataTypes.StringType),
            column(schema, getChoicesCol(), DataTypes.createArrayType(DataTypes.StringType)),
            true);
    }
  }

  /** A required string input of a row: null and empty are errors of that row. */
  static String text(Row row, int col, String what) {
    if (row.isNullAt(col)) {
      throw Errors.badInput(what, "is null");
    }
    String s = row.getString(col);
    if (s.isEmpty()) {
      throw Errors.badInput(what, "is empty");
    }
    return s;
  }

  static void checkLength(int tokens, int limit, String what) {
    if (tokens > limit) {
      throw Errors.badInput(
          what,
          tokens
              + " tokens exceed the limit of "
              + limit
              + " (maxInputTokens or the model's context)");
    }
  }

  /** Perplexity mode: one text per row. */
  private static final class TextWorker extends Worker<int[], Scorer.TokenScores> {
    private static final long serialVersionUID = 1L;
    private final int textCol;

    TextWorker(int textCol) {
      this.textCol = textCol;
    }

    @Override
    Batcher.Work<Row, int[], Scorer.TokenScores, Row> work(LlamaModel model, String device) {
      LlamaTokenizer tok = model.tokenizer();
      int limit = inputLimit(model);
      return new Batcher.Work<>() {
        @Override
        public int[] prepare(Row row) {
          int[] ids = tok.encode(text(row, textCol, "text"));
          checkLength(ids.length, limit, "text");
          if (ids.length < 2) {
            throw Errors.badInput("text", ids.length + " token(s); scoring needs at least 2");
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
        public int width(int[] ids) {
          return ids.length;
        }

        @Override
        public List<Scorer.TokenScores> run(List<int[]> batch) {
          return Scorer.builder()
              .setModel(model)
              .optBatchSize(batch.size())
              .build()
              .scoreIds(batch);
        }

        @Override
        public Row output(Row row, Scorer.TokenScores s, String error) {
          return s == null
              ? append(row, null, null, null, null, null, error, device)
              : append(row, s.total(), s.count(), s.perplexity(), null, null, null, device);
        }
      };
    }
  }

  /**
   * A row of continuation or choice mode: one context and its continuations, with their padded
   * width.
   */
  private record Pairs(String context, List<String> continuations, int width, long tokens) {}

  /**
   * Continuation mode (one continuation per row) and choice mode (several, the best per character
   * chosen).
   */
  private static final class PairWorker extends Worker<Pairs, List<Scorer.ContinuationScore>> {
    private static final long serialVersionUID = 1L;
    private final int contextCol;
    private final int continuationCol; // the choices column in choice mode
    private final boolean choice;

    PairWorker(int contextCol, int continuationCol, boolean choice) {
      this.contextCol = contextCol;
      this.continuationCol = continuationCol;
      this.choice = choice;
    }

    @Override
    Batcher.Work<Row, Pairs, List<Scorer.ContinuationScore>, Row> work(
        LlamaModel model, String device) {
      LlamaTokenizer tok = model.tokenizer();
      int limit = inputLimit(model);
      return new Batcher.Work<>() {
        @Override
        public Pairs prepare(Row row) {
          if (row.isNullAt(contextCol)) {
            throw Errors.badInput("context", "is null"); // an empty context is fine: BOS alone
          }
          String context = row.getString(contextCol);
          List<String> continuations = new ArrayList<>();
          if (choice) {
            if (row.isNullAt(continuationCol) || row.getList(continuationCol).isEmpty()) {
              throw Errors.badInput("choices", "is null or empty");
            }
            List<String> choices = row.getList(continuationCol);
            for (int i = 0; i < choices.size(); i++) {
              String c = choices.get(i);
              if (c == null || c.isEmpty()) {
                throw Errors.badInput("choice " + i, "is null or empty");
              }
              continuations.add(c);
            }
          } else {
            continuations.add(text(row, continuationCol, "continuation"));
          }
          int width = 0;
          long tokens = 0;
          for (String c : continuations) {
            // the engine scores the tokens of context + continuation, however the two split
            int n = tok.encode(context + c).length;
            checkLength(n, limit, choice ? "context + choice" : "context + continuation");
            width = Math.max(width, n);
            tokens += n;
          }
          return new Pairs(context, continuations, width, tokens);
        }

        @Override
        public long tokensIn(Pairs p) {
          return p.tokens();
        }

        @Override
        public int sequences(Pairs p) {
          return p.continuations().size();
        }

        @Override
        public int width(Pairs p) {
          return p.width();
        }

        @Override
        public List<List<Scorer.ContinuationScore>> run(List<Pairs> batch) {
          List<String> contexts = new ArrayList<>();
          List<String> continuations = new ArrayList<>();
          for (Pairs p : batch) {
            for (String c : p.continuations()) {
              contexts.add(p.context());
              continuations.add(c);
            }
          }
          List<Scorer.ContinuationScore> flat =
              Scorer.builder()
                  .setModel(model)
                  .optBatchSize(contexts.size())
                  .build()
                  .scoreContinuations(contexts, continuations);
          List<List<Scorer.ContinuationScore>> out = new ArrayList<>(batch.size());
          int k = 0;
          for (Pairs p : batch) {
            out.add(flat.subList(k, k + p.continuations().size()));
            k += p.continuations().size();
          }
          return out;
        }

        @Override
        public Row output(Row row, List<Scorer.ContinuationScore> scores, String error) {
          if (scores == null) {
            return choice
                ? append(row, null, null, null, null, null, null, error, device)
                : append(row, null, null, null, null, null, error, device);
          }
          int best = 0;
          for (int i = 1; i < scores.size(); i++) {
            if (scores.get(i).perChar() > scores.get(best).perChar()) {
              best =
                  i; // ties keep the first, so the choice does not depend on float noise in order
            }
          }
          Scorer.ContinuationScore s = scores.get(best);
          Double ppl = Math.exp(-s.perToken());
          if (!choice) {
            return append(
                row,
                s.logLikelihood(),
                s.continuationIds().length,
                ppl,
                s.perChar(),
                null,
                null,
                device);
          }
          Double[] all = new Double[scores.size()];
          for (int i = 0; i < all.length; i++) {
            all[i] = scores.get(i).logLikelihood();
          }
          return append(
              row,
              s.logLikelihood(),
              s.continuationIds().length,
              ppl,
              s.perChar(),
              best,
              scala.collection.JavaConverters.asScalaBuffer(List.of(all)).toSeq(),
              null,
              device);
        }
      };
    }
  }
}
