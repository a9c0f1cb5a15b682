package dev.corral.curation.lm;

import dev.corral.core.Errors;
import dev.corral.core.text.PythonStr;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;

/**
 * A back-off n-gram language model scored exactly as KenLM scores it (Heafield 2011, "KenLM: Faster
 * and Smaller Language Model Queries"): for a word after a context, the log10 probability of the
 * longest n-gram in the model that ends with the word, plus the log10 back-off weights of every
 * longer context that the model lists (Katz 1987's back-off rule, as SRILM and KenLM apply it).
 *
 * <p>Two layouts answer the same questions: {@link ArpaModel} (an ARPA file read into sorted
 * primitive arrays, {@link ArpaReader}) and {@link KenlmProbingModel} (a KenLM binary file built by
 * {@code build_binary}, queried in place, {@link KenlmBinary}). {@link #load} tells them apart by
 * the file's first bytes, never by its name. Implementations are immutable and safe to share
 * between threads.
 */
public abstract class NgramModel {
  static final String UNK = "<unk>";
  static final String BOS = "<s>";
  static final String EOS = "</s>";

  private final String source;
  private final long[] counts;

  // Only this package's readers make models.
  NgramModel(String source, long[] counts) {
    this.source = source;
    this.counts = counts;
  }

  /**
   * Reads a model file: a KenLM binary (recognised by its header, whatever its name) or else an
   * ARPA file, gzip-compressed or not.
   */
  public static NgramModel load(Path path) {
    return KenlmBinary.isBinary(path) ? KenlmBinary.read(path) : ArpaReader.read(path);
  }

  /**
   * Reads a model from {@code in}, a file of {@code length} bytes (any file system's stream): a
   * KenLM binary, copied into the heap, or else an ARPA file, gzip-compressed or not; {@code name}
   * names it in errors.
   */
  public static NgramModel read(InputStream in, long length, String name) {
    BufferedInputStream buffered = new BufferedInputStream(in, 1 << 16);
    byte[] head = new byte[KenlmBinary.FAMILY.length];
    int got;
    try {
      buffered.mark(head.length);
      got = buffered.readNBytes(head, 0, head.length);
      buffered.reset();
    } catch (IOException e) {
      throw Errors.unreadable(name, e);
    }
    return KenlmBinary.isBinary(head, got)
        ? KenlmBinary.read(buffered, length, name)
        : ArpaReader.read(buffered, name);
  }

  /** The file or stream the model was read from, for messages. */
  public final String source() {
    return source;
  }

  /** The highest order, N. */
  public final int order() {
    return counts.length;
  }

  /** How many {@code k}-grams the file declares (KenLM's and lmplz's count; blanks excluded). */
  public final long count(int k) {
    return counts[k - 1];
  }

  /** Words in the vocabulary, {@code <unk>}, {@code <s>} and {@code </s>} included. */
  public abstract int vocabularySize();

  /** Whether {@code word} is in the vocabulary (an unknown word is scored as {@code <unk>}). */
  public abstract boolean contains(String word);

  /** The id of {@code word}, or {@code <unk>}'s. */
  abstract int wordId(String word);

  /** The id of {@code <s>}. */
  abstract int bos();

  /** The id of {@code </s>}. */
  abstract int eos();

  /**
   * log10 p(word | context[0..length)), the most recent context word last: the longest match's
   * probability plus {@code backoffs.of(j)} for every held context at least as long as the match.
   * Records in {@code backoffs} the back-offs of the n-grams ending with {@code word} it matched on
   * the way (orders 1 to N-1), the next word's contexts.
   */
  abstract float wordScore(int[] context, int length, int word, Backoffs backoffs);

  /** Adds to {@code p} the back-offs of the held contexts of {@code matched} words or more. */
  static float backOff(float p, int matched, int length, Backoffs backoffs) {
    int known = Math.min(backoffs.known(), length);
    for (int j = matched; j <= known; j++) {
      p += backoffs.of(j);
    }
    return p;
  }

  /**
   * The log10 probability of {@code sentence}, split on Python whitespace, with {@code <s>} as its
   * context and {@code </s>} scored at its end: KenLM Python's {@code model.score(sentence,
   * bos=True, eos=True)}.
   */
  public float score(String sentence) {
    return score(sentence, true, true);
  }

  /**
   * As KenLM Python's {@code model.score(sentence, bos, eos)}; words are summed in a float, as
   * KenLM does.
   */
  public float score(String sentence, boolean withBos, boolean withEos) {
    float total = 0f;
    for (float p : wordScores(sentence, withBos, withEos)) {
      total += p;
    }
    return total;
  }

  /**
   * The log10 probability of each word of {@code sentence} given the words before it, and, if
   * {@code withEos}, of {@code </s>} last (KenLM Python's {@code full_scores}, probabilities only).
   */
  public float[] wordScores(String sentence, boolean withBos, boolean withEos) {
    String[] tokens = PythonStr.split(sentence);
    int[] words = new int[tokens.length];
    for (int i = 0; i < tokens.length; i++) {
      words[i] = wordId(tokens[i]);
    }
    return wordScores(words, withBos, withEos);
  }

  /**
   * As {@link #wordScores(String, boolean, boolean)} for a sentence already looked up: {@code
   * words} are this model's ids ({@link #wordIds}), so no text is split or hashed.
   */
  public float[] wordScores(int[] words, boolean withBos, boolean withEos) {
    float[] out = new float[words.length + (withEos ? 1 : 0)];
    int order = order();
    int[] context = new int[Math.max(1, order - 1)];
    int length = 0;
    Backoffs backoffs = new Backoffs(context.length);
    if (withBos && order > 1) {
      wordScore(context, 0, bos(), backoffs); // only for <s>'s back-off
      backoffs.next();
      context[0] = bos();
      length = 1;
    }
    for (int i = 0; i <= words.length; i++) {
      if (i == words.length && !withEos) {
        break;
      }
      int word = i == words.length ? eos() : words[i];
      out[i] = wordScore(context, length, word, backoffs);
      backoffs.next();
      // The next context: this one plus the word, keeping the last N-1 words.
      if (order > 1) {
        if (length == context.length) {
          System.arraycopy(context, 1, context, 0, length - 1);
          length--;
        }
        context[length++] = word;
      }
    }
    return out;
  }

  /**
   * This model's id of each of {@code tokens}, as {@link #wordIdOf} gives it, for {@link
   * #wordScores(int[], boolean, boolean)}.
   */
  public int[] wordIds(List<String> tokens) {
    int[] ids = new int[tokens.size()];
    for (int i = 0; i < ids.length; i++) {
      ids[i] = wordIdOf(tokens.get(i));
    }
    return ids;
  }

  /**
   * This model's id of {@code token} ({@code <unk>}'s for a word it does not hold); -1 for a token
   * that Python's {@code split()} would not keep as one word (empty, or holding whitespace), which
   * {@link #wordScores(int[], boolean, boolean)} cannot score as the text would be.
   */
  public int wordIdOf(String token) {
    String[] split = PythonStr.split(token);
    return split.length == 1 && split[0].equals(token) ? wordId(token) : -1;
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder(getClass().getSimpleName()).append('(').append(source());
    for (int k = 1; k <= order(); k++) {
      sb.append(k == 1 ? ": " : ", ").append(k).append("-grams=").append(count(k));
    }
    return sb.append(')').toString();
  }
}
