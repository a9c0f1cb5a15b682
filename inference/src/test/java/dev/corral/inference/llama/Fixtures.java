package dev.corral.inference.llama;

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

/** The shared llama-tiny checkpoint and its reference outputs (llama.cpp and numpy). */
final class Fixtures {
  private Fixtures() {}

  static Path tinyDir() {
    Path p =
        Path.of(System.getProperty("corral.shared.dir", "../../shared"), "fixtures", "llama-tiny");
    if (!Files.isRegularFile(p.resolve("model.safetensors"))) {
      throw new IllegalStateException(
          "llama-tiny fixture not found at " + p.toAbsolutePath() + "; set -Dcorral.shared.dir");
    }
    return p;
  }

  /** One prompt of reference.json. */
  record Reference(
      String text,
      int[] promptIds,
      int[][] top10Ids,
      double[][] top10LogProbs,
      double[] nextTokenLogProbs,
      double[] numpyNextTokenLogProbs,
      double promptLogProb,
      int[] greedy,
      int[] numpyGreedy) {}

  static List<Reference> references() {
    String text;
    try {
      text = Files.readString(tinyDir().resolve("reference.json"), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    List<Reference> out = new ArrayList<>();
    for (JsonElement e : JsonParser.parseString(text).getAsJsonArray()) {
      JsonObject o = e.getAsJsonObject();
      JsonArray top = o.getAsJsonArray("top10");
      int[][] ids = new int[top.size()][];
      double[][] lps = new double[top.size()][];
      for (int i = 0; i < top.size(); i++) {
        JsonArray row = top.get(i).getAsJsonArray();
        ids[i] = new int[row.size()];
        lps[i] = new double[row.size()];
        for (int j = 0; j < row.size(); j++) {
          ids[i][j] = row.get(j).getAsJsonArray().get(0).getAsInt();
          lps[i][j] = row.get(j).getAsJsonArray().get(1).getAsDouble();
        }
      }
      out.add(
          new Reference(
              o.get("text").getAsString(),
              ints(o.getAsJsonArray("prompt_ids")),
              ids,
              lps,
              doubles(o.getAsJsonArray("next_token_logprobs")),
              doubles(o.getAsJsonArray("numpy_next_token_logprobs")),
              o.get("prompt_logprob").getAsDouble(),
              ints(o.getAsJsonArray("greedy_continuation")),
              ints(o.getAsJsonArray("numpy_greedy_continuation"))));
    }
    return out;
  }

  private static int[] ints(JsonArray a) {
    int[] out = new int[a.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = a.get(i).getAsInt();
    }
    return out;
  }

  private static double[] doubles(JsonArray a) {
    double[] out = new double[a.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = a.get(i).getAsDouble();
    }
    return out;
  }
}
