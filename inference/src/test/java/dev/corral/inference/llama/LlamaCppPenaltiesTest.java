package dev.corral.inference.llama;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.corral.core.CorralException;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * llama.cpp's penalties against llama.cpp itself: greedy continuations of llama-tiny that
 * llama.cpp's penalties sampler chose ({@code llamacpp-penalties/}, made by the script beside
 * them), for windows of 4, 64 and the whole context, repeat penalties above and below 1, and
 * frequency and presence penalties.
 */
class LlamaCppPenaltiesTest {
  static LlamaModel model;

  @BeforeAll
  static void load() {
    model = LlamaModel.load(Fixtures.tinyDir());
  }

  @AfterAll
  static void close() {
    model.close();
  }

  record Case(int[] prompt, Penalties penalties, int[] continuation) {}

  static List<Case> cases() throws IOException {
    try (InputStream in =
        LlamaCppPenaltiesTest.class.getResourceAsStream(
            "/llamacpp-penalties/penalty-reference.json")) {
      JsonNode root = new ObjectMapper().readTree(in);
      List<Case> out = new ArrayList<>();
      for (JsonNode c : root.get("cases")) {
        out.add(
            new Case(
                ints(c.get("prompt_ids")),
                Penalties.llamaCpp(
                    c.get("penalty_repeat").asDouble(),
                    c.get("penalty_last_n").asInt(),
                    c.get("penalty_freq").asDouble(),
                    c.get("penalty_present").asDouble()),
                ints(c.get("continuation"))));
      }
      return out;
    }
  }

  static int[] ints(JsonNode array) {
    int[] out = new int[array.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = array.get(i).asInt();
    }
    return out;
  }

  @Test
  void greedyContinuationsEqualLlamaCpps() throws IOException {
    Map<Penalties, List<Case>> bySetting = new LinkedHashMap<>();
    for (Case c : cases()) {
      bySetting.computeIfAbsent(c.penalties(), k -> new ArrayList<>()).add(c);
    }
    assertEquals(8, bySetting.size());
    int changed = 0;
    for (Map.Entry<Penalties, List<Case>> e : bySetting.entrySet()) {
      List<int[]> prompts = e.getValue().stream().map(Case::prompt).toList();
      // batched, so rows of different lengths share the padded forward passes
      List<Generator.Generation> got =
          Generator.builder()
              .setModel(model)
              .optMaxNewTokens(16)
              .optPenalties(e.getKey())
              .optBatchSize(8)
              .build()
              .generateIds(prompts);
      List<Generator.Generation> plain =
          Generator.builder().setModel(model).optMaxNewTokens(16).build().generateIds(prompts);
      for (int i = 0; i < prompts.size(); i++) {
        int[] tokens = got.get(i).tokens();
        int[] expected = e.getValue().get(i).continuation();
        // llama.cpp's run ignored eos; the engine stops at it
        assertArrayEquals(
            Arrays.copyOf(expected, tokens.length), tokens, e.getKey() + ", prompt " + i);
        if (!Arrays.equals(tokens, plain.get(i).tokens())) {
          changed++;
        }
      }
    }
    // the golden's settings that raise seen tokens change most continuations: the test has teeth
    assertTrue(changed >= 20, "only " + changed + " continuations changed by penalties");
  }

  @Test
  void windowCountsOnlyTheLastTokens() {
    float[] logits = {2f, 2f, 2f, -2f};
    // window of 2 over 0, 1, 3, 3: token 0 and 1 left it, 3 is there twice
    Penalties.Row row = Penalties.llamaCpp(2, 2, 0.5, 0.25).start(new int[] {0, 1, 3, 3});
    row.apply(logits, 0);
    assertArrayEquals(new float[] {2f, 2f, 2f, -2f * 2 - (2 * 0.5f + 0.25f)}, logits);
    row.accept(1); // window: 3, 1
    float[] next = {2f, 2f, 2f, -2f};
    row.apply(next, 0);
    assertArrayEquals(new float[] {2f, 1f - 0.75f, 2f, -4f - 0.75f}, next);
  }

  @Test
  void badSettingsAreRefusedWithTheirName() {
    CorralException e =
        assertThrows(CorralException.class, () -> Penalties.llamaCpp(1.1, -2, 0, 0));
    assertTrue(e.getMessage().contains("repeat last n"), e.getMessage());
    e =
        assertThrows(
            CorralException.class,
            () -> new Penalties(Penalties.Style.HUGGING_FACE, 1.1, -1, 0.5, 0));
    assertTrue(e.getMessage().contains("llama.cpp"), e.getMessage());
    assertEquals(false, Penalties.llamaCpp(1.3, 0, 0, 0).active());
    assertEquals(false, Penalties.llamaCpp(1, 64, 0, 0).active());
  }
}
