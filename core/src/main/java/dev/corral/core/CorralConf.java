package dev.corral.core;

import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Predicate;
import org.apache.spark.sql.RuntimeConfig;
import org.apache.spark.sql.SparkSession;
import scala.Option;

/**
 * The one registry of Corral's Spark configuration keys, in the style of Delta's {@code
 * DeltaSQLConf}: every key lives under {@value #PREFIX}, and each {@link Entry} carries its key,
 * doc, type, default and validation. Code reads configuration only through these entries, never by
 * a string key.
 *
 * <p>Keys are read from the session's runtime configuration, so they can be set in {@code
 * spark-defaults.conf}, with {@code --conf}, through {@code SparkSession.builder().config(...)} or
 * with SQL {@code SET spark.corral.langid.minScore=0.65}.
 */
public final class CorralConf {
  /** Every Corral key starts with this prefix. */
  public static final String PREFIX = "spark.corral.";

  // Insertion-ordered so that docs and run reports list keys as they are declared here.
  private static final Map<String, Entry<?>> ENTRIES = new LinkedHashMap<>();

  /**
   * The fastText language-ID model that the SQL functions use: a {@code builtin:} name or a Hadoop
   * path.
   */
  public static final Entry<String> LANGID_MODEL =
      register(
          new Entry<>(
              "langid.model",
              "fastText language-ID model used by corral_language() and corral_language_score(): "
                  + "'builtin:NAME' for a model bundled in the jar, or any Hadoop-readable path (file:, hdfs:, s3a:).",
              String.class,
              "builtin:lid.176.ftz",
              Function.identity(),
              s -> !s.isBlank(),
              "a non-empty model URI"));

  /** Below this best-label probability corral_language() answers {@code unknown}. */
  public static final Entry<Double> LANGID_MIN_SCORE =
      register(
          new Entry<>(
              "langid.minScore",
              "Lowest best-label probability for which corral_language() names a language; below it the answer "
                  + "is 'unknown'. CCNet keeps documents whose language score is at least 0.5.",
              Double.class,
              0.5,
              Double::valueOf,
              v -> v >= 0.0 && v <= 1.0,
              "a number in [0, 1]"));

  /** The Hugging Face checkpoint folder that corral_perplexity() scores with; empty until set. */
  public static final Entry<String> LLAMA_MODEL =
      register(
          new Entry<>(
              "llama.model",
              "Hugging Face checkpoint folder (any Hadoop path) that corral_perplexity() scores with; SET it before the "
                  + "query that calls the function.",
              String.class,
              "",
              Function.identity(),
              s -> true,
              "a checkpoint folder"));

  /** Load LLaMA models on the CPU even where a task has a GPU (tests with fake GPU discovery). */
  public static final Entry<Boolean> LLAMA_CPU_FALLBACK =
      register(
          new Entry<>(
              "llama.cpuFallback",
              "Load LLaMA models on the CPU even where a task was given a GPU, still keying the model cache and the "
                  + "device column by the GPU address: for clusters with fake GPU discovery. A stage's cpuFallback param "
                  + "wins when set.",
              Boolean.class,
              false,
              CorralConf::parseBoolean,
              b -> true,
              "true or false"));

  private CorralConf() {}

  private static Boolean parseBoolean(String raw) {
    return switch (raw.toLowerCase(java.util.Locale.ROOT)) {
      case "true" -> true;
      case "false" -> false;
      default -> throw new IllegalArgumentException(raw);
    };
  }

  private static <T> Entry<T> register(Entry<T> entry) {
    if (ENTRIES.putIfAbsent(entry.key(), entry) != null) {
      throw new IllegalStateException("duplicate configuration key " + entry.key());
    }
    return entry;
  }

  /** All entries, in declaration order. */
  public static Collection<Entry<?>> entries() {
    return Collections.unmodifiableCollection(ENTRIES.values());
  }

  /** The entry for a full key such as {@code spark.corral.langid.model}, if there is one. */
  public static Optional<Entry<?>> find(String key) {
    return Optional.ofNullable(ENTRIES.get(key));
  }

  /** Every key with the value the session resolves it to (set or default), for run reports. */
  public static Map<String, Object> resolved(SparkSession spark) {
    Map<String, Object> out = new LinkedHashMap<>();
    for (Entry<?> e : ENTRIES.values()) {
      out.put(e.key(), e.get(spark));
    }
    return out;
  }

  /**
   * One configuration key: its full name, what it does, its type and default, and the check its
   * values must pass. Immutable.
   *
   * @param <T> the type of the value
   */
  public static final class Entry<T> {
    private final String key;
    private final String doc;
    private final Class<T> type;
    private final T defaultValue;
    private final Function<String, T> parser;
    private final Predicate<T> validator;
    private final String expected;

    private Entry(
        String name,
        String doc,
        Class<T> type,
        T defaultValue,
        Function<String, T> parser,
        Predicate<T> validator,
        String expected) {
      this.key = PREFIX + name;
      this.doc = doc;
      this.type = type;
      this.defaultValue = Objects.requireNonNull(defaultValue, "default");
      this.parser = parser;
      this.validator = validator;
      this.expected = expected;
      if (!validator.test(defaultValue)) {
        throw new IllegalStateException(key + ": default " + defaultValue + " is not " + expected);
      }
    }

    /** The full key, e.g. {@code spark.corral.langid.model}. */
    public String key() {
      return key;
    }

    /** What the key does, for docs and {@code --help}. */
    public String doc() {
      return doc;
    }

    /** The Java type of the value. */
    public Class<T> type() {
      return type;
    }

    /** The value used when the key is not set. */
    public T defaultValue() {
      return defaultValue;
    }

    /**
     * Parses and checks a raw string value; a bad value is a {@link CorralException} naming the
     * key.
     */
    public T parse(String raw) {
      T value;
      try {
        value = parser.apply(raw.trim());
      } catch (RuntimeException e) {
        throw Errors.badArgument(key, raw, expected);
      }
      if (!validator.test(value)) {
        throw Errors.badArgument(key, raw, expected);
      }
      return value;
    }

    /** The value in the session's runtime configuration, or the default. */
    public T get(SparkSession spark) {
      return get(spark.conf());
    }

    /** The value in a runtime configuration, or the default. */
    public T get(RuntimeConfig conf) {
      Option<String> raw = conf.getOption(key);
      return raw.isDefined() ? parse(raw.get()) : defaultValue;
    }

    @Override
    public String toString() {
      return key + " (" + type.getSimpleName() + ", default " + defaultValue + "): " + doc;
    }
  }
}
