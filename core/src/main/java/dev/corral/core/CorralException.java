package dev.corral.core;

/**
 * A user-facing failure: a bad flag or param, bad input, a corrupt model, a missing column. Its
 * message is one line that names the file, row, key or flag and what is wrong, so the command line
 * prints it without a stack trace. Build instances through {@link Errors}, never directly, so every
 * message has the same shape.
 */
public class CorralException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** Whose mistake it is, which decides the exit code of the {@code corral} command. */
  public enum Kind {
    /**
     * A flag, param or config value out of its domain: exit code 2, as for a command-line usage
     * error.
     */
    USAGE(2),
    /** A file, model, table or row that cannot be used as it is: exit code 1. */
    DATA(1);

    private final int exitCode;

    Kind(int exitCode) {
      this.exitCode = exitCode;
    }

    public int exitCode() {
      return exitCode;
    }
  }

  private final Kind kind;

  CorralException(Kind kind, String message) {
    super(message);
    this.kind = kind;
  }

  CorralException(Kind kind, String message, Throwable cause) {
    super(message, cause);
    this.kind = kind;
  }

  public Kind kind() {
    return kind;
  }
}
