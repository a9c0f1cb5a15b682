package dev.corral.curation.lm;

import java.util.List;

/**
 * A tokenizer with a fixed vocabulary of pieces that can hand over a text's pieces one by one, so
 * that {@link CcnetPerplexity} finds each vocabulary piece's word in the n-gram model once per
 * model, instead of joining the pieces and splitting and hashing them again for every text (a
 * SentencePiece model: CCNet's layout).
 */
public interface VocabularyTokenizer extends Tokenizer {
  /** Every piece of the vocabulary, by id. */
  List<String> pieces();

  /**
   * {@code text}'s pieces: vocabulary pieces (the very strings of {@link #pieces}), or text outside
   * the vocabulary (an unknown run, written as itself).
   */
  List<String> tokens(String text);

  @Override
  default String tokenize(String text) {
    return String.join(" ", tokens(text));
  }
}
