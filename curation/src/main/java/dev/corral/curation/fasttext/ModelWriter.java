package dev.corral.curation.fasttext;

import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.Writer;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Writes a model in fastText 0.9.2's {@code .bin} format (dense, not quantized) and its {@code
 * .vec} file.
 */
final class ModelWriter {
  private ModelWriter() {}

  static void writeBin(OutputStream raw, FastTextArgs args, Dictionary dict, float[] wi, float[] wo)
      throws IOException {
    LittleEndian out = new LittleEndian(new BufferedOutputStream(raw, 1 << 16));
    out.int32(FastTextModel.MAGIC);
    out.int32(FastTextModel.VERSION);
    out.int32(args.dim());
    out.int32(args.ws());
    out.int32(args.epoch());
    out.int32(args.minCount());
    out.int32(args.neg());
    out.int32(args.wordNgrams());
    out.int32(args.loss().code);
    out.int32(args.model().code);
    out.int32(args.bucket());
    out.int32(args.minn());
    out.int32(args.maxn());
    out.int32(args.lrUpdateRate());
    out.float64(args.t());
    out.int32(dict.words.length);
    out.int32(dict.nwords);
    out.int32(dict.nlabels);
    out.int64(dict.ntokens);
    out.int64(-1); // not pruned
    for (int i = 0; i < dict.words.length; i++) {
      out.out.write(dict.words[i]);
      out.out.write(0);
      out.int64(dict.counts[i]);
      out.out.write(dict.types[i]);
    }
    out.out.write(0); // input not quantized
    out.matrix(wi, args.dim());
    out.out.write(0); // output not quantized
    out.matrix(wo, args.dim());
    out.out.flush();
  }

  /** fastText's {@code .vec}: "nwords dim", then each word and its vector, 5 significant digits. */
  static void writeVec(Writer out, FastTextModel model) throws IOException {
    Dictionary dict = model.dict;
    out.write(dict.nwords + " " + model.args().dim() + "\n");
    StringBuilder line = new StringBuilder();
    for (int i = 0; i < dict.nwords; i++) {
      String word = new String(dict.words[i], StandardCharsets.UTF_8);
      line.setLength(0);
      line.append(word).append(' ');
      for (float v : model.wordVector(word)) {
        line.append(CFormat.g(v, 5)).append(' ');
      }
      out.write(line.append('\n').toString());
    }
    out.flush();
  }

  /** Little-endian primitives over a stream. */
  private static final class LittleEndian {
    final DataOutputStream out;
    private final ByteBuffer scratch = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);

    LittleEndian(OutputStream out) {
      this.out = new DataOutputStream(out);
    }

    void int32(int v) throws IOException {
      out.writeInt(Integer.reverseBytes(v));
    }

    void int64(long v) throws IOException {
      out.writeLong(Long.reverseBytes(v));
    }

    void float64(double v) throws IOException {
      int64(Double.doubleToRawLongBits(v));
    }

    void matrix(float[] data, int cols) throws IOException {
      int64(data.length / cols);
      int64(cols);
      for (int i = 0; i < data.length; ) {
        scratch.clear();
        while (i < data.length && scratch.remaining() >= 4) {
          scratch.putFloat(data[i++]);
        }
        out.write(scratch.array(), 0, scratch.position());
      }
    }
  }
}
