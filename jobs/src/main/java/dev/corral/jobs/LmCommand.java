package dev.corral.jobs;

import dev.corral.core.job.OutputFile;
import dev.corral.curation.ccnet.LanguageModels;
import dev.corral.curation.lm.CcnetNormalizer;
import dev.corral.curation.lm.NgramModel;
import dev.corral.curation.lm.NgramTrainer;
import dev.corral.curation.lm.Tokenizer;
import dev.corral.curation.models.ExecutorTokenizers;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.spark.api.java.function.MapFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code corral lm ...}: n-gram language models as KenLM builds and scores them, for CCNet's
 * perplexity.
 */
@Command(
    name = "lm",
    mixinStandardHelpOptions = true,
    description =
        "n-gram language models: train with Spark (modified Kneser-Ney, like KenLM's lmplz). Scoring a "
            + "text file on this machine: corral local lm perplexity.",
    subcommands = {LmCommand.Train.class})
final class LmCommand {

  /** Shared by both: how text becomes the space-separated tokens the model sees. */
  static final class Tokens {
    @Option(
        names = "--tokenizer",
        defaultValue = ExecutorTokenizers.LLAMA,
        description =
            "'whitespace' for text already tokenized (taken as is), else CCNet's normalization and this "
                + "tokenizer.json (default: ${DEFAULT-VALUE}).")
    String tokenizer;

    /** Serializable line-to-tokens function for Spark. */
    Tokenizer lineTokenizer() {
      if (tokenizer.equals("whitespace")) {
        return Tokenizer.whitespace();
      }
      return new Normalizing(tokenizer);
    }
  }

  /**
   * CCNet's normalization then a Hugging Face tokenizer, looked up once per JVM rather than per
   * line.
   */
  static final class Normalizing implements Tokenizer {
    private static final long serialVersionUID = 1L;
    private final String uri;
    private transient Tokenizer pieces;

    Normalizing(String uri) {
      this.uri = uri;
    }

    @Override
    public String tokenize(String line) {
      if (pieces == null) {
        pieces = LanguageModels.tokenizer(uri);
      }
      return pieces.tokenize(CcnetNormalizer.normalize(line));
    }
  }

  @Command(
      name = "train",
      mixinStandardHelpOptions = true,
      description =
          "Count n-grams with Spark and write an interpolated modified Kneser-Ney ARPA model.")
  static final class Train implements Callable<Integer> {
    @Option(
        names = "--input",
        required = true,
        description = "Text, one sentence or line per line (any Hadoop path or glob).")
    String input;

    @Option(
        names = "--output",
        required = true,
        description = "The ARPA file to write (local path).")
    Path output;

    @Option(names = "--overwrite", description = "Replace an existing file at --output.")
    boolean overwrite;

    @Option(
        names = "--order",
        defaultValue = "5",
        description = "n-gram order (default: ${DEFAULT-VALUE}).")
    int order;

    @picocli.CommandLine.Mixin Tokens tokens = new Tokens();

    @Override
    public Integer call() {
      OutputFile file =
          OutputFile.check(
              dev.corral.core.io.HadoopFs.configuration(),
              output.toAbsolutePath().toUri().toString(),
              List.of(input),
              overwrite);
      SparkSession spark = SparkSessions.create("corral lm train");
      Tokenizer tokenizer = tokens.lineTokenizer();
      Dataset<String> lines =
          spark
              .read()
              .textFile(input)
              .map((MapFunction<String, String>) tokenizer::tokenize, Encoders.STRING());
      NgramTrainer trainer = new NgramTrainer(order);
      Path temporary = Path.of(file.temporary().toUri());
      try {
        trainer.train(lines, temporary);
        file.commit();
      } finally {
        file.abort();
      }
      NgramModel model = NgramModel.load(output);
      StringBuilder counts = new StringBuilder();
      for (int k = 1; k <= model.order(); k++) {
        counts.append(k == 1 ? "" : ", ").append(k).append("-grams ").append(model.count(k));
      }
      System.out.println("wrote " + output + ": " + counts);
      return 0;
    }
  }

  @Command(
      name = "perplexity",
      mixinStandardHelpOptions = true,
      description =
          "Score each input line like KenLM's model.score(line): prints log10 P (with </s>), tokens "
              + "(words + </s>) and perplexity = 10^(-log10 P / tokens), tab-separated.")
  static final class Perplexity implements Callable<Integer> {
    @Option(
        names = "--model",
        required = true,
        description =
            "An ARPA file (KenLM's or Corral's, gzipped or not) or a KenLM binary (build_binary's"
                + " probing format, such as CCNet's <lang>.arpa.bin), told apart by its first bytes.")
    Path model;

    @Option(
        names = "--input",
        required = true,
        description = "Text, one line per score; - for stdin.")
    String input;

    @picocli.CommandLine.Mixin Tokens tokens = new Tokens();

    @Override
    public Integer call() throws Exception {
      NgramModel lm = NgramModel.load(model);
      Tokenizer tokenizer = tokens.lineTokenizer();
      PrintStream out =
          new PrintStream(
              new java.io.BufferedOutputStream(System.out, 1 << 16), false, StandardCharsets.UTF_8);
      try (BufferedReader in =
          new BufferedReader(
              new InputStreamReader(
                  "-".equals(input) ? System.in : Files.newInputStream(Path.of(input)),
                  StandardCharsets.UTF_8))) {
        String line;
        while ((line = in.readLine()) != null) {
          String t = tokenizer.tokenize(line);
          float score = lm.score(t);
          long n = t.isBlank() ? 1 : t.trim().split("\\s+").length + 1;
          out.printf("%s\t%d\t%.2f%n", Float.toString(score), n, Math.pow(10, -score / n));
        }
      }
      out.flush();
      return 0;
    }
  }
}
