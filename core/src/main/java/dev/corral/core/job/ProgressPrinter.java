package dev.corral.core.job;

import java.io.PrintStream;
import java.util.function.Supplier;

/** A daemon thread that prints a progress line every few seconds while a job runs, until closed. */
public final class ProgressPrinter implements AutoCloseable {
  private final Thread thread;

  /** Prints {@code line} to {@code out} every {@code periodMillis}; 0 or less prints nothing. */
  public ProgressPrinter(Supplier<String> line, PrintStream out, long periodMillis) {
    thread =
        new Thread(
            () -> {
              try {
                while (!Thread.currentThread().isInterrupted()) {
                  Thread.sleep(periodMillis);
                  out.println(line.get());
                  out.flush();
                }
              } catch (InterruptedException e) {
                // closed
              }
            },
            "corral-progress");
    thread.setDaemon(true);
    if (periodMillis > 0) {
      thread.start();
    }
  }

  /** Stops printing; the last line is the caller's to print. */
  @Override
  public void close() {
    thread.interrupt();
    try {
      thread.join(5000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
