package dev.corral.jobs;

import dev.corral.core.Errors;
import dev.corral.core.stage.StageRegistry;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ResourceBundle;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.param.BooleanParam;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.FloatParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.LongParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamPair;
import org.apache.spark.ml.param.StringArrayParam;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Options that are stage params. Such an option names its param with {@code descriptionKey =
 * "Stage.param"} and declares neither a description nor a default: both come from the param (its
 * doc and its default, through {@link Docs}), so a default lives in one place, the stage, for the
 * CLI help, YAML pipelines and run records alike. {@link #bind} sets every option the user gave on
 * the job's stages that have the param, decoding and validating it as the param's type says, before
 * Spark starts.
 */
final class ParamOptions {
  private ParamOptions() {}

  /**
   * Sets each given stage-param option of {@code command} on every stage of {@code stages} that has
   * the param; an option that no stage takes is a usage error (e.g. {@code --num-perm} with {@code
   * --method exact}).
   */
  static void bind(CommandSpec command, List<? extends PipelineStage> stages) {
    CommandLine.ParseResult parsed = command.commandLine().getParseResult();
    for (OptionSpec option : command.options()) {
      String key = option.descriptionKey();
      if (key == null || !key.contains(".") || !parsed.hasMatchedOption(option)) {
        continue;
      }
      String stageName = key.substring(0, key.indexOf('.'));
      String name = key.substring(key.indexOf('.') + 1);
      Object value = option.getValue();
      // Two stages may name a param alike (LineDeduplicator.mode, PerplexityScorer.mode): the
      // stage the key names takes it when the run has one.
      boolean named = stages.stream().anyMatch(s -> s.getClass().getSimpleName().equals(stageName));
      boolean bound = false;
      for (PipelineStage stage : stages) {
        if (named && !stage.getClass().getSimpleName().equals(stageName)) {
          continue;
        }
        if (stage.hasParam(name)) {
          set(stage, stage.getParam(name), value, option.longestName());
          bound = true;
        }
      }
      if (!bound) {
        throw Errors.badUsage(
            option.longestName(),
            "does not apply to this run's stages ("
                + String.join(", ", stages.stream().map(s -> s.getClass().getSimpleName()).toList())
                + ")");
      }
    }
  }

  /**
   * Sets {@code value} (as the user typed it, or a Boolean for flags) on {@code param}, checked by
   * its type.
   */
  static void set(PipelineStage stage, Param<?> param, Object value, String flag) {
    String text = String.valueOf(value).trim();
    Object typed;
    try {
      if (param instanceof IntParam) {
        typed = Integer.parseInt(text);
      } else if (param instanceof LongParam) {
        typed = Long.parseLong(text);
      } else if (param instanceof DoubleParam) {
        typed = Double.parseDouble(text);
      } else if (param instanceof FloatParam) {
        typed = Float.parseFloat(text);
      } else if (param instanceof BooleanParam) {
        if (!text.equals("true") && !text.equals("false")) {
          throw new NumberFormatException(text);
        }
        typed = Boolean.parseBoolean(text);
      } else if (param instanceof StringArrayParam) {
        typed = text.isEmpty() ? new String[0] : text.split("\\s*,\\s*");
      } else {
        typed = text;
      }
    } catch (NumberFormatException e) {
      throw Errors.badArgument(flag, value, kind(param) + " (" + param.doc() + ")");
    }
    try {
      @SuppressWarnings("unchecked")
      Param<Object> p = (Param<Object>) param;
      stage.set(new ParamPair<>(p, typed));
    } catch (IllegalArgumentException e) {
      throw Errors.badArgument(flag, value, param.doc());
    }
  }

  private static String kind(Param<?> param) {
    if (param instanceof IntParam || param instanceof LongParam) {
      return "a whole number";
    } else if (param instanceof DoubleParam || param instanceof FloatParam) {
      return "a number";
    } else if (param instanceof BooleanParam) {
      return "true or false";
    }
    return "a value";
  }

  /** The default of {@code param} on {@code stage} as help shows it, or null when it has none. */
  static String defaultText(PipelineStage stage, Param<?> param) {
    if (!stage.hasDefault(param)) {
      return null;
    }
    Object v = stage.getDefault(param).get();
    return v instanceof String[] a ? String.join(",", a) : String.valueOf(v);
  }

  /**
   * The help text of every registered stage's params, under {@code Stage.param}: the param's doc
   * and default. Picocli reads an option's description from here when the option names the key.
   */
  static final class Docs extends ResourceBundle {
    private Map<String, String> texts;

    /** The texts, built on first use: a run that prints no help never builds every stage. */
    private synchronized Map<String, String> texts() {
      if (texts == null) {
        texts = new LinkedHashMap<>();
        for (String name : StageRegistry.names()) {
          PipelineStage stage = StageRegistry.newStage(name);
          for (Param<?> param : stage.params()) {
            String d = defaultText(stage, param);
            String doc =
                param.doc().substring(0, 1).toUpperCase(java.util.Locale.ROOT)
                    + param.doc().substring(1);
            // picocli formats descriptions like printf: a literal % must be doubled
            texts.put(
                name + "." + param.name(),
                (doc + (d == null ? "." : " (default: " + d + ").")).replace("%", "%%"));
          }
        }
      }
      return texts;
    }

    @Override
    protected Object handleGetObject(String key) {
      return texts().get(key);
    }

    @Override
    public Enumeration<String> getKeys() {
      return Collections.enumeration(new ArrayList<>(texts().keySet()));
    }
  }
}
