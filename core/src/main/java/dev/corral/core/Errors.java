package dev.corral.core;

import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.util.List;

/**
 * Every user-facing error of Corral is built here, as Delta builds its own in {@code DeltaErrors},
 * so messages keep one shape: the file, row, key or flag first, then what is wrong. Usage errors (a
 * value out of its domain) and data errors (a file or row that cannot be used) differ only in the
 * exit code they give.
 */
public final class Errors {
  private Errors() {}

  // ---------------------------------------------------------------- arguments, params,
  // configuration

  /** A parameter, flag or key with a value out of its domain. */
  public static CorralException badArgument(String name, Object value, String expected) {
    return usage("invalid " + name + " '" + value + "': expected " + expected);
  }

  /**
   * A stage's params that contradict each other: {@code Stage: what}, naming the params and their
   * values.
   */
  public static CorralException badParams(String stage, String what) {
    return usage(stage + ": " + what);
  }

  /** Two params of a stage that must be ordered but are not: {@code Stage: minX 100 > maxX 50}. */
  public static CorralException paramsOutOfOrder(
      String stage, String low, Object lowValue, String high, Object highValue) {
    return badParams(stage, low + " " + lowValue + " > " + high + " " + highValue);
  }

  /** A command-line or config setting that is wrong in its context: names it and says why. */
  public static CorralException badUsage(String where, String what) {
    return usage(where + ": " + what);
  }

  /** A required builder field that was never set. */
  public static CorralException missing(String builder, String field) {
    return usage(builder + ": " + field + " is required (call set" + field + ")");
  }

  // ---------------------------------------------------------------- files and tables

  /** A file that cannot be opened or read. */
  public static CorralException unreadable(String path, Throwable cause) {
    return data(path + ": cannot read: " + reason(cause), cause);
  }

  /** A file that cannot be created or written. */
  public static CorralException unwritable(String path, Throwable cause) {
    return data(path + ": cannot write: " + reason(cause), cause);
  }

  /** An output that cannot be written as asked (it exists, it is a file): {@code path: what}. */
  public static CorralException badOutput(String path, String what) {
    return usage(path + ": " + what);
  }

  /** Output that would not fit: names the bytes it needs and the bytes free on the file system. */
  public static CorralException noSpace(String path, long needed, long free) {
    return data(
        path + ": needs " + bytes(needed) + " but its file system has " + bytes(free) + " free");
  }

  /** Input data that a stage or job cannot use: names the source and what is wrong. */
  public static CorralException badInput(String source, String what) {
    return data(source + ": " + what);
  }

  /** A table whose format cannot be told from its path; lists the formats that can. */
  public static CorralException unknownTableFormat(String path, String accepted) {
    return data(path + ": cannot tell the table format from the path; accepted: " + accepted);
  }

  /** An output that would overwrite, sit inside or contain one of the job's inputs. */
  public static CorralException outputOverlapsInput(String output, String input, String how) {
    return usage(
        "--output "
            + output
            + " "
            + how
            + " --input "
            + input
            + ": a job never writes where it reads; choose another output");
  }

  /** An output folder that holds files Corral did not write there. */
  public static CorralException foreignOutput(String output, List<String> foreign, int total) {
    return usage(
        "--output "
            + output
            + " holds "
            + total
            + " entr"
            + (total == 1 ? "y" : "ies")
            + " Corral did not write ("
            + String.join(", ", foreign)
            + (total > foreign.size() ? ", ..." : "")
            + "); choose an empty or new folder, or give --overwrite to replace only Corral's output there");
  }

  /** Rows of an input that are not what its format promises (malformed JSON, invalid UTF-8). */
  public static CorralException badRows(long count, List<String> first) {
    return data(
        count
            + " malformed row"
            + (count == 1 ? "" : "s")
            + " (not a JSON object, or invalid UTF-8), first at "
            + String.join(", ", first)
            + "; fix them or give --bad-rows skip to skip and count them");
  }

  /** An id column whose values repeat, for a job that needs one row per id. */
  public static CorralException duplicateIds(
      String column, long duplicated, List<String> examples) {
    return data(
        "column '"
            + column
            + "' must be unique but "
            + duplicated
            + " value"
            + (duplicated == 1 ? "" : "s")
            + " repeat: "
            + String.join(", ", examples));
  }

  // ---------------------------------------------------------------- stages and SQL

  /**
   * A column contract broken by a stage's input schema. An {@link IllegalArgumentException}, not a
   * {@link CorralException}, because Spark ML's {@code transformSchema} contract and Pipeline
   * callers expect it.
   */
  public static IllegalArgumentException badColumn(String stage, String column, String what) {
    return new IllegalArgumentException(stage + ": column '" + column + "' " + what);
  }

  /**
   * A SQL function called with the wrong number of arguments; Spark reports it as an analysis
   * error.
   */
  public static IllegalArgumentException wrongArgumentCount(
      String function, String signature, int given) {
    return new IllegalArgumentException(
        function
            + " takes "
            + signature
            + " but was given "
            + given
            + (given == 1 ? " argument" : " arguments"));
  }

  // ---------------------------------------------------------------- models

  /** A {@code builtin:} model URI that names no model bundled in the jar. */
  public static CorralException noSuchBuiltinModel(String uri, String bundled) {
    return data(uri + ": no such bundled model (bundled: " + bundled + ")");
  }

  /**
   * A fastText model file that is not what it claims to be: {@code path: what is wrong (at byte
   * offset)}.
   */
  public static CorralException badModel(String path, long offset, String what) {
    return data(path + ": not a valid fastText model: " + what + " (at byte " + offset + ")");
  }

  /** A fastText model file that ends before its header says it should. */
  public static CorralException truncatedModel(
      String path, long offset, String reading, long needed, long left) {
    return data(
        path
            + ": truncated fastText model: reading "
            + reading
            + " needs "
            + needed
            + " bytes at byte "
            + offset
            + " but only "
            + left
            + " remain");
  }

  /**
   * A model that is well formed but cannot do what was asked (e.g. predict with an unsupervised
   * model).
   */
  public static CorralException unsupported(String path, String what) {
    return data(path + ": " + what);
  }

  /**
   * An ARPA n-gram model file that is malformed: {@code path:line: not a valid ARPA file: what}.
   */
  public static CorralException badArpa(String path, long line, String what) {
    return data(path + ":" + line + ": not a valid ARPA file: " + what);
  }

  /** A KenLM binary model file that is malformed: {@code path: not a valid KenLM binary: what}. */
  public static CorralException badKenlmBinary(String path, String what) {
    return data(path + ": not a valid KenLM binary language model: " + what);
  }

  /** A KenLM binary model file shorter than its header says it must be. */
  public static CorralException truncatedKenlmBinary(
      String path, String what, long needed, long size) {
    return data(
        path
            + ": truncated KenLM binary language model: "
            + what
            + " need "
            + needed
            + " bytes but the file has "
            + size);
  }

  /**
   * A language model that cannot be estimated from the given counts (e.g. Kneser-Ney discounts out
   * of range).
   */
  public static CorralException cannotEstimate(String what) {
    return data("cannot estimate the n-gram language model: " + what);
  }

  /**
   * A SentencePiece {@code .model} file that is not a valid {@code ModelProto}: {@code path: what
   * is wrong (at byte offset)}.
   */
  public static CorralException badSentencePieceModel(String path, long offset, String what) {
    return data(path + ": not a valid SentencePiece model: " + what + " (at byte " + offset + ")");
  }

  /**
   * A Hugging Face {@code tokenizer.json} that the pure-Java SentencePiece encoder cannot encode as
   * the {@code tokenizers} library does: {@code path: what it has that is not supported}.
   */
  public static CorralException unsupportedTokenizerJson(String path, String what) {
    return data(path + ": not a SentencePiece-style BPE tokenizer.json (LLaMA's shape): " + what);
  }

  /** A checkpoint file that is not what it claims to be: {@code path: what is wrong}. */
  public static CorralException badCheckpoint(String path, String what) {
    return data(path + ": not a valid checkpoint: " + what);
  }

  /**
   * One tensor of a safetensors file that is malformed or disagrees with the file or config.json.
   */
  public static CorralException badTensor(String path, String tensor, String what) {
    return data(path + ": tensor '" + tensor + "': " + what);
  }

  /** A config.json value that is missing, of the wrong type, or out of its domain. */
  public static CorralException badConfig(String path, String key, String what) {
    return data(path + ": '" + key + "' " + what);
  }

  /** A checkpoint that is well formed but uses a feature the LLaMA engine does not implement. */
  public static CorralException unsupportedFeature(String path, String what) {
    return data(path + ": unsupported: " + what);
  }

  // ----------------------------------------------------------------

  /** {@code 1,234,567 bytes (1.2 MiB)}: exact, then readable. */
  static String bytes(long n) {
    String[] units = {"KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
    double v = n;
    int u = -1;
    while (v >= 1024 && u < units.length - 1) {
      v /= 1024;
      u++;
    }
    return String.format(java.util.Locale.ROOT, "%,d bytes", n)
        + (u < 0 ? "" : String.format(java.util.Locale.ROOT, " (%.1f %s)", v, units[u]));
  }

  private static String reason(Throwable cause) {
    if (cause instanceof NoSuchFileException) {
      return "no such file";
    }
    if (cause instanceof AccessDeniedException) {
      return "permission denied";
    }
    return cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
  }

  private static CorralException usage(String message) {
    return new CorralException(CorralException.Kind.USAGE, message);
  }

  private static CorralException data(String message) {
    return new CorralException(CorralException.Kind.DATA, message);
  }

  private static CorralException data(String message, Throwable cause) {
    return new CorralException(CorralException.Kind.DATA, message, cause);
  }
}
