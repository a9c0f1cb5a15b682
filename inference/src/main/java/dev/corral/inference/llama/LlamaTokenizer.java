package dev.corral.inference.llama;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import dev.corral.core.Errors;
import java.io.IOException;
import java.nio.file.Path;

/**
 * The checkpoint's {@code tokenizer.json} through Hugging Face's tokenizers library (DJL binding,
 * native library inside its jar). Encoding adds the special tokens the file's post-processor asks
 * for (BOS for LLaMA); no truncation or padding, since batching is the engine's job.
 */
public final class LlamaTokenizer implements AutoCloseable {
  private final HuggingFaceTokenizer tokenizer;

  private LlamaTokenizer(HuggingFaceTokenizer tokenizer) {
    this.tokenizer = tokenizer;
  }

  /** Loads a {@code tokenizer.json} file. */
  public static LlamaTokenizer load(Path tokenizerJson) {
    try {
      return new LlamaTokenizer(
          HuggingFaceTokenizer.builder()
              .optTokenizerPath(tokenizerJson)
              .optAddSpecialTokens(true)
              .optTruncation(false)
              .optPadding(false)
              .build());
    } catch (IOException e) {
      throw Errors.unreadable(tokenizerJson.toString(), e);
    } catch (RuntimeException e) {
      throw Errors.badCheckpoint(
          tokenizerJson.toString(), "not a Hugging Face tokenizer: " + e.getMessage());
    }
  }

  /** Token ids of {@code text}, with the special tokens the tokenizer adds (LLaMA: BOS first). */
  public int[] encode(String text) {
    return toInts(tokenizer.encode(text, true, false).getIds());
  }

  /** Token ids of {@code text} alone, without special tokens. */
  public int[] encodeWithoutSpecialTokens(String text) {
    return toInts(tokenizer.encode(text, false, false).getIds());
  }

  /** The text of {@code ids}, special tokens skipped. */
  public String decode(int[] ids) {
    long[] longs = new long[ids.length];
    for (int i = 0; i < ids.length; i++) {
      longs[i] = ids[i];
    }
    return tokenizer.decode(longs, true);
  }

  private static int[] toInts(long[] ids) {
    int[] out = new int[ids.length];
    for (int i = 0; i < ids.length; i++) {
      out[i] = Math.toIntExact(ids[i]);
    }
    return out;
  }

  @Override
  public void close() {
    tokenizer.close();
  }
}
