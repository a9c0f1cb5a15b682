package dev.corral.core.io;

import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import org.apache.hadoop.conf.Configuration;

/**
 * A Hadoop {@link Configuration} that can travel in a task closure, so executors open files with
 * the session's file-system settings (S3A credentials providers, HDFS name nodes). Hadoop's class
 * is {@code Writable} but not {@code Serializable}; Spark's own wrapper is internal to Spark.
 */
public final class SerializableConfiguration implements Serializable {
  private static final long serialVersionUID = 1L;
  private transient Configuration conf;

  public SerializableConfiguration(Configuration conf) {
    this.conf = conf;
  }

  public Configuration get() {
    return conf;
  }

  private void writeObject(ObjectOutputStream out) throws IOException {
    out.defaultWriteObject();
    conf.write(out);
  }

  private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
    in.defaultReadObject();
    // false: do not load the default resources again, the written conf already holds the resolved
    // values.
    conf = new Configuration(false);
    conf.readFields(in);
  }
}
