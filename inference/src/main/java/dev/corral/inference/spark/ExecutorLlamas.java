package dev.corral.inference.spark;

import dev.corral.core.Errors;
import dev.corral.core.io.Fingerprint;
import dev.corral.core.io.HadoopFs;
import dev.corral.core.models.ModelCache;
import dev.corral.inference.llama.LlamaModel;
import java.io.File;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.FileUtil;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.RawLocalFileSystem;
import org.apache.spark.SparkEnv;
import org.apache.spark.SparkFiles;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The LLaMA models of one JVM (an executor, or the driver in local mode), loaded lazily on first
 * use, shared by every task of the JVM and closed when the JVM exits. Keyed by (model path,
 * placement, dtype): an executor with one GPU holds one model per checkpoint however many tasks it
 * runs; an executor given two GPUs holds one per GPU.
 *
 * <p>Task closures carry the model path only, never a model: a 7B model is 28 GB in f32 and tensors
 * are not serializable anyway. The path is any Hadoop path: a local folder ({@code /models/x},
 * {@code file:}) is read in place; a remote one ({@code hdfs:}, {@code s3a:}, ...) is copied once
 * per JVM to executor-local disk (the executor's working folder, which Spark removes with the
 * application), since the engine maps safetensors files from a local file system.
 *
 * <p>Concurrent first calls for one key wait for a single load; other keys load in parallel. A
 * failed load is not remembered, so a retried task tries again.
 */
public final class ExecutorLlamas {
  /**
   * What a model is cached by.
   *
   * @param modelPath the checkpoint folder as the stage was given it
   * @param device the placement label ({@code cpu}, {@code gpu:0}, ...)
   * @param dtype the dtype the model computes in
   */
  public record Key(String modelPath, String device, String dtype) {}

  private static final String KIND = "llama";

  private static final Logger LOG = LoggerFactory.getLogger(ExecutorLlamas.class);

  private ExecutorLlamas() {}

  /** The model for {@code (modelPath, placement, dtype)}, loaded on the first call in this JVM. */
  public static LlamaModel get(String modelPath, GpuPinning.Placement placement, String dtype) {
    if (!LlamaTransformer.DTYPES.contains(dtype)) {
      throw Errors.badArgument("dtype", dtype, "one of " + LlamaTransformer.DTYPES);
    }
    return ModelCache.get(
        cacheKey(new Key(modelPath, placement.label(), dtype)),
        () -> {
          LlamaModel model =
              LlamaModel.load(
                  localFolder(modelPath), placement.device(), LlamaTransformer.engineType(dtype));
          // One line per load in the executor's log: how a cluster shows one model per GPU.
          LOG.info(
              "corral: loaded LLaMA {} on {} ({}) in executor {}",
              modelPath,
              placement.label(),
              dtype,
              SparkEnv.get() != null ? SparkEnv.get().executorId() : "none");
          return model;
        });
  }

  /** How many times this JVM loaded the model for {@code key}: 1 after any number of tasks. */
  public static long loads(Key key) {
    return ModelCache.loads(cacheKey(key));
  }

  /** Loads per key in this JVM, for reports and tests. */
  public static Map<Key, Long> loads() {
    Map<Key, Long> out = new java.util.TreeMap<>(Comparator.comparing(Key::toString));
    ModelCache.loads(KIND)
        .forEach(
            (k, n) -> {
              String[] variant = k.variant().split(" ", 2);
              out.put(new Key(k.uri(), variant[0], variant[1]), n);
            });
    return out;
  }

  private static ModelCache.Key cacheKey(Key key) {
    return new ModelCache.Key(KIND, key.modelPath(), key.device() + " " + key.dtype());
  }

  /**
   * The checkpoint folder on this machine's disk: the path itself when local, else a copy made
   * once.
   */
  static Path localFolder(String modelPath) {
    org.apache.hadoop.fs.Path path = new org.apache.hadoop.fs.Path(modelPath);
    try {
      FileSystem fs = path.getFileSystem(HadoopFs.configuration());
      if (fs instanceof LocalFileSystem || fs instanceof RawLocalFileSystem) {
        return new File(fs.makeQualified(path).toUri()).toPath();
      }
      return ModelCache.get(
          new ModelCache.Key("llama-copy", modelPath),
          () -> copyToLocal(fs, path, Path.of(localRoot(), "corral-models")));
    } catch (IOException e) {
      throw Errors.unreadable(modelPath, e);
    }
  }

  /**
   * Copies the folder {@code path} of {@code fs} to {@code root/<hash of its URI>/}, through a
   * temporary folder and an atomic rename, so a half-copied checkpoint is never loaded; reuses a
   * finished copy.
   */
  static Path copyToLocal(FileSystem fs, org.apache.hadoop.fs.Path path, Path root) {
    String uri = fs.makeQualified(path).toString();
    Path dest = root.resolve(Fingerprint.shortSha256(uri));
    if (Files.isDirectory(dest)) {
      return dest;
    }
    Path tmp = root.resolve(dest.getFileName() + ".tmp-" + UUID.randomUUID());
    try {
      Files.createDirectories(root);
      if (!fs.getFileStatus(path).isDirectory()) {
        throw Errors.badCheckpoint(uri, "not a folder (a checkpoint is a folder with config.json)");
      }
      if (!FileUtil.copy(fs, path, tmp.toFile(), false, fs.getConf())) {
        throw Errors.unreadable(uri, new IOException("copy to " + tmp + " failed"));
      }
      try {
        Files.move(tmp, dest, StandardCopyOption.ATOMIC_MOVE);
      } catch (FileAlreadyExistsException | AtomicMoveNotSupportedException e) {
        deleteTree(tmp); // another JVM on this machine finished the same copy first
      } catch (IOException e) {
        if (!Files.isDirectory(dest)) {
          throw e;
        }
        deleteTree(tmp);
      }
      return dest;
    } catch (IOException e) {
      deleteQuietly(tmp);
      throw Errors.unreadable(uri, e);
    } catch (RuntimeException e) {
      deleteQuietly(tmp);
      throw e;
    }
  }

  /**
   * Executor-local disk: the executor's working folder (or the driver's temp folder in local mode).
   */
  private static String localRoot() {
    return SparkEnv.get() != null
        ? SparkFiles.getRootDirectory()
        : System.getProperty("java.io.tmpdir");
  }

  private static void deleteQuietly(Path dir) {
    try {
      deleteTree(dir);
    } catch (IOException e) {
      // A leftover temporary folder sits in the executor's working folder and goes with the
      // application.
    }
  }

  private static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
