package dev.corral.inference.llama;

import ai.djl.ndarray.types.DataType;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import dev.corral.core.Errors;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The tensors of a Hugging Face checkpoint in the safetensors format: {@code model.safetensors}, or
 * the shards listed by {@code model.safetensors.index.json}. A file is an 8-byte little-endian
 * header length {@code N}, {@code N} bytes of JSON ({@code name -> {dtype, shape, data_offsets:
 * [begin, end]}}, offsets relative to the end of the header), then the data.
 *
 * <p>Reading is defensive: the header length, every dtype, shape and offset pair are checked
 * against the file's size (and one another) before anything is allocated, and each error is one
 * line naming the file and the tensor. Only the header is read here; {@link Weights} maps the data.
 */
final class SafeTensors {
  /** The largest header the format allows (the reference implementation's limit). */
  static final long MAX_HEADER_BYTES = 100L << 20;

  static final String SINGLE_FILE = "model.safetensors";
  static final String INDEX_FILE = "model.safetensors.index.json";

  private SafeTensors() {}

  /** Element types the engine reads; weights are widened to f32 when loaded. */
  enum DType {
    F32(4, DataType.FLOAT32),
    F16(2, DataType.FLOAT16),
    BF16(2, DataType.BFLOAT16);

    final int bytes;
    final DataType djl;

    DType(int bytes, DataType djl) {
      this.bytes = bytes;
      this.djl = djl;
    }
  }

  /**
   * One tensor: where its bytes are and what they hold.
   *
   * @param name the tensor's name in the header
   * @param file the file holding it
   * @param dtype its element type
   * @param shape its dimensions (row-major)
   * @param offset absolute byte offset of its first element in {@code file}
   * @param length its size in bytes (elements x dtype size, checked)
   */
  record Entry(String name, Path file, DType dtype, long[] shape, long offset, long length) {
    long elements() {
      return length / dtype.bytes;
    }

    String shapeString() {
      return Arrays.toString(shape);
    }
  }

  /** Every tensor of the checkpoint in {@code dir}, single file or sharded, by name. */
  static Map<String, Entry> open(Path dir) {
    Path single = dir.resolve(SINGLE_FILE);
    Path index = dir.resolve(INDEX_FILE);
    if (Files.isRegularFile(single)) {
      return readHeader(single);
    }
    if (Files.isRegularFile(index)) {
      return readSharded(dir, index);
    }
    throw Errors.badCheckpoint(
        dir.toString(), "neither " + SINGLE_FILE + " nor " + INDEX_FILE + " is there");
  }

  /**
   * Reads the shards named by an index's {@code weight_map}; each tensor must sit in the shard it
   * names.
   */
  static Map<String, Entry> readSharded(Path dir, Path index) {
    JsonObject json = LlamaConfig.parseObject(index);
    JsonElement map = json.get("weight_map");
    if (map == null || !map.isJsonObject()) {
      throw Errors.badCheckpoint(index.toString(), "'weight_map' is missing or not an object");
    }
    Map<String, Path> shardOf = new LinkedHashMap<>();
    for (Map.Entry<String, JsonElement> e : map.getAsJsonObject().entrySet()) {
      JsonElement v = e.getValue();
      if (!v.isJsonPrimitive() || !v.getAsJsonPrimitive().isString()) {
        throw Errors.badTensor(
            index.toString(), e.getKey(), "weight_map value must be a file name");
      }
      Path shard = dir.resolve(v.getAsString()).normalize();
      if (!dir.normalize().equals(shard.getParent())) {
        throw Errors.badTensor(
            index.toString(),
            e.getKey(),
            "shard '" + v.getAsString() + "' is not a file in the checkpoint folder");
      }
      shardOf.put(e.getKey(), shard);
    }
    Map<Path, Map<String, Entry>> shards = new LinkedHashMap<>();
    for (Path shard : shardOf.values()) {
      shards.computeIfAbsent(shard, SafeTensors::readHeader);
    }
    Map<String, Entry> all = new LinkedHashMap<>();
    for (Map.Entry<String, Path> e : shardOf.entrySet()) {
      Entry entry = shards.get(e.getValue()).get(e.getKey());
      if (entry == null) {
        throw Errors.badTensor(
            index.toString(),
            e.getKey(),
            "the index puts it in "
                + e.getValue().getFileName()
                + " but that shard does not hold it");
      }
      all.put(e.getKey(), entry);
    }
    for (Map.Entry<Path, Map<String, Entry>> shard : shards.entrySet()) {
      for (String name : shard.getValue().keySet()) {
        if (!shardOf.containsKey(name)) {
          throw Errors.badTensor(
              shard.getKey().toString(), name, "is in the shard but not in " + INDEX_FILE);
        }
      }
    }
    return all;
  }

  /** Parses and checks the header of one safetensors file. */
  static Map<String, Entry> readHeader(Path file) {
    String where = file.toString();
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      long size = ch.size();
      if (size < 8) {
        throw Errors.badCheckpoint(
            where, "file is " + size + " bytes, too short for the 8-byte header length");
      }
      ByteBuffer lenBuf = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
      readFully(ch, lenBuf, 0, where);
      long headerLen = lenBuf.getLong(0);
      if (headerLen < 2 || headerLen > MAX_HEADER_BYTES || headerLen > size - 8) {
        throw Errors.badCheckpoint(
            where,
            "header length "
                + Long.toUnsignedString(headerLen)
                + " is impossible for a file of "
                + size
                + " bytes (must be 2.."
                + Math.min(MAX_HEADER_BYTES, size - 8)
                + ")");
      }
      ByteBuffer header = ByteBuffer.allocate((int) headerLen);
      readFully(ch, header, 8, where);
      String text;
      try {
        text =
            StandardCharsets.UTF_8
                .newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .decode(header.flip())
                .toString();
      } catch (CharacterCodingException e) {
        throw Errors.badCheckpoint(where, "header is not UTF-8");
      }
      JsonObject json;
      try {
        JsonElement parsed = JsonParser.parseString(text);
        if (!parsed.isJsonObject()) {
          throw Errors.badCheckpoint(where, "header is not a JSON object");
        }
        json = parsed.getAsJsonObject();
      } catch (JsonParseException e) {
        throw Errors.badCheckpoint(where, "header is not valid JSON: " + LlamaConfig.jsonError(e));
      }
      long dataStart = 8 + headerLen;
      return entries(file, json, dataStart, size - dataStart);
    } catch (IOException e) {
      throw Errors.unreadable(where, e);
    }
  }

  private static Map<String, Entry> entries(
      Path file, JsonObject json, long dataStart, long dataBytes) {
    String where = file.toString();
    Map<String, Entry> out = new LinkedHashMap<>();
    List<long[]> spans = new ArrayList<>();
    for (Map.Entry<String, JsonElement> e : json.entrySet()) {
      String name = e.getKey();
      if (name.equals("__metadata__")) {
        continue;
      }
      if (!e.getValue().isJsonObject()) {
        throw Errors.badTensor(where, name, "header entry is not an object");
      }
      JsonObject t = e.getValue().getAsJsonObject();
      JsonElement dt = t.get("dtype");
      if (dt == null || !dt.isJsonPrimitive() || !dt.getAsJsonPrimitive().isString()) {
        throw Errors.badTensor(where, name, "dtype is missing");
      }
      DType dtype;
      try {
        dtype = DType.valueOf(dt.getAsString());
      } catch (IllegalArgumentException ex) {
        throw Errors.badTensor(
            where, name, "dtype " + dt.getAsString() + " is not supported (F32, F16, BF16)");
      }
      long[] shape = longs(where, name, t.get("shape"), "shape", -1);
      long[] offsets = longs(where, name, t.get("data_offsets"), "data_offsets", 2);
      long elements = 1;
      try {
        for (long d : shape) {
          elements = Math.multiplyExact(elements, d);
        }
        Math.multiplyExact(elements, (long) dtype.bytes);
      } catch (ArithmeticException ex) {
        throw Errors.badTensor(where, name, "shape " + Arrays.toString(shape) + " is too large");
      }
      long begin = offsets[0];
      long end = offsets[1];
      if (begin > end) {
        throw Errors.badTensor(
            where, name, "data_offsets [" + begin + ", " + end + "] run backwards");
      }
      if (end > dataBytes) {
        throw Errors.badTensor(
            where,
            name,
            "data_offsets ["
                + begin
                + ", "
                + end
                + "] run past the end of the "
                + "data ("
                + dataBytes
                + " bytes; is the file truncated?)");
      }
      if (end - begin != elements * dtype.bytes) {
        throw Errors.badTensor(
            where,
            name,
            "data_offsets ["
                + begin
                + ", "
                + end
                + "] hold "
                + (end - begin)
                + " bytes but shape "
                + Arrays.toString(shape)
                + " of "
                + dtype
                + " needs "
                + elements * dtype.bytes);
      }
      spans.add(new long[] {begin, end, out.size()});
      out.put(name, new Entry(name, file, dtype, shape, dataStart + begin, end - begin));
    }
    // Tensors must not share bytes: the format lays them out back to back.
    spans.sort(Comparator.<long[]>comparingLong(s -> s[0]).thenComparingLong(s -> s[1]));
    List<String> names = new ArrayList<>(out.keySet());
    for (int i = 1; i < spans.size(); i++) {
      long[] prev = spans.get(i - 1);
      long[] cur = spans.get(i);
      if (cur[0] < prev[1] && cur[1] > cur[0]) {
        throw Errors.badTensor(
            where,
            names.get((int) cur[2]),
            "data overlaps tensor '" + names.get((int) prev[2]) + "'");
      }
    }
    return out;
  }

  private static long[] longs(String where, String name, JsonElement e, String key, int arity) {
    if (e == null || !e.isJsonArray()) {
      throw Errors.badTensor(where, name, key + " is missing or not a list");
    }
    JsonArray a = e.getAsJsonArray();
    if (arity >= 0 && a.size() != arity) {
      throw Errors.badTensor(
          where, name, key + " must have " + arity + " entries, has " + a.size());
    }
    long[] out = new long[a.size()];
    for (int i = 0; i < out.length; i++) {
      JsonElement v = a.get(i);
      if (!v.isJsonPrimitive() || !v.getAsJsonPrimitive().isNumber()) {
        throw Errors.badTensor(where, name, key + " holds a non-number: " + v);
      }
      double d = v.getAsDouble();
      if (d < 0 || d != Math.rint(d) || d > 0x1p62) {
        throw Errors.badTensor(where, name, key + " holds " + v + ", not a non-negative integer");
      }
      out[i] = v.getAsLong();
    }
    return out;
  }

  static void readFully(FileChannel ch, ByteBuffer buf, long position, String where)
      throws IOException {
    long pos = position;
    while (buf.hasRemaining()) {
      int n = ch.read(buf, pos);
      if (n < 0) {
        throw Errors.badCheckpoint(
            where, "file ends at byte " + pos + " while reading " + buf.limit() + " bytes");
      }
      pos += n;
    }
  }
}
