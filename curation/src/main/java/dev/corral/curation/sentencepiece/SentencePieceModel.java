package dev.corral.curation.sentencepiece;

import dev.corral.core.Errors;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * A SentencePiece model ({@code .model}, a {@code ModelProto}) read in pure Java, and its encoder:
 * {@link #encode(String)} gives the ids and {@link #encodeAsPieces(String)} the pieces that
 * SentencePiece 0.1.97's {@code spm_encode --output_format=id|piece} prints for the same line, for
 * unigram and BPE models with any normalizer (the precompiled {@code nmt_nfkc} charsmap, {@code
 * nmt_nfkc_cf}, identity), byte fallback, user-defined and control symbols. Immutable and safe to
 * share between threads.
 *
 * <p>Unknown characters follow SentencePiece: with byte fallback each of their UTF-8 bytes becomes
 * its {@code <0xXX>} piece; without, a run of them is one piece, the text itself, with the unknown
 * id.
 */
public final class SentencePieceModel {
  /** How text is segmented ({@code TrainerSpec.model_type}). */
  public enum ModelType {
    UNIGRAM,
    BPE,
    WORD,
    CHAR
  }

  // ModelProto.SentencePiece.Type
  static final byte NORMAL = 1;
  static final byte UNKNOWN = 2;
  static final byte CONTROL = 3;
  static final byte USER_DEFINED = 4;
  static final byte UNUSED = 5;
  static final byte BYTE = 6;

  /** A model file larger than this is refused before it is read: the largest known are ~20 MB. */
  private static final long MAX_FILE_BYTES = 1L << 30;

  private final String path;
  private final String[] pieces;
  private final float[] scores;
  private final byte[] types;
  private final ModelType modelType;
  private final boolean byteFallback;
  private final String normalizerName;
  private final int unkId;
  private final int bosId;
  private final int eosId;
  private final int padId;
  private final int[] byteIds = new int[256];
  private final PieceTrie normalPieces = new PieceTrie(); // NORMAL, USER_DEFINED, UNUSED
  private final PieceTrie reservedPieces = new PieceTrie(); // UNKNOWN, CONTROL, BYTE
  private final Normalizer normalizer;
  private final UnigramEncoder unigram;
  private final BpeEncoder bpe;

  /** Reads a {@code .model} file; a corrupt one fails with one line naming it and the byte. */
  public static SentencePieceModel load(Path file) {
    long size;
    try {
      size = Files.size(file);
    } catch (IOException e) {
      throw Errors.unreadable(file.toString(), e);
    }
    if (size > MAX_FILE_BYTES) {
      throw Errors.badSentencePieceModel(
          file.toString(), 0, "the file has " + size + " bytes, more than any model has");
    }
    try {
      return read(Files.readAllBytes(file), file.toString());
    } catch (IOException e) {
      throw Errors.unreadable(file.toString(), e);
    }
  }

  /** Reads a model from its serialized {@code ModelProto}; {@code path} names it in errors. */
  public static SentencePieceModel read(byte[] model, String path) {
    return new SentencePieceModel(model, path, null);
  }

  /** A BPE model that merges by {@code ranks} rather than by its pieces' scores. */
  static SentencePieceModel read(byte[] model, String path, MergeRanks ranks) {
    return new SentencePieceModel(model, path, ranks);
  }

  private SentencePieceModel(byte[] data, String path, MergeRanks ranks) {
    this.path = path;
    if (data.length == 0) {
      throw Errors.badSentencePieceModel(path, 0, "the file is empty");
    }
    List<String> pieceList = new ArrayList<>();
    List<byte[]> pieceBytes = new ArrayList<>();
    float[] scoreList = new float[16];
    byte[] typeList = new byte[16];
    int modelTypeValue = 1;
    boolean fallback = false;
    boolean whitespaceAsSuffix = false;
    int unk = 0;
    int bos = 1;
    int eos = 2;
    int pad = -1;
    String name = "";
    byte[] charsmap = new byte[0];
    long charsmapOffset = 0;
    boolean addDummyPrefix = true;
    boolean removeExtraWhitespaces = true;
    boolean escapeWhitespaces = true;

    ProtoReader model = new ProtoReader(data, path);
    while (model.hasMore()) {
      int tag = model.readTag();
      switch (tag >>> 3) {
        case 1 -> { // pieces
          model.expect(tag, ProtoReader.LENGTH_DELIMITED, "a piece");
          int at = model.position();
          ProtoReader piece = model.readMessage("a piece");
          byte[] text = new byte[0];
          float score = 0;
          int type = NORMAL;
          while (piece.hasMore()) {
            int t = piece.readTag();
            switch (t >>> 3) {
              case 1 -> {
                piece.expect(t, ProtoReader.LENGTH_DELIMITED, "a piece's text");
                text = piece.readBytes("a piece's text");
              }
              case 2 -> {
                piece.expect(t, ProtoReader.FIXED32, "a piece's score");
                score = piece.readFloat();
              }
              case 3 -> {
                piece.expect(t, ProtoReader.VARINT, "a piece's type");
                type = piece.readInt32();
              }
              default -> piece.skip(t);
            }
          }
          int id = pieceList.size();
          if (type < NORMAL || type > BYTE) {
            throw Errors.badSentencePieceModel(path, at, "piece " + id + " has type " + type);
          }
          if (id == scoreList.length) {
            scoreList = Arrays.copyOf(scoreList, id * 2);
            typeList = Arrays.copyOf(typeList, id * 2);
          }
          pieceList.add(new String(text, StandardCharsets.UTF_8));
          pieceBytes.add(text);
          scoreList[id] = score;
          typeList[id] = (byte) type;
        }
        case 2 -> { // trainer_spec
          model.expect(tag, ProtoReader.LENGTH_DELIMITED, "trainer_spec");
          ProtoReader spec = model.readMessage("trainer_spec");
          while (spec.hasMore()) {
            int t = spec.readTag();
            int field = t >>> 3;
            if (field == 3 || field == 24 || field == 35 || (field >= 40 && field <= 43)) {
              spec.expect(t, ProtoReader.VARINT, "trainer_spec field " + field);
            }
            switch (field) {
              case 3 -> modelTypeValue = spec.readInt32();
              case 24 -> whitespaceAsSuffix = spec.readBool();
              case 35 -> fallback = spec.readBool();
              case 40 -> unk = spec.readInt32();
              case 41 -> bos = spec.readInt32();
              case 42 -> eos = spec.readInt32();
              case 43 -> pad = spec.readInt32();
              default -> spec.skip(t);
            }
          }
        }
        case 3 -> { // normalizer_spec
          model.expect(tag, ProtoReader.LENGTH_DELIMITED, "normalizer_spec");
          ProtoReader spec = model.readMessage("normalizer_spec");
          while (spec.hasMore()) {
            int t = spec.readTag();
            int field = t >>> 3;
            if (field == 1 || field == 2) {
              spec.expect(t, ProtoReader.LENGTH_DELIMITED, "normalizer_spec field " + field);
            } else if (field >= 3 && field <= 5) {
              spec.expect(t, ProtoReader.VARINT, "normalizer_spec field " + field);
            }
            switch (field) {
              case 1 -> name = spec.readString("the normalizer's name");
              case 2 -> {
                charsmapOffset = spec.position();
                charsmap = spec.readBytes("the precompiled charsmap");
              }
              case 3 -> addDummyPrefix = spec.readBool();
              case 4 -> removeExtraWhitespaces = spec.readBool();
              case 5 -> escapeWhitespaces = spec.readBool();
              default -> spec.skip(t);
            }
          }
        }
        default -> model.skip(tag); // self_test_data, denormalizer_spec: not needed to encode
      }
    }

    int n = pieceList.size();
    if (n == 0) {
      throw Errors.badSentencePieceModel(path, data.length, "it has no pieces");
    }
    if (modelTypeValue < 1 || modelTypeValue > 4) {
      throw Errors.badSentencePieceModel(path, 0, "model_type " + modelTypeValue + " is unknown");
    }
    this.pieces = pieceList.toArray(new String[0]);
    this.scores = Arrays.copyOf(scoreList, n);
    this.types = Arrays.copyOf(typeList, n);
    this.modelType = ModelType.values()[modelTypeValue - 1];
    this.byteFallback = fallback;
    this.normalizerName = name;
    this.bosId = bos;
    this.eosId = eos;
    this.padId = pad;

    // The checks of ModelInterface::InitializePieces.
    int unknown = -1;
    Arrays.fill(byteIds, -1);
    PieceTrie userDefined = null;
    for (int id = 0; id < n; id++) {
      byte[] text = pieceBytes.get(id);
      if (text.length == 0) {
        throw badPiece(id, "is empty");
      }
      byte type = types[id];
      boolean normal = type == NORMAL || type == USER_DEFINED || type == UNUSED;
      PieceTrie trie = normal ? normalPieces : reservedPieces;
      if (trie.get(text, 0, text.length) >= 0) {
        throw badPiece(id, "is defined twice");
      }
      trie.put(text, id);
      if (type == USER_DEFINED) {
        if (userDefined == null) {
          userDefined = new PieceTrie();
        }
        userDefined.put(text, id);
      } else if (type == UNKNOWN) {
        if (unknown >= 0) {
          throw badPiece(id, "is a second unknown piece (the first is " + unknown + ")");
        }
        unknown = id;
      } else if (type == BYTE) {
        if (!fallback) {
          throw badPiece(id, "is a byte piece but byte_fallback is false");
        }
        int b = pieceToByte(pieces[id]);
        if (b < 0) {
          throw badPiece(id, "is not a byte piece <0x00>..<0xFF>");
        }
        byteIds[b] = id;
      }
    }
    normalPieces.freeze();
    reservedPieces.freeze();
    if (userDefined != null) {
      userDefined.freeze();
    }
    if (unknown < 0) {
      throw Errors.badSentencePieceModel(path, 0, "no piece has the type UNKNOWN");
    }
    this.unkId = unknown;
    if (fallback) {
      for (int b = 0; b < 256; b++) {
        if (byteIds[b] < 0) {
          throw Errors.badSentencePieceModel(
              path, 0, "byte_fallback is true but there is no piece " + bytePiece(b));
        }
      }
    }
    if (modelType != ModelType.UNIGRAM && modelType != ModelType.BPE) {
      throw Errors.unsupported(
          path, "SentencePiece " + modelType + " models are not supported (unigram and BPE are)");
    }

    DoubleArray rules = null;
    byte[] replacements = new byte[0];
    if (charsmap.length > 0) {
      ByteBuffer blob = ByteBuffer.wrap(charsmap).order(ByteOrder.LITTLE_ENDIAN);
      long trieSize = charsmap.length <= 4 ? -1 : Integer.toUnsignedLong(blob.getInt(0));
      if (trieSize < 0 || trieSize > charsmap.length - 4) {
        throw Errors.badSentencePieceModel(
            path, charsmapOffset, "the precompiled charsmap's trie size is past its end");
      }
      int[] units = new int[(int) (trieSize / 4)];
      blob.position(4);
      blob.asIntBuffer().get(units);
      rules = new DoubleArray(units);
      replacements = Arrays.copyOfRange(charsmap, 4 + (int) trieSize, charsmap.length);
    }
    this.normalizer =
        new Normalizer(
            rules,
            replacements,
            userDefined,
            addDummyPrefix,
            removeExtraWhitespaces,
            escapeWhitespaces,
            whitespaceAsSuffix,
            path,
            charsmapOffset);
    this.unigram =
        modelType == ModelType.UNIGRAM
            ? new UnigramEncoder(normalPieces, scores, types, unkId)
            : null;
    this.bpe =
        modelType == ModelType.BPE
            ? new BpeEncoder(
                this, normalPieces, userDefined, scores, types, ranks, piecesStartWords(pieces))
            : null;
  }

  /** Whether no piece holds a ▁ right after another character: pieces never span a word start. */
  private static boolean piecesStartWords(String[] pieces) {
    for (String piece : pieces) {
      for (int i = piece.indexOf('\u2581', 1); i > 0; i = piece.indexOf('\u2581', i + 1)) {
        if (piece.charAt(i - 1) != '\u2581') {
          return false;
        }
      }
    }
    return true;
  }

  private RuntimeException badPiece(int id, String what) {
    return Errors.badSentencePieceModel(path, 0, "piece " + id + " '" + pieces[id] + "' " + what);
  }

  // ---------------------------------------------------------------- encoding

  /** The ids of {@code text}'s pieces, as {@code spm_encode --output_format=id}. */
  public int[] encode(String text) {
    Scratch s = Scratch.get();
    byte[] utf8 = s.input(3 * text.length());
    return ids(Utf8.encode(text, utf8), utf8, s);
  }

  /** The ids of the pieces of {@code utf8} (malformed bytes read as SentencePiece reads them). */
  public int[] encode(byte[] utf8) {
    return ids(utf8.length, utf8, Scratch.get());
  }

  /** {@code text}'s pieces, as {@code spm_encode --output_format=piece}. */
  public List<String> encodeAsPieces(String text) {
    Scratch s = Scratch.get();
    byte[] utf8 = s.input(3 * text.length());
    return pieces(Utf8.encode(text, utf8), utf8, s);
  }

  /** The pieces of {@code utf8} (malformed bytes read as SentencePiece reads them). */
  public List<String> encodeAsPieces(byte[] utf8) {
    return pieces(utf8.length, utf8, Scratch.get());
  }

  private void segment(byte[] input, int length, Scratch s) {
    normalizer.normalize(input, length, s);
    if (unigram != null) {
      unigram.encode(s);
    } else {
      bpe.encode(s);
    }
  }

  private int[] ids(int length, byte[] input, Scratch s) {
    segment(input, length, s);
    int size = 0;
    boolean previousUnknown = false;
    for (int k = 0; k < s.count; k++) {
      boolean unknown = s.ids[k] == unkId;
      if (unknown && byteFallback) {
        size += s.lengths[k];
      } else if (!(unknown && previousUnknown)) {
        size++;
      }
      previousUnknown = unknown;
    }
    int[] out = new int[size];
    int n = 0;
    previousUnknown = false;
    for (int k = 0; k < s.count; k++) {
      int id = s.ids[k];
      boolean unknown = id == unkId;
      if (unknown && byteFallback) {
        for (int b = s.starts[k], end = b + s.lengths[k]; b < end; b++) {
          out[n++] = byteIds[s.normalized[b] & 0xff];
        }
      } else if (!(unknown && previousUnknown)) {
        out[n++] = id;
      }
      previousUnknown = unknown;
    }
    return out;
  }

  private List<String> pieces(int length, byte[] input, Scratch s) {
    segment(input, length, s);
    List<String> out = new ArrayList<>(s.count);
    boolean previousUnknown = false;
    for (int k = 0; k < s.count; k++) {
      int id = s.ids[k];
      boolean unknown = id == unkId;
      if (unknown && byteFallback) {
        for (int b = s.starts[k], end = b + s.lengths[k]; b < end; b++) {
          out.add(pieces[byteIds[s.normalized[b] & 0xff]]);
        }
      } else if (types[id] == CONTROL) {
        out.add(pieces[id]);
      } else if (unknown) {
        // A run of unknown pieces is one piece: the normalized text itself.
        int start = s.starts[k];
        int end = start + s.lengths[k];
        while (k + 1 < s.count && s.ids[k + 1] == unkId) {
          k++;
          end = s.starts[k] + s.lengths[k];
        }
        out.add(new String(s.normalized, start, end - start, StandardCharsets.UTF_8));
      } else {
        out.add(pieces[id]);
      }
      previousUnknown = unknown;
    }
    return out;
  }

  // ---------------------------------------------------------------- the vocabulary

  /** {@code ModelInterface::PieceToId}: reserved pieces first, then the others, else unknown. */
  int pieceToId(byte[] bytes, int from, int length) {
    int id = reservedPieces.get(bytes, from, length);
    if (id >= 0) {
      return id;
    }
    id = normalPieces.get(bytes, from, length);
    return id >= 0 ? id : unkId;
  }

  /** The id of {@code piece}, or the unknown piece's id when it is none. */
  public int pieceToId(String piece) {
    byte[] b = piece.getBytes(StandardCharsets.UTF_8);
    return pieceToId(b, 0, b.length);
  }

  /** The piece of {@code id}. */
  public String idToPiece(int id) {
    return pieces[id];
  }

  /** The score of {@code id}'s piece: a log probability (unigram) or minus the merge rank (BPE). */
  public float score(int id) {
    return scores[id];
  }

  public boolean isUnknown(int id) {
    return types[id] == UNKNOWN;
  }

  public boolean isControl(int id) {
    return types[id] == CONTROL;
  }

  public boolean isUserDefined(int id) {
    return types[id] == USER_DEFINED;
  }

  public boolean isByte(int id) {
    return types[id] == BYTE;
  }

  public boolean isUnused(int id) {
    return types[id] == UNUSED;
  }

  /** The number of pieces. */
  public int size() {
    return pieces.length;
  }

  public ModelType modelType() {
    return modelType;
  }

  /** The normalization rule's name ({@code nmt_nfkc}, {@code identity}, ...). */
  public String normalizerName() {
    return normalizerName;
  }

  public boolean byteFallback() {
    return byteFallback;
  }

  public int unkId() {
    return unkId;
  }

  /** The id of {@code <s>}, or -1 when the model has none. */
  public int bosId() {
    return bosId;
  }

  /** The id of {@code </s>}, or -1 when the model has none. */
  public int eosId() {
    return eosId;
  }

  /** The id of {@code <pad>}, or -1 when the model has none. */
  public int padId() {
    return padId;
  }

  /** Where the model was read from. */
  public String path() {
    return path;
  }

  static String bytePiece(int b) {
    return String.format(Locale.ROOT, "<0x%02X>", b);
  }

  private static int pieceToByte(String piece) {
    for (int b = 0; b < 256; b++) {
      if (bytePiece(b).equals(piece)) {
        return b;
      }
    }
    return -1;
  }

  @Override
  public String toString() {
    return "SentencePieceModel(" + path + ", " + modelType + ", " + pieces.length + " pieces)";
  }
}
