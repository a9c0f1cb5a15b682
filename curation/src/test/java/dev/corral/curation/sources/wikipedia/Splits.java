package dev.corral.curation.sources.wikipedia;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.mapreduce.InputSplit;
import org.apache.hadoop.mapreduce.Job;
import org.apache.hadoop.mapreduce.TaskAttemptID;
import org.apache.hadoop.mapreduce.lib.input.FileInputFormat;
import org.apache.hadoop.mapreduce.task.TaskAttemptContextImpl;

/** Reads dumps through {@link DumpInputFormat} without Spark: every split, in order. */
final class Splits {
  private Splits() {}

  record Read(int splits, List<DumpRecord> records) {}

  static Read read(long splitBytes, Path... files) {
    try {
      Configuration conf = new Configuration();
      conf.setLong(DumpInputFormat.SPLIT_BYTES, splitBytes);
      Job job = Job.getInstance(conf);
      for (Path f : files) {
        FileInputFormat.addInputPath(job, new org.apache.hadoop.fs.Path(f.toUri()));
      }
      DumpInputFormat format = new DumpInputFormat();
      List<InputSplit> splits = format.getSplits(job);
      List<DumpRecord> records = new ArrayList<>();
      for (InputSplit split : splits) {
        TaskAttemptContextImpl context =
            new TaskAttemptContextImpl(job.getConfiguration(), new TaskAttemptID());
        try (DumpRecordReader reader =
            (DumpRecordReader) format.createRecordReader(split, context)) {
          reader.initialize(split, context);
          while (reader.nextKeyValue()) {
            records.add(reader.getCurrentValue());
          }
        }
      }
      return new Read(splits.size(), records);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The records as comparable strings: offset is left out (it depends on the split for bzip2). */
  static List<String> contents(List<DumpRecord> records) {
    List<String> out = new ArrayList<>();
    for (DumpRecord r : records) {
      out.add(
          r.error() != null
              ? "ERROR " + r.error()
              : new String(r.data(), java.nio.charset.StandardCharsets.UTF_8));
    }
    return out;
  }

  static UncheckedIOException unchecked(IOException e) {
    return new UncheckedIOException(e);
  }
}
