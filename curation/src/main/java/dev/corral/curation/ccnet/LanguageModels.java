package dev.corral.curation.ccnet;

import ai.djl.huggingface.tokenizers.jni.TokenizersLibrary;
import dev.corral.core.Errors;
import dev.corral.core.io.HadoopFs;
import dev.corral.core.models.ModelCache;
import dev.corral.curation.lm.ArpaReader;
import dev.corral.curation.lm.CcnetPerplexity;
import dev.corral.curation.lm.NgramModel;
import dev.corral.curation.lm.Tokenizer;
import dev.corral.curation.models.ExecutorTokenizers;
import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;
import java.util.zip.GZIPInputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Per-language n-gram models of an {@code --lm-dir}, loaded once per JVM through the {@link
 * ModelCache}: {@code <lang>.arpa} (or {@code .arpa.gz}) with, when present, {@code
 * <lang>.tokenizer.json}; a language without a model has none (its documents get no perplexity,
 * hence bucket {@code all}).
 */
public final class LanguageModels {

  private LanguageModels() {}

  /**
   * The perplexity of {@code lang} under the model of {@code dir}, or empty when the folder has
   * none.
   */
  static Optional<CcnetPerplexity> get(String dir, String lang, String defaultTokenizer) {
    return ModelCache.get(
        new ModelCache.Key("ngram", dir, lang + " " + defaultTokenizer),
        () -> load(dir, lang, defaultTokenizer));
  }

  private static Optional<CcnetPerplexity> load(String dir, String lang, String defaultTokenizer) {
    if (!lang.matches("[A-Za-z0-9_-]+")) {
      return Optional.empty(); // "unknown" or odd labels never name a file
    }
    try {
      Path arpa = new Path(dir, lang + ".arpa");
      FileSystem fs = HadoopFs.fileSystem(arpa);
      boolean gz = false;
      if (!fs.exists(arpa)) {
        arpa = new Path(dir, lang + ".arpa.gz");
        gz = true;
        if (!fs.exists(arpa)) {
          return Optional.empty();
        }
      }
      NgramModel model;
      try (InputStream raw = fs.open(arpa);
          InputStream in = gz ? new GZIPInputStream(raw) : raw) {
        model = ArpaReader.read(in, arpa.toString());
      }
      Path own = new Path(dir, lang + ".tokenizer.json");
      String tokenizer = fs.exists(own) ? own.toString() : defaultTokenizer;
      return Optional.of(new CcnetPerplexity(model, tokenizer(tokenizer)));
    } catch (IOException e) {
      throw Errors.unreadable(dir + "/" + lang + ".arpa", e);
    }
  }

  /**
   * Checks every {@code <lang>.arpa(.gz)} of {@code dir} for probabilities above 0 (see {@link
   * ArpaReader#checkProbabilities}), on the driver, before a job starts Spark.
   */
  public static void checkModels(String dir) {
    Path folder = new Path(dir);
    FileSystem fs = HadoopFs.fileSystem(folder);
    try {
      if (!fs.getFileStatus(folder).isDirectory()) {
        throw Errors.badUsage("--lm-dir " + dir, "is not a folder of <lang>.arpa models");
      }
      for (org.apache.hadoop.fs.FileStatus f : fs.listStatus(folder)) {
        String name = f.getPath().getName();
        boolean gz = name.endsWith(".arpa.gz");
        if (name.endsWith(".arpa") || gz) {
          try (InputStream raw = fs.open(f.getPath());
              InputStream in = gz ? new GZIPInputStream(raw) : raw) {
            ArpaReader.checkProbabilities(in, f.getPath().toString());
          }
        }
      }
    } catch (java.io.FileNotFoundException e) {
      throw Errors.unreadable(dir, new java.nio.file.NoSuchFileException(dir));
    } catch (IOException e) {
      throw Errors.unreadable(dir, e);
    }
  }

  /** {@code whitespace}, or a Hugging Face tokenizer whose pieces are joined by spaces. */
  public static Tokenizer tokenizer(String uri) {
    if (uri.equals("whitespace")) {
      return Tokenizer.whitespace();
    }
    long handle = ExecutorTokenizers.get(uri).getHandle();
    return text -> {
      // Pieces only: DJL's encode(text) also copies ids, offsets and masks into Java, costlier than
      // tokenizing.
      long encoding = TokenizersLibrary.LIB.encode(handle, text, false);
      try {
        return String.join(" ", TokenizersLibrary.LIB.getTokens(encoding));
      } finally {
        TokenizersLibrary.LIB.deleteEncoding(encoding);
      }
    };
  }
}
