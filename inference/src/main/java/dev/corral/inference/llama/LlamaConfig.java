package dev.corral.inference.llama;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import dev.corral.core.Errors;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;

/**
 * The architecture of a LLaMA-family checkpoint, read from Hugging Face's {@code config.json} and
 * checked in one place ({@link #validate}). Names follow llama2.c ({@code dim}, {@code hiddenDim},
 * {@code nLayers}, {@code nHeads}, {@code nKvHeads}, {@code headSize}); the JSON keys they come
 * from are in each comment.
 *
 * @param vocabSize vocab_size
 * @param dim hidden_size: width of the residual stream
 * @param hiddenDim intermediate_size: width of the SwiGLU feed-forward layer
 * @param nLayers num_hidden_layers
 * @param nHeads num_attention_heads: query heads
 * @param nKvHeads num_key_value_heads (default nHeads): key/value heads, shared by nHeads /
 *     nKvHeads queries
 * @param headSize head_dim (default dim / nHeads)
 * @param normEps rms_norm_eps
 * @param ropeTheta rope_theta (default 10000)
 * @param ropeScaling rope_scaling, or null for none
 * @param maxPositions max_position_embeddings: the longest sequence the engine accepts
 * @param tiedEmbeddings tie_word_embeddings: the output projection is the token embedding table
 * @param bosId bos_token_id, or -1 when absent
 * @param eosIds eos_token_id (a number or a list), possibly empty
 */
public record LlamaConfig(
    int vocabSize,
    int dim,
    int hiddenDim,
    int nLayers,
    int nHeads,
    int nKvHeads,
    int headSize,
    double normEps,
    double ropeTheta,
    RopeScaling ropeScaling,
    int maxPositions,
    boolean tiedEmbeddings,
    int bosId,
    int[] eosIds) {

  /**
   * Rope scaling from config.json's {@code rope_scaling}: {@code linear} divides every frequency by
   * {@code factor}; {@code llama3} (LLaMA 3.1+) divides only the low frequencies and blends the
   * middle band.
   *
   * @param type "linear" or "llama3"
   * @param factor factor
   * @param lowFreqFactor low_freq_factor (llama3 only)
   * @param highFreqFactor high_freq_factor (llama3 only)
   * @param originalMaxPositions original_max_position_embeddings (llama3 only)
   */
  public record RopeScaling(
      String type,
      double factor,
      double lowFreqFactor,
      double highFreqFactor,
      int originalMaxPositions) {}

  /** Reads and validates {@code dir/config.json}. */
  public static LlamaConfig read(Path dir) {
    return readFile(dir.resolve("config.json"));
  }

  /**
   * Reads and validates a config.json by any name (init-random reads one before it writes
   * anything).
   */
  static LlamaConfig readFile(Path file) {
    JsonObject json = parseObject(file);
    String where = file.toString();
    Keys k = new Keys(where, json);

    String modelType = k.optString("model_type", "llama");
    if (!modelType.equals("llama")) {
      throw Errors.unsupportedFeature(
          where, "model_type '" + modelType + "' (only 'llama' checkpoints)");
    }
    String act = k.optString("hidden_act", "silu");
    if (!act.equals("silu")) {
      throw Errors.unsupportedFeature(where, "hidden_act '" + act + "' (LLaMA uses silu)");
    }
    for (String bias : new String[] {"attention_bias", "mlp_bias"}) {
      if (k.optBoolean(bias, false)) {
        throw Errors.unsupportedFeature(where, bias + " = true (LLaMA layers have no biases)");
      }
    }
    int dim = k.requiredInt("hidden_size");
    int nHeads = k.requiredInt("num_attention_heads");
    int nKvHeads = k.optInt("num_key_value_heads", nHeads);
    int headSize = k.optInt("head_dim", nHeads > 0 && dim % nHeads == 0 ? dim / nHeads : -1);
    int maxPositions = k.requiredInt("max_position_embeddings");
    LlamaConfig config =
        new LlamaConfig(
            k.requiredInt("vocab_size"),
            dim,
            k.requiredInt("intermediate_size"),
            k.requiredInt("num_hidden_layers"),
            nHeads,
            nKvHeads,
            headSize,
            k.requiredDouble("rms_norm_eps"),
            k.optDouble("rope_theta", 10000.0),
            ropeScaling(k, maxPositions),
            maxPositions,
            k.optBoolean("tie_word_embeddings", false),
            k.optInt("bos_token_id", -1),
            k.optIds("eos_token_id"));
    config.validate(where);
    return config;
  }

  /** Checks every field against its domain and the others; the one place options are validated. */
  void validate(String where) {
    positive(where, "vocab_size", vocabSize);
    positive(where, "hidden_size", dim);
    positive(where, "intermediate_size", hiddenDim);
    positive(where, "num_hidden_layers", nLayers);
    positive(where, "num_attention_heads", nHeads);
    positive(where, "num_key_value_heads", nKvHeads);
    positive(where, "max_position_embeddings", maxPositions);
    if (headSize <= 0 || headSize % 2 != 0) {
      throw Errors.badConfig(
          where,
          "head_dim",
          "must be a positive even number (hidden_size / "
              + "num_attention_heads when absent), got "
              + headSize);
    }
    if (nHeads % nKvHeads != 0) {
      throw Errors.badConfig(
          where,
          "num_key_value_heads",
          "(" + nKvHeads + ") must divide num_attention_heads (" + nHeads + ")");
    }
    if (!(normEps > 0) || !Double.isFinite(normEps)) {
      throw Errors.badConfig(where, "rms_norm_eps", "must be a positive number, got " + normEps);
    }
    if (!(ropeTheta > 1) || !Double.isFinite(ropeTheta)) {
      throw Errors.badConfig(where, "rope_theta", "must be a number above 1, got " + ropeTheta);
    }
    if (bosId >= vocabSize) {
      throw Errors.badConfig(
          where, "bos_token_id", bosId + " is outside the vocabulary of " + vocabSize);
    }
    for (int eos : eosIds) {
      if (eos < 0 || eos >= vocabSize) {
        throw Errors.badConfig(
            where, "eos_token_id", eos + " is outside the vocabulary of " + vocabSize);
      }
    }
  }

  /**
   * The rotary inverse frequencies {@code theta^(-2i/headSize)} for i in [0, headSize/2), with rope
   * scaling applied as Hugging Face's {@code _compute_llama3_parameters} and linear scaling do; in
   * double precision.
   */
  public double[] ropeInvFreq() {
    double[] inv = new double[headSize / 2];
    for (int i = 0; i < inv.length; i++) {
      inv[i] = 1.0 / Math.pow(ropeTheta, (2.0 * i) / headSize);
    }
    if (ropeScaling == null) {
      return inv;
    }
    double factor = ropeScaling.factor();
    if (ropeScaling.type().equals("linear")) {
      for (int i = 0; i < inv.length; i++) {
        inv[i] /= factor;
      }
      return inv;
    }
    // llama3: wavelengths longer than old_context / low_freq_factor are slowed by `factor`, shorter
    // than
    // old_context / high_freq_factor are kept, and the band between is interpolated smoothly.
    double oldContext = ropeScaling.originalMaxPositions();
    double lowFreqWavelen = oldContext / ropeScaling.lowFreqFactor();
    double highFreqWavelen = oldContext / ropeScaling.highFreqFactor();
    for (int i = 0; i < inv.length; i++) {
      double wavelen = 2 * Math.PI / inv[i];
      if (wavelen > lowFreqWavelen) {
        inv[i] = inv[i] / factor;
      } else if (wavelen >= highFreqWavelen) {
        double smooth =
            (oldContext / wavelen - ropeScaling.lowFreqFactor())
                / (ropeScaling.highFreqFactor() - ropeScaling.lowFreqFactor());
        inv[i] = (1 - smooth) * inv[i] / factor + smooth * inv[i];
      }
    }
    return inv;
  }

  /** Whether {@code token} ends generation by default (one of eos_token_id). */
  public boolean isEos(int token) {
    for (int eos : eosIds) {
      if (eos == token) {
        return true;
      }
    }
    return false;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof LlamaConfig c && c.toString().equals(toString());
  }

  @Override
  public int hashCode() {
    return toString().hashCode();
  }

  @Override
  public String toString() {
    return String.format(
        Locale.ROOT,
        "LlamaConfig[vocab=%d, dim=%d, hiddenDim=%d, layers=%d, heads=%d, "
            + "kvHeads=%d, headSize=%d, eps=%s, theta=%s, ropeScaling=%s, maxPositions=%d, tied=%s, bos=%d, "
            + "eos=%s]",
        vocabSize,
        dim,
        hiddenDim,
        nLayers,
        nHeads,
        nKvHeads,
        headSize,
        normEps,
        ropeTheta,
        ropeScaling,
        maxPositions,
        tiedEmbeddings,
        bosId,
        Arrays.toString(eosIds));
  }

  private static RopeScaling ropeScaling(Keys k, int maxPositions) {
    JsonElement e = k.json.get("rope_scaling");
    if (e == null || e.isJsonNull()) {
      return null;
    }
    if (!e.isJsonObject()) {
      throw Errors.badConfig(k.where, "rope_scaling", "must be an object or null");
    }
    Keys s = new Keys(k.where, e.getAsJsonObject(), "rope_scaling.");
    String type = s.optString("rope_type", s.optString("type", "default"));
    switch (type) {
      case "default":
        return null;
      case "linear":
        {
          double factor = s.requiredDouble("factor");
          checkFactor(k.where, factor);
          return new RopeScaling("linear", factor, 0, 0, maxPositions);
        }
      case "llama3":
        {
          double factor = s.requiredDouble("factor");
          checkFactor(k.where, factor);
          double low = s.requiredDouble("low_freq_factor");
          double high = s.requiredDouble("high_freq_factor");
          if (!(low > 0) || !(high > low)) {
            throw Errors.badConfig(
                k.where,
                "rope_scaling",
                "needs 0 < low_freq_factor < high_freq_factor, got " + low + " and " + high);
          }
          int original = s.requiredInt("original_max_position_embeddings");
          if (original <= 0) {
            throw Errors.badConfig(
                k.where,
                "rope_scaling.original_max_position_embeddings",
                "must be positive, got " + original);
          }
          return new RopeScaling("llama3", factor, low, high, original);
        }
      default:
        throw Errors.unsupportedFeature(
            k.where, "rope_scaling type '" + type + "' (supported: linear, llama3)");
    }
  }

  private static void checkFactor(String where, double factor) {
    if (!(factor >= 1) || !Double.isFinite(factor)) {
      throw Errors.badConfig(where, "rope_scaling.factor", "must be a number >= 1, got " + factor);
    }
  }

  private static void positive(String where, String key, int value) {
    if (value <= 0) {
      throw Errors.badConfig(where, key, "must be positive, got " + value);
    }
  }

  /** Parses a JSON file whose top level must be an object. */
  static JsonObject parseObject(Path file) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw Errors.unreadable(file.toString(), e);
    }
    try {
      JsonElement e = JsonParser.parseString(text);
      if (!e.isJsonObject()) {
        throw Errors.badCheckpoint(file.toString(), "top level of the JSON is not an object");
      }
      return e.getAsJsonObject();
    } catch (JsonParseException e) {
      throw Errors.badCheckpoint(file.toString(), "malformed JSON: " + jsonError(e));
    }
  }

  /** Gson's message for a parse error, on one line and without the exception class name. */
  static String jsonError(JsonParseException e) {
    Throwable t = e.getCause() != null ? e.getCause() : e;
    String m = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    return m.lines().findFirst().orElse(m).trim();
  }

  /** Typed access to the keys of one JSON object, with errors that name the file and the key. */
  static final class Keys {
    final String where;
    final JsonObject json;
    private final String prefix;

    Keys(String where, JsonObject json) {
      this(where, json, "");
    }

    Keys(String where, JsonObject json, String prefix) {
      this.where = where;
      this.json = json;
      this.prefix = prefix;
    }

    private JsonElement get(String key) {
      JsonElement e = json.get(key);
      return e == null || e.isJsonNull() ? null : e;
    }

    int requiredInt(String key) {
      JsonElement e = get(key);
      if (e == null) {
        throw Errors.badConfig(where, prefix + key, "is missing");
      }
      return asInt(key, e);
    }

    int optInt(String key, int dflt) {
      JsonElement e = get(key);
      return e == null ? dflt : asInt(key, e);
    }

    double requiredDouble(String key) {
      JsonElement e = get(key);
      if (e == null) {
        throw Errors.badConfig(where, prefix + key, "is missing");
      }
      return asDouble(key, e);
    }

    double optDouble(String key, double dflt) {
      JsonElement e = get(key);
      return e == null ? dflt : asDouble(key, e);
    }

    boolean optBoolean(String key, boolean dflt) {
      JsonElement e = get(key);
      if (e == null) {
        return dflt;
      }
      if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isBoolean()) {
        throw Errors.badConfig(where, prefix + key, "must be true or false, got " + e);
      }
      return e.getAsBoolean();
    }

    String optString(String key, String dflt) {
      JsonElement e = get(key);
      if (e == null) {
        return dflt;
      }
      if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isString()) {
        throw Errors.badConfig(where, prefix + key, "must be a string, got " + e);
      }
      return e.getAsString();
    }

    /** A token id or a list of them (eos_token_id may be either); empty when absent. */
    int[] optIds(String key) {
      JsonElement e = get(key);
      if (e == null) {
        return new int[0];
      }
      if (e.isJsonArray()) {
        JsonArray a = e.getAsJsonArray();
        int[] ids = new int[a.size()];
        for (int i = 0; i < ids.length; i++) {
          ids[i] = asInt(key, a.get(i));
        }
        return ids;
      }
      return new int[] {asInt(key, e)};
    }

    private int asInt(String key, JsonElement e) {
      double d = asDouble(key, e);
      if (d != Math.rint(d) || d < Integer.MIN_VALUE || d > Integer.MAX_VALUE) {
        throw Errors.badConfig(where, prefix + key, "must be an integer, got " + e);
      }
      return (int) d;
    }

    private double asDouble(String key, JsonElement e) {
      if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isNumber()) {
        throw Errors.badConfig(where, prefix + key, "must be a number, got " + e);
      }
      return e.getAsDouble();
    }
  }
}
