package dev.corral.curation.sources.github;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.corral.core.Errors;
import dev.corral.core.models.ModelCache;
import dev.corral.curation.models.ExecutorTokenizers;
import dev.corral.curation.models.PieceTokenizer;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * Token counts of whole files, as {@code len(tokenizer.tokenize(text))} gives them (no special
 * tokens added), for any Hugging Face {@code tokenizer.json}; one per executor JVM and tokenizer
 * URI, through the model cache. LLaMA's is counted by the pure-Java SentencePiece encoder (same
 * counts as DJL's, faster), others by DJL ({@link ExecutorTokenizers#pieces(String)}).
 *
 * <p>For SentencePiece-style BPE tokenizers such as LLaMA's (normalizer: prepend {@code ▁}, spaces
 * to {@code ▁}; no pre-tokenizer; no vocabulary piece holding a {@code ▁} after another character)
 * a file is counted by segments: the text cut before each space that follows a non-space. No merge
 * can join two segments, since the piece it would make has a {@code ▁} after another character, so
 * the file's count is the sum of its segments' counts; and code repeats its segments (keywords,
 * indented identifiers) so much that most are counted once per JVM and then looked up. A file that
 * holds an added token's text ({@code <s>}), which the tokenizer splits out first, and any other
 * tokenizer, are counted whole.
 */
final class TokenCounts {
  private static final char SPACE = ' ';
  private static final char METASPACE = '\u2581';

  /** Segments longer than this are counted each time, not remembered: they rarely repeat. */
  private static final int CACHED_SEGMENT_CHARS = 64;

  /** Slots of each task thread's table of remembered segments (a newer segment takes the slot). */
  private static final int SEGMENT_SLOT_BITS = 18;

  private final PieceTokenizer tokenizer;
  private final boolean bySegments;
  private final List<String> addedTokens;
  private final ThreadLocal<Segments> segments = ThreadLocal.withInitial(Segments::new);

  private TokenCounts(PieceTokenizer tokenizer, boolean bySegments, List<String> added) {
    this.tokenizer = tokenizer;
    this.bySegments = bySegments;
    this.addedTokens = added;
  }

  /** The counter for the tokenizer at {@code uri}, built once per JVM. */
  static TokenCounts get(String uri) {
    return ModelCache.get(
        new ModelCache.Key("github-token-counts", uri),
        () -> {
          JsonNode json;
          try {
            json = new ObjectMapper().readTree(ExecutorTokenizers.json(uri));
          } catch (IOException e) {
            throw Errors.badInput(uri, "not a Hugging Face tokenizer.json: " + e.getMessage());
          }
          List<String> added = new ArrayList<>();
          json.path("added_tokens").forEach(t -> added.add(t.path("content").asText()));
          return new TokenCounts(ExecutorTokenizers.pieces(uri), segmentable(json), added);
        });
  }

  /** Whether counts of a text's segments add up to the text's count (see the class doc). */
  static boolean segmentable(JsonNode json) {
    JsonNode normalizers = json.path("normalizer").path("normalizers");
    JsonNode model = json.path("model");
    boolean sentencePieceNormalizer =
        json.path("normalizer").path("type").asText().equals("Sequence")
            && normalizers.size() == 2
            && normalizers.get(0).path("type").asText().equals("Prepend")
            && normalizers.get(0).path("prepend").asText().equals("\u2581")
            && normalizers.get(1).path("type").asText().equals("Replace")
            && normalizers.get(1).path("pattern").path("String").asText().equals(" ")
            && normalizers.get(1).path("content").asText().equals("\u2581");
    if (!sentencePieceNormalizer
        || !json.path("pre_tokenizer").isNull()
        || !model.path("type").asText().equals("BPE")
        || !(model.path("dropout").isNull() || model.path("dropout").isMissingNode())
        || !model.path("vocab").has("\u2581")) {
      return false;
    }
    for (Iterator<String> pieces = model.path("vocab").fieldNames(); pieces.hasNext(); ) {
      String piece = pieces.next();
      int run = 0;
      while (run < piece.length() && piece.charAt(run) == METASPACE) {
        run++;
      }
      if (piece.indexOf(METASPACE, run) >= 0) {
        return false;
      }
    }
    return true;
  }

  /** Whether this counter cuts texts into segments (false: every text is tokenized whole). */
  boolean bySegments() {
    return bySegments;
  }

  /** {@code len(tokenizer.tokenize(text))}. */
  long count(String text) {
    if (!bySegments || holdsAddedToken(text)) {
      return whole(List.of(text))[0];
    }
    int n = text.length();
    if (n == 0) {
      return 0;
    }
    Segments known = segments.get();
    long tokens = 0;
    List<String> missing = new ArrayList<>();
    // A segment ends before a space that follows a non-space, and a later segment's key leaves out
    // that space (the normalizer's prepended one stands for it); h is the key's String hash.
    int from = 0;
    int h = 0;
    long head0 = 0; // the key's first 16 characters, 8 to a long, while they are Latin-1
    long head1 = 0;
    boolean latin = true;
    boolean previousSpace = false;
    for (int i = 0; i <= n; i++) {
      char c = i < n ? text.charAt(i) : 0;
      boolean space = i < n && isSpace(c);
      if (i == n || (space && i > 0 && !previousSpace)) {
        int length = i - from;
        if (length == 0) {
          tokens += 1; // a lone trailing space: the single piece "▁", which the vocabulary has
        } else {
          int count;
          if (length <= Segments.HEAD_CHARS && latin) {
            count = known.get(h, length, head0, head1);
          } else {
            count = length <= CACHED_SEGMENT_CHARS ? known.get(text, from, length, h) : -1;
          }
          if (count >= 0) {
            tokens += count;
          } else {
            missing.add(text.substring(from, i));
          }
        }
        from = i + 1;
        h = 0;
        head0 = 0;
        head1 = 0;
        latin = true;
      } else {
        h = 31 * h + c;
        int at = i - from;
        if (at < Segments.HEAD_CHARS) {
          if (c > 0xFF) {
            latin = false;
          } else if (at < 8) {
            head0 |= (long) c << (8 * at);
          } else {
            head1 |= (long) c << (8 * (at - 8));
          }
        }
      }
      previousSpace = space;
    }
    if (!missing.isEmpty()) {
      long[] counts = whole(missing);
      for (int k = 0; k < counts.length; k++) {
        tokens += counts[k];
        if (missing.get(k).length() <= CACHED_SEGMENT_CHARS) {
          known.put(missing.get(k), (int) counts[k]);
        }
      }
    }
    return tokens;
  }

  /**
   * A task thread's counts of the segments it met lately, direct-mapped by the segment's String
   * hash: code repeats its segments, and a lookup allocates nothing. A segment of up to 16 Latin-1
   * characters is kept in the table itself, so looking it up reads no other object.
   */
  private static final class Segments {
    static final int HEAD_CHARS = 16;
    private static final int MASK = (1 << SEGMENT_SLOT_BITS) - 1;

    // Slot i: heads[3i] the key's hash and length (0: empty), heads[3i + 1, 3i + 3) its
    // characters when they fit (else keys[i] holds it), counts[i] its token count.
    private final long[] heads = new long[3 << SEGMENT_SLOT_BITS];
    private final String[] keys = new String[1 << SEGMENT_SLOT_BITS];
    private final int[] counts = new int[1 << SEGMENT_SLOT_BITS];

    private static int slot(int hash) {
      return (hash ^ (hash >>> 16)) & MASK;
    }

    private static long tag(int hash, int length, boolean inline) {
      return ((long) hash << 32) | ((long) length << 1) | (inline ? 1 : 0);
    }

    /** The count of a segment of up to 16 Latin-1 characters, packed 8 to a long; or -1. */
    int get(int hash, int length, long head0, long head1) {
      int at = 3 * slot(hash);
      return heads[at] == tag(hash, length, true)
              && heads[at + 1] == head0
              && heads[at + 2] == head1
          ? counts[at / 3]
          : -1;
    }

    /** The count of {@code text[from, from + length)}, whose String hash is {@code hash}; or -1. */
    int get(String text, int from, int length, int hash) {
      int slot = slot(hash);
      String key = keys[slot];
      return heads[3 * slot] == tag(hash, length, false) && text.regionMatches(from, key, 0, length)
          ? counts[slot]
          : -1;
    }

    void put(String segment, int count) {
      int hash = segment.hashCode();
      int slot = slot(hash);
      int length = segment.length();
      long head0 = 0;
      long head1 = 0;
      boolean inline = length <= HEAD_CHARS;
      for (int i = 0; i < length && inline; i++) {
        char c = segment.charAt(i);
        inline = c <= 0xFF;
        if (i < 8) {
          head0 |= (long) c << (8 * i);
        } else {
          head1 |= (long) c << (8 * (i - 8));
        }
      }
      heads[3 * slot] = tag(hash, length, inline);
      heads[3 * slot + 1] = inline ? head0 : 0;
      heads[3 * slot + 2] = inline ? head1 : 0;
      keys[slot] = inline ? null : segment;
      counts[slot] = count;
    }
  }

  private static boolean isSpace(char c) {
    return c == SPACE || c == METASPACE;
  }

  private boolean holdsAddedToken(String text) {
    for (String token : addedTokens) {
      if (!token.isEmpty() && text.contains(token)) {
        return true;
      }
    }
    return false;
  }

  /**
   * Token counts of {@code texts}, each tokenized whole: by the pure-Java SentencePiece encoder for
   * LLaMA's shape, else in one call of the native tokenizer.
   */
  long[] whole(List<String> texts) {
    return tokenizer.counts(texts);
  }
}
