package dev.corral.inference.llama;

import dev.corral.core.Errors;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Generation defaults from the checkpoint's {@code generation_config.json} (absent: greedy, the
 * config.json's eos). {@link Generator} starts from these and its {@code opt*} calls override them.
 *
 * @param doSample do_sample: sample (true) or take the argmax (false)
 * @param temperature temperature (default 1.0), used when sampling
 * @param topK top_k (default 50, 0 = off), used when sampling
 * @param topP top_p (default 1.0 = off), used when sampling
 * @param maxNewTokens max_new_tokens, or -1 when the file does not say
 * @param eosIds eos_token_id (a number or a list), or config.json's when absent
 */
public record GenerationConfig(
    boolean doSample, double temperature, int topK, double topP, int maxNewTokens, int[] eosIds) {

  static final String FILE = "generation_config.json";

  /**
   * Reads {@code dir/generation_config.json}, falling back to Hugging Face's defaults and {@code
   * model}.
   */
  static GenerationConfig read(Path dir, LlamaConfig model) {
    Path file = dir.resolve(FILE);
    if (!Files.isRegularFile(file)) {
      return new GenerationConfig(false, 1.0, 50, 1.0, -1, model.eosIds());
    }
    LlamaConfig.Keys k = new LlamaConfig.Keys(file.toString(), LlamaConfig.parseObject(file));
    int[] eos = k.optIds("eos_token_id");
    GenerationConfig g =
        new GenerationConfig(
            k.optBoolean("do_sample", false),
            k.optDouble("temperature", 1.0),
            k.optInt("top_k", 50),
            k.optDouble("top_p", 1.0),
            k.optInt("max_new_tokens", -1),
            eos.length == 0 ? model.eosIds() : eos);
    if (!(g.temperature() >= 0) || g.topK() < 0 || !(g.topP() > 0 && g.topP() <= 1)) {
      throw Errors.badConfig(
          file.toString(),
          "temperature/top_k/top_p",
          "must be >= 0, >= 0 and in (0, 1], got "
              + g.temperature()
              + ", "
              + g.topK()
              + ", "
              + g.topP());
    }
    for (int id : g.eosIds()) {
      if (id < 0 || id >= model.vocabSize()) {
        throw Errors.badConfig(file.toString(), "eos_token_id", id + " is outside the vocabulary");
      }
    }
    return g;
  }
}
