package dev.corral.core.job;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/**
 * Which Corral ran: the version and git commit the build recorded, for run records and {@code
 * --version}.
 */
public final class Build {
  private static final Properties PROPERTIES = load();

  private Build() {}

  /** The Maven version, e.g. {@code 0.1.0-SNAPSHOT}. */
  public static String version() {
    return value("version");
  }

  /**
   * The abbreviated git commit, with {@code -dirty} when the tree had changes; {@code unknown}
   * without git.
   */
  public static String commit() {
    String commit = value("commit");
    return commit.equals("unknown") || !"true".equals(value("dirty")) ? commit : commit + "-dirty";
  }

  private static String value(String key) {
    String v = PROPERTIES.getProperty(key, "");
    return v.isEmpty() || v.startsWith("${") ? "unknown" : v;
  }

  private static Properties load() {
    Properties p = new Properties();
    try (InputStream in = Build.class.getResourceAsStream("/dev/corral/core/build.properties")) {
      if (in != null) {
        p.load(in);
      }
    } catch (IOException e) {
      // a build without the file reports "unknown"
    }
    return p;
  }
}
