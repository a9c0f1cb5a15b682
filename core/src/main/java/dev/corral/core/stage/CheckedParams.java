package dev.corral.core.stage;

/**
 * A stage whose params constrain each other (a minimum below its maximum, two params set together).
 * Spark ML validates one param at a time; {@link #checkParams} checks the combinations, and runs
 * both when a stage is built from YAML or flags (before Spark starts) and at the start of {@code
 * transformSchema} (before data moves).
 */
public interface CheckedParams {
  /**
   * Throws a one-line {@link dev.corral.core.CorralException} naming both params when they
   * contradict.
   */
  void checkParams();
}
