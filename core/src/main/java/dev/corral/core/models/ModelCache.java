package dev.corral.core.models;

import dev.corral.core.Errors;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * The models of one JVM (an executor, or the driver in local mode), whatever their kind: fastText
 * models, tokenizers, n-gram LMs, LLaMA checkpoints. Each is loaded lazily on first use, shared by
 * every task of the JVM, and closed (when {@link AutoCloseable}) when the JVM exits. Task closures
 * carry only a model's URI and call {@link #get} on the executor, so a model is never serialized
 * with a task and is read once per JVM.
 *
 * <p>Concurrent first calls for one key wait for a single load; other keys load in parallel. A
 * failed load is not remembered, so a retried task tries again.
 */
public final class ModelCache {
  /** URI scheme of the models bundled in the jar. */
  public static final String BUILTIN_SCHEME = "builtin:";

  /**
   * What a model is cached by.
   *
   * @param kind what the model is ({@code fasttext}, {@code tokenizer}, {@code ngram}, {@code
   *     llama})
   * @param uri where it is read from, as the stage was given it (a {@code #fragment} may tag a
   *     version)
   * @param variant what else makes two loads differ (device and dtype for LLaMA), empty when
   *     nothing does
   */
  public record Key(String kind, String uri, String variant) {
    public Key(String kind, String uri) {
      this(kind, uri, "");
    }
  }

  private static final Map<Key, Slot> MODELS = new ConcurrentHashMap<>();
  private static final Map<Key, AtomicLong> LOADS = new ConcurrentHashMap<>();

  static {
    // Free native memory (GPU memory above all) in order when the executor stops, not at the OS's
    // leisure.
    Runtime.getRuntime().addShutdownHook(new Thread(ModelCache::closeAll, "corral-models-close"));
  }

  private ModelCache() {}

  /**
   * The model for {@code key}, made by {@code load} on the first call in this JVM and shared
   * afterwards.
   */
  @SuppressWarnings("unchecked")
  public static <T> T get(Key key, Supplier<T> load) {
    Slot slot = MODELS.computeIfAbsent(key, k -> new Slot());
    return (T)
        slot.get(
            () -> {
              T model = load.get();
              LOADS.computeIfAbsent(key, k -> new AtomicLong()).incrementAndGet();
              return model;
            });
  }

  /** How many times this JVM loaded the model for {@code key}: 1 after any number of tasks. */
  public static long loads(Key key) {
    AtomicLong n = LOADS.get(key);
    return n == null ? 0 : n.get();
  }

  /** Loads per key of one kind in this JVM, for reports and tests. */
  public static Map<Key, Long> loads(String kind) {
    Map<Key, Long> out = new TreeMap<>(Comparator.comparing(Key::toString));
    LOADS.forEach(
        (k, v) -> {
          if (k.kind().equals(kind)) {
            out.put(k, v.get());
          }
        });
    return out;
  }

  /**
   * The bytes of a model bundled in the jar under {@code folder}: {@code builtin:NAME} names {@code
   * folder + NAME}; {@code bundled} lists the names for the error when there is no such model.
   */
  public static byte[] readBuiltin(String uri, String folder, String bundled) {
    String name = uri.substring(BUILTIN_SCHEME.length());
    if (name.isEmpty() || name.contains("/") || name.contains("..")) {
      throw Errors.noSuchBuiltinModel(uri, bundled);
    }
    try (InputStream in = ModelCache.class.getClassLoader().getResourceAsStream(folder + name)) {
      if (in == null) {
        throw Errors.noSuchBuiltinModel(uri, bundled);
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw Errors.unreadable(uri, e);
    }
  }

  /** Closes every model of this JVM (the shutdown hook); a later {@link #get} loads again. */
  public static void closeAll() {
    List<Slot> slots = new ArrayList<>(MODELS.values());
    MODELS.clear();
    for (Slot slot : slots) {
      slot.close();
    }
  }

  /**
   * One lazily computed value: the first caller computes it while the others wait; a failure is not
   * kept.
   */
  private static final class Slot {
    private Object value;

    synchronized Object get(Supplier<Object> compute) {
      if (value == null) {
        value = compute.get();
      }
      return value;
    }

    synchronized void close() {
      if (value instanceof AutoCloseable c) {
        try {
          c.close();
        } catch (Exception e) {
          // At shutdown nothing can act on a failed close; the process frees the memory anyway.
        }
      }
      value = null;
    }
  }
}
