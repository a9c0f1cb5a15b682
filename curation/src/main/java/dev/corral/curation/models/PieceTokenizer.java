package dev.corral.curation.models;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.huggingface.tokenizers.jni.TokenizersLibrary;
import dev.corral.curation.sentencepiece.HuggingFaceBpe;
import java.util.List;
import java.util.Optional;

/**
 * A {@code tokenizer.json} as token counting and perplexity scoring use it: the number of tokens of
 * texts and the tokens of a text, no special tokens added. Made by {@link
 * ExecutorTokenizers#pieces(String)}: the pure-Java SentencePiece encoder for files of its shape,
 * which gives the same ids and tokens as the {@code tokenizers} library faster, DJL's Hugging Face
 * tokenizer for the others. Thread-safe.
 */
public interface PieceTokenizer {
  /** The number of tokens of each text (none null), in order. */
  long[] counts(List<String> texts);

  /** The tokens of {@code text}, joined by single spaces. */
  String joinedPieces(String text);

  /** The pure-Java encoder doing the work; empty where DJL's native tokenizer does. */
  Optional<HuggingFaceBpe> encoder();

  /** Whether the pure-Java encoder does the work (false: DJL's native tokenizer). */
  default boolean pureJava() {
    return encoder().isPresent();
  }

  /** The pure-Java SentencePiece encoder. */
  static PieceTokenizer of(HuggingFaceBpe encoder) {
    return new PieceTokenizer() {
      @Override
      public long[] counts(List<String> texts) {
        long[] counts = new long[texts.size()];
        for (int i = 0; i < counts.length; i++) {
          counts[i] = encoder.count(texts.get(i));
        }
        return counts;
      }

      @Override
      public String joinedPieces(String text) {
        return String.join(" ", encoder.encodeAsPieces(text));
      }

      @Override
      public Optional<HuggingFaceBpe> encoder() {
        return Optional.of(encoder);
      }
    };
  }

  /**
   * DJL's tokenizer, asked for what is needed only: its {@code Encoding} would also copy every
   * token's string, offsets and masks into Java, which costs more than the tokenizing itself.
   */
  static PieceTokenizer of(HuggingFaceTokenizer tokenizer) {
    long handle = tokenizer.getHandle();
    return new PieceTokenizer() {
      @Override
      public long[] counts(List<String> texts) {
        // One native call for the batch, which the library spreads over the cores.
        long[] encodings =
            TokenizersLibrary.LIB.batchEncode(handle, texts.toArray(new String[0]), false);
        long[] counts = new long[texts.size()];
        try {
          for (int i = 0; i < counts.length; i++) {
            counts[i] = TokenizersLibrary.LIB.getTokenIds(encodings[i]).length;
          }
        } finally {
          for (long e : encodings) {
            TokenizersLibrary.LIB.deleteEncoding(e);
          }
        }
        return counts;
      }

      @Override
      public String joinedPieces(String text) {
        long encoding = TokenizersLibrary.LIB.encode(handle, text, false);
        try {
          return String.join(" ", TokenizersLibrary.LIB.getTokens(encoding));
        } finally {
          TokenizersLibrary.LIB.deleteEncoding(encoding);
        }
      }

      @Override
      public Optional<HuggingFaceBpe> encoder() {
        return Optional.empty();
      }
    };
  }
}
