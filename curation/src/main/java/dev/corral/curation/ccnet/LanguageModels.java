package dev.corral.curation.ccnet;

import dev.corral.core.Errors;
import dev.corral.core.io.HadoopFs;
import dev.corral.core.models.ModelCache;
import dev.corral.curation.lm.ArpaReader;
import dev.corral.curation.lm.CcnetPerplexity;
import dev.corral.curation.lm.KenlmBinary;
import dev.corral.curation.lm.NgramModel;
import dev.corral.curation.lm.Tokenizer;
import dev.corral.curation.lm.VocabularyTokenizer;
import dev.corral.curation.models.ExecutorTokenizers;
import dev.corral.curation.models.PieceTokenizer;
import dev.corral.curation.sentencepiece.HuggingFaceBpe;
import dev.corral.curation.sentencepiece.SentencePieceModel;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Optional;
import java.util.stream.IntStream;
import java.util.zip.GZIPInputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Per-language n-gram models of an {@code --lm-dir}, loaded once per JVM through the {@link
 * ModelCache}: {@code <lang>.arpa.bin} (a KenLM binary, as CCNet releases them), {@code
 * <lang>.arpa} or {@code <lang>.arpa.gz}, the first found, tokenized, when present, by {@code
 * <lang>.sp.model} (CCNet's released SentencePiece model: its pieces joined by spaces, as CCNet's
 * {@code SentencePiece} step writes them) or else {@code <lang>.tokenizer.json}; a language without
 * a model has none (its documents get no perplexity, hence bucket {@code all}). What a model file
 * holds is told by its first bytes, not its name.
 */
public final class LanguageModels {
  /** A language's model file, first found first: CCNet's binary, then ARPA text. */
  static final List<String> SUFFIXES = List.of(".arpa.bin", ".arpa", ".arpa.gz");

  /** CCNet's layout: a language's SentencePiece model beside its n-gram model. */
  static final String SENTENCE_PIECE = ".sp.model";

  private LanguageModels() {}

  /** A SentencePiece model from any Hadoop path, its pieces joined by spaces. */
  private static Tokenizer sentencePiece(FileSystem fs, Path file) throws IOException {
    long length = fs.getFileStatus(file).getLen();
    if (length > Integer.MAX_VALUE - 8) {
      throw Errors.badSentencePieceModel(file.toString(), 0, "the file has " + length + " bytes");
    }
    byte[] bytes;
    try (InputStream in = fs.open(file)) {
      bytes = in.readNBytes((int) length);
    }
    return sentencePiece(SentencePieceModel.read(bytes, file.toString()));
  }

  /**
   * {@code sp}'s pieces joined by spaces, as CCNet's {@code SentencePiece} step writes them; a
   * {@link VocabularyTokenizer}, so {@link CcnetPerplexity} looks each piece up once.
   */
  public static VocabularyTokenizer sentencePiece(SentencePieceModel sp) {
    return new SentencePieceTokenizer(sp);
  }

  /** Every piece of {@code sp}, by id: the strings its encoder hands out. */
  private static List<String> vocabulary(SentencePieceModel sp) {
    return IntStream.range(0, sp.size()).mapToObj(sp::idToPiece).toList();
  }

  /** A SentencePiece model's pieces, joined by spaces or one by one. */
  private record SentencePieceTokenizer(SentencePieceModel sp) implements VocabularyTokenizer {
    @Override
    public List<String> pieces() {
      return vocabulary(sp);
    }

    @Override
    public List<String> tokens(String text) {
      return sp.encodeAsPieces(text);
    }
  }

  /**
   * The perplexity of {@code lang} under the model of {@code dir}, or empty when the folder has
   * none.
   */
  static Optional<CcnetPerplexity> get(String dir, String lang, String defaultTokenizer) {
    return ModelCache.get(
        new ModelCache.Key("ngram", dir, lang + " " + defaultTokenizer),
        () -> load(dir, lang, defaultTokenizer));
  }

  private static Optional<CcnetPerplexity> load(String dir, String lang, String defaultTokenizer) {
    if (!lang.matches("[A-Za-z0-9_-]+")) {
      return Optional.empty(); // "unknown" or odd labels never name a file
    }
    try {
      Path file = null;
      FileSystem fs = HadoopFs.fileSystem(new Path(dir));
      for (String suffix : SUFFIXES) {
        Path candidate = new Path(dir, lang + suffix);
        if (fs.exists(candidate)) {
          file = candidate;
          break;
        }
      }
      if (file == null) {
        return Optional.empty();
      }
      NgramModel model = open(fs, file);
      Path sentencePiece = new Path(dir, lang + SENTENCE_PIECE);
      if (fs.exists(sentencePiece)) {
        return Optional.of(new CcnetPerplexity(model, sentencePiece(fs, sentencePiece)));
      }
      Path own = new Path(dir, lang + ".tokenizer.json");
      String tokenizer = fs.exists(own) ? own.toString() : defaultTokenizer;
      return Optional.of(new CcnetPerplexity(model, tokenizer(tokenizer)));
    } catch (IOException e) {
      throw Errors.unreadable(dir + "/" + lang + ".arpa", e);
    }
  }

  /**
   * A local file is read in place (a KenLM binary is memory-mapped, shared by every task of the
   * JVM); any other file system's file is streamed into the heap.
   */
  private static NgramModel open(FileSystem fs, Path file) throws IOException {
    if (fs instanceof LocalFileSystem local) {
      return NgramModel.load(local.pathToFile(file).toPath());
    }
    long length = fs.getFileStatus(file).getLen();
    try (InputStream in = fs.open(file)) {
      return NgramModel.read(in, length, file.toString());
    }
  }

  /**
   * Checks every model file of {@code dir} on the driver, before a job starts Spark: a
   * SentencePiece model (read whole), an ARPA file's probabilities (none above 0, see {@link
   * ArpaReader#checkProbabilities}), a KenLM binary's header against its length ({@link
   * KenlmBinary#checkHeader}). Binaries are told by their first bytes.
   */
  public static void checkModels(String dir) {
    Path folder = new Path(dir);
    FileSystem fs = HadoopFs.fileSystem(folder);
    try {
      if (!fs.getFileStatus(folder).isDirectory()) {
        throw Errors.badUsage("--lm-dir " + dir, "is not a folder of <lang>.arpa models");
      }
      for (org.apache.hadoop.fs.FileStatus f : fs.listStatus(folder)) {
        String name = f.getPath().getName();
        if (name.endsWith(SENTENCE_PIECE)) {
          sentencePiece(fs, f.getPath()); // parsed whole: a few MB, and every length is checked
          continue;
        }
        if (SUFFIXES.stream().noneMatch(name::endsWith)) {
          continue;
        }
        try (InputStream raw = new BufferedInputStream(fs.open(f.getPath()), 1 << 16)) {
          raw.mark(KenlmBinary.FAMILY_LENGTH);
          byte[] head = raw.readNBytes(KenlmBinary.FAMILY_LENGTH);
          raw.reset();
          if (KenlmBinary.isBinary(head, head.length)) {
            KenlmBinary.checkHeader(raw, f.getLen(), f.getPath().toString());
          } else {
            boolean gz = name.endsWith(".gz");
            try (InputStream in = gz ? new GZIPInputStream(raw) : raw) {
              ArpaReader.checkProbabilities(in, f.getPath().toString());
            }
          }
        }
      }
    } catch (java.io.FileNotFoundException e) {
      throw Errors.unreadable(dir, new java.nio.file.NoSuchFileException(dir));
    } catch (IOException e) {
      throw Errors.unreadable(dir, e);
    }
  }

  /**
   * {@code whitespace}, or a Hugging Face tokenizer whose pieces are joined by spaces: in pure Java
   * when the tokenizer.json is of SentencePiece's BPE shape (the bundled LLaMA one; the same
   * pieces, faster, handed over one by one as a {@link VocabularyTokenizer}), else through DJL
   * ({@link ExecutorTokenizers#pieces(String)}).
   */
  public static Tokenizer tokenizer(String uri) {
    if (uri.equals("whitespace")) {
      return Tokenizer.whitespace();
    }
    // A bad tokenizer.json fails here, not at the first line.
    return ExecutorTokenizers.pieces(uri).pureJava() ? new VocabularyPieces(uri) : new Pieces(uri);
  }

  /** Carries the URI only; the tokenizer is the JVM's cached one. */
  private static class Pieces implements Tokenizer {
    private static final long serialVersionUID = 1L;
    private final String uri;
    private transient PieceTokenizer tokenizer;

    Pieces(String uri) {
      this.uri = uri;
    }

    PieceTokenizer tokenizer() {
      if (tokenizer == null) {
        tokenizer = ExecutorTokenizers.pieces(uri);
      }
      return tokenizer;
    }

    @Override
    public String tokenize(String text) {
      return tokenizer().joinedPieces(text);
    }
  }

  /** The pure-Java encoder's pieces one by one, so {@link CcnetPerplexity} looks each up once. */
  private static final class VocabularyPieces extends Pieces implements VocabularyTokenizer {
    private static final long serialVersionUID = 1L;

    private transient HuggingFaceBpe encoder;

    VocabularyPieces(String uri) {
      super(uri);
    }

    private HuggingFaceBpe encoder() {
      if (encoder == null) {
        encoder = tokenizer().encoder().orElseThrow();
      }
      return encoder;
    }

    @Override
    public List<String> pieces() {
      return vocabulary(encoder().model());
    }

    @Override
    public List<String> tokens(String text) {
      return encoder().encodeAsPieces(text);
    }
  }
}
