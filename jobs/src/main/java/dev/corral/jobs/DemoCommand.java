package dev.corral.jobs;

import dev.corral.core.Errors;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code corral demo}: LLaMA's recipe ({@code conf/llama-recipe.yaml}'s steps) on the bundled
 * sample of its seven sources, offline, through the recipe runner like any recipe: every step a job
 * writing a Delta table, sources side by side, a rerun skipping what is unchanged, then the mixture
 * of Table 1's proportions.
 */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description =
        "Run LLaMA's recipe on the bundled sample of its seven sources (no network, local Spark): "
            + "CommonCrawl, C4, GitHub, Wikipedia, books, arXiv and Stack Exchange, curated and mixed by Table 1.")
final class DemoCommand implements Callable<Integer> {
  /** The demo's recipe; {@code @SAMPLE@} stands for the folder the sample is copied to. */
  static final String RECIPE = "/dev/corral/jobs/demo/recipe.yaml";

  /** The bundled sample's files, under {@code /dev/corral/jobs/demo/sources/}. */
  static final List<String> SAMPLE =
      List.of(
          "commoncrawl/CC-MAIN-2019-09-sample.warc.wet.gz",
          "c4/c4-train.00000-of-01024.json.gz",
          "github/github_000000000000.gz",
          "wikipedia/enwiki-20220701-pages-articles.xml",
          "books/gutenberg/2701.txt",
          "books/gutenberg/2701-0.txt",
          "books/pg19/pg19_001",
          "arxiv/src/arXiv_src_9901_001.tar",
          "arxiv/src/arXiv_src_2301_001.tar",
          "stackexchange/cooking.stackexchange.com/Posts.xml",
          "quality/references.jsonl",
          "quality/random.jsonl",
          "benchmarks/benchmarks.jsonl");

  @Option(
      names = "--output",
      description =
          "The demo's folder: the sample is copied to sample/ inside it, the recipe writes"
              + " <source>/<step>/ and mixture/ there, nothing beside it (default: corral-demo in"
              + " java.io.tmpdir).")
  Path output = Path.of(System.getProperty("java.io.tmpdir"), "corral-demo");

  @Option(
      names = "--progress-seconds",
      defaultValue = "0",
      description =
          "Seconds between a step's progress lines on stderr, 0 for none (default: ${DEFAULT-VALUE}).")
  int progressSeconds;

  @Option(
      names = "--from",
      split = ",",
      description = "Run these steps (source/step) and every step after them even when unchanged.")
  List<String> from;

  @Override
  public Integer call() throws IOException {
    Path folder = output.toAbsolutePath().normalize();
    Path sample = folder.resolve("sample");
    for (String file : SAMPLE) {
      copy("/dev/corral/jobs/demo/sources/" + file, sample.resolve(file), folder);
    }
    System.out.printf(
        "Corral demo: LLaMA's recipe on the bundled sample of its seven sources (%s)%n%n", sample);
    RecipeCommand.run(
        recipe(sample),
        RECIPE,
        folder.toString(),
        from,
        0,
        progressSeconds,
        true,
        System.out,
        System.err);
    return 0;
  }

  /** The bundled recipe with the sample's folder in place of {@code @SAMPLE@}. */
  static RecipeConfig recipe(Path sample) throws IOException {
    try (InputStream in = DemoCommand.class.getResourceAsStream(RECIPE)) {
      if (in == null) {
        throw Errors.badInput(RECIPE, "the bundled demo recipe is missing from the jar");
      }
      String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      return RecipeConfig.parse(RECIPE, text.replace("@SAMPLE@", sample.toString()));
    }
  }

  /**
   * Copies a bundled file; a copy already there is left as it is (its time too, so the rerun's
   * steps find their inputs unchanged), any other file of that name is the user's and stays.
   */
  static void copy(String resource, Path target, Path folder) throws IOException {
    try (InputStream in = DemoCommand.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw Errors.badInput(resource, "the bundled demo sample is missing from the jar");
      }
      byte[] bundled = in.readAllBytes();
      if (Files.exists(target)) {
        if (!Arrays.equals(Files.readAllBytes(target), bundled)) {
          throw Errors.badUsage(
              "--output " + folder,
              target + " exists and is not the bundled sample; choose another folder");
        }
        return;
      }
      Files.createDirectories(target.getParent());
      Files.write(target, bundled);
    }
  }
}
