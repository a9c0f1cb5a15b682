package dev.corral.jobs.card;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.corral.core.Errors;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * What a recipe ran, as its record {@code DIR/_corral/recipe.json} says:
 *
 * <pre>{@code
 * {"recipe": "llama", "config": "conf/llama-recipe.yaml", "config_sha256": "…",
 *  "steps": [{"source": "wikipedia", "step": "source", "job": "wikipedia",
 *             "output": "DIR/wikipedia/source", "status": "ran", "run_key": "…",
 *             "wall_s": 12.5, "cpu_s": 30.1}, …],
 *  "mixture": {"source": "mixture", "step": "mixture", "job": "mixture", "output": "DIR/mixture", …}}
 * }</pre>
 *
 * Without that file, the steps are found by their run records, {@code DIR/<source>/<step>/_corral/
 * <job>.json}, and the mixture by {@code DIR/<name>/_corral/mixture.json}.
 *
 * @param recipe the recipe's name, null when unknown
 * @param config the recipe's config file, null when unknown
 * @param json recipe.json as read, null when the steps were discovered
 * @param steps the steps, in the order they ran
 * @param mixture the mixture step, null for none
 */
record RecipeRecord(String recipe, String config, JsonNode json, List<Step> steps, Step mixture) {
  static final String FILE = "_corral/recipe.json";
  static final String MIXTURE_JOB = "mixture";
  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * One step: a job's output folder and how it ran ({@code wall_s}/{@code cpu_s} NaN when unknown).
   */
  record Step(
      String source,
      String step,
      String job,
      String output,
      String status,
      String key,
      double wallS,
      double cpuS) {}

  /** The record of the recipe in {@code dir}, or the steps found there. */
  static RecipeRecord read(FileSystem fs, Path dir) {
    Path file = new Path(dir, FILE);
    try {
      if (fs.exists(file)) {
        return parse(fs, dir, file);
      }
      return discover(fs, dir);
    } catch (IOException e) {
      throw Errors.unreadable(file.toString(), e);
    }
  }

  private static RecipeRecord parse(FileSystem fs, Path dir, Path file) throws IOException {
    JsonNode root;
    try (InputStream in = fs.open(file)) {
      root = JSON.readTree(in);
    } catch (IOException e) {
      throw Errors.badInput(file.toString(), "is not JSON: " + e.getMessage());
    }
    if (!root.path("steps").isArray()) {
      throw Errors.badInput(file.toString(), "has no \"steps\" array");
    }
    List<Step> steps = new ArrayList<>();
    Step mixture = root.hasNonNull("mixture") ? step(file, dir, root.get("mixture"), true) : null;
    for (JsonNode s : root.get("steps")) {
      Step step = step(file, dir, s, false);
      if (mixture == null && MIXTURE_JOB.equals(step.job())) {
        mixture = step;
      } else {
        steps.add(step);
      }
    }
    return new RecipeRecord(
        text(root, "recipe"), text(root, "config"), root, List.copyOf(steps), mixture);
  }

  private static Step step(Path file, Path dir, JsonNode s, boolean mixture) {
    String output = text(s, "output");
    String source = text(s, "source");
    String job = text(s, "job");
    if (output == null || (!mixture && (source == null || job == null))) {
      throw Errors.badInput(
          file.toString(), "a step lacks \"output\", \"source\" or \"job\": " + s.toString());
    }
    if (!new Path(output).isAbsolute() && !output.contains(":")) {
      output = new Path(dir, output).toString(); // relative to the recipe's folder
    }
    String step = text(s, "step") == null ? (job == null ? MIXTURE_JOB : job) : text(s, "step");
    if (source != null && step.startsWith(source + "/")) {
      step = step.substring(source.length() + 1); // the runner names a step source/step
    }
    return new Step(
        source == null ? MIXTURE_JOB : source,
        step,
        job == null ? MIXTURE_JOB : job,
        output,
        text(s, "status") == null ? "complete" : text(s, "status"),
        text(s, "key") == null ? text(s, "run_key") : text(s, "key"),
        s.path("wall_s").isNumber() ? s.get("wall_s").asDouble() : Double.NaN,
        s.path("cpu_s").isNumber() ? s.get("cpu_s").asDouble() : Double.NaN);
  }

  /**
   * The steps of a folder without recipe.json: every {@code <source>/<step>/_corral/<job>.json}.
   */
  private static RecipeRecord discover(FileSystem fs, Path dir) throws IOException {
    if (!fs.exists(dir) || !fs.getFileStatus(dir).isDirectory()) {
      throw Errors.badUsage("--input " + dir, "is not a folder");
    }
    List<Step> steps = new ArrayList<>();
    Step mixture = null;
    for (FileStatus source : sorted(fs, dir)) {
      if (!source.isDirectory() || hidden(source.getPath())) {
        continue;
      }
      Path mixtureRecord = new Path(source.getPath(), "_corral/" + MIXTURE_JOB + ".json");
      if (fs.exists(mixtureRecord)) {
        mixture =
            new Step(
                MIXTURE_JOB,
                MIXTURE_JOB,
                MIXTURE_JOB,
                source.getPath().toString(),
                "complete",
                null,
                Double.NaN,
                Double.NaN);
        continue;
      }
      for (FileStatus step : sorted(fs, source.getPath())) {
        Path records = new Path(step.getPath(), "_corral");
        if (!step.isDirectory() || hidden(step.getPath()) || !fs.exists(records)) {
          continue;
        }
        for (FileStatus record : sorted(fs, records)) {
          String name = record.getPath().getName();
          if (record.isFile() && name.endsWith(".json") && !name.equals("output.json")) {
            steps.add(
                new Step(
                    source.getPath().getName(),
                    step.getPath().getName(),
                    name.substring(0, name.length() - ".json".length()),
                    step.getPath().toString(),
                    "complete",
                    null,
                    Double.NaN,
                    Double.NaN));
          }
        }
      }
    }
    if (steps.isEmpty() && mixture == null) {
      throw Errors.badInput(
          dir.toString(),
          "holds neither " + FILE + " nor any <source>/<step>/_corral/<job>.json run record");
    }
    return new RecipeRecord(null, null, null, List.copyOf(steps), mixture);
  }

  private static List<FileStatus> sorted(FileSystem fs, Path dir) throws IOException {
    List<FileStatus> list = new ArrayList<>(List.of(fs.listStatus(dir)));
    list.sort(Comparator.comparing(f -> f.getPath().getName()));
    return list;
  }

  private static boolean hidden(Path p) {
    return p.getName().startsWith(".") || p.getName().startsWith("_");
  }

  private static String text(JsonNode node, String field) {
    JsonNode v = node.get(field);
    return v == null || v.isNull() ? null : v.asText();
  }
}
