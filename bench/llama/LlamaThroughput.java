// Corral's LLaMA engine throughput, as a single-file program: java -cp corral.jar
// LlamaThroughput.java MODEL_DIR REPS
// Prints "pp16x256 SECONDS", "gen_b1 SECONDS TOKENS", "gen_b16 SECONDS TOKENS" per repetition.
import dev.corral.inference.llama.Generator;
import dev.corral.inference.llama.LlamaModel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

public class LlamaThroughput {
  static List<int[]> prompts(int n, int len, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    List<int[]> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      int[] ids = new int[len];
      ids[0] = 1;
      for (int j = 1; j < len; j++) {
        ids[j] = 3 + r.nextInt(31997);
      }
      out.add(ids);
    }
    return out;
  }

  static int count(List<Generator.Generation> gens) {
    int n = 0;
    for (Generator.Generation g : gens) {
      n += g.tokens().length;
    }
    return n;
  }

  public static void main(String[] args) {
    int reps = Integer.parseInt(args[1]);
    int newTokens = 32;
    try (LlamaModel model = LlamaModel.load(Path.of(args[0]))) {
      List<int[]> pp = prompts(16, 256, 1);
      List<int[]> short1 = prompts(1, 16, 2);
      List<int[]> short16 = prompts(16, 16, 3);
      // rep -1 is a warm-up, not printed: the JIT compiles the decode loop's Java side (a cold
      // first run of
      // batch-1 generation is ~1.5x slower than the steady state a long job runs in)
      for (int rep = -1; rep < reps; rep++) {
        // prompt processing: the prefill of 16 x 256 tokens in one batch (logits of the last slot
        // only)
        long t0 = System.nanoTime();
        Generator.builder()
            .setModel(model)
            .optMaxNewTokens(1)
            .optBatchSize(16)
            .build()
            .generateIds(pp);
        if (rep >= 0) System.out.printf("pp16x256 %.3f%n", (System.nanoTime() - t0) / 1e9);
        for (int batch : new int[] {1, 16}) {
          List<int[]> p = batch == 1 ? short1 : short16;
          Generator gen =
              Generator.builder()
                  .setModel(model)
                  .optMaxNewTokens(newTokens)
                  .optBatchSize(batch)
                  .build();
          // generation speed: time of the run minus the time of its prefill + first token
          long a = System.nanoTime();
          Generator.builder()
              .setModel(model)
              .optMaxNewTokens(1)
              .optBatchSize(batch)
              .build()
              .generateIds(p);
          long prefill = System.nanoTime() - a;
          long b = System.nanoTime();
          int tokens = count(gen.generateIds(p)) - batch;
          double secs = (System.nanoTime() - b - prefill) / 1e9;
          if (rep >= 0) System.out.printf("gen_b%d %.3f %d%n", batch, secs, tokens);
        }
      }
    }
  }
}
