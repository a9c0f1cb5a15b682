package dev.corral.inference;

import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;

/** Every user-facing error of the inference engine is built here, so messages stay uniform. */
public final class Errors {
  private Errors() {}

  /** A checkpoint file that is not what it claims to be: {@code path: what is wrong}. */
  public static InferenceException badCheckpoint(String path, String what) {
    return new InferenceException(path + ": not a valid checkpoint: " + what);
  }

  /** One tensor of a safetensors file that is malformed or disagrees with the file or config.json. */
  public static InferenceException badTensor(String path, String tensor, String what) {
    return new InferenceException(path + ": tensor '" + tensor + "': " + what);
  }

  /** A config.json value that is missing, of the wrong type, or out of its domain. */
  public static InferenceException badConfig(String path, String key, String what) {
    return new InferenceException(path + ": '" + key + "' " + what);
  }

  /** A checkpoint that is well formed but uses a feature this engine does not implement. */
  public static InferenceException unsupported(String path, String what) {
    return new InferenceException(path + ": unsupported: " + what);
  }

  /** A file that cannot be opened or read. */
  public static InferenceException unreadable(String path, Throwable cause) {
    String reason = cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
    if (cause instanceof NoSuchFileException) {
      reason = "no such file";
    } else if (cause instanceof AccessDeniedException) {
      reason = "permission denied";
    }
    return new InferenceException(path + ": cannot read: " + reason, cause);
  }

  /** An option or argument with a value out of its domain. */
  public static InferenceException badArgument(String name, Object value, String expected) {
    return new InferenceException("invalid " + name + " '" + value + "': expected " + expected);
  }

  /** A required builder field that was never set. */
  public static InferenceException missing(String builder, String field) {
    return new InferenceException(builder + ": " + field + " is required (call set" + field + ")");
  }

  /** An output folder that cannot be written as asked (it exists, it is a file): {@code path: what}. */
  public static InferenceException badOutput(String path, String what) {
    return new InferenceException(path + ": " + what);
  }

  /** Output that would not fit: names the bytes it needs and the bytes free on the file system. */
  public static InferenceException noSpace(String path, long needed, long free) {
    return new InferenceException(path + ": needs " + bytes(needed) + " but its file system has " + bytes(free)
        + " free");
  }

  /** A file that cannot be created or written. */
  public static InferenceException unwritable(String path, Throwable cause) {
    String reason = cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
    return new InferenceException(path + ": cannot write: " + reason, cause);
  }

  /** {@code 1,234,567 bytes (1.2 MiB)}: exact, then readable. */
  static String bytes(long n) {
    String[] units = {"KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
    double v = n;
    int u = -1;
    while (v >= 1024 && u < units.length - 1) {
      v /= 1024;
      u++;
    }
    return String.format(java.util.Locale.ROOT, "%,d bytes", n) + (u < 0 ? ""
        : String.format(java.util.Locale.ROOT, " (%.1f %s)", v, units[u]));
  }

  /** An input (prompt, text, token ids) that the model cannot take: names which one and why. */
  public static InferenceException badInput(String what, String why) {
    return new InferenceException(what + ": " + why);
  }
}
