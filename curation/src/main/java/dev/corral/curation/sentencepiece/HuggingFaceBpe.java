package dev.corral.curation.sentencepiece;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.corral.core.Errors;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A Hugging Face {@code tokenizer.json} of SentencePiece's BPE shape (LLaMA-1/2's, as {@code
 * transformers} converts a {@code tokenizer.model}) read into a {@link SentencePieceModel}, and
 * encoded into the ids and tokens that the {@code tokenizers} library gives without special tokens
 * added: added tokens ({@code <s>}) are split out of the raw text first, each stretch between them
 * is normalized (a {@code ▁} prepended, spaces to {@code ▁}; no NFKC) and merged pair by pair in
 * the file's merge order, with byte fallback. Immutable and safe to share between threads.
 *
 * <p>Any other shape (another normalizer, a pre-tokenizer, a model other than BPE, dropout, word
 * prefixes or suffixes, added tokens that strip or are normalized) is refused with one line naming
 * the file and what it has, rather than encoded differently.
 *
 * <p>The pieces' scores are derived from the merges: a piece scores minus the rank of the first
 * merge that makes it (LLaMA's own scores are minus the merge order too), pieces no merge makes
 * score below them all. Encoding follows the merges' ranks pair by pair, as the library does: on
 * LLaMA's file the scores alone give the same pieces (its runs of {@code ▁}, each made by several
 * merges not adjacent in rank, included), but not on a file whose merges leave out a pair whose
 * concatenation is a piece, which SentencePiece would merge and the library does not.
 */
public final class HuggingFaceBpe {
  private static final String METASPACE = "\u2581";

  private final SentencePieceModel model;
  private final byte[] modelProto;
  private final String[] addedTokens;
  private final int[] addedIds;

  private HuggingFaceBpe(
      SentencePieceModel model, byte[] modelProto, String[] addedTokens, int[] addedIds) {
    this.model = model;
    this.modelProto = modelProto;
    this.addedTokens = addedTokens;
    this.addedIds = addedIds;
  }

  /** Reads a {@code tokenizer.json} file. */
  public static HuggingFaceBpe load(Path file) {
    try {
      return read(Files.readAllBytes(file), file.toString());
    } catch (IOException e) {
      throw Errors.unreadable(file.toString(), e);
    }
  }

  /** Reads a {@code tokenizer.json} from its bytes; {@code path} names it in errors. */
  public static HuggingFaceBpe read(byte[] json, String path) {
    try {
      return parse(json, path);
    } catch (Unsupported e) {
      throw Errors.unsupportedTokenizerJson(path, e.getMessage());
    }
  }

  /**
   * Reads a {@code tokenizer.json} of SentencePiece's BPE shape, or gives empty for a well-formed
   * one of another shape (a byte-level BPE, a WordPiece...), which callers then hand to the {@code
   * tokenizers} library; a malformed file still fails.
   */
  public static Optional<HuggingFaceBpe> readIfSupported(byte[] json, String path) {
    try {
      return Optional.of(parse(json, path));
    } catch (Unsupported e) {
      return Optional.empty();
    }
  }

  private static HuggingFaceBpe parse(byte[] json, String path) {
    JsonNode root;
    try {
      root = new ObjectMapper().readTree(json);
    } catch (JsonProcessingException e) {
      throw Errors.badInput(
          path, "not a Hugging Face tokenizer.json: " + e.getOriginalMessage().split("\n")[0]);
    } catch (IOException e) {
      throw Errors.unreadable(path, e);
    }
    if (root == null || !root.isObject()) {
      throw Errors.badInput(path, "not a Hugging Face tokenizer.json: not a JSON object");
    }
    return new Reader(root, path).read();
  }

  /** What the file has that is not supported; becomes an error or an empty result. */
  private static final class Unsupported extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Unsupported(String what) {
      super(what, null, false, false);
    }
  }

  /** The model the file stands for; its own {@code encode} does not split out added tokens. */
  public SentencePieceModel model() {
    return model;
  }

  /**
   * The file as a SentencePiece {@code .model} (a serialized {@code ModelProto}) that {@code
   * spm_encode} and the {@code sentencepiece} Python module read, scores standing for the merges'
   * ranks; on LLaMA's file it gives the same pieces as the file itself.
   */
  public byte[] modelProto() {
    return modelProto.clone();
  }

  /** The ids of {@code text}, as the {@code tokenizers} library without special tokens added. */
  public int[] encode(String text) {
    long next = nextAddedToken(text, 0);
    if (next < 0) {
      return model.encode(text);
    }
    int[] out = new int[0];
    int n = 0;
    int from = 0;
    while (true) {
      int token = next < 0 ? -1 : (int) next;
      int end = next < 0 ? text.length() : (int) (next >>> 32);
      int[] ids = from < end ? model.encode(text.substring(from, end)) : new int[0];
      int needed = n + ids.length + 1;
      if (needed > out.length) {
        out = Arrays.copyOf(out, Math.max(needed, 2 * out.length));
      }
      System.arraycopy(ids, 0, out, n, ids.length);
      n += ids.length;
      if (token < 0) {
        return Arrays.copyOf(out, n);
      }
      out[n++] = addedIds[token];
      from = end + addedTokens[token].length();
      next = nextAddedToken(text, from);
    }
  }

  /** The tokens of {@code text}: the pieces of {@link #encode(String)}'s ids. */
  public List<String> encodeAsPieces(String text) {
    int[] ids = encode(text);
    List<String> out = new ArrayList<>(ids.length);
    for (int id : ids) {
      out.add(model.idToPiece(id));
    }
    return out;
  }

  /** The number of ids of {@code text}. */
  public int count(String text) {
    return encode(text).length;
  }

  /**
   * The added token that comes first in {@code text} from {@code from}, the longest of those that
   * start there (the library's leftmost-longest match), as {@code start << 32 | token}, or -1.
   */
  private long nextAddedToken(String text, int from) {
    int best = -1;
    int bestAt = Integer.MAX_VALUE;
    for (int t = 0; t < addedTokens.length; t++) {
      int at = text.indexOf(addedTokens[t], from);
      if (at >= 0
          && (at < bestAt
              || (at == bestAt && addedTokens[t].length() > addedTokens[best].length()))) {
        best = t;
        bestAt = at;
      }
    }
    return best < 0 ? -1 : (long) bestAt << 32 | best;
  }

  @Override
  public String toString() {
    return "HuggingFaceBpe(" + model.path() + ", " + model.size() + " pieces)";
  }

  /** Checks the file's shape and translates it into a {@code ModelProto} and merge ranks. */
  private static final class Reader {
    private final JsonNode root;
    private final String path;

    Reader(JsonNode root, String path) {
      this.root = root;
      this.path = path;
    }

    private static RuntimeException unsupported(String what) {
      return new Unsupported(what);
    }

    HuggingFaceBpe read() {
      checkNormalizer(root.path("normalizer"));
      JsonNode pre = root.path("pre_tokenizer");
      if (!pre.isNull() && !pre.isMissingNode()) {
        throw unsupported("pre_tokenizer is " + describe(pre) + " (supported: null)");
      }
      JsonNode m = root.path("model");
      if (!m.path("type").asText("").equals("BPE")) {
        throw unsupported("model.type is " + describe(m.path("type")) + " (supported: BPE)");
      }
      if (!absent(m.path("dropout"))) {
        throw unsupported("model.dropout is " + m.path("dropout") + " (supported: null)");
      }
      for (String key : List.of("continuing_subword_prefix", "end_of_word_suffix")) {
        JsonNode v = m.path(key);
        if (!absent(v) && !v.asText("").isEmpty()) {
          throw unsupported("model." + key + " is " + v + " (supported: null)");
        }
      }
      if (m.path("ignore_merges").asBoolean(false)) {
        throw unsupported("model.ignore_merges is true (supported: false)");
      }
      boolean byteFallback = m.path("byte_fallback").asBoolean(false);
      if (!byteFallback && !m.path("fuse_unk").asBoolean(false)) {
        throw unsupported("model.fuse_unk is false without byte_fallback (supported: true)");
      }

      // The vocabulary: ids 0..n-1, each once.
      JsonNode vocabNode = m.path("vocab");
      if (!vocabNode.isObject() || vocabNode.size() == 0) {
        throw Errors.badInput(path, "model.vocab is not a non-empty object of piece: id");
      }
      int n = vocabNode.size();
      String[] pieces = new String[n];
      Map<String, Integer> vocab = new HashMap<>(2 * n);
      for (Iterator<Map.Entry<String, JsonNode>> it = vocabNode.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        int id = e.getValue().asInt(-1);
        if (!e.getValue().canConvertToInt() || id < 0 || id >= n || pieces[id] != null) {
          throw Errors.badInput(
              path,
              "model.vocab: piece '"
                  + e.getKey()
                  + "' has id "
                  + e.getValue()
                  + " (ids must be 0.."
                  + (n - 1)
                  + ", each once)");
        }
        if (e.getKey().isEmpty()) {
          throw Errors.badInput(path, "model.vocab: piece " + id + " is empty");
        }
        pieces[id] = e.getKey();
        vocab.put(e.getKey(), id);
      }

      byte[] types = new byte[n];
      Arrays.fill(types, SentencePieceModel.NORMAL);
      JsonNode unkNode = m.path("unk_token");
      Integer unk = unkNode.isTextual() ? vocab.get(unkNode.asText()) : null;
      if (unk == null) {
        throw unsupported(
            "model.unk_token is " + unkNode + ", not a piece of the vocabulary (one is needed)");
      }
      types[unk] = SentencePieceModel.UNKNOWN;
      if (byteFallback) {
        for (int b = 0; b < 256; b++) {
          Integer id = vocab.get(SentencePieceModel.bytePiece(b));
          if (id == null) {
            throw unsupported(
                "model.byte_fallback is true but the vocabulary has no piece "
                    + SentencePieceModel.bytePiece(b));
          }
          types[id] = SentencePieceModel.BYTE;
        }
      }

      // Added tokens: split out of the raw text as they are, so they must not strip, match
      // whole words only or be normalized; each is a piece of the vocabulary, a control piece.
      List<String> added = new ArrayList<>();
      List<Integer> addedIds = new ArrayList<>();
      for (JsonNode t : root.path("added_tokens")) {
        String content = t.path("content").asText("");
        Integer id = vocab.get(content);
        if (id == null || id != t.path("id").asInt(-1)) {
          throw unsupported(
              "added token '"
                  + content
                  + "' (id "
                  + t.path("id")
                  + ") is not that vocabulary piece");
        }
        for (String flag : List.of("single_word", "lstrip", "rstrip", "normalized")) {
          if (t.path(flag).asBoolean(false)) {
            throw unsupported("added token '" + content + "' has " + flag + " true");
          }
        }
        if (!t.path("special").asBoolean(false)) {
          throw unsupported("added token '" + content + "' is not special");
        }
        if (id != unk.intValue()) {
          types[id] = SentencePieceModel.CONTROL;
        }
        added.add(content);
        addedIds.add(id);
      }

      // Merges, in rank order: "left right" (or [left, right]) of normal pieces that make a normal
      // piece.
      JsonNode mergesNode = m.path("merges");
      if (!mergesNode.isArray()) {
        throw Errors.badInput(path, "model.merges is not an array");
      }
      int merges = mergesNode.size();
      if (merges >= 1 << 24) {
        throw unsupported(merges + " merges (at most 2^24 are supported)");
      }
      MergeRanks ranks = new MergeRanks(merges);
      int[] firstRank = new int[n];
      Arrays.fill(firstRank, -1);
      for (int r = 0; r < merges; r++) {
        JsonNode merge = mergesNode.get(r);
        String left;
        String right;
        if (merge.isTextual()) {
          String[] parts = merge.asText().split(" ", -1);
          if (parts.length != 2) {
            throw Errors.badInput(
                path, "model.merges[" + r + "] " + merge + " is not 'left right'");
          }
          left = parts[0];
          right = parts[1];
        } else if (merge.isArray() && merge.size() == 2) {
          left = merge.get(0).asText();
          right = merge.get(1).asText();
        } else {
          throw Errors.badInput(path, "model.merges[" + r + "] " + merge + " is not a pair");
        }
        Integer l = vocab.get(left);
        Integer rt = vocab.get(right);
        Integer made = vocab.get(left + right);
        if (l == null || rt == null || made == null) {
          throw Errors.badInput(
              path,
              "model.merges["
                  + r
                  + "] "
                  + merge
                  + ": '"
                  + (l == null ? left : rt == null ? right : left + right)
                  + "' is not in the vocabulary");
        }
        for (int id : new int[] {l, rt, made}) {
          if (types[id] != SentencePieceModel.NORMAL) {
            throw unsupported(
                "model.merges[" + r + "] " + merge + " involves the special piece " + pieces[id]);
          }
        }
        if (!ranks.put(l, rt, r)) {
          throw unsupported("model.merges[" + r + "] " + merge + " is a second merge of one pair");
        }
        if (firstRank[made] < 0) {
          firstRank[made] = r;
        }
      }

      float[] scores = new float[n];
      for (int id = 0; id < n; id++) {
        if (types[id] == SentencePieceModel.NORMAL) {
          scores[id] = -(firstRank[id] >= 0 ? firstRank[id] : merges);
        }
      }
      Integer bos = vocab.get("<s>");
      Integer eos = vocab.get("</s>");
      byte[] proto =
          modelProto(
              pieces,
              scores,
              types,
              byteFallback,
              unk,
              bos == null ? -1 : bos,
              eos == null ? -1 : eos);
      SentencePieceModel model = SentencePieceModel.read(proto, path, ranks);
      return new HuggingFaceBpe(
          model,
          proto,
          added.toArray(new String[0]),
          addedIds.stream().mapToInt(Integer::intValue).toArray());
    }

    /** Only {@code Sequence[Prepend("▁"), Replace(" " → "▁")]}: SentencePiece's dummy prefix. */
    private void checkNormalizer(JsonNode normalizer) {
      JsonNode steps = normalizer.path("normalizers");
      boolean ok =
          normalizer.path("type").asText("").equals("Sequence")
              && steps.size() == 2
              && steps.get(0).path("type").asText("").equals("Prepend")
              && steps.get(0).path("prepend").asText("").equals(METASPACE)
              && steps.get(1).path("type").asText("").equals("Replace")
              && steps.get(1).path("pattern").path("String").asText("").equals(" ")
              && steps.get(1).path("content").asText("").equals(METASPACE);
      if (!ok) {
        throw unsupported(
            "normalizer is "
                + describe(normalizer)
                + " (supported: Sequence of Prepend '▁' and Replace ' ' by '▁')");
      }
    }

    private static boolean absent(JsonNode v) {
      return v.isNull() || v.isMissingNode();
    }

    private static String describe(JsonNode v) {
      if (absent(v)) {
        return "null";
      }
      String text =
          v.isTextual() ? v.asText() : v.has("type") ? v.path("type").asText() : v.toString();
      if (v.has("normalizers") || v.has("pretokenizers")) {
        List<String> inner = new ArrayList<>();
        v.path(v.has("normalizers") ? "normalizers" : "pretokenizers")
            .forEach(x -> inner.add(x.path("type").asText()));
        text += inner;
      }
      return text.length() > 80 ? text.substring(0, 80) + "..." : text;
    }
  }

  // ---------------------------------------------------------------- the ModelProto it stands for

  /**
   * A serialized {@code ModelProto}: the pieces, a BPE trainer spec and an identity normalizer that
   * adds the dummy prefix, keeps extra spaces and escapes spaces as {@code ▁}.
   */
  static byte[] modelProto(
      String[] pieces,
      float[] scores,
      byte[] types,
      boolean byteFallback,
      int unk,
      int bos,
      int eos) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(pieces.length * 16);
    for (int id = 0; id < pieces.length; id++) {
      ByteArrayOutputStream piece = new ByteArrayOutputStream();
      bytesField(piece, 1, pieces[id].getBytes(StandardCharsets.UTF_8));
      tag(piece, 2, 5);
      int bits = Float.floatToIntBits(scores[id]);
      for (int k = 0; k < 4; k++) {
        piece.write(bits >>> (8 * k));
      }
      varintField(piece, 3, types[id]);
      bytesField(out, 1, piece.toByteArray());
    }
    ByteArrayOutputStream trainer = new ByteArrayOutputStream();
    varintField(trainer, 3, 2); // model_type: BPE
    varintField(trainer, 35, byteFallback ? 1 : 0);
    varintField(trainer, 40, unk);
    varintField(trainer, 41, bos);
    varintField(trainer, 42, eos);
    varintField(trainer, 43, -1); // no pad piece
    bytesField(out, 2, trainer.toByteArray());
    ByteArrayOutputStream normalizer = new ByteArrayOutputStream();
    bytesField(normalizer, 1, "identity".getBytes(StandardCharsets.UTF_8));
    varintField(normalizer, 3, 1); // add_dummy_prefix: Prepend "▁"
    varintField(normalizer, 4, 0); // remove_extra_whitespaces: the normalizer keeps every space
    varintField(normalizer, 5, 1); // escape_whitespaces: Replace " " by "▁"
    bytesField(out, 3, normalizer.toByteArray());
    return out.toByteArray();
  }

  private static void tag(ByteArrayOutputStream out, int field, int wireType) {
    varint(out, (long) field << 3 | wireType);
  }

  private static void varintField(ByteArrayOutputStream out, int field, long value) {
    tag(out, field, 0);
    varint(out, value);
  }

  private static void bytesField(ByteArrayOutputStream out, int field, byte[] bytes) {
    tag(out, field, 2);
    varint(out, bytes.length);
    out.write(bytes, 0, bytes.length);
  }

  private static void varint(ByteArrayOutputStream out, long value) {
    while ((value & ~0x7fL) != 0) {
      out.write((int) (value & 0x7f) | 0x80);
      value >>>= 7;
    }
    out.write((int) value);
  }
}
