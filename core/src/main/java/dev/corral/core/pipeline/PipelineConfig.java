package dev.corral.core.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.corral.core.Errors;
import dev.corral.core.stage.StageRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineStage;

/**
 * A curation pipeline as written in a YAML file:
 *
 * <pre>
 * name: ccnet-quality
 * input:  {path: docs.jsonl, format: json}     # optional; the job's --input wins
 * output: {path: curated, format: delta}       # optional; the job's --output wins
 * stages:
 *   - stage: LanguageIdentifier
 *     params: {inputCol: text, minScore: 0.5}
 *   - stage: GopherQualityFilter
 * </pre>
 *
 * Unknown keys, stages and params are errors that name the file and the key.
 */
public final class PipelineConfig {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final Set<String> TOP = Set.of("name", "description", "input", "output", "stages");
  private static final Set<String> IO = Set.of("path", "format", "text_column");
  private static final Set<String> STAGE = Set.of("stage", "params");

  private final String source;
  private final String name;
  private final Map<String, String> input;
  private final Map<String, String> output;
  private final List<String> stageNames = new ArrayList<>();
  private final List<Map<String, Object>> stageParams = new ArrayList<>();

  private PipelineConfig(String source, JsonNode root) {
    this.source = source;
    if (root == null || !root.isObject()) {
      throw Errors.badUsage(source, "expected a YAML mapping with 'stages'");
    }
    checkKeys(root, TOP, source);
    name = root.path("name").asText(Path.of(source).getFileName().toString());
    input = io(root.get("input"), source + ": input");
    output = io(root.get("output"), source + ": output");
    JsonNode stages = root.get("stages");
    if (stages == null || !stages.isArray() || stages.isEmpty()) {
      throw Errors.badUsage(source, "'stages' must be a non-empty list");
    }
    for (int i = 0; i < stages.size(); i++) {
      String where = source + ": stages[" + i + "]";
      JsonNode s = stages.get(i);
      if (!s.isObject() || !s.has("stage")) {
        throw Errors.badUsage(where, "each stage needs 'stage: NAME' (and optional 'params')");
      }
      checkKeys(s, STAGE, where);
      stageNames.add(s.get("stage").asText());
      Map<String, Object> params = new LinkedHashMap<>();
      if (s.has("params")) {
        if (!s.get("params").isObject()) {
          throw Errors.badUsage(where, "'params' must be a mapping of param names to values");
        }
        s.get("params")
            .fields()
            .forEachRemaining(
                e -> params.put(e.getKey(), JSON.convertValue(e.getValue(), Object.class)));
      }
      stageParams.add(params);
    }
  }

  /** Reads and checks a pipeline file. */
  public static PipelineConfig read(Path file) {
    try (InputStream in = Files.newInputStream(file)) {
      return new PipelineConfig(file.toString(), YAML.readTree(in));
    } catch (IOException e) {
      if (e instanceof com.fasterxml.jackson.core.JsonProcessingException) {
        throw Errors.badUsage(file.toString(), "not valid YAML: " + e.getMessage().split("\n")[0]);
      }
      throw Errors.unreadable(file.toString(), e);
    }
  }

  /**
   * A pipeline from a YAML tree inside another file (a recipe's step); {@code source} names where
   * it is, for errors.
   */
  public static PipelineConfig parse(String source, JsonNode root) {
    return new PipelineConfig(source, root);
  }

  private static void checkKeys(JsonNode node, Set<String> known, String where) {
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String key = it.next();
      if (!known.contains(key)) {
        throw Errors.badUsage(
            where,
            "unknown key '"
                + key
                + "' (known: "
                + String.join(", ", new java.util.TreeSet<>(known))
                + ")");
      }
    }
  }

  private static Map<String, String> io(JsonNode node, String where) {
    Map<String, String> out = new LinkedHashMap<>();
    if (node == null) {
      return out;
    }
    if (!node.isObject()) {
      throw Errors.badUsage(where, "expected a mapping with path, format");
    }
    checkKeys(node, IO, where);
    node.fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue().asText()));
    return out;
  }

  public String name() {
    return name;
  }

  /** The input path, format or text column the file names, if any. */
  public String input(String key) {
    return input.get(key);
  }

  /** The output path or format the file names, if any. */
  public String output(String key) {
    return output.get(key);
  }

  public List<String> stageNames() {
    return List.copyOf(stageNames);
  }

  /** A Spark ML pipeline of new stages with the file's params, every param checked. */
  public Pipeline toPipeline() {
    PipelineStage[] stages = new PipelineStage[stageNames.size()];
    for (int i = 0; i < stages.length; i++) {
      stages[i] =
          StageRegistry.create(
              stageNames.get(i), stageParams.get(i), source + ": stages[" + i + "]");
    }
    return new Pipeline().setStages(stages);
  }
}
