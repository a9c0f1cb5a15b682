package dev.corral.curation.lm;

import dev.corral.core.Errors;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.StringWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;
import org.apache.spark.sql.Dataset;

/**
 * Trains an unpruned interpolated modified Kneser-Ney n-gram model (Chen and Goodman 1998) the way
 * KenLM's {@code lmplz -o N} does (Heafield et al. 2013) and writes it as ARPA, one sentence per
 * input line with words separated by spaces (the output of a Corral {@link Tokenizer}).
 *
 * <p>Scaling: counting, the step whose input is the corpus, runs on Spark ({@link
 * SparkNgramCounter}); the estimation ({@link KneserNey}) then runs on the driver over the distinct
 * n-grams, about 100 bytes of driver memory per n-gram (a 5-gram model of 100M n-grams wants a ~10
 * GB driver). That suits the per-language models CCNet trains (on Wikipedia), not web-scale models,
 * whose estimation would be the same steps as Spark joins (context sums by {@code groupBy},
 * interpolation order by order by joining each order to its suffixes' probabilities). {@link
 * #train(Iterable, Path)} does all of it in memory for small corpora.
 */
public final class NgramTrainer {
  private final int order;

  /** A trainer of order {@code order} (lmplz's {@code -o}). */
  public NgramTrainer(int order) {
    if (order < 1) {
      throw Errors.badArgument("order", order, "an n-gram order of at least 1");
    }
    this.order = order;
  }

  public int order() {
    return order;
  }

  /** Counts {@code lines} with Spark, estimates on the driver and writes the ARPA file. */
  public void train(Dataset<String> lines, Path arpa) {
    write(SparkNgramCounter.count(lines, order), arpa);
  }

  /** Counts and estimates in memory and writes the ARPA file. */
  public void train(Iterable<String> lines, Path arpa) {
    write(NgramCounts.count(lines, order), arpa);
  }

  /** The ARPA text of the model of {@code lines}, estimated in memory. */
  public String trainToString(Iterable<String> lines) {
    StringWriter out = new StringWriter();
    try {
      writeArpa(NgramCounts.count(lines, order), out);
    } catch (IOException e) {
      throw new IllegalStateException(e); // a StringWriter does not fail
    }
    return out.toString();
  }

  /** Estimates from adjusted counts and writes ARPA to {@code out}. */
  public static void writeArpa(NgramCounts counts, Writer out) throws IOException {
    ArpaWriter.write(counts, KneserNey.estimate(counts), out);
  }

  /**
   * Writes {@code counts}' model to {@code arpa}, gzip-compressed if the name ends in {@code .gz}.
   */
  public static void write(NgramCounts counts, Path arpa) {
    // Estimated before the file is opened, so a corpus that cannot be estimated leaves no empty
    // model behind.
    var model = KneserNey.estimate(counts);
    try (Writer out =
        new BufferedWriter(
            new OutputStreamWriter(
                arpa.toString().endsWith(".gz")
                    ? new GZIPOutputStream(Files.newOutputStream(arpa), 1 << 16)
                    : Files.newOutputStream(arpa),
                StandardCharsets.UTF_8),
            1 << 16)) {
      ArpaWriter.write(counts, model, out);
    } catch (IOException | RuntimeException e) {
      try {
        Files.deleteIfExists(arpa); // a half-written model must not be taken for a model
      } catch (IOException ignored) {
        // the write error below says what went wrong
      }
      if (e instanceof RuntimeException re) {
        throw re;
      }
      throw Errors.unwritable(arpa.toString(), e);
    }
  }
}
