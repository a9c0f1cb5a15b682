package dev.corral.curation.models;

import dev.corral.core.Errors;
import dev.corral.core.io.HadoopFs;
import dev.corral.core.models.ModelCache;
import dev.corral.curation.fasttext.FastTextModel;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * fastText models through the per-JVM {@link ModelCache}, keyed by model URI: {@code builtin:NAME}
 * for a model bundled in the jar under {@code dev/corral/curation/langid/}, or any path Hadoop can
 * read ({@code /local}, {@code file:}, {@code hdfs:}, {@code s3a:}, ...), opened with the Hadoop
 * configuration of the running Spark application.
 *
 * <p>A {@code #fragment} on a path URI is part of the cache key but not of the file name: a stage
 * that rewrites a model file in place (a retrained classifier) tags each version, so no JVM serves
 * a stale copy.
 */
public final class ExecutorModels {
  /** URI scheme of the models bundled in the jar. */
  public static final String BUILTIN_SCHEME = ModelCache.BUILTIN_SCHEME;

  /** Classpath folder of the bundled models. */
  static final String BUILTIN_FOLDER = "dev/corral/curation/langid/";

  /** The names that {@code builtin:} accepts. */
  static final String BUILTIN_NAMES = "lid.176.ftz";

  private static final String KIND = "fasttext";

  private ExecutorModels() {}

  /**
   * The fastText model at {@code uri}, read on the first call in this JVM and shared afterwards.
   * Concurrent first calls wait for one load; a failed load is not cached, so a later call retries.
   */
  public static FastTextModel fastText(String uri) {
    return ModelCache.get(new ModelCache.Key(KIND, uri), () -> load(uri));
  }

  /** How many times this JVM has read the model at {@code uri}; 1 after any number of tasks. */
  public static long loads(String uri) {
    return ModelCache.loads(new ModelCache.Key(KIND, uri));
  }

  private static FastTextModel load(String uri) {
    if (uri.startsWith(BUILTIN_SCHEME)) {
      // Bundled models are small (lid.176.ftz is 917 KiB), so reading them whole gives the exact
      // length.
      byte[] bytes = ModelCache.readBuiltin(uri, BUILTIN_FOLDER, BUILTIN_NAMES);
      return FastTextModel.load(new ByteArrayInputStream(bytes), bytes.length, uri);
    }
    int fragment = uri.lastIndexOf('#');
    Path path = new Path(fragment < 0 ? uri : uri.substring(0, fragment));
    FileSystem fs = HadoopFs.fileSystem(path);
    long length = HadoopFs.length(fs, path, uri);
    try (FSDataInputStream in = fs.open(path)) {
      return FastTextModel.load(in, length, uri);
    } catch (IOException e) {
      throw Errors.unreadable(uri, e);
    }
  }
}
