package dev.corral.curation.lm;

import dev.corral.core.text.PythonStr;
import java.io.Serializable;

/**
 * A tokenizer as the perplexity stages see it: text in, its pieces joined by single spaces out,
 * which is what an n-gram model is trained on and scores (CCNet joins SentencePiece pieces the same
 * way). Serializable so that a stage's params can carry one to executors.
 */
@FunctionalInterface
public interface Tokenizer extends Serializable {
  /** The pieces of {@code text}, joined by single spaces. */
  String tokenize(String text);

  /** Words as Python's {@code str.split()} cuts them, joined by single spaces. */
  static Tokenizer whitespace() {
    return Whitespace.INSTANCE;
  }

  /**
   * The whitespace tokenizer as a named singleton, so that it serializes and compares by identity.
   */
  enum Whitespace implements Tokenizer {
    INSTANCE;

    @Override
    public String tokenize(String text) {
      return String.join(" ", PythonStr.split(text));
    }
  }
}
