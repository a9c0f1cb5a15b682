package dev.corral.core.stage;

import java.util.List;

/**
 * A stage that annotates rows with a {@code drop_reason}: the values it may set with its params as
 * they are. The job runner counts rows per declared reason while it writes, so a report need not
 * read the written table back; a value a stage sets without declaring it costs only that read.
 */
public interface DropReasons {
  /** Every {@code drop_reason} value this stage may set. */
  List<String> dropReasons();
}
