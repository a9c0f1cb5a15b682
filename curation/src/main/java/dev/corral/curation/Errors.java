package dev.corral.curation;

/** Every user-facing error of the curation library is built here, so messages stay uniform. */
public final class Errors {
  private Errors() {}

  /** A model file that is not what it claims to be: {@code path: what is wrong (at byte offset)}. */
  public static CorralException badModel(String path, long offset, String what) {
    return new CorralException(path + ": not a valid fastText model: " + what + " (at byte " + offset + ")");
  }

  /** A model file that ends before its header says it should. */
  public static CorralException truncatedModel(String path, long offset, String reading, long needed, long left) {
    return new CorralException(path + ": truncated fastText model: reading " + reading + " needs " + needed
        + " bytes at byte " + offset + " but only " + left + " remain");
  }

  /** A model that is well formed but cannot do what was asked (e.g. predict with an unsupervised model). */
  public static CorralException unsupported(String path, String what) {
    return new CorralException(path + ": " + what);
  }

  /** A file that cannot be opened or read. */
  public static CorralException unreadable(String path, Throwable cause) {
    String reason = cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
    if (cause instanceof java.nio.file.NoSuchFileException) {
      reason = "no such file";
    } else if (cause instanceof java.nio.file.AccessDeniedException) {
      reason = "permission denied";
    }
    return new CorralException(path + ": cannot read: " + reason, cause);
  }

  /** A parameter or argument with a value out of its domain. */
  public static CorralException badArgument(String name, Object value, String expected) {
    return new CorralException("invalid " + name + " '" + value + "': expected " + expected);
  }

  /** Input data that a stage cannot use: names the source and what is wrong. */
  public static CorralException badInput(String source, String what) {
    return new CorralException(source + ": " + what);
  }

  /** A {@code builtin:} model URI that names no model bundled in the jar. */
  public static CorralException noSuchBuiltinModel(String uri, String bundled) {
    return new CorralException(uri + ": no such bundled model (bundled: " + bundled + ")");
  }

  /**
   * A column contract broken by a stage's input schema. An {@link IllegalArgumentException}, not a
   * {@link CorralException}, because Spark ML's {@code transformSchema} contract and Pipeline callers expect it.
   */
  public static IllegalArgumentException badColumn(String stage, String column, String what) {
    return new IllegalArgumentException(stage + ": column '" + column + "' " + what);
  }

  /** A SQL function called with the wrong number of arguments; Spark reports it as an analysis error. */
  public static IllegalArgumentException wrongArgumentCount(String function, String signature, int given) {
    return new IllegalArgumentException(function + " takes " + signature + " but was given " + given
        + (given == 1 ? " argument" : " arguments"));
  }

  /** A table whose format cannot be told from its path; lists the formats that can. */
  public static CorralException unknownTableFormat(String path, String accepted) {
    return new CorralException(path + ": cannot tell the table format from the path; accepted: " + accepted);
  }

  /** An ARPA n-gram model file that is malformed: {@code path:line: not a valid ARPA file: what}. */
  public static CorralException badArpa(String path, long line, String what) {
    return new CorralException(path + ":" + line + ": not a valid ARPA file: " + what);
  }

  /** A language model that cannot be estimated from the given counts (e.g. Kneser-Ney discounts out of range). */
  public static CorralException cannotEstimate(String what) {
    return new CorralException("cannot estimate the n-gram language model: " + what);
  }

  /** A stage's params that contradict each other: {@code Stage: what}, naming the params and their values. */
  public static CorralException badParams(String stage, String what) {
    return new CorralException(stage + ": " + what);
  }

  /** Two params of a stage that must be ordered but are not: {@code Stage: minX 100 > maxX 50}. */
  public static CorralException paramsOutOfOrder(String stage, String low, Object lowValue, String high,
      Object highValue) {
    return badParams(stage, low + " " + lowValue + " > " + high + " " + highValue);
  }

  /** A file that cannot be created or written. */
  public static CorralException unwritable(String path, Throwable cause) {
    String reason = cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
    return new CorralException(path + ": cannot write: " + reason, cause);
  }
}
