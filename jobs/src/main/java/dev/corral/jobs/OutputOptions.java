package dev.corral.jobs;

import picocli.CommandLine.Option;

/**
 * Where a job writes, and whether it may write into a folder that holds others' files (a mixin).
 */
final class OutputOptions {
  @Option(
      names = "--output",
      description =
          "(required) Output folder. Never an input, inside one or around one; written to a staging "
              + "folder beside it and committed when complete.")
  String output;

  @Option(
      names = "--overwrite",
      description =
          "Write into a folder that holds files Corral did not write; only Corral's own output there is "
              + "replaced, other files are left alone.")
  boolean overwrite;
}
