package dev.corral.jobs;

import dev.corral.core.Errors;
import dev.corral.curation.fasttext.Evaluation;
import dev.corral.curation.fasttext.FastTextModel;
import dev.corral.curation.fasttext.StreamPredictor;
import dev.corral.curation.fasttext.Trainer;
import dev.corral.curation.fasttext.TrainingArgs;
import java.io.BufferedOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code corral fasttext ...}: fastText's own command line, in pure Java, with identical output.
 */
@Command(
    name = "fasttext",
    mixinStandardHelpOptions = true,
    description = "fastText commands with the same arguments and output as the fasttext binary.",
    subcommands = {
      FastTextCommand.Supervised.class,
      FastTextCommand.Test.class,
      FastTextCommand.Predict.class,
      FastTextCommand.PredictProb.class
    })
final class FastTextCommand {

  /** Shared arguments of predict and predict-prob, in fastText's positional order. */
  abstract static class PredictBase implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "MODEL", description = "A fastText model (.bin or .ftz).")
    Path model;

    @Parameters(
        index = "1",
        paramLabel = "INPUT",
        description = "Text to classify, one document per line; - for stdin.")
    String input;

    @Parameters(
        index = "2",
        arity = "0..1",
        paramLabel = "K",
        description = "Labels per line (default 1; -1 for all).")
    String k = "1";

    @Parameters(
        index = "3",
        arity = "0..1",
        paramLabel = "THRESHOLD",
        description = "Minimum probability of a printed label (default 0.0).")
    String threshold = "0.0";

    abstract boolean printProbabilities();

    @Override
    public Integer call() throws Exception {
      int kValue = parseK(k);
      float thresholdValue = parseThreshold(threshold);
      FastTextModel m = FastTextModel.load(model);
      StreamPredictor predictor =
          new StreamPredictor(
              m,
              kValue,
              thresholdValue,
              printProbabilities(),
              Runtime.getRuntime().availableProcessors());
      OutputStream out = new BufferedOutputStream(System.out, 1 << 16);
      try (InputStream in = "-".equals(input) ? System.in : open(input)) {
        predictor.run(in, out);
      }
      out.flush();
      return 0;
    }

    static InputStream open(String path) {
      try {
        return Files.newInputStream(Path.of(path));
      } catch (java.io.IOException e) {
        throw Errors.unreadable(path, e);
      }
    }

    static int parseK(String s) {
      try {
        int v = Integer.parseInt(s.trim());
        if (v == 0 || v < -1) {
          throw Errors.badArgument("k", s, "1 or higher, or -1 for all labels");
        }
        return v;
      } catch (NumberFormatException e) {
        throw Errors.badArgument("k", s, "an integer");
      }
    }

    static float parseThreshold(String s) {
      try {
        return Float.parseFloat(s.trim());
      } catch (NumberFormatException e) {
        throw Errors.badArgument("threshold", s, "a number");
      }
    }
  }

  @Command(
      name = "predict",
      mixinStandardHelpOptions = true,
      description = "Print the most likely labels of each line, like `fasttext predict`.")
  static final class Predict extends PredictBase {
    @Override
    boolean printProbabilities() {
      return false;
    }
  }

  @Command(
      name = "predict-prob",
      mixinStandardHelpOptions = true,
      description =
          "Print the most likely labels of each line with their probabilities, like `fasttext predict-prob`.")
  static final class PredictProb extends PredictBase {
    @Override
    boolean printProbabilities() {
      return true;
    }
  }

  @Command(
      name = "supervised",
      mixinStandardHelpOptions = true,
      sortOptions = false,
      description =
          "Train a supervised classifier like `fasttext supervised`; writes PREFIX.bin and PREFIX.vec.")
  static final class Supervised implements Callable<Integer> {
    @Option(names = "-input", required = true, description = "training file path")
    String input;

    @Option(names = "-output", required = true, description = "output file path (prefix)")
    String output;

    @Option(names = "-lr", description = "learning rate [0.1]")
    double lr = 0.1;

    @Option(
        names = "-lrUpdateRate",
        description = "change the rate of updates for the learning rate [100]")
    int lrUpdateRate = 100;

    @Option(names = "-dim", description = "size of word vectors [100]")
    int dim = 100;

    @Option(names = "-ws", description = "size of the context window [5]")
    int ws = 5;

    @Option(names = "-epoch", description = "number of epochs [5]")
    int epoch = 5;

    @Option(names = "-minCount", description = "minimal number of word occurences [1]")
    int minCount = 1;

    @Option(names = "-minCountLabel", description = "minimal number of label occurences [0]")
    int minCountLabel = 0;

    @Option(names = "-neg", description = "number of negatives sampled [5]")
    int neg = 5;

    @Option(names = "-wordNgrams", description = "max length of word ngram [1]")
    int wordNgrams = 1;

    @Option(names = "-loss", description = "loss function {ns, hs, softmax, one-vs-all} [softmax]")
    String loss = "softmax";

    @Option(names = "-bucket", description = "number of buckets [2000000]")
    int bucket = 2_000_000;

    @Option(names = "-minn", description = "min length of char ngram [0]")
    int minn = 0;

    @Option(names = "-maxn", description = "max length of char ngram [0]")
    int maxn = 0;

    @Option(names = "-thread", description = "number of threads [12]")
    int thread = 12;

    @Option(names = "-t", description = "sampling threshold [0.0001]")
    double t = 1e-4;

    @Option(names = "-label", description = "labels prefix [__label__]")
    String label = "__label__";

    @Option(names = "-verbose", description = "verbosity level [2]")
    int verbose = 2;

    @Option(
        names = "-pretrainedVectors",
        description = "pretrained word vectors for supervised learning []")
    String pretrainedVectors;

    @Option(names = "-seed", description = "random generator seed [0]")
    int seed = 0;

    @Override
    public Integer call() {
      TrainingArgs args =
          TrainingArgs.builder()
              .optLr(lr)
              .optLrUpdateRate(lrUpdateRate)
              .optDim(dim)
              .optWs(ws)
              .optEpoch(epoch)
              .optMinCount(minCount)
              .optMinCountLabel(minCountLabel)
              .optNeg(neg)
              .optWordNgrams(wordNgrams)
              .optLoss(loss)
              .optBucket(bucket)
              .optMinn(minn)
              .optMaxn(maxn)
              .optThread(thread)
              .optT(t)
              .optLabel(label)
              .optVerbose(verbose)
              .optPretrainedVectors(pretrainedVectors)
              .optSeed(seed)
              .build();
      FastTextModel model = Trainer.train(Path.of(input), args, System.err);
      model.save(Path.of(output + ".bin"));
      model.saveVectors(Path.of(output + ".vec"));
      return 0;
    }
  }

  @Command(
      name = "test",
      mixinStandardHelpOptions = true,
      description = "Evaluate a model on labelled data like `fasttext test`: N, P@K and R@K.")
  static final class Test implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "MODEL", description = "A fastText model (.bin or .ftz).")
    Path model;

    @Parameters(index = "1", paramLabel = "TEST_DATA", description = "Labelled lines; - for stdin.")
    String input;

    @Parameters(
        index = "2",
        arity = "0..1",
        paramLabel = "K",
        description = "Labels predicted per line (default 1).")
    String k = "1";

    @Parameters(
        index = "3",
        arity = "0..1",
        paramLabel = "THRESHOLD",
        description = "Minimum probability (default 0.0).")
    String threshold = "0.0";

    @Override
    public Integer call() throws Exception {
      int kValue = PredictBase.parseK(k);
      FastTextModel m = FastTextModel.load(model);
      try (InputStream in = "-".equals(input) ? System.in : PredictBase.open(input)) {
        System.out.print(
            Evaluation.of(m, in, kValue, PredictBase.parseThreshold(threshold)).format(kValue));
      }
      return 0;
    }
  }
}
