// Resident memory of loading a checkpoint into Corral's LLaMA engine, as a single-file program:
//   java -cp corral.jar LoadMemory.java F32_MODEL_DIR DTYPE WORK_DIR
// DTYPE F32 loads the folder as it is; F16 or BF16 first writes a copy of it in that dtype under
// WORK_DIR
// (rounded to nearest even), then loads the copy. Prints one line:
//   load DTYPE f32_weight_mib baseline_mib peak_mib ratio
// baseline = VmRSS once libtorch is loaded and has run an op (what every engine process has before
// a model),
// peak = VmHWM after loading and scoring one text (which reads every weight), ratio = (peak -
// baseline) / the
// f32 weights.
import ai.djl.ndarray.NDManager;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.corral.inference.llama.LlamaModel;
import dev.corral.inference.llama.Scorer;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;

public class LoadMemory {
  static long statusKib(String field) throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
      if (line.startsWith(field + ":")) {
        return Long.parseLong(line.replaceAll("[^0-9]", ""));
      }
    }
    throw new IllegalStateException(field);
  }

  /**
   * A copy of the F32 checkpoint in {@code src} with every tensor in {@code dtype} (F16 or BF16).
   */
  static Path convert(Path src, String dtype, Path dst) throws IOException {
    if (Files.isRegularFile(dst.resolve("model.safetensors"))) {
      return dst;
    }
    Files.createDirectories(dst);
    for (String f : List.of("config.json", "generation_config.json", "tokenizer.json")) {
      if (Files.isRegularFile(src.resolve(f))) {
        Files.copy(src.resolve(f), dst.resolve(f));
      }
    }
    try (FileChannel in =
            FileChannel.open(src.resolve("model.safetensors"), StandardOpenOption.READ);
        FileChannel out =
            FileChannel.open(
                dst.resolve("model.safetensors"),
                StandardOpenOption.CREATE,
                StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
      ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
      in.read(len, 0);
      long n = len.getLong(0);
      ByteBuffer hb = ByteBuffer.allocate((int) n);
      in.read(hb, 8);
      JsonObject header =
          JsonParser.parseString(new String(hb.array(), StandardCharsets.UTF_8)).getAsJsonObject();
      long dataStart = 8 + n;
      // every tensor halves: new offsets are the old ones / 2 (all tensors are F32 and laid out
      // back to back)
      for (Map.Entry<String, com.google.gson.JsonElement> e : header.entrySet()) {
        if (e.getKey().equals("__metadata__")) {
          continue;
        }
        JsonObject t = e.getValue().getAsJsonObject();
        t.addProperty("dtype", dtype);
        var offsets = t.getAsJsonArray("data_offsets");
        long begin = offsets.get(0).getAsLong() / 2;
        long end = offsets.get(1).getAsLong() / 2;
        offsets.set(0, new com.google.gson.JsonPrimitive(begin));
        offsets.set(1, new com.google.gson.JsonPrimitive(end));
      }
      byte[] h = header.toString().getBytes(StandardCharsets.UTF_8);
      int pad = (8 - h.length % 8) % 8;
      ByteBuffer head = ByteBuffer.allocate(8 + h.length + pad).order(ByteOrder.LITTLE_ENDIAN);
      head.putLong(h.length + pad).put(h);
      for (int i = 0; i < pad; i++) {
        head.put((byte) ' ');
      }
      out.write(head.flip());
      ByteBuffer src32 = ByteBuffer.allocateDirect(1 << 24).order(ByteOrder.LITTLE_ENDIAN);
      ByteBuffer dst16 = ByteBuffer.allocateDirect(1 << 23).order(ByteOrder.LITTLE_ENDIAN);
      for (long pos = dataStart; pos < in.size(); ) {
        src32.clear();
        int read = in.read(src32, pos);
        pos += read;
        src32.flip();
        dst16.clear();
        while (src32.remaining() >= 4) {
          float f = src32.getFloat();
          dst16.putShort(dtype.equals("BF16") ? bf16(f) : f16(f));
        }
        out.write(dst16.flip());
      }
    }
    return dst;
  }

  /**
   * IEEE half, nearest even; the model's weights are small normals, so subnormal halves flush to
   * zero.
   */
  static short f16(float f) {
    int bits = Float.floatToRawIntBits(f);
    int sign = (bits >>> 16) & 0x8000;
    int exp = ((bits >>> 23) & 0xff) - 127 + 15;
    int mant = bits & 0x7fffff;
    if (exp <= 0) {
      return (short) sign;
    }
    int rounded =
        (exp << 23 | mant)
            + 0xfff
            + ((mant >>> 13) & 1); // exponent and mantissa, rounded at bit 13
    return (short) (sign | Math.min(rounded >>> 13, 0x7c00));
  }

  static short bf16(float f) {
    int bits = Float.floatToRawIntBits(f);
    return (short) ((bits + 0x7fff + ((bits >>> 16) & 1)) >>> 16);
  }

  public static void main(String[] args) throws IOException {
    Path f32 = Path.of(args[0]);
    String dtype = args[1];
    Path dir =
        dtype.equals("F32")
            ? f32
            : convert(f32, dtype, Path.of(args[2]).resolve("llama-100m-" + dtype.toLowerCase()));
    try (NDManager m = NDManager.newBaseManager("PyTorch")) {
      m.ones(new ai.djl.ndarray.types.Shape(4)).sum().getFloat(); // libtorch loaded and initialised
    }
    System.gc();
    long baseline = statusKib("VmRSS");
    long weightBytes = Files.size(f32.resolve("model.safetensors"));
    try (LlamaModel model = LlamaModel.load(dir)) {
      int[] ids = new int[64];
      for (int i = 0; i < ids.length; i++) {
        ids[i] = 1 + i * 97;
      }
      Scorer.builder().setModel(model).build().scoreIds(List.of(ids));
      long peak = statusKib("VmHWM");
      System.out.printf(
          "load %s %.0f %.0f %.0f %.3f%n",
          dtype,
          weightBytes / 1048576.0,
          baseline / 1024.0,
          peak / 1024.0,
          (peak - baseline) * 1024.0 / weightBytes);
    }
  }
}
