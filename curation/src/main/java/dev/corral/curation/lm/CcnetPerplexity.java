package dev.corral.curation.lm;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A document's perplexity under an n-gram model as CCNet computes it ({@code DocLM} in {@code
 * cc_net/perplexity.py}; Wenzek et al. 2020, section 3.3), the score LLaMA's CommonCrawl pipeline
 * buckets and filters on (Touvron et al. 2023, section 2.1).
 *
 * <p>The document is cut on {@code \n}; each line (empty ones too) is normalized ({@link
 * CcnetNormalizer}), tokenized, and scored with {@code <s>} and {@code </s>} ({@link
 * NgramModel#score(String)}); its length is its number of tokens plus one for {@code </s>}. The
 * perplexity is {@code 10^(-sum of scores / sum of lengths)}, rounded to one decimal as Python's
 * {@code round(x, 1)} rounds (half to even, on the exact binary value). That is {@link Mode#LINES},
 * {@code DocLM} with {@code normalize=True}.
 *
 * <p>{@link Mode#DOCUMENT} is what CCNet's {@code mine.py} pipeline does (and RedPajama, which
 * reused it): {@code MultiSentencePiece(normalize=True)} normalizes the whole document at once,
 * which deletes its newlines with the other control characters (so {@code "end.\nNext"} becomes
 * {@code "end.next"}), then {@code DocLM(normalize=False)} scores the tokenized text as one line:
 * perplexity {@code round(10^(-score / (tokens + 1)), 1)}; a document whose tokenized text is empty
 * has none.
 *
 * <p>Immutable and thread-safe if the tokenizer is.
 */
public final class CcnetPerplexity {
  /** How a document is cut into the lines that are scored. */
  public enum Mode {
    /** Each {@code \n} line normalized, tokenized and scored: {@code DocLM(normalize=True)}. */
    LINES,
    /** The whole document normalized, tokenized and scored as one line: {@code mine.py}. */
    DOCUMENT;

    /** {@code lines} or {@code document}, as a param or flag spells it. */
    public static Mode parse(String name) {
      return valueOf(name.toUpperCase(java.util.Locale.ROOT));
    }
  }

  private final NgramModel model;
  private final Tokenizer tokenizer;
  private final Mode mode;
  // With a VocabularyTokenizer: the model's word id of each vocabulary piece, -1 where only the
  // joined text can be scored (see NgramModel#wordIdOf).
  private final Map<String, Integer> wordOfPiece;

  public CcnetPerplexity(NgramModel model, Tokenizer tokenizer) {
    this(model, tokenizer, Mode.LINES);
  }

  public CcnetPerplexity(NgramModel model, Tokenizer tokenizer, Mode mode) {
    this(model, tokenizer, mode, null);
  }

  private CcnetPerplexity(
      NgramModel model, Tokenizer tokenizer, Mode mode, Map<String, Integer> wordOfPiece) {
    this.model = model;
    this.tokenizer = tokenizer;
    this.mode = mode;
    this.wordOfPiece =
        wordOfPiece != null || !(tokenizer instanceof VocabularyTokenizer v)
            ? wordOfPiece
            : wordsOf(model, v.pieces());
  }

  private static Map<String, Integer> wordsOf(NgramModel model, List<String> pieces) {
    int[] words = model.wordIds(pieces);
    Map<String, Integer> map = new HashMap<>(2 * pieces.size());
    for (int i = 0; i < words.length; i++) {
      map.putIfAbsent(pieces.get(i), words[i]);
    }
    return map;
  }

  /** The same model and tokenizer, scoring in {@code mode}. */
  public CcnetPerplexity withMode(Mode mode) {
    return mode == this.mode ? this : new CcnetPerplexity(model, tokenizer, mode, wordOfPiece);
  }

  public Mode mode() {
    return mode;
  }

  /**
   * A document's summed log10 probability and its length in tokens plus one {@code </s>} per line.
   */
  public record Score(double log10Prob, long length) {
    /** {@code 10^(-log10Prob/length)}, unrounded. */
    public double perplexity() {
      return Math.pow(10.0, -log10Prob / length);
    }
  }

  /**
   * The summed score of {@code document}'s lines (one line in {@link Mode#DOCUMENT}), or null for a
   * null or empty document (CCNet skips it).
   */
  public Score score(String document) {
    if (document == null || document.isEmpty()) {
      return null;
    }
    if (mode == Mode.DOCUMENT) {
      float[] words = wordScores(CcnetNormalizer.normalize(document));
      if (words == null) {
        return null; // DocLM skips a document whose tokenized field is empty
      }
      float score = 0f; // summed in a float, as KenLM's model.score does
      for (float p : words) {
        score += p;
      }
      return new Score(score, words.length);
    }
    double sum = 0; // Python float: the float32 line scores add up in double
    long length = 0;
    int start = 0;
    while (true) {
      int end = document.indexOf('\n', start);
      String line = document.substring(start, end < 0 ? document.length() : end);
      // One split per line: the word scores give both the line's score and its length (words +
      // </s>); an empty line still scores its </s>.
      float[] words = wordScores(CcnetNormalizer.normalize(line));
      if (words == null) {
        words = model.wordScores(new int[0], true, true);
      }
      float score = 0f; // summed in a float, as NgramModel.score and KenLM do
      for (float p : words) {
        score += p;
      }
      sum += score;
      length += words.length;
      if (end < 0) {
        break;
      }
      start = end + 1;
    }
    return new Score(sum, length);
  }

  /**
   * The scores of {@code normalized}'s pieces and {@code </s>}, after {@code <s>}; null when it has
   * no pieces. A vocabulary's pieces are looked up piece by piece (the same words as splitting the
   * joined pieces gives), unless a piece is one that splitting would cut.
   */
  private float[] wordScores(String normalized) {
    if (wordOfPiece == null) {
      String tokens = tokenizer.tokenize(normalized);
      return tokens.isEmpty() ? null : model.wordScores(tokens, true, true);
    }
    List<String> tokens = ((VocabularyTokenizer) tokenizer).tokens(normalized);
    if (tokens.isEmpty()) {
      return null;
    }
    int[] words = new int[tokens.size()];
    for (int i = 0; i < words.length; i++) {
      Integer word = wordOfPiece.get(tokens.get(i));
      words[i] = word != null ? word : model.wordIdOf(tokens.get(i));
      if (words[i] < 0) {
        return model.wordScores(String.join(" ", tokens), true, true);
      }
    }
    return model.wordScores(words, true, true);
  }

  /** CCNet's perplexity of {@code document}, rounded to 0.1; NaN for a null or empty document. */
  public double perplexity(String document) {
    Score score = score(document);
    return score == null ? Double.NaN : round1(score.perplexity());
  }

  /** Python's {@code round(x, 1)}: to the nearest tenth of the exact binary value, ties to even. */
  static double round1(double x) {
    if (Double.isNaN(x) || Double.isInfinite(x)) {
      return x;
    }
    return new BigDecimal(x).setScale(1, RoundingMode.HALF_EVEN).doubleValue();
  }
}
