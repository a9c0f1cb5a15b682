package dev.corral.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.corral.core.Errors;
import dev.corral.core.io.Tables;
import dev.corral.core.job.Job;
import dev.corral.core.job.Recipe;
import dev.corral.core.pipeline.PipelineConfig;
import dev.corral.curation.mixture.MixtureConfig;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.spark.SparkConf;
import org.apache.spark.deploy.SparkHadoopUtil;
import picocli.CommandLine;

/**
 * A recipe as written in YAML ({@code conf/llama-recipe.yaml} is LLaMA's): for each source its
 * inputs and its steps, each step a {@code corral} job with its options, then the mixture of Table
 * 1. Every key is checked (unknown keys, missing inputs, bad values: one line naming the file and
 * the key) and every step declared, its options parsed as the command line parses them, before
 * Spark starts.
 *
 * <pre>
 * name: llama
 * models:                          # steps that make what other steps name by path
 *   quality: {job: quality train, options: {positives: refs.jsonl, negatives: random.jsonl}}
 * sources:
 *   commoncrawl:
 *     inputs: [cc/*.warc.wet.gz]   # paths, globs or lists of dump files
 *     steps:
 *       - {name: ccnet, job: ccnet, options: {languages: en}}
 *       - name: quality            # inline stages: a curate job
 *         stages: [{stage: QualityClassifier, params: {modelPath: "${models/quality}/quality.bin"}}]
 *       - {name: dedup, job: dedup, options: {method: minhash, text-column: raw_content}}
 * mixture:                         # conf/llama-mixture.yaml's keys; sources by name
 *   seed: 1234
 *   budget_tokens: 1.4e12
 *   sources:
 *     commoncrawl: {proportion: 0.67, epochs: 1.10, text_column: raw_content}
 * </pre>
 *
 * A step reads the previous step's output (the first: the source's inputs) unless it lists {@code
 * inputs}; {@code ${source/step}} (or {@code ${step}} in its own source) in an input, option or
 * param is that step's output folder, and makes the step run after it. Step {@code S} of source
 * {@code X} writes {@code <output>/X/S}; the mixture writes {@code <output>/mixture}.
 */
final class RecipeConfig {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final Set<String> TOP =
      Set.of("name", "description", "models", "sources", "mixture");
  private static final Set<String> SOURCE = Set.of("description", "inputs", "steps");
  private static final Set<String> STEP =
      Set.of("name", "description", "job", "options", "stages", "inputs");
  private static final Set<String> MIXTURE_SOURCE =
      Set.of("proportion", "epochs", "text_column", "id_column", "filter", "step", "description");
  private static final Pattern REF = Pattern.compile("\\$\\{([^}]*)}");

  /** The id of the mixture step, and its output folder's name. */
  static final String MIXTURE = "mixture";

  private final String file;
  private final JsonNode root;
  final String name;

  private RecipeConfig(String file, JsonNode root) {
    this.file = file;
    this.root = root;
    if (root == null || !root.isObject()) {
      throw Errors.badUsage(file, "expected a YAML mapping with 'sources' and 'mixture'");
    }
    keys(root, TOP, "");
    name = root.path("name").asText("recipe");
  }

  static RecipeConfig read(Path file) {
    try (InputStream in = Files.newInputStream(file)) {
      return new RecipeConfig(file.toString(), YAML.readTree(in));
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw Errors.badUsage(file.toString(), "not valid YAML: " + e.getOriginalMessage());
    } catch (IOException e) {
      throw Errors.unreadable(file.toString(), e);
    }
  }

  /** A recipe from YAML text; {@code file} names it in errors. */
  static RecipeConfig parse(String file, String yaml) {
    try {
      return new RecipeConfig(file, YAML.readTree(yaml));
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw Errors.badUsage(file, "not valid YAML: " + e.getOriginalMessage());
    }
  }

  /** Each source's inputs as written (paths, globs, folders). */
  Map<String, List<String>> sourceInputs() {
    Map<String, List<String>> out = new LinkedHashMap<>();
    root.path("sources")
        .fields()
        .forEachRemaining(
            e ->
                out.put(e.getKey(), strings(e.getValue().path("inputs"), "sources." + e.getKey())));
    return out;
  }

  /** The mixture's token budget, or null when it takes every source's epochs instead. */
  Double budgetTokens() {
    JsonNode b = root.path(MIXTURE).path("budget_tokens");
    return b.isNumber() ? b.asDouble() : null;
  }

  /**
   * The same recipe with other inputs per source and the mixture's token budget (when it has one)
   * times {@code budgetFraction}: the recipe the plan runs on a sample.
   */
  RecipeConfig sampled(Map<String, List<String>> inputs, double budgetFraction) {
    ObjectNode copy = root.deepCopy();
    inputs.forEach(
        (source, paths) -> {
          ArrayNode list = ((ObjectNode) copy.path("sources").path(source)).putArray("inputs");
          paths.forEach(list::add);
        });
    if (budgetTokens() != null) {
      ((ObjectNode) copy.get(MIXTURE))
          .put("budget_tokens", Math.max(1, Math.round(budgetTokens() * budgetFraction)));
    }
    return new RecipeConfig(file + " (sampled)", copy);
  }

  /** A step as written, before it is declared. */
  private record StepSpec(
      String id,
      String pool,
      String where,
      JsonNode node,
      List<String> inputs,
      boolean defaultInputs) {}

  /**
   * Every step declared as the job it runs, writing under {@code dir}: the checks of each command
   * (options, params, the mixture's keys) run here, before Spark starts.
   */
  Recipe declare(String dir) {
    Map<String, StepSpec> specs = new LinkedHashMap<>();
    JsonNode models = root.path("models");
    mapping(models, "models");
    for (Iterator<Map.Entry<String, JsonNode>> it = models.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> m = it.next();
      String id = "models/" + m.getKey();
      specs.put(id, spec(id, "models", "models." + m.getKey(), m.getValue(), List.of(), null));
    }
    JsonNode sources = root.path("sources");
    if (!sources.isObject() || sources.isEmpty()) {
      throw Errors.badUsage(file + ": sources", "must be a mapping of source names to sources");
    }
    Map<String, String> lastStep = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = sources.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      String source = e.getKey();
      String where = "sources." + source;
      if (source.equals("models") || source.equals(MIXTURE) || !source.matches("[a-z0-9_-]+")) {
        throw Errors.badUsage(
            file + ": " + where,
            "a source's name is lower-case letters, digits, - and _, not models or mixture");
      }
      JsonNode s = e.getValue();
      keys(s, SOURCE, where);
      List<String> inputs = strings(s.path("inputs"), where + ".inputs");
      for (int i = 0; i < inputs.size(); i++) {
        checkExists(inputs.get(i), where + ".inputs[" + i + "]");
      }
      JsonNode steps = s.path("steps");
      if (!steps.isArray() || steps.isEmpty()) {
        throw Errors.badUsage(file + ": " + where + ".steps", "must be a non-empty list of steps");
      }
      String previous = null;
      for (int i = 0; i < steps.size(); i++) {
        String stepWhere = where + ".steps[" + i + "]";
        JsonNode step = steps.get(i);
        keys(step, STEP, stepWhere);
        String stepName = step.path("name").asText(null);
        if (stepName == null || !stepName.matches("[a-z0-9_-]+")) {
          throw Errors.badUsage(
              file + ": " + stepWhere + ".name",
              "is required: lower-case letters, digits, - and _");
        }
        String id = source + "/" + stepName;
        if (specs.containsKey(id)) {
          throw Errors.badUsage(
              file + ": " + stepWhere + ".name", "'" + stepName + "' is used twice");
        }
        specs.put(id, spec(id, source, stepWhere, step, inputs, previous));
        previous = id;
      }
      lastStep.put(source, previous);
    }

    Recipe.Builder recipe = Recipe.builder().setName(name);
    for (StepSpec spec : specs.values()) {
      Set<String> after = new LinkedHashSet<>();
      Job job = job(spec, dir, specs, after);
      recipe.addStep(spec.id(), spec.pool(), job, new ArrayList<>(after));
    }
    Map<String, String> finalSteps = new LinkedHashMap<>();
    MixtureConfig mixture = mixture(dir, specs, lastStep, finalSteps);
    recipe.addStep(
        MIXTURE,
        MIXTURE,
        MixtureCommand.declare(mixture, dir + "/" + MIXTURE, false),
        new ArrayList<>(finalSteps.values()));
    return recipe.build();
  }

  private StepSpec spec(
      String id,
      String pool,
      String where,
      JsonNode node,
      List<String> sourceInputs,
      String previous) {
    if (!node.isObject()) {
      throw Errors.badUsage(file + ": " + where, "expected a mapping with job and options");
    }
    keys(node, STEP, where);
    if (node.has("inputs")) {
      return new StepSpec(
          id, pool, where, node, strings(node.get("inputs"), where + ".inputs"), false);
    }
    List<String> inputs = previous == null ? sourceInputs : List.of("${" + previous + "}");
    return new StepSpec(id, pool, where, node, inputs, true);
  }

  /**
   * The step's job: its command line built from the YAML and parsed as {@code corral} parses it.
   */
  private Job job(StepSpec spec, String dir, Map<String, StepSpec> specs, Set<String> after) {
    JsonNode node = spec.node();
    String where = spec.where();
    boolean inlineStages = node.has("stages");
    String jobName = node.path("job").asText(inlineStages ? "curate" : null);
    if (jobName == null) {
      throw Errors.badUsage(
          file + ": " + where,
          "missing 'job' (a corral command: ccnet, dedup, source wikipedia, ...)");
    }
    if (inlineStages && !jobName.equals("curate")) {
      throw Errors.badUsage(file + ": " + where + ".stages", "only a curate job takes stages");
    }
    List<String> args = new ArrayList<>(List.of(jobName.trim().split("\\s+")));
    List<String> inputs = new ArrayList<>();
    for (int i = 0; i < spec.inputs().size(); i++) {
      inputs.add(
          resolve(spec.inputs().get(i), spec, dir, specs, after, where + ".inputs[" + i + "]"));
    }
    if (!inputs.isEmpty()) {
      args.add("--input");
      args.add(String.join(",", inputs));
    }
    args.add("--output");
    args.add(dir + "/" + spec.id());
    JsonNode options = node.path("options");
    mapping(options, where + ".options");
    for (Iterator<Map.Entry<String, JsonNode>> it = options.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> o = it.next();
      String key = o.getKey();
      String optionWhere = where + ".options." + key;
      if (List.of("input", "output", "overwrite").contains(key)) {
        throw Errors.badUsage(
            file + ": " + optionWhere, "is the recipe's to set (inputs: for a step's input)");
      }
      JsonNode v = o.getValue();
      if (v.isBoolean()) {
        args.add((v.asBoolean() ? "--" : "--no-") + key);
      } else {
        args.add("--" + key);
        args.add(
            resolve(
                v.isArray() ? String.join(",", strings(v, optionWhere)) : v.asText(),
                spec,
                dir,
                specs,
                after,
                optionWhere));
      }
    }
    CommandLine cli = new CommandLine(new Corral());
    CommandLine.ParseResult parsed;
    try {
      parsed = cli.parseArgs(args.toArray(new String[0]));
    } catch (CommandLine.ParameterException e) {
      throw Errors.badUsage(
          file + ": " + where,
          Corral.oneLine(e.getMessage())
              + " (job '"
              + jobName
              + "'; options are its flags without --)");
    }
    while (parsed.hasSubcommand()) {
      parsed = parsed.subcommand();
    }
    Object command = parsed.commandSpec().userObject();
    if (!(command instanceof JobCommand jobCommand)) {
      throw Errors.badUsage(
          file + ": " + where + ".job", "'" + jobName + "' is not a Spark job of corral");
    }
    if (inlineStages) {
      ObjectNode pipeline = YAML.createObjectNode();
      pipeline.put("name", spec.id());
      pipeline.set(
          "stages", resolveTree(node.get("stages"), spec, dir, specs, after, where + ".stages"));
      ((CurateCommand) jobCommand).inline = PipelineConfig.parse(file + ": " + where, pipeline);
    }
    try {
      return jobCommand.declare();
    } catch (dev.corral.core.CorralException e) {
      throw Errors.badUsage(file + ": " + where, e.getMessage());
    }
  }

  /** The mixture block as a mixture config whose sources are each source's last (or named) step. */
  private MixtureConfig mixture(
      String dir,
      Map<String, StepSpec> specs,
      Map<String, String> lastStep,
      Map<String, String> finals) {
    JsonNode m = root.path(MIXTURE);
    if (!m.isObject()) {
      throw Errors.badUsage(
          file + ": mixture", "is required: a mapping (conf/llama-mixture.yaml's keys)");
    }
    ObjectNode config = ((ObjectNode) m).deepCopy();
    config.put("name", m.path("name").asText(name));
    JsonNode sources = m.path("sources");
    mapping(sources, "mixture.sources");
    ArrayNode list = config.putArray("sources");
    for (Iterator<Map.Entry<String, JsonNode>> it = sources.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      String where = "mixture.sources." + e.getKey();
      if (!lastStep.containsKey(e.getKey())) {
        throw Errors.badUsage(
            file + ": " + where,
            "names no source of 'sources' (" + String.join(", ", lastStep.keySet()) + ")");
      }
      keys(e.getValue(), MIXTURE_SOURCE, where);
      ObjectNode s = ((ObjectNode) e.getValue()).deepCopy();
      String step =
          s.has("step") ? e.getKey() + "/" + s.remove("step").asText() : lastStep.get(e.getKey());
      if (!specs.containsKey(step)) {
        throw Errors.badUsage(
            file + ": " + where + ".step", "'" + step + "' is no step of the recipe");
      }
      finals.put(e.getKey(), step);
      s.put("name", e.getKey());
      s.put("path", dir + "/" + step);
      s.put("format", Tables.DELTA);
      list.add(s);
    }
    for (String source : lastStep.keySet()) {
      if (!finals.containsKey(source)) {
        throw Errors.badUsage(
            file + ": mixture.sources", "has no entry for source '" + source + "'");
      }
    }
    try {
      return MixtureConfig.parse(file + ": mixture", YAML.writeValueAsString(config));
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * {@code value} with each {@code ${step}} replaced by that step's output, noted in {@code after}.
   */
  private String resolve(
      String value,
      StepSpec spec,
      String dir,
      Map<String, StepSpec> specs,
      Set<String> after,
      String where) {
    Matcher m = REF.matcher(value);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String ref = m.group(1).trim();
      String id = ref.contains("/") ? ref : spec.pool() + "/" + ref;
      if (!specs.containsKey(id) || id.equals(spec.id())) {
        throw Errors.badUsage(
            file + ": " + where,
            "'${"
                + ref
                + "}' names no other step (steps: "
                + String.join(", ", new TreeSet<>(specs.keySet()))
                + ")");
      }
      after.add(id);
      m.appendReplacement(out, Matcher.quoteReplacement(dir + "/" + id));
    }
    m.appendTail(out);
    return out.toString();
  }

  private JsonNode resolveTree(
      JsonNode node,
      StepSpec spec,
      String dir,
      Map<String, StepSpec> specs,
      Set<String> after,
      String where) {
    if (node.isTextual()) {
      return YAML.getNodeFactory().textNode(resolve(node.asText(), spec, dir, specs, after, where));
    }
    JsonNode copy = node.deepCopy();
    if (copy.isObject()) {
      for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        ((ObjectNode) copy)
            .set(
                e.getKey(),
                resolveTree(e.getValue(), spec, dir, specs, after, where + "." + e.getKey()));
      }
    } else if (copy.isArray()) {
      for (int i = 0; i < node.size(); i++) {
        ((ArrayNode) copy)
            .set(i, resolveTree(node.get(i), spec, dir, specs, after, where + "[" + i + "]"));
      }
    }
    return copy;
  }

  /** An input must match at least one file before anything runs. */
  private void checkExists(String path, String where) {
    if (REF.matcher(path).find()) {
      throw Errors.badUsage(
          file + ": " + where, "a source's inputs are files, not steps ('" + path + "')");
    }
    Configuration conf = SparkHadoopUtil.get().newConfiguration(new SparkConf());
    org.apache.hadoop.fs.Path p = new org.apache.hadoop.fs.Path(path);
    try {
      FileStatus[] found = p.getFileSystem(conf).globStatus(p);
      if (found == null || found.length == 0) {
        throw Errors.badUsage(file + ": " + where, "'" + path + "' matches no file");
      }
    } catch (IOException e) {
      throw Errors.unreadable(path, e);
    }
  }

  /** A string or a list of strings. */
  private List<String> strings(JsonNode node, String where) {
    List<String> out = new ArrayList<>();
    if (node.isMissingNode() || node.isNull()) {
      return out;
    }
    if (node.isValueNode()) {
      out.add(node.asText());
      return out;
    }
    if (!node.isArray()) {
      throw Errors.badUsage(file + ": " + where, "expected a path or a list of paths");
    }
    for (int i = 0; i < node.size(); i++) {
      if (!node.get(i).isValueNode()) {
        throw Errors.badUsage(file + ": " + where + "[" + i + "]", "expected a path");
      }
      out.add(node.get(i).asText());
    }
    return out;
  }

  private void mapping(JsonNode node, String where) {
    if (!node.isMissingNode() && !node.isObject()) {
      throw Errors.badUsage(file + ": " + where, "expected a mapping");
    }
  }

  private void keys(JsonNode node, Set<String> known, String where) {
    if (node.isMissingNode()) {
      return;
    }
    String at = where.isEmpty() ? file : file + ": " + where;
    if (!node.isObject()) {
      throw Errors.badUsage(at, "expected a mapping");
    }
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String key = it.next();
      if (!known.contains(key)) {
        throw Errors.badUsage(
            at,
            "unknown key '" + key + "' (known: " + String.join(", ", new TreeSet<>(known)) + ")");
      }
    }
  }
}
