package dev.corral.curation.fasttext;

import dev.corral.core.Errors;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A fastText model read from the {@code .bin} or {@code .ftz} file that fastText 0.9.x writes:
 * dense or product-quantized matrices, any loss, word and char n-grams. It predicts exactly as the
 * fastText binary does. Immutable and safe to share between threads; each thread predicts through
 * its own {@link Predictor}.
 */
public final class FastTextModel {
  /** fastText's {@code FASTTEXT_FILEFORMAT_MAGIC_INT32}. */
  static final int MAGIC = 793712314;

  /** The newest file version fastText 0.9.2 writes and reads. */
  static final int VERSION = 12;

  /** A quantized matrix is decoded to floats for speed when it takes at most this many bytes. */
  private static final long DECODE_LIMIT_BYTES = 512L << 20;

  private final String source;
  private final FastTextArgs args;
  final Dictionary dict;
  final Matrix wi;
  final Loss loss;
  private final boolean quantized;
  private final boolean qout;
  private final String[] labels;
  private final ThreadLocal<Predictor> predictors = ThreadLocal.withInitial(this::newPredictor);

  private FastTextModel(
      String source,
      FastTextArgs args,
      Dictionary dict,
      Matrix wi,
      Matrix wo,
      boolean quantized,
      boolean qout) {
    this.source = source;
    this.args = args;
    this.dict = dict;
    this.wi = wi;
    this.quantized = quantized;
    this.qout = qout;
    long[] targetCounts =
        args.model() == FastTextArgs.ModelName.SUPERVISED ? dict.labelCounts() : dict.wordCounts();
    this.loss = Loss.create(args.loss(), wo, targetCounts);
    this.labels = new String[dict.nlabels];
    for (int i = 0; i < labels.length; i++) {
      labels[i] = new String(dict.labelBytes(i), StandardCharsets.UTF_8);
    }
  }

  /** A model just trained: dense matrices, not yet saved. */
  static FastTextModel trained(FastTextArgs args, Dictionary dict, float[] wi, float[] wo) {
    return new FastTextModel(
        "(trained)",
        args,
        dict,
        new DenseMatrix(wi.length / args.dim(), args.dim(), wi, null),
        new DenseMatrix(wo.length / args.dim(), args.dim(), wo, null),
        false,
        false);
  }

  /**
   * Writes the model as fastText's {@code .bin}, which the fastText binary loads. Only dense
   * models: a quantized one is refused.
   */
  public void save(Path file) {
    if (quantized || !(wi instanceof DenseMatrix) || !(loss.wo instanceof DenseMatrix)) {
      throw Errors.unsupported(source, "saving a quantized model is not supported");
    }
    try (java.io.OutputStream out = Files.newOutputStream(file)) {
      ModelWriter.writeBin(
          out, args, dict, ((DenseMatrix) wi).data(), ((DenseMatrix) loss.wo).data());
    } catch (IOException e) {
      throw Errors.unwritable(file.toString(), e);
    }
  }

  /**
   * Writes fastText's {@code .vec} file: every word's vector, as {@code fasttext supervised} does.
   */
  public void saveVectors(Path file) {
    try (java.io.Writer out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      ModelWriter.writeVec(out, this);
    } catch (IOException e) {
      throw Errors.unwritable(file.toString(), e);
    }
  }

  /** Reads a model from a local file. */
  public static FastTextModel load(Path file) {
    try (InputStream in = Files.newInputStream(file)) {
      return load(in, Files.size(file), file.toString());
    } catch (IOException e) {
      throw Errors.unreadable(file.toString(), e);
    }
  }

  /**
   * Reads a model from a stream of {@code length} bytes ({@code name} appears in errors). Every
   * size in the header is checked against the bytes left before anything is allocated.
   */
  public static FastTextModel load(InputStream stream, long length, String name) {
    ModelInput in = new ModelInput(new BufferedInputStream(stream, 1 << 16), length, name);
    int magic = in.readInt("magic number");
    if (magic != MAGIC) {
      throw Errors.badModel(name, 0, "wrong magic number " + magic + " (expected " + MAGIC + ")");
    }
    int version = in.readInt("file format version");
    if (version > VERSION || version < 0) {
      throw Errors.badModel(
          name,
          4,
          "unsupported file format version " + version + " (fastText 0.9 writes " + VERSION + ")");
    }
    FastTextArgs args = readArgs(in);
    if (version == 11 && args.model() == FastTextArgs.ModelName.SUPERVISED) {
      args = args.withoutCharNgrams(); // old supervised models have no char n-grams
    }
    Dictionary dict = Dictionary.read(in, args);
    boolean quantInput = in.readBool("input quantization flag");
    Matrix wi = readMatrix(in, quantInput, "input matrix", false);
    if (!quantInput && dict.isPruned()) {
      throw Errors.badModel(
          name, in.position(), "the dictionary is pruned but the input matrix is not quantized");
    }
    long expectedRows = dict.nwords + dict.ngramRows();
    if (wi.rows() != expectedRows || wi.cols() != args.dim()) {
      throw Errors.badModel(
          name,
          in.position(),
          "input matrix is "
              + wi.rows()
              + " x "
              + wi.cols()
              + " but the "
              + "dictionary and args need "
              + expectedRows
              + " x "
              + args.dim());
    }
    boolean qout = in.readBool("output quantization flag");
    Matrix wo = readMatrix(in, quantInput && qout, "output matrix", true);
    long expectedOut =
        args.model() == FastTextArgs.ModelName.SUPERVISED ? dict.nlabels : dict.nwords;
    if (wo.rows() != expectedOut || wo.cols() != args.dim()) {
      throw Errors.badModel(
          name,
          in.position(),
          "output matrix is "
              + wo.rows()
              + " x "
              + wo.cols()
              + " but the "
              + "dictionary needs "
              + expectedOut
              + " x "
              + args.dim());
    }
    return new FastTextModel(name, args, dict, wi, wo, quantInput, quantInput && qout);
  }

  private static FastTextArgs readArgs(ModelInput in) {
    long at = in.position();
    int dim = in.readInt("args dim");
    int ws = in.readInt("args ws");
    int epoch = in.readInt("args epoch");
    int minCount = in.readInt("args minCount");
    int neg = in.readInt("args neg");
    int wordNgrams = in.readInt("args wordNgrams");
    int lossCode = in.readInt("args loss");
    int modelCode = in.readInt("args model");
    int bucket = in.readInt("args bucket");
    int minn = in.readInt("args minn");
    int maxn = in.readInt("args maxn");
    int lrUpdateRate = in.readInt("args lrUpdateRate");
    double t = in.readDouble("args t");
    FastTextArgs.LossName loss = FastTextArgs.LossName.of(lossCode);
    FastTextArgs.ModelName model = FastTextArgs.ModelName.of(modelCode);
    if (loss == null) {
      throw Errors.badModel(in.path(), at + 24, "unknown loss code " + lossCode);
    }
    if (model == null) {
      throw Errors.badModel(in.path(), at + 28, "unknown model code " + modelCode);
    }
    if (dim <= 0 || dim > 1 << 20) {
      throw Errors.badModel(in.path(), at, "vector dimension " + dim + " is out of range");
    }
    if (bucket < 0 || minn < 0 || maxn < 0 || wordNgrams < 0) {
      throw Errors.badModel(
          in.path(),
          at,
          "negative n-gram settings (bucket "
              + bucket
              + ", minn "
              + minn
              + ", maxn "
              + maxn
              + ", wordNgrams "
              + wordNgrams
              + ")");
    }
    return new FastTextArgs(
        dim,
        ws,
        epoch,
        minCount,
        neg,
        wordNgrams,
        loss,
        model,
        bucket,
        minn,
        maxn,
        lrUpdateRate,
        t);
  }

  private static Matrix readMatrix(ModelInput in, boolean quantized, String name, boolean output) {
    if (!quantized) {
      return DenseMatrix.read(in, name);
    }
    QuantMatrix q = QuantMatrix.read(in, name);
    return q.decodedBytes() <= DECODE_LIMIT_BYTES ? q.decode(output) : q;
  }

  /** Where the model was read from. */
  public String source() {
    return source;
  }

  public FastTextArgs args() {
    return args;
  }

  /** True for a product-quantized ({@code .ftz}) model. */
  public boolean isQuantized() {
    return quantized;
  }

  /** True when the output matrix is quantized too ({@code -qout}). */
  public boolean isOutputQuantized() {
    return qout;
  }

  public int wordCount() {
    return dict.nwords;
  }

  public int labelCount() {
    return dict.nlabels;
  }

  /** The i-th label as stored, prefix included (e.g. {@code __label__en}). */
  public String label(int i) {
    return labels[i];
  }

  /** The i-th label's raw bytes, for output that must be byte-identical to fastText's. */
  public byte[] labelBytes(int i) {
    return dict.labelBytes(i);
  }

  /**
   * The vector of a word as fastText's {@code print-word-vectors} computes it: the mean of the rows
   * of the word and its char n-grams (only the n-grams for a word outside the vocabulary).
   */
  public float[] wordVector(String word) {
    byte[] w = word.getBytes(StandardCharsets.UTF_8);
    IntList rows = new IntList(64);
    int id = dict.find(w, 0, w.length, Dictionary.hash(w, 0, w.length));
    if (id >= 0) {
      rows.addAll(dict.subwords[id]);
    } else if (!Dictionary.isEos(w, 0, w.length)) {
      dict.computeSubwords(
          Dictionary.withBoundaries(w, 0, w.length, new byte[w.length + 2]), w.length + 2, rows);
    }
    float[] vec = new float[args.dim()];
    for (int i = 0; i < rows.size; i++) {
      wi.addRowTo(vec, rows.data[i]);
    }
    if (rows.size > 0) {
      float scale = (float) (1.0 / rows.size);
      for (int j = 0; j < vec.length; j++) {
        vec[j] *= scale;
      }
    }
    return vec;
  }

  /** A new predictor for the calling thread. */
  public Predictor newPredictor() {
    if (args.model() != FastTextArgs.ModelName.SUPERVISED) {
      throw Errors.unsupported(
          source,
          "a "
              + args.model().name().toLowerCase(java.util.Locale.ROOT)
              + " model cannot predict labels; only supervised models can");
    }
    return new Predictor(this);
  }

  /**
   * Predicts labels for one piece of text as fastText's Python {@code predict} does: the text is
   * taken as a line (an end-of-sentence token follows it) and only its first sentence is read if it
   * holds a literal {@code </s>}. Returns up to {@code k} labels ({@link Predictor#ALL_LABELS} for
   * all) whose probability is at least {@code threshold}, best first. Thread-safe.
   */
  public List<Prediction> predict(String text, int k, float threshold) {
    return predict(text.getBytes(StandardCharsets.UTF_8), k, threshold);
  }

  /**
   * {@link #predict(String, int, float)} on text already encoded as UTF-8 (or any bytes, as
   * fastText reads).
   */
  public List<Prediction> predict(byte[] text, int k, float threshold) {
    Predictor p = predictors.get();
    p.predict(text, 0, text.length, true, k, threshold);
    List<Prediction> out = new ArrayList<>(p.count());
    for (int i = 0; i < p.count(); i++) {
      out.add(new Prediction(labels[p.labelId(i)], p.probability(i)));
    }
    return out;
  }
}
