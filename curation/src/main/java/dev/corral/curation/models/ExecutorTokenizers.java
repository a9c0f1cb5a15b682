package dev.corral.curation.models;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import dev.corral.core.Errors;
import dev.corral.core.io.HadoopFs;
import dev.corral.core.models.ModelCache;
import dev.corral.curation.sentencepiece.HuggingFaceBpe;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Hugging Face tokenizers through the per-JVM {@link ModelCache}, like {@link ExecutorModels}:
 * keyed by URI, {@code builtin:llama-tokenizer.json} for the bundled LLaMA-1/2 tokenizer or any
 * Hadoop path to a {@code tokenizer.json}, copied to local disk once (the native library reads a
 * local file) and never closed while the JVM runs. The DJL tokenizer is thread-safe.
 *
 * <p>A {@code tokenizer.json} of SentencePiece's BPE shape (the bundled LLaMA one) is also read by
 * the pure-Java SentencePiece encoder ({@link #pieces(String)}), which gives the same ids and
 * tokens as DJL's (HuggingFaceBpeTest) 4.4x to 5.7x faster on one thread, word by word with a word
 * cache (BENCHMARKS.md, "Word caches in the tokenizers"); token counting and perplexity use it, DJL
 * only for the other shapes.
 */
public final class ExecutorTokenizers {
  /** The bundled LLaMA-1/2 tokenizer (32,000 pieces). */
  public static final String LLAMA = "builtin:llama-tokenizer.json";

  private static final String BUILTIN_FOLDER = "dev/corral/curation/mixture/";

  private ExecutorTokenizers() {}

  /** The tokenizer at {@code uri}, without special tokens (counts are of the text's own pieces). */
  public static HuggingFaceTokenizer get(String uri) {
    return ModelCache.get(new ModelCache.Key("tokenizer", uri), () -> load(uri));
  }

  /**
   * The tokenizer at {@code uri} for counting and tokens: in pure Java when its {@code
   * tokenizer.json} is of SentencePiece's BPE shape (LLaMA's), else DJL's {@link #get(String)}; the
   * ids are the same either way.
   */
  public static PieceTokenizer pieces(String uri) {
    return ModelCache.get(
        new ModelCache.Key("tokenizer-pieces", uri),
        () ->
            HuggingFaceBpe.readIfSupported(json(uri), uri)
                .map(PieceTokenizer::of)
                .orElseGet(() -> PieceTokenizer.of(get(uri))));
  }

  /**
   * The {@code tokenizer.json} at {@code uri} as bytes, for callers that check its configuration
   * (normalizer, model, vocabulary) before relying on it.
   */
  public static byte[] json(String uri) {
    try (InputStream in = open(uri)) {
      return in.readAllBytes();
    } catch (IOException e) {
      throw Errors.unreadable(uri, e);
    }
  }

  private static HuggingFaceTokenizer load(String uri) {
    try {
      Path local = Files.createTempFile("corral-tokenizer", ".json");
      local.toFile().deleteOnExit();
      try (InputStream in = open(uri)) {
        Files.copy(in, local, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      }
      // The native library ships inside the jar; offline mode keeps DJL from looking for another
      // one.
      System.setProperty("ai.djl.offline", "true");
      return HuggingFaceTokenizer.builder()
          .optTokenizerPath(local)
          .optAddSpecialTokens(false)
          .optTruncation(false)
          .optPadding(false)
          .build();
    } catch (IOException e) {
      throw Errors.unreadable(uri, e);
    } catch (dev.corral.core.CorralException e) {
      throw e;
    } catch (RuntimeException e) {
      throw Errors.badInput(uri, "not a Hugging Face tokenizer.json: " + e.getMessage());
    }
  }

  private static InputStream open(String uri) throws IOException {
    if (uri.startsWith(ModelCache.BUILTIN_SCHEME)) {
      return new java.io.ByteArrayInputStream(
          ModelCache.readBuiltin(uri, BUILTIN_FOLDER, "llama-tokenizer.json"));
    }
    org.apache.hadoop.fs.Path path = new org.apache.hadoop.fs.Path(uri);
    return HadoopFs.fileSystem(path).open(path);
  }
}
