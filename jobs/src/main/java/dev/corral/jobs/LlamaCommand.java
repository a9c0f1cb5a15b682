package dev.corral.jobs;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.corral.inference.llama.Generator;
import dev.corral.inference.llama.LlamaModel;
import dev.corral.inference.llama.Penalties;
import dev.corral.inference.llama.RandomCheckpoint;
import dev.corral.inference.llama.Scorer;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code corral llama ...}: the LLaMA engine on one machine (no Spark): generate and score. */
@Command(
    name = "llama",
    mixinStandardHelpOptions = true,
    description =
        "LLaMA-family models from a Hugging Face folder, on DJL's PyTorch engine (CPU here).",
    subcommands = {
      LlamaCommand.Generate.class,
      LlamaCommand.Score.class,
      LlamaCommand.InitRandom.class
    })
final class LlamaCommand {
  private static final int BATCH = 8;

  static PrintStream utf8Out() {
    return new PrintStream(System.out, true, StandardCharsets.UTF_8);
  }

  @Command(
      name = "generate",
      mixinStandardHelpOptions = true,
      sortOptions = false,
      description =
          "Continue a prompt (or every line of --input) and print the generated text; with "
              + "--format jsonl one JSON object per prompt: text, token_ids, finish_reason.")
  static final class Generate implements Callable<Integer> {
    @Option(names = "--model", required = true, description = "Hugging Face checkpoint folder.")
    Path model;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Prompts prompts;

    static final class Prompts {
      @Option(names = "--prompt", description = "The prompt.")
      String prompt;

      @Option(names = "--input", description = "A file of prompts, one per line.")
      Path input;
    }

    @Option(
        names = "--max-new-tokens",
        defaultValue = "64",
        description = "At most this many tokens (default: ${DEFAULT-VALUE}).")
    int maxNewTokens;

    @Option(names = "--temperature", description = "Sampling temperature (default: greedy).")
    Double temperature;

    @Option(names = "--top-p", description = "Nucleus sampling mass.")
    Double topP;

    @Option(names = "--top-k", description = "Sample among the k most likely tokens.")
    Integer topK;

    @Option(
        names = "--seed",
        defaultValue = "0",
        description = "Seed of the sampler (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(
        names = "--greedy",
        description = "Always take the most likely token (the default without --temperature).")
    boolean greedy;

    @Option(
        names = "--format",
        defaultValue = "text",
        description = "text or jsonl (default: ${DEFAULT-VALUE}).")
    String format;

    @Option(
        names = "--repetition-penalty",
        description =
            "Repetition penalty (> 1 discourages tokens already seen; default off), in"
                + " --penalty-style's convention.")
    Double repetitionPenalty;

    @Option(
        names = "--penalty-style",
        description =
            "huggingface (default: every token seen, as transformers) or llama.cpp (the last"
                + " --repeat-last-n tokens, with --frequency-penalty and --presence-penalty).")
    String penaltyStyle;

    @Option(
        names = "--repeat-last-n",
        description = "llama.cpp style: tokens the penalties look back on; -1 all, 0 off (64).")
    Integer repeatLastN;

    @Option(
        names = "--frequency-penalty",
        description = "llama.cpp style: subtracted from a seen token's logit per occurrence.")
    Double frequencyPenalty;

    @Option(
        names = "--presence-penalty",
        description = "llama.cpp style: subtracted once from a seen token's logit.")
    Double presencePenalty;

    @Option(
        names = "--stop",
        description = "Stop when the text holds this string (cut from the output; repeatable).")
    List<String> stops;

    @Override
    public Integer call() throws Exception {
      List<String> inputs =
          prompts.prompt != null
              ? List.of(prompts.prompt)
              : Files.readAllLines(prompts.input, StandardCharsets.UTF_8);
      try (LlamaModel llama = LlamaModel.load(model)) {
        Generator.Builder builder =
            Generator.builder()
                .setModel(llama)
                .optMaxNewTokens(maxNewTokens)
                .optSeed(seed)
                .optBatchSize(BATCH);
        if (!greedy && temperature != null) {
          builder.optTemperature(temperature);
          if (topP != null) {
            builder.optTopP(topP);
          }
          if (topK != null) {
            builder.optTopK(topK);
          }
        }
        builder.optPenalties(
            Penalties.of(
                penaltyStyle, repetitionPenalty, repeatLastN, frequencyPenalty, presencePenalty));
        if (stops != null) {
          builder.optStopStrings(stops.toArray(new String[0]));
        }
        List<Generator.Generation> out = builder.build().generateAll(inputs);
        PrintStream stdout = utf8Out();
        ObjectMapper json = new ObjectMapper();
        for (Generator.Generation g : out) {
          if (format.equals("jsonl")) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("text", g.text());
            row.put("token_ids", g.tokens());
            row.put("finish_reason", g.finishReason().name().toLowerCase(java.util.Locale.ROOT));
            stdout.println(json.writeValueAsString(row));
          } else {
            stdout.println(g.text());
          }
        }
      }
      return 0;
    }
  }

  @Command(
      name = "score",
      mixinStandardHelpOptions = true,
      description =
          "Score each line of --input: prints line number, logprob (natural log of P(text | BOS)), "
              + "tokens and perplexity, tab-separated.")
  static final class Score implements Callable<Integer> {
    @Option(names = "--model", required = true, description = "Hugging Face checkpoint folder.")
    Path model;

    @Option(names = "--input", required = true, description = "Texts, one per line.")
    Path input;

    @Option(
        names = "--stride",
        description =
            "Score texts longer than --max-length with windows every this many tokens (Hugging Face's perplexity recipe).")
    Integer stride;

    @Option(
        names = "--max-length",
        description = "Window length with --stride (default: max_position_embeddings).")
    Integer maxLength;

    @Override
    public Integer call() throws Exception {
      List<String> lines = Files.readAllLines(input, StandardCharsets.UTF_8);
      try (LlamaModel llama = LlamaModel.load(model)) {
        Scorer scorer = Scorer.builder().setModel(llama).optBatchSize(BATCH).build();
        PrintStream stdout = utf8Out();
        int window = maxLength != null ? maxLength : llama.config().maxPositions();
        List<Scorer.TokenScores> scores =
            new ArrayList<>(
                stride != null || maxLength != null
                    ? scorer.scoreAllSliding(lines, window, stride != null ? stride : window)
                    : scorer.scoreAll(lines));
        for (int i = 0; i < scores.size(); i++) {
          Scorer.TokenScores s = scores.get(i);
          stdout.printf("%d\t%.6f\t%d\t%.4f%n", i + 1, s.total(), s.count(), s.perplexity());
        }
      }
      return 0;
    }
  }

  @Command(
      name = "init-random",
      mixinStandardHelpOptions = true,
      sortOptions = false,
      description =
          "Write a random-weight checkpoint for a config.json: F32 safetensors, config.json and the "
              + "bundled LLaMA tokenizer.json (when vocab_size is 32000); with --gguf also model.gguf (F32) for llama.cpp. "
              + "Refuses a non-empty --output without --overwrite and a checkpoint larger than the free disk; writes "
              + "into a hidden folder beside --output and moves it into place once complete.")
  static final class InitRandom implements Callable<Integer> {
    static final String TOKENIZER = "/dev/corral/curation/mixture/llama-tokenizer.json";

    @Option(names = "--config", required = true, description = "A Hugging Face LLaMA config.json.")
    Path config;

    @Option(names = "--output", required = true, description = "Folder to write.")
    Path output;

    @Option(
        names = "--seed",
        defaultValue = "0",
        description = "Seed of the weights (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(
        names = "--gguf",
        description = "Also write model.gguf (F32, llama.cpp's q/k row order).")
    boolean gguf;

    @Option(
        names = "--overwrite",
        description =
            "Replace a non-empty --output folder (only once the new checkpoint " + "is complete).")
    boolean overwrite;

    @Override
    public Integer call() throws Exception {
      byte[] tokenizer;
      try (java.io.InputStream in = LlamaCommand.class.getResourceAsStream(TOKENIZER)) {
        tokenizer = in == null ? null : in.readAllBytes();
      }
      long params = RandomCheckpoint.write(config, output, seed, gguf, tokenizer, overwrite);
      System.err.printf(
          "wrote %s: %,d parameters%s%n", output, params, gguf ? ", with model.gguf" : "");
      return 0;
    }
  }
}
