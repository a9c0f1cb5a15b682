package dev.corral.inference.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.corral.core.testing.SparkMlContract;
import dev.corral.core.testing.TestSpark;
import dev.corral.inference.llama.Generator;
import dev.corral.inference.llama.LlamaModel;
import dev.corral.inference.llama.Scorer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The LLaMA stages in local[2] on llama-tiny: they give what the engine gives row by row and what
 * llama.cpp gave (reference.json), keep row order under any batching, and turn bad rows into {@code
 * error} values.
 */
class LlamaSparkTest {
  private static final double LLAMA_CPP_TOLERANCE =
      1e-2; // on a sum of log-probs, as the engine's own test
  private static final double ENGINE_TOLERANCE = 1e-3; // batched/padded vs alone, f32
  private static SparkSession spark;
  private static LlamaModel model;
  private static List<TinyLlama.Reference> refs;
  private static String modelPath;

  @BeforeAll
  static void start() {
    spark = TestSpark.start("LlamaSparkTest", Map.of());
    model = LlamaModel.load(TinyLlama.dir());
    refs = TinyLlama.references();
    modelPath = TinyLlama.dir().toString();
  }

  @AfterAll
  static void stop() {
    TestSpark.stop(spark);
    if (model != null) {
      model.close();
    }
  }

  private static Dataset<Row> texts(String column, List<String> values, int partitions) {
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < values.size(); i++) {
      rows.add(RowFactory.create(i, values.get(i)));
    }
    StructType schema =
        new StructType().add("id", DataTypes.IntegerType).add(column, DataTypes.StringType);
    // parallelize slices a list into contiguous partitions, the same ones on every evaluation
    return spark.createDataFrame(
        JavaSparkContext.fromSparkContext(spark.sparkContext()).parallelize(rows, partitions),
        schema);
  }

  @Test
  void stagesKeepTheSparkMlContract(@TempDir Path dir) {
    LlamaScorer scorer =
        new LlamaScorer().setModelPath("/models/x").setMode("choice").setBatchTokens(77);
    SparkMlContract.checkParams(scorer);
    SparkMlContract.checkReadWrite(scorer, dir.resolve("scorer").toString());
    LlamaGenerator gen =
        new LlamaGenerator()
            .setModelPath("/m")
            .setMaxNewTokens(9)
            .setTemperature(0.7)
            .setTopK(5)
            .setTopP(0.9)
            .setSeed(42)
            .setStopTokenIds(new int[] {13, 2})
            .setPenaltyStyle("llama.cpp")
            .setRepetitionPenalty(1.1)
            .setPenaltyLastN(32)
            .setFrequencyPenalty(0.1)
            .setPresencePenalty(0.2)
            .setCpuFallback(true);
    SparkMlContract.checkParams(gen);
    SparkMlContract.checkParams(new LlamaGenerator());
    SparkMlContract.checkReadWrite(gen, dir.resolve("generator").toString());
    SparkMlContract.checkReadWrite(
        new LlamaGenerator(), dir.resolve("generator-defaults").toString());

    StructType schema =
        new StructType().add("text", DataTypes.StringType).add("n", DataTypes.IntegerType);
    assertTrue(new LlamaScorer().transformSchema(schema).getFieldIndex("perplexity").isDefined());
    assertThrows(
        RuntimeException.class, () -> new LlamaScorer().setTextCol("n").transformSchema(schema));
    assertThrows(
        RuntimeException.class,
        () -> new LlamaScorer().setMode("continuation").transformSchema(schema));
    assertThrows(
        RuntimeException.class,
        () -> new LlamaGenerator().transformSchema(schema)); // no prompt column
    assertThrows(RuntimeException.class, () -> new LlamaScorer().setMode("bleu"));
    assertThrows(
        RuntimeException.class,
        () -> new LlamaScorer().transformSchema(schema.add("error", DataTypes.StringType)));
    assertThrows(
        RuntimeException.class,
        () -> new LlamaScorer().transform(spark.createDataFrame(List.of(), schema)),
        "modelPath is required");
  }

  @Test
  void perplexityEqualsTheEngineAndLlamaCpp() {
    List<String> input = refs.stream().map(TinyLlama.Reference::text).toList();
    List<Row> out =
        new LlamaScorer()
            .setModelPath(modelPath)
            .setBatchTokens(64)
            .transform(texts("text", input, 2))
            .orderBy("id")
            .collectAsList();
    List<Scorer.TokenScores> engine =
        Scorer.builder().setModel(model).optBatchSize(1).build().scoreAll(input);
    for (int i = 0; i < refs.size(); i++) {
      Row r = out.get(i);
      TinyLlama.Reference ref = refs.get(i);
      assertNull(r.getAs("error"), ref.text());
      assertEquals("cpu", r.getAs("device"));
      assertEquals(ref.promptIds().length - 1, (int) r.getAs("tokens"));
      assertEquals(engine.get(i).total(), r.<Double>getAs("logprob"), ENGINE_TOLERANCE, ref.text());
      assertEquals(
          engine.get(i).perplexity(),
          r.<Double>getAs("perplexity"),
          1e-4 * engine.get(i).perplexity());
      assertEquals(
          ref.promptLogProb(), r.<Double>getAs("logprob"), LLAMA_CPP_TOLERANCE, ref.text());
      assertNull(r.getAs("choice"));
    }
    assertEquals(
        1,
        ExecutorLlamas.loads(new ExecutorLlamas.Key(modelPath, "cpu", "auto")),
        "one model for the driver JVM's local executor, however many tasks");
  }

  @Test
  void float16DtypeLoadsItsOwnModelAndStaysCloseToF32() {
    List<String> input = refs.stream().map(TinyLlama.Reference::text).toList();
    List<Row> half =
        new LlamaScorer()
            .setModelPath(modelPath)
            .setDtype("float16")
            .setBatchTokens(64)
            .transform(texts("text", input, 2))
            .orderBy("id")
            .collectAsList();
    List<Scorer.TokenScores> engine =
        Scorer.builder().setModel(model).optBatchSize(1).build().scoreAll(input);
    for (int i = 0; i < refs.size(); i++) {
      assertNull(half.get(i).getAs("error"));
      // f16 activations over a text's tokens: within 1% of the f32 sum of log-probs
      assertEquals(
          engine.get(i).total(),
          half.get(i).<Double>getAs("logprob"),
          0.01 * Math.abs(engine.get(i).total()) + 1e-3,
          input.get(i));
    }
    assertEquals(1, ExecutorLlamas.loads(new ExecutorLlamas.Key(modelPath, "cpu", "float16")));
    assertThrows(IllegalArgumentException.class, () -> new LlamaScorer().setDtype("bfloat16"));
  }

  @Test
  void continuationAndChoiceEqualTheEngineAndLlamaCpp() {
    List<Row> rows = new ArrayList<>();
    List<String> contexts = new ArrayList<>();
    List<String> continuations = new ArrayList<>();
    for (TinyLlama.Reference ref : refs) {
      int cut = ref.text().indexOf(' ', ref.text().length() / 2);
      if (cut < 0) {
        continue; // "Hi" has no split
      }
      contexts.add(ref.text().substring(0, cut));
      continuations.add(ref.text().substring(cut));
      rows.add(
          RowFactory.create(
              rows.size(),
              contexts.get(contexts.size() - 1),
              continuations.get(continuations.size() - 1)));
    }
    StructType schema =
        new StructType()
            .add("id", DataTypes.IntegerType)
            .add("context", DataTypes.StringType)
            .add("continuation", DataTypes.StringType);
    List<Row> out =
        new LlamaScorer()
            .setModelPath(modelPath)
            .setMode("continuation")
            .setBatchTokens(50)
            .transform(spark.createDataFrame(rows, schema).repartition(2))
            .orderBy("id")
            .collectAsList();
    List<Scorer.ContinuationScore> engine =
        Scorer.builder()
            .setModel(model)
            .optBatchSize(1)
            .build()
            .scoreContinuations(contexts, continuations);
    int checkedAgainstLlamaCpp = 0;
    int k = 0;
    for (TinyLlama.Reference ref : refs) {
      if (ref.text().indexOf(' ', ref.text().length() / 2) < 0) {
        continue;
      }
      Row r = out.get(k);
      Scorer.ContinuationScore e = engine.get(k);
      assertNull(r.getAs("error"));
      assertEquals(e.logLikelihood(), r.<Double>getAs("logprob"), ENGINE_TOLERANCE);
      assertEquals(e.perChar(), r.<Double>getAs("logprob_norm_chars"), ENGINE_TOLERANCE);
      assertEquals(e.continuationIds().length, (int) r.getAs("tokens"));
      // where the context's tokens are a prefix of the text's, llama.cpp's per-token log-probs add
      // up to it
      int[] ctx = model.tokenizer().encode(contexts.get(k));
      if (Arrays.equals(ctx, Arrays.copyOf(ref.promptIds(), ctx.length))) {
        double sum = 0;
        for (int t = ctx.length - 1; t < ref.nextTokenLogProbs().length; t++) {
          sum += ref.nextTokenLogProbs()[t];
        }
        assertEquals(sum, r.<Double>getAs("logprob"), LLAMA_CPP_TOLERANCE, ref.text());
        checkedAgainstLlamaCpp++;
      }
      k++;
    }
    assertTrue(
        checkedAgainstLlamaCpp >= 4,
        "continuations checked against llama.cpp: " + checkedAgainstLlamaCpp);

    // choice: the best per character of a few completions, as the engine scores each one
    String context = "All human beings are born";
    List<String> choices = List.of(" free", " free and equal in dignity", " in", " x");
    StructType choiceSchema =
        new StructType()
            .add("context", DataTypes.StringType)
            .add("choices", DataTypes.createArrayType(DataTypes.StringType));
    Row r =
        new LlamaScorer()
            .setModelPath(modelPath)
            .setMode("choice")
            .setBatchTokens(16)
            .transform(
                spark.createDataFrame(List.of(RowFactory.create(context, choices)), choiceSchema))
            .first();
    List<Scorer.ContinuationScore> each =
        Scorer.builder()
            .setModel(model)
            .build()
            .scoreContinuations(Collections.nCopies(choices.size(), context), choices);
    int best = 0;
    for (int i = 0; i < each.size(); i++) {
      assertEquals(
          each.get(i).logLikelihood(),
          r.<Double>getList(r.fieldIndex("choice_logprobs")).get(i),
          ENGINE_TOLERANCE);
      best = each.get(i).perChar() > each.get(best).perChar() ? i : best;
    }
    assertNull(r.getAs("error"));
    assertEquals(best, (int) r.getAs("choice"));
    assertEquals(each.get(best).perChar(), r.<Double>getAs("logprob_norm_chars"), ENGINE_TOLERANCE);
  }

  @Test
  void greedyGenerationEqualsTheEngineAndLlamaCpp() {
    List<String> input = refs.stream().map(TinyLlama.Reference::text).toList();
    List<Row> out =
        new LlamaGenerator()
            .setModelPath(modelPath)
            .setMaxNewTokens(16)
            .setBatchTokens(100)
            .transform(texts("prompt", input, 3))
            .orderBy("id")
            .collectAsList();
    List<Generator.Generation> engine =
        Generator.builder()
            .setModel(model)
            .optMaxNewTokens(16)
            .optBatchSize(1)
            .build()
            .generateAll(input);
    for (int i = 0; i < refs.size(); i++) {
      Row r = out.get(i);
      assertNull(r.getAs("error"));
      assertEquals("cpu", r.getAs("device"));
      int[] tokens =
          r.<Integer>getList(r.fieldIndex("generated_tokens")).stream().mapToInt(x -> x).toArray();
      assertArrayEquals(refs.get(i).greedy(), tokens, refs.get(i).text());
      assertArrayEquals(engine.get(i).tokens(), tokens);
      assertEquals(engine.get(i).text(), r.getAs("generation"));
      assertEquals("length", r.getAs("finish_reason"));
    }
  }

  @Test
  void llamaCppPenaltiesEqualLlamaCpp() throws Exception {
    // llama.cpp's greedy picks with a 4-token window and a repeat penalty below 1 (see
    // LlamaCppPenaltiesTest for every setting)
    com.fasterxml.jackson.databind.JsonNode golden;
    try (var in = getClass().getResourceAsStream("/llamacpp-penalties/penalty-reference.json")) {
      golden = new com.fasterxml.jackson.databind.ObjectMapper().readTree(in);
    }
    List<int[]> expected = new ArrayList<>();
    for (var c : golden.get("cases")) {
      if (c.get("penalty_last_n").asInt() == 4 && c.get("penalty_repeat").asDouble() == 0.5) {
        int[] ids = new int[c.get("continuation").size()];
        for (int i = 0; i < ids.length; i++) {
          ids[i] = c.get("continuation").get(i).asInt();
        }
        expected.add(ids);
      }
    }
    assertEquals(refs.size(), expected.size());
    List<String> input = refs.stream().map(TinyLlama.Reference::text).toList();
    List<Row> out =
        new LlamaGenerator()
            .setModelPath(modelPath)
            .setMaxNewTokens(16)
            .setPenaltyStyle("llama.cpp")
            .setRepetitionPenalty(0.5)
            .setPenaltyLastN(4)
            .transform(texts("prompt", input, 2))
            .orderBy("id")
            .collectAsList();
    for (int i = 0; i < refs.size(); i++) {
      Row r = out.get(i);
      assertNull(r.getAs("error"));
      int[] tokens =
          r.<Integer>getList(r.fieldIndex("generated_tokens")).stream().mapToInt(x -> x).toArray();
      assertArrayEquals(Arrays.copyOf(expected.get(i), tokens.length), tokens, input.get(i));
    }
    // a window without llama.cpp's style is refused on the driver, naming the param
    RuntimeException e =
        assertThrows(
            RuntimeException.class,
            () ->
                new LlamaGenerator()
                    .setModelPath(modelPath)
                    .setPenaltyLastN(4)
                    .transform(texts("prompt", input, 1))
                    .count());
    assertTrue(e.getMessage().contains("penalty style"), e.getMessage());
  }

  @Test
  void orderSurvivesATinyBudgetAndShuffledLengths() {
    Random random = new Random(11);
    String[] words = refs.get(7).text().split(" ");
    List<String> input = new ArrayList<>();
    for (int i = 0; i < 36; i++) {
      input.add(String.join(" ", Arrays.copyOf(words, 1 + random.nextInt(words.length))));
    }
    Collections.shuffle(input, random);
    Dataset<Row> df = texts("text", input, 3);
    // 12 tokens per pass: most rows run alone or in pairs; windows of 5 rows
    List<Row> tiny =
        new LlamaScorer()
            .setModelPath(modelPath)
            .setBatchTokens(12)
            .setSortWindow(5)
            .transform(df)
            .collectAsList();
    List<Row> wide = new LlamaScorer().setModelPath(modelPath).transform(df).collectAsList();
    List<Scorer.TokenScores> engine =
        Scorer.builder().setModel(model).optBatchSize(1).build().scoreAll(input);
    List<Integer> idsIn = java.util.stream.IntStream.range(0, input.size()).boxed().toList();
    assertEquals(
        idsIn, tiny.stream().map(r -> r.<Integer>getAs("id")).toList(), "rows left in input order");
    assertEquals(idsIn, wide.stream().map(r -> r.<Integer>getAs("id")).toList());
    for (int i = 0; i < tiny.size(); i++) {
      int id = tiny.get(i).getAs("id");
      assertEquals(input.get(id), tiny.get(i).getAs("text"));
      assertEquals(engine.get(id).total(), tiny.get(i).<Double>getAs("logprob"), ENGINE_TOLERANCE);
      assertEquals(engine.get(id).total(), wide.get(i).<Double>getAs("logprob"), ENGINE_TOLERANCE);
    }
  }

  @Test
  void badRowsGetAnErrorAndTheirNeighboursTheirResults() {
    String longText = refs.get(3).text(); // over 20 tokens
    List<String> input =
        Arrays.asList("Hello world", null, "", longText, "Hi", "The quick brown fox");
    List<Row> scored =
        new LlamaScorer()
            .setModelPath(modelPath)
            .setMaxInputTokens(20)
            .transform(texts("text", input, 1))
            .orderBy("id")
            .collectAsList();
    List<String> errors = scored.stream().map(r -> r.<String>getAs("error")).toList();
    assertNull(errors.get(0));
    assertTrue(errors.get(1).contains("null"), errors.get(1));
    assertTrue(errors.get(2).contains("empty"), errors.get(2));
    assertTrue(errors.get(3).contains("exceed the limit of 20"), errors.get(3));
    assertNull(errors.get(4));
    assertNull(errors.get(5));
    assertNull(scored.get(3).getAs("logprob"));
    assertNotNull(scored.get(5).getAs("logprob"));
    assertEquals(
        Scorer.builder().setModel(model).build().score("Hi").total(),
        scored.get(4).<Double>getAs("logprob"),
        ENGINE_TOLERANCE);

    List<Row> generated =
        new LlamaGenerator()
            .setModelPath(modelPath)
            .setMaxNewTokens(240)
            .transform(texts("prompt", Arrays.asList(longText, null, "Hi"), 1))
            .orderBy("id")
            .collectAsList();
    assertTrue(
        generated.get(0).<String>getAs("error").contains("new tokens"),
        generated.get(0).toString());
    assertTrue(generated.get(1).<String>getAs("error").contains("null"));
    assertNull(generated.get(2).getAs("error"));
    assertEquals(
        240, generated.get(2).getList(generated.get(2).fieldIndex("generated_tokens")).size());

    // an empty context is BOS alone and fine; a null continuation is not
    StructType schema =
        new StructType()
            .add("context", DataTypes.StringType)
            .add("continuation", DataTypes.StringType);
    List<Row> pairs =
        new LlamaScorer()
            .setModelPath(modelPath)
            .setMode("continuation")
            .transform(
                spark
                    .createDataFrame(
                        List.of(
                            RowFactory.create("Hello", " world"),
                            RowFactory.create("", " world"),
                            RowFactory.create("Hello", null)),
                        schema)
                    .coalesce(1))
            .collectAsList();
    assertNull(pairs.get(0).getAs("error"));
    assertNull(pairs.get(1).getAs("error"));
    assertEquals(
        Scorer.builder().setModel(model).build().scoreContinuation("", " world").logLikelihood(),
        pairs.get(1).<Double>getAs("logprob"),
        ENGINE_TOLERANCE);
    assertTrue(pairs.get(2).<String>getAs("error").contains("null"));
  }

  @Test
  void remoteFoldersAreCopiedOnceToLocalDisk(@TempDir Path tmp) throws Exception {
    // The copy path is file-system generic; the local file system stands in for HDFS or S3 here.
    FileSystem fs = FileSystem.getLocal(new Configuration());
    org.apache.hadoop.fs.Path src = new org.apache.hadoop.fs.Path(TinyLlama.dir().toUri());
    Path copy = ExecutorLlamas.copyToLocal(fs, src, tmp);
    for (String name : List.of("config.json", "model.safetensors", "tokenizer.json")) {
      assertEquals(-1L, Files.mismatch(TinyLlama.dir().resolve(name), copy.resolve(name)), name);
    }
    long modified = Files.getLastModifiedTime(copy.resolve("model.safetensors")).toMillis();
    assertEquals(copy, ExecutorLlamas.copyToLocal(fs, src, tmp), "a finished copy is reused");
    assertEquals(modified, Files.getLastModifiedTime(copy.resolve("model.safetensors")).toMillis());
    try (Stream<Path> left = Files.list(tmp)) {
      assertEquals(List.of(copy), left.toList(), "no temporary folder left behind");
    }
    try (LlamaModel copied = LlamaModel.load(copy)) {
      assertEquals(
          Scorer.builder().setModel(model).build().score("Hi").total(),
          Scorer.builder().setModel(copied).build().score("Hi").total(),
          1e-6);
    }
    // local paths are used in place
    assertEquals(TinyLlama.dir(), ExecutorLlamas.localFolder(TinyLlama.dir().toString()));
    assertEquals(TinyLlama.dir(), ExecutorLlamas.localFolder(TinyLlama.dir().toUri().toString()));
  }
}
