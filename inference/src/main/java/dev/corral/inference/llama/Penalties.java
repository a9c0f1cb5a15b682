package dev.corral.inference.llama;

import dev.corral.core.Errors;
import java.io.Serializable;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * Penalties on tokens a row has already seen (its prompt included), applied to its logits before
 * each pick. Two conventions, since users compare with both:
 *
 * <ul>
 *   <li>{@link Style#HUGGING_FACE} (the default, as {@code transformers}' {@code
 *       repetition_penalty}): every distinct token seen so far has its logit divided by {@code
 *       repeat} when positive, multiplied by it otherwise.
 *   <li>{@link Style#LLAMA_CPP} (as llama.cpp's penalties sampler): only the last {@code lastN}
 *       tokens count (-1: all of them; 0: none); a token seen there has its logit multiplied by
 *       {@code repeat} when {@code <= 0}, divided by it otherwise, then lowered by {@code count *
 *       frequency + presence}. Arithmetic is in float, as there.
 * </ul>
 *
 * <p>With greedy decoding the picks equal llama.cpp's (tested against continuations it made); with
 * sampling only the distribution is the same, since the random streams differ.
 */
public record Penalties(Style style, double repeat, int lastN, double frequency, double presence)
    implements Serializable {

  /** Whose convention the penalties follow. */
  public enum Style {
    HUGGING_FACE,
    LLAMA_CPP;

    /** {@code huggingface} or {@code llama.cpp}, as flags and params spell it. */
    public static Style parse(String name, String flag) {
      return switch (name.toLowerCase(java.util.Locale.ROOT)) {
        case "huggingface", "hf", "hugging_face" -> HUGGING_FACE;
        case "llama.cpp", "llamacpp", "llama_cpp" -> LLAMA_CPP;
        default -> throw Errors.badArgument(flag, name, "huggingface or llama.cpp");
      };
    }
  }

  /** llama.cpp's default window ({@code --repeat-last-n}). */
  public static final int LLAMA_CPP_LAST_N = 64;

  public Penalties {
    if (!(repeat > 0) || Double.isInfinite(repeat)) {
      throw Errors.badArgument("repetition penalty", repeat, "a finite number > 0");
    }
    if (lastN < -1) {
      throw Errors.badArgument("repeat last n", lastN, "-1 (all tokens), 0 (off) or a count");
    }
    if (!Double.isFinite(frequency) || !Double.isFinite(presence)) {
      throw Errors.badArgument(
          "frequency/presence penalty", frequency + "/" + presence, "finite numbers");
    }
    if (style == Style.HUGGING_FACE && (frequency != 0 || presence != 0 || lastN != -1)) {
      throw Errors.badArgument(
          "penalty style",
          "huggingface",
          "llama.cpp for a window, frequency or presence penalty (Hugging Face has none)");
    }
  }

  /** No penalty. */
  public static Penalties none() {
    return huggingFace(1);
  }

  /** Hugging Face's repetition penalty over every token seen. */
  public static Penalties huggingFace(double repeat) {
    return new Penalties(Style.HUGGING_FACE, repeat, -1, 0, 0);
  }

  /** llama.cpp's penalties over the last {@code lastN} tokens (-1: all). */
  public static Penalties llamaCpp(double repeat, int lastN, double frequency, double presence) {
    return new Penalties(Style.LLAMA_CPP, repeat, lastN, frequency, presence);
  }

  /**
   * The penalties a command line or a stage's params ask for; null is unset. A window, frequency or
   * presence penalty needs {@code llama.cpp}'s style (one-line error otherwise).
   *
   * @param style {@code huggingface} (default when null) or {@code llama.cpp}
   */
  public static Penalties of(
      String style, Double repeat, Integer lastN, Double frequency, Double presence) {
    double r = repeat == null ? 1 : repeat;
    Style s = style == null ? Style.HUGGING_FACE : Style.parse(style, "penalty style");
    if (s == Style.HUGGING_FACE) {
      if (lastN != null || frequency != null || presence != null) {
        throw Errors.badArgument(
            "penalty style",
            "huggingface",
            "llama.cpp to set a window, frequency or presence penalty (Hugging Face has none)");
      }
      return huggingFace(r);
    }
    return llamaCpp(
        r,
        lastN == null ? LLAMA_CPP_LAST_N : lastN,
        frequency == null ? 0 : frequency,
        presence == null ? 0 : presence);
  }

  /** Whether any logit can change. */
  public boolean active() {
    return style == Style.HUGGING_FACE
        ? repeat != 1
        : lastN != 0 && (repeat != 1 || frequency != 0 || presence != 0);
  }

  /** A row's state, primed with its prompt. */
  Row start(int[] prompt) {
    Row row = style == Style.HUGGING_FACE ? new SeenSet() : new Window();
    for (int id : prompt) {
      row.accept(id);
    }
    return row;
  }

  /** What one row has seen, and its penalties on one row of logits. */
  abstract static class Row {
    abstract void accept(int token);

    /** Penalizes {@code logits[from + id]} for every token {@code id} seen. */
    abstract void apply(float[] logits, int from);
  }

  private final class SeenSet extends Row {
    private final Set<Integer> seen = new LinkedHashSet<>();

    @Override
    void accept(int token) {
      seen.add(token);
    }

    @Override
    void apply(float[] logits, int from) {
      for (int id : seen) {
        float x = logits[from + id];
        logits[from + id] = (float) (x > 0 ? x / repeat : x * repeat);
      }
    }
  }

  private final class Window extends Row {
    private final float repeatF = (float) repeat;
    private final float frequencyF = (float) frequency;
    private final float presenceF = (float) presence;
    // the last lastN tokens, oldest first once full; all of them when lastN is -1
    private int[] ring = new int[lastN > 0 ? lastN : 16];
    private int size;
    private int next;
    private final Map<Integer, Integer> counts = new HashMap<>();

    @Override
    void accept(int token) {
      if (lastN == 0) {
        return;
      }
      if (lastN > 0 && size == lastN) {
        counts.merge(ring[next], -1, (a, b) -> a + b == 0 ? null : a + b);
        ring[next] = token;
        next = (next + 1) % lastN;
      } else {
        if (size == ring.length) {
          ring = java.util.Arrays.copyOf(ring, size * 2);
        }
        ring[size++] = token;
        next = size % ring.length;
      }
      counts.merge(token, 1, Integer::sum);
    }

    @Override
    void apply(float[] logits, int from) {
      for (Map.Entry<Integer, Integer> e : counts.entrySet()) {
        int at = from + e.getKey();
        int count = e.getValue();
        float x = logits[at];
        x = x <= 0 ? x * repeatF : x / repeatF;
        logits[at] = x - (count * frequencyF + presenceF);
      }
    }
  }
}
