package dev.corral.core.stage;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.corral.core.Errors;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.LongParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamPair;

/**
 * Every stage a pipeline YAML may name, by its class's simple name, gathered from the {@link
 * StageProvider}s on the class path, and how a stage's params are set from YAML values: each value
 * goes through the param's own JSON decoder and validator, integer params take only whole numbers,
 * and cross-param checks ({@link CheckedParams}) run before a stage is returned. Nothing here needs
 * a SparkSession, so a bad file fails before Spark starts.
 */
public final class StageRegistry {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static volatile Map<String, Supplier<PipelineStage>> stages;

  private StageRegistry() {}

  private static Map<String, Supplier<PipelineStage>> stages() {
    if (stages == null) {
      synchronized (StageRegistry.class) {
        if (stages == null) {
          Map<String, Supplier<PipelineStage>> found = new LinkedHashMap<>();
          ClassLoader loader = StageRegistry.class.getClassLoader();
          for (StageProvider provider : ServiceLoader.load(StageProvider.class, loader)) {
            for (Supplier<PipelineStage> factory : provider.stages()) {
              String name = factory.get().getClass().getSimpleName();
              if (found.putIfAbsent(name, factory) != null) {
                throw new IllegalStateException("two stages named " + name + " on the class path");
              }
            }
          }
          stages = Collections.unmodifiableMap(found);
        }
      }
    }
    return stages;
  }

  /** The names a YAML may use, in the providers' order. */
  public static Set<String> names() {
    return stages().keySet();
  }

  /** A new stage with its defaults, for docs, help and contract tests. */
  public static PipelineStage newStage(String name) {
    Supplier<PipelineStage> factory = stages().get(name);
    if (factory == null) {
      throw Errors.badArgument("stage", name, "one of " + String.join(", ", names()));
    }
    return factory.get();
  }

  /** One new stage of each registered kind. */
  public static List<PipelineStage> prototypes() {
    return stages().values().stream().map(Supplier::get).collect(Collectors.toList());
  }

  /**
   * A new stage {@code name} with {@code params} set; values are YAML scalars or lists. {@code
   * where} names the place in the file for errors.
   */
  public static PipelineStage create(String name, Map<String, Object> params, String where) {
    Supplier<PipelineStage> factory = stages().get(name);
    if (factory == null) {
      throw Errors.badUsage(
          where, "unknown stage '" + name + "' (known: " + String.join(", ", names()) + ")");
    }
    PipelineStage stage = factory.get();
    for (Map.Entry<String, Object> e : params.entrySet()) {
      set(stage, e.getKey(), e.getValue(), where);
    }
    if (stage instanceof CheckedParams checked) {
      try {
        checked.checkParams();
      } catch (RuntimeException e) {
        throw Errors.badUsage(where, e.getMessage());
      }
    }
    return stage;
  }

  /**
   * Sets param {@code key} of {@code stage} from a YAML or JSON value, through the param's decoder
   * and validator.
   */
  public static void set(PipelineStage stage, String key, Object value, String where) {
    String name = stage.getClass().getSimpleName();
    if (!stage.hasParam(key)) {
      String known =
          Arrays.stream(stage.params()).map(Param::name).collect(Collectors.joining(", "));
      throw Errors.badUsage(
          where, "stage " + name + " has no param '" + key + "' (params: " + known + ")");
    }
    @SuppressWarnings("unchecked")
    Param<Object> param = (Param<Object>) stage.getParam(key);
    boolean integral = param instanceof IntParam || param instanceof LongParam;
    if (integral
        && !(value instanceof Integer
            || value instanceof Long
            || value instanceof java.math.BigInteger)) {
      throw Errors.badUsage(
          where,
          "stage "
              + name
              + " param '"
              + key
              + "' cannot be "
              + value
              + ": a whole number is needed ("
              + param.doc()
              + ")");
    }
    try {
      Object decoded = param.jsonDecode(JSON.writeValueAsString(value));
      stage.set(new ParamPair<>(param, decoded));
    } catch (Exception ex) {
      throw Errors.badUsage(
          where, "stage " + name + " param '" + key + "' cannot be " + value + ": " + param.doc());
    }
  }
}
