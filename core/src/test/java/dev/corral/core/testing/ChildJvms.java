package dev.corral.core.testing;

import java.util.Arrays;
import java.util.List;

/**
 * Extra flags for the JVMs that tests start: executors, Spark's daemons, spark-submit, Maven. Maven
 * passes them as {@code corral.test.childJvmFlags} ({@code corral.test.child.jvm} in the parent
 * pom): C1 alone, since such a JVM lives seconds on a few rows and C2's compiles never pay back (on
 * 2 cores they took half of {@code StandaloneClusterIT}'s CPU).
 */
public final class ChildJvms {
  private ChildJvms() {}

  /** The flags, none when the property is unset or blank. */
  public static List<String> flags() {
    String flags = System.getProperty("corral.test.childJvmFlags", "").trim();
    return flags.isEmpty() ? List.of() : Arrays.asList(flags.split("\\s+"));
  }
}
