package dev.corral.inference.spark;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The shared llama-tiny checkpoint and what its reference.json says (llama.cpp's outputs). */
public final class TinyLlama {
  private TinyLlama() {}

  /** A prompt with llama.cpp's log-probabilities of its tokens and its 16 greedy tokens. */
  record Reference(
      String text,
      int[] promptIds,
      double[] nextTokenLogProbs,
      double promptLogProb,
      int[] greedy) {}

  public static Path dir() {
    Path p =
        Path.of(System.getProperty("corral.shared.dir", "../../shared"), "fixtures", "llama-tiny");
    if (!Files.isRegularFile(p.resolve("model.safetensors"))) {
      throw new IllegalStateException(
          "llama-tiny fixture not found at " + p.toAbsolutePath() + "; set -Dcorral.shared.dir");
    }
    return p.toAbsolutePath().normalize();
  }

  static List<Reference> references() {
    try {
      String json = Files.readString(dir().resolve("reference.json"), StandardCharsets.UTF_8);
      List<Reference> out = new ArrayList<>();
      for (JsonElement e : JsonParser.parseString(json).getAsJsonArray()) {
        JsonObject o = e.getAsJsonObject();
        JsonArray lps = o.getAsJsonArray("next_token_logprobs");
        double[] lp = new double[lps.size()];
        for (int i = 0; i < lp.length; i++) {
          lp[i] = lps.get(i).getAsDouble();
        }
        out.add(
            new Reference(
                o.get("text").getAsString(),
                ints(o.getAsJsonArray("prompt_ids")),
                lp,
                o.get("prompt_logprob").getAsDouble(),
                ints(o.getAsJsonArray("greedy_continuation"))));
      }
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static int[] ints(JsonArray a) {
    int[] out = new int[a.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = a.get(i).getAsInt();
    }
    return out;
  }
}
