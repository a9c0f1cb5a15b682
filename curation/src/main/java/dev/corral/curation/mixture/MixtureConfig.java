package dev.corral.curation.mixture;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.corral.core.Errors;
import dev.corral.curation.models.ExecutorTokenizers;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * A training mixture as written in YAML ({@code conf/llama-mixture.yaml} encodes LLaMA's Table 1):
 * the sources with their sampling proportion and epochs, a token budget or {@code use_epochs}, a
 * seed, the tokenizer and the output. Unknown keys, missing values, two sources of one name and
 * proportions that do not sum to 1 are errors that name the file and the key.
 */
public final class MixtureConfig {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final Set<String> TOP =
      Set.of(
          "name",
          "description",
          "seed",
          "budget_tokens",
          "use_epochs",
          "tokenizer",
          "output",
          "sources");
  private static final Set<String> OUTPUT = Set.of("path", "shards", "shard_tokens", "formats");
  private static final Set<String> SOURCE =
      Set.of(
          "name",
          "path",
          "format",
          "text_column",
          "id_column",
          "proportion",
          "epochs",
          "filter",
          "description");
  static final Set<String> FORMATS = Set.of("parquet", "jsonl.zst");

  /** One source of the mixture. */
  public record Source(
      String name,
      String path,
      String format,
      String textColumn,
      String idColumn,
      double proportion,
      double epochs,
      String filter) {}

  public final String name;
  public final long seed;
  public final Double budgetTokens; // null with use_epochs
  public final boolean useEpochs;
  public final String tokenizer;
  public final String outputPath;
  public final int shards;

  /**
   * Tokens per shard; when set (> 0) the shard count follows from the mixture's size instead of
   * {@code shards}.
   */
  public final long shardTokens;

  public final List<String> formats;
  public final List<Source> sources;

  private MixtureConfig(String file, JsonNode root) {
    if (root == null || !root.isObject()) {
      throw Errors.badUsage(file, "expected a YAML mapping with 'sources'");
    }
    keys(root, TOP, file);
    name = root.path("name").asText("mixture");
    seed = root.path("seed").asLong(0);
    useEpochs = root.path("use_epochs").asBoolean(false);
    budgetTokens = root.has("budget_tokens") ? root.get("budget_tokens").asDouble() : null;
    if (useEpochs == (budgetTokens != null)) {
      throw Errors.badUsage(file, "give exactly one of 'budget_tokens' and 'use_epochs: true'");
    }
    if (budgetTokens != null && !(budgetTokens > 0)) {
      throw Errors.badUsage(file, "'budget_tokens' must be positive");
    }
    tokenizer = root.path("tokenizer").asText(ExecutorTokenizers.LLAMA);
    JsonNode out = root.path("output");
    keys(out, OUTPUT, file + ": output");
    outputPath = out.path("path").isMissingNode() ? null : out.get("path").asText();
    shards = out.path("shards").asInt(8);
    if (shards < 1) {
      throw Errors.badUsage(file + ": output.shards", "must be at least 1");
    }
    shardTokens = (long) out.path("shard_tokens").asDouble(0);
    if (out.has("shard_tokens") && shardTokens < 1) {
      throw Errors.badUsage(file + ": output.shard_tokens", "must be at least 1");
    }
    if (out.has("shard_tokens") && out.has("shards")) {
      throw Errors.badUsage(file + ": output", "give 'shards' or 'shard_tokens', not both");
    }
    formats = new ArrayList<>();
    out.path("formats").forEach(f -> formats.add(f.asText()));
    if (formats.isEmpty()) {
      formats.add("parquet");
    }
    for (String f : formats) {
      if (!FORMATS.contains(f)) {
        throw Errors.badUsage(
            file + ": output.formats", "unknown format '" + f + "' (known: " + FORMATS + ")");
      }
    }
    JsonNode list = root.get("sources");
    if (list == null || !list.isArray() || list.isEmpty()) {
      throw Errors.badUsage(file, "'sources' must be a non-empty list");
    }
    sources = new ArrayList<>();
    // Sources are keyed by name in the sampling hash, the shards and the manifest: one name, one
    // source.
    Map<String, Integer> names = new HashMap<>();
    double sum = 0;
    for (int i = 0; i < list.size(); i++) {
      String where = file + ": sources[" + i + "]";
      JsonNode s = list.get(i);
      keys(s, SOURCE, where);
      for (String required : List.of("name", "path", "proportion", "epochs")) {
        if (!s.has(required)) {
          throw Errors.badUsage(where, "missing '" + required + "'");
        }
      }
      String name = s.get("name").asText();
      Integer first = names.putIfAbsent(name, i);
      if (first != null) {
        throw Errors.badUsage(
            where + ".name", "'" + name + "' is already the name of sources[" + first + "]");
      }
      double proportion = s.get("proportion").asDouble(-1);
      double epochs = s.get("epochs").asDouble(-1);
      if (proportion < 0 || proportion > 1) {
        throw Errors.badUsage(
            where + ".proportion", "must be in [0, 1], is " + s.get("proportion").asText());
      }
      if (!(epochs >= 0)) {
        throw Errors.badUsage(
            where + ".epochs", "must be non-negative, is " + s.get("epochs").asText());
      }
      sum += proportion;
      sources.add(
          new Source(
              name,
              s.get("path").asText(),
              s.path("format").asText(null),
              s.path("text_column").asText("text"),
              s.path("id_column").asText(null),
              proportion,
              epochs,
              s.path("filter").asText("drop_reason IS NULL")));
    }
    if (Math.abs(sum - 1) > 1e-6) {
      throw Errors.badUsage(
          file + ": sources[*].proportion", String.format("sum to %.6f, not 1", sum));
    }
  }

  public static MixtureConfig read(Path file) {
    try (InputStream in = Files.newInputStream(file)) {
      return new MixtureConfig(file.toString(), YAML.readTree(in));
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw Errors.badUsage(file.toString(), "not valid YAML: " + e.getOriginalMessage());
    } catch (IOException e) {
      throw Errors.unreadable(file.toString(), e);
    }
  }

  /** Reads a mixture from YAML text; {@code name} stands for the file in errors. */
  public static MixtureConfig parse(String name, String yaml) {
    try {
      return new MixtureConfig(name, YAML.readTree(yaml));
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw Errors.badUsage(name, "not valid YAML: " + e.getOriginalMessage());
    }
  }

  private static void keys(JsonNode node, Set<String> known, String where) {
    if (node.isMissingNode()) {
      return;
    }
    if (!node.isObject()) {
      throw Errors.badUsage(where, "expected a mapping");
    }
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String key = it.next();
      if (!known.contains(key)) {
        throw Errors.badUsage(
            where,
            "unknown key '" + key + "' (known: " + String.join(", ", new TreeSet<>(known)) + ")");
      }
    }
  }
}
