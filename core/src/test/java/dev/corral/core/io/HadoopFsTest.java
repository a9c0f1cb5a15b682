package dev.corral.core.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.apache.spark.SparkEnv;
import org.junit.jupiter.api.Test;

class HadoopFsTest {
  @Test
  void beforeSparkStartsTheConfigurationHasSparkSubmitsHadoopKeys() {
    assumeTrue(SparkEnv.get() == null, "a Spark session another test left running");
    String key = "fs.s3a.endpoint";
    try {
      // spark-submit --conf spark.hadoop.fs.s3a.endpoint=... arrives as a system property
      System.setProperty("spark.hadoop." + key, "http://127.0.0.1:9");
      assertEquals("http://127.0.0.1:9", HadoopFs.configuration().get(key));
    } finally {
      System.clearProperty("spark.hadoop." + key);
    }
    assertNotEquals("http://127.0.0.1:9", HadoopFs.configuration().get(key));
  }
}
