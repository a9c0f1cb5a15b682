package dev.corral.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.corral.core.Errors;
import dev.corral.core.io.HadoopFs;
import dev.corral.core.job.RecipeRunner;
import dev.corral.jobs.plan.CostPlan;
import dev.corral.jobs.plan.InputSample;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.ToDoubleFunction;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code corral plan --config RECIPE}: what the recipe will cost before it runs. Samples a few MB
 * of every source's inputs ({@link InputSample}), runs the recipe on the sample one step at a time,
 * and extrapolates each step's CPU, wall time, output size and cost to the whole input ({@link
 * CostPlan}).
 */
@Command(
    name = "plan",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description =
        "Estimate a recipe's cost before running it: sample a few MB of every source's inputs (spread "
            + "over its files), run every step on the sample, and print per step the input size, CPU "
            + "seconds per MB, expected rows, disk and tokens, core-hours, wall time on N cores and "
            + "cost, with totals. Writes nothing beside the inputs; the sample's run goes to --work.")
final class PlanCommand implements Callable<Integer> {
  /** The wide sample's files, as a multiple of the large sample's. */
  private static final int SPREAD = 4;

  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  @Option(
      names = "--config",
      required = true,
      description = "Recipe YAML, e.g. conf/llama-recipe.yaml.")
  Path config;

  @Option(
      names = "--cores",
      defaultValue = "0",
      description = "Cores of the cluster that will run it (default: this machine's).")
  int cores;

  @Option(
      names = "--price-per-core-hour",
      defaultValue = "0",
      description = "Price of one core for one hour, for the cost column (default: 0).")
  double price;

  @Option(
      names = "--sample-mb",
      defaultValue = "4",
      description = "MB sampled from each source's inputs (default: ${DEFAULT-VALUE}).")
  double sampleMb;

  @Option(
      names = "--work",
      description =
          "Folder for the sample and its run, new or empty; removed at the end unless"
              + " --keep-work (default: a new folder in java.io.tmpdir).")
  Path work;

  @Option(names = "--keep-work", description = "Keep the sample and its run in --work.")
  boolean keepWork;

  @Option(
      names = "--rounds",
      defaultValue = "3",
      description =
          "Times each sample size runs; each step's fastest run counts (default: ${DEFAULT-VALUE}).")
  int rounds;

  @Option(names = "--json", description = "Also write the plan as JSON to this file.")
  Path json;

  @Option(
      names = "--progress-seconds",
      defaultValue = "0",
      description =
          "Seconds between a sample step's progress lines on stderr, 0 for none (default: ${DEFAULT-VALUE}).")
  int progressSeconds;

  @Override
  public Integer call() throws IOException {
    if (cores < 0) {
      throw Errors.badArgument("--cores", cores, "a number of cores, or 0 for this machine's");
    }
    if (!(price >= 0)) {
      throw Errors.badArgument("--price-per-core-hour", price, "a price of 0 or more");
    }
    if (rounds < 1) {
      throw Errors.badArgument("--rounds", rounds, "1 or more runs of each sample size");
    }
    if (!(sampleMb > 0)) {
      throw Errors.badArgument("--sample-mb", sampleMb, "a positive number of MB");
    }
    if (json != null && Files.exists(json) && !isPlan(json)) {
      throw Errors.badUsage(
          "--json " + json, "exists and is not a plan's JSON (the recipe?); choose another file");
    }
    int n = cores > 0 ? cores : Runtime.getRuntime().availableProcessors();
    RecipeConfig recipe = RecipeConfig.read(config);
    Path folder = work != null ? work : Files.createTempDirectory("corral-plan-");
    if (work != null && Files.exists(work)) {
      try (var entries = Files.list(work)) {
        if (entries.findAny().isPresent()) {
          throw Errors.badUsage("--work " + work, "is not empty; give a new or empty folder");
        }
      }
    }
    recipe.declare(folder.resolve("run").toAbsolutePath().toString()); // every check, first
    try {
      Map<String, Object> plan = plan(recipe, folder.toAbsolutePath(), n);
      if (json != null) {
        Files.writeString(json, JSON.writeValueAsString(plan));
        System.out.println("plan: " + json);
      }
    } finally {
      if (!keepWork) {
        deleteTree(folder, work == null); // a folder given empty is left empty
      }
    }
    return 0;
  }

  /** One sample of every source and what each step cost on it. */
  private record SampleRun(
      Map<String, InputSample.Sampled> samples,
      double fraction,
      Map<String, CostPlan.Measured> steps,
      double outsideStepsSeconds) {}

  private Map<String, Object> plan(RecipeConfig recipe, Path folder, int n) throws IOException {
    double uptime = ManagementFactory.getRuntimeMXBean().getUptime() / 1000.0;
    Configuration conf = HadoopFs.configuration();
    long budget = (long) (sampleMb * 1e6);
    System.out.printf(
        Locale.ROOT,
        "running every step on samples of %.2f MB of each source (a warm-up), then %d times on"
            + " %.2f MB and %.2f MB ...%n",
        sampleMb,
        rounds,
        sampleMb / 4,
        sampleMb);
    // The first run warms the JVM (classes, JIT, models): its times would tilt the line, and tell
    // what each step's first use costs in the new JVM a recipe runs in.
    SampleRun warmUp = sampleRun(recipe, conf, folder.resolve("warm-up"), budget, budget, 1, true);
    // A wide sample only where some source has more files than the large sample takes.
    boolean spread =
        warmUp.samples().values().stream().anyMatch(s -> s.sampledFiles() < s.inputFiles());
    List<SampleRun> smalls = new ArrayList<>();
    List<SampleRun> larges = new ArrayList<>();
    List<SampleRun> wides = new ArrayList<>();
    for (int r = 1; r <= rounds; r++) {
      // The small sample cuts the large one's files shorter: as many files, as many tasks. Only
      // the large sample's tokens are scaled up, so only its runs write a card.
      smalls.add(
          sampleRun(recipe, conf, folder.resolve("small-" + r), budget / 4, budget, 1, false));
      larges.add(sampleRun(recipe, conf, folder.resolve("large-" + r), budget, budget, 1, true));
      if (spread) { // the large sample's bytes from more files: what a file costs
        wides.add(
            sampleRun(recipe, conf, folder.resolve("wide-" + r), budget, budget, SPREAD, false));
      }
    }
    SampleRun small = fastest(smalls);
    SampleRun large = fastest(larges);
    SampleRun wide = spread ? fastest(wides) : large;
    // Once per process: the JVM up to the command, Spark's start and the data card, cold.
    double start = uptime + warmUp.outsideStepsSeconds();
    large
        .samples()
        .forEach(
            (source, s) ->
                System.out.printf(
                    "%-14s %d of %d files, %.2f of %.1f MB (scale %.1fx)%n",
                    source,
                    s.sampledFiles(),
                    s.inputFiles(),
                    s.sampledBytes() / 1e6,
                    s.inputBytes() / 1e6,
                    s.scale()));

    long inputBytes =
        large.samples().values().stream().mapToLong(InputSample.Sampled::inputBytes).sum();
    List<CostPlan.Estimate> estimates = new ArrayList<>();
    // Per source, the files its last step so far will write: what its next step reads.
    Map<String, Long> filesOut = new LinkedHashMap<>();
    for (Map.Entry<String, CostPlan.Measured> e : large.steps().entrySet()) {
      String id = e.getKey();
      String source = id.substring(0, id.indexOf('/') < 0 ? id.length() : id.indexOf('/'));
      CostPlan.Whole whole;
      if (id.equals(RecipeConfig.MIXTURE)) {
        double x = recipe.budgetTokens() != null ? recipe.budgetTokens() : inputBytes;
        long files = filesOut.values().stream().mapToLong(Long::longValue).sum();
        whole = new CostPlan.Whole(x, (int) Math.max(1, files), inputBytes);
      } else if (large.samples().containsKey(source)) {
        InputSample.Sampled s = large.samples().get(source);
        long files = filesOut.getOrDefault(source, (long) s.inputFiles());
        whole = new CostPlan.Whole(s.inputBytes(), (int) Math.max(1, files), s.inputBytes());
      } else { // a model: trained once on its own inputs, whatever the sources' size
        whole = new CostPlan.Whole(0, 1, 0);
      }
      CostPlan.Measured m = e.getValue();
      CostPlan.Estimate estimate =
          CostPlan.estimate(
              warmUp.steps().getOrDefault(id, m),
              small.steps().getOrDefault(id, m),
              m,
              wide.steps().getOrDefault(id, m),
              whole,
              n,
              price);
      estimates.add(estimate);
      if (large.samples().containsKey(source)) {
        filesOut.put(source, estimate.outputFiles());
      }
    }
    System.out.println();
    System.out.print(CostPlan.table(estimates, n, price));
    System.out.printf(
        Locale.ROOT,
        "plus about %.0f s once, outside the steps: the JVM's and Spark's start and the data"
            + " card%n",
        start);
    Map<String, Object> plan = new LinkedHashMap<>();
    plan.put("config", config.toString());
    plan.put("sample_mb_per_source", sampleMb);
    Map<String, Object> sampled = new LinkedHashMap<>();
    large
        .samples()
        .forEach(
            (k, s) ->
                sampled.put(
                    k,
                    Map.of(
                        "input_bytes", s.inputBytes(),
                        "sampled_bytes", s.sampledBytes(),
                        "input_files", s.inputFiles(),
                        "sampled_files", s.sampledFiles(),
                        "scale", s.scale())));
    plan.put("sources", sampled);
    plan.putAll(CostPlan.json(estimates, n, price));
    // How each step was estimated: its runs on the samples, so a reader can check the line.
    List<?> planned = (List<?>) plan.get("steps");
    for (int i = 0; i < planned.size(); i++) {
      @SuppressWarnings("unchecked")
      Map<String, Object> step = (Map<String, Object>) planned.get(i);
      String id = (String) step.get("step");
      Map<String, Object> runs = new LinkedHashMap<>();
      runs.put("warm_up", measured(warmUp.steps().get(id)));
      runs.put("small", measured(small.steps().get(id)));
      runs.put("large", measured(large.steps().get(id)));
      runs.put("wide", spread ? measured(wide.steps().get(id)) : null);
      runs.put("small_rounds", smalls.stream().map(r -> measured(r.steps().get(id))).toList());
      runs.put("large_rounds", larges.stream().map(r -> measured(r.steps().get(id))).toList());
      runs.put("wide_rounds", wides.stream().map(r -> measured(r.steps().get(id))).toList());
      step.put("sample_runs", runs);
    }
    plan.put("outside_steps_seconds", start);
    return plan;
  }

  /**
   * The runs of one sample size as one: each step's least time of every clock, since noise (a GC
   * pause, the JIT or another process on a core) only ever adds to a step's time.
   */
  private static double min(List<CostPlan.Measured> runs, ToDoubleFunction<CostPlan.Measured> f) {
    return runs.stream().mapToDouble(f).min().orElse(0);
  }

  private static SampleRun fastest(List<SampleRun> runs) {
    SampleRun first = runs.get(0);
    Map<String, CostPlan.Measured> steps = new LinkedHashMap<>();
    first
        .steps()
        .forEach(
            (id, m) -> {
              List<CostPlan.Measured> all =
                  runs.stream().map(r -> r.steps().get(id)).filter(x -> x != null).toList();
              steps.put(
                  id,
                  new CostPlan.Measured(
                      id,
                      m.x(),
                      min(all, CostPlan.Measured::wallSeconds),
                      min(all, CostPlan.Measured::cpuSeconds),
                      min(all, CostPlan.Measured::taskSeconds),
                      min(all, CostPlan.Measured::busySeconds),
                      min(all, CostPlan.Measured::processCpuSeconds),
                      m.inputBytes(),
                      m.rows(),
                      m.dataBytes(),
                      m.otherBytes(),
                      m.tokens(),
                      m.parallelism(),
                      m.cores(),
                      m.inputFiles(),
                      m.outputFiles(),
                      m.partitionRows()));
            });
    double outside = runs.stream().mapToDouble(SampleRun::outsideStepsSeconds).min().orElse(0);
    return new SampleRun(first.samples(), first.fraction(), steps, outside);
  }

  /** A step's run on a sample, for the plan's JSON; null when the sample lacks the step. */
  private static Map<String, Object> measured(CostPlan.Measured m) {
    if (m == null) {
      return null;
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("x", m.x());
    out.put("wall_seconds", m.wallSeconds());
    out.put("task_seconds", m.taskSeconds());
    out.put("task_busy_seconds", m.busySeconds());
    out.put("executor_cpu_seconds", m.cpuSeconds());
    out.put("process_cpu_seconds", m.processCpuSeconds());
    out.put("parallelism", m.parallelism());
    out.put("cores", m.cores());
    out.put("input_files", m.inputFiles());
    out.put("output_files", m.outputFiles());
    out.put("output_partitions", m.partitionRows().length);
    out.put("rows", m.rows());
    return out;
  }

  /** A figure of the step's run record's timings, 0 when absent. */
  private static double timing(RecipeRunner.StepResult s, String name) {
    Object timings = s.record().get("timings");
    return timings instanceof Map<?, ?> t ? number(t.get(name)) : 0;
  }

  /**
   * Samples {@code budget} bytes of every source into {@code folder}, from {@code spread} times the
   * files a sample of {@code filesFor} bytes takes, and runs the recipe on them; with the data card
   * when {@code card} (the steps' tokens are the card's).
   */
  private SampleRun sampleRun(
      RecipeConfig recipe,
      Configuration conf,
      Path folder,
      long budget,
      long filesFor,
      int spread,
      boolean card)
      throws IOException {
    Map<String, InputSample.Sampled> samples = new LinkedHashMap<>();
    Map<String, List<String>> inputs = new LinkedHashMap<>();
    long inputBytes = 0;
    long sampledBytes = 0;
    for (Map.Entry<String, List<String>> e : recipe.sourceInputs().entrySet()) {
      InputSample.Sampled s =
          InputSample.take(
              conf,
              e.getValue(),
              budget,
              filesFor,
              spread,
              new org.apache.hadoop.fs.Path(folder.resolve("sample").resolve(e.getKey()).toUri()));
      samples.put(e.getKey(), s);
      inputs.put(e.getKey(), s.paths());
      inputBytes += s.inputBytes();
      sampledBytes += s.sampledBytes();
    }
    double fraction = inputBytes == 0 ? 1 : (double) sampledBytes / inputBytes;
    Path run = folder.resolve("run");
    long started = System.nanoTime();
    RecipeRunner.Result result =
        RecipeCommand.run(
            recipe.sampled(inputs, fraction),
            config + " (sample)",
            run.toString(),
            null,
            1,
            progressSeconds,
            card,
            new PrintStream(new ByteArrayOutputStream()),
            System.err);
    double callSeconds = (System.nanoTime() - started) / 1e9;
    Map<String, JsonNode> cardSteps = new HashMap<>();
    if (card) {
      JSON.readTree(run.resolve("report.json").toFile())
          .path("steps")
          .forEach(
              s -> cardSteps.put(s.path("source").asText() + "/" + s.path("step").asText(), s));
    }
    int localCores = Runtime.getRuntime().availableProcessors();

    Map<String, CostPlan.Measured> steps = new LinkedHashMap<>();
    Map<String, Long> written = new HashMap<>();
    Map<String, Integer> dataFiles = new HashMap<>();
    Map<String, String> lastOfSource = new HashMap<>();
    for (RecipeRunner.StepResult s : result.steps()) {
      Map<String, Object> entry = s.entry();
      String id = s.id();
      String source = String.valueOf(entry.get("source"));
      Output output = output(conf, String.valueOf(entry.get("output")));
      written.put(id, output.dataBytes() + output.otherBytes());
      dataFiles.put(id, output.dataFiles());
      double x;
      long in;
      long rows = (long) number(entry.get("rows_written"));
      long tokens;
      int files;
      int inputFiles;
      if (id.equals(RecipeConfig.MIXTURE)) {
        x = recipe.budgetTokens() != null ? recipe.budgetTokens() * fraction : sampledBytes;
        in = lastOfSource.values().stream().mapToLong(written::get).sum();
        JsonNode manifest =
            JSON.readTree(Path.of(String.valueOf(entry.get("output")), "manifest.json").toFile());
        tokens = manifest.path("total_tokens").asLong(0);
        rows = 0;
        for (JsonNode m : manifest.path("sources")) {
          rows += m.path("documents").asLong(0);
        }
        files = samples.values().stream().mapToInt(InputSample.Sampled::sampledFiles).sum();
        inputFiles = lastOfSource.values().stream().mapToInt(dataFiles::get).sum();
      } else if (samples.containsKey(source)) {
        InputSample.Sampled sample = samples.get(source);
        String before = lastOfSource.get(source);
        x = sample.sampledBytes();
        in = before == null ? sample.sampledBytes() : written.get(before);
        tokens = cardSteps.getOrDefault(id, JSON.nullNode()).path("tokens_out").asLong(0);
        files = sample.sampledFiles();
        inputFiles = before == null ? sample.sampledFiles() : dataFiles.get(before);
        lastOfSource.put(source, id);
      } else {
        x = 0;
        in = 0;
        tokens = 0;
        files = 1;
        inputFiles = 1;
      }
      steps.put(
          id,
          new CostPlan.Measured(
              id,
              x,
              number(entry.get("wall_seconds")),
              number(entry.get("executor_cpu_seconds")),
              timing(s, "executor_run_seconds"),
              timing(s, "task_busy_seconds"),
              timing(s, "driver_process_cpu_seconds"),
              in,
              rows,
              output.dataBytes(),
              output.otherBytes(),
              tokens,
              Math.max(1, Math.min(localCores, files)),
              localCores,
              inputFiles,
              output.dataFiles(),
              output.partitionRows()));
    }
    double stepsSeconds = steps.values().stream().mapToDouble(CostPlan.Measured::wallSeconds).sum();
    return new SampleRun(samples, fraction, steps, Math.max(0, callSeconds - stepsSeconds));
  }

  /**
   * A step's output: bytes of its data files (Parquet, JSON Lines, compressed shards outside {@code
   * _} folders), bytes of its other files (logs, records, reports, charts), its data files, and the
   * rows of each partition folder ({@code language=fr/bucket=head}) from the Parquet footers, none
   * when it is not partitioned.
   */
  private record Output(long dataBytes, long otherBytes, int dataFiles, long[] partitionRows) {}

  private static Output output(Configuration conf, String path) {
    org.apache.hadoop.fs.Path p = new org.apache.hadoop.fs.Path(path);
    long[] bytes = new long[2];
    int dataFiles = 0;
    Map<String, Long> partitions = new LinkedHashMap<>();
    try {
      FileSystem fs = p.getFileSystem(conf);
      if (!fs.exists(p)) {
        return new Output(0, 0, 0, new long[0]);
      }
      org.apache.hadoop.fs.RemoteIterator<org.apache.hadoop.fs.LocatedFileStatus> files =
          fs.listFiles(p, true);
      String root = fs.makeQualified(p).toString();
      while (files.hasNext()) {
        org.apache.hadoop.fs.LocatedFileStatus f = files.next();
        String rel = f.getPath().toString().substring(root.length());
        boolean data =
            !rel.matches(".*/[_.][^/]*/.*")
                && !f.getPath().getName().startsWith(".")
                && f.getPath().getName().matches(".*\\.(parquet|jsonl|zst|gz|json)$")
                && !f.getPath().getName().matches("(manifest|report)\\.json");
        bytes[data ? 0 : 1] += f.getLen();
        dataFiles += data ? 1 : 0;
        String folder = rel.substring(0, Math.max(0, rel.lastIndexOf('/')));
        if (data && folder.contains("=") && rel.endsWith(".parquet")) {
          try (ParquetFileReader footer =
              ParquetFileReader.open(HadoopInputFile.fromStatus(f, conf))) {
            partitions.merge(folder, footer.getRecordCount(), Long::sum);
          }
        }
      }
      long[] partitionRows = partitions.values().stream().mapToLong(Long::longValue).toArray();
      return new Output(bytes[0], bytes[1], dataFiles, partitionRows);
    } catch (IOException e) {
      throw Errors.unreadable(path, e);
    }
  }

  /** Whether {@code file} holds a plan written before, which a new plan may replace. */
  private static boolean isPlan(Path file) {
    try {
      JsonNode node = JSON.readTree(file.toFile());
      return node != null && node.has("totals") && node.has("steps");
    } catch (IOException e) {
      return false;
    }
  }

  private static double number(Object o) {
    return o instanceof Number x ? x.doubleValue() : 0;
  }

  private static void deleteTree(Path dir, boolean itself) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (var paths = Files.walk(dir)) {
      for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
        if (itself || !p.equals(dir)) {
          Files.delete(p);
        }
      }
    }
  }
}
