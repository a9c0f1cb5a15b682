package dev.corral.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shaded jar under spark-submit ({@code org.apache.spark.deploy.SparkSubmit}, what the {@code
 * spark-submit} script runs), with Spark only on the launcher's classpath, as on a cluster.
 */
class SparkSubmitIT {
  @TempDir Path tmp;

  @Test
  void langidRunsFromTheShadedJar() throws Exception {
    Path input = tmp.resolve("docs.jsonl");
    Files.write(
        input,
        List.of(
            "{\"text\": \"The quick brown fox jumps over the lazy dog and runs into the forest.\"}",
            "{\"text\": \"Le renard brun saute par-dessus le chien paresseux et court dans la forêt.\"}",
            "{\"text\": \"Der schnelle braune Fuchs springt über den faulen Hund und läuft in den Wald.\"}"),
        StandardCharsets.UTF_8);
    Path output = tmp.resolve("out");
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(StandaloneCluster.jvmFlags());
    cmd.addAll(
        List.of(
            "-cp",
            Files.readString(Path.of(System.getProperty("corral.spark.classpath"))).trim(),
            "org.apache.spark.deploy.SparkSubmit",
            "--master",
            "local[2]",
            "--conf",
            "spark.ui.enabled=false",
            "--class",
            "dev.corral.jobs.Corral",
            System.getProperty("corral.jar"),
            "langid",
            "--input",
            input.toString(),
            "--output",
            output.toString(),
            "--format",
            "json"));
    Process p =
        new ProcessBuilder(cmd)
            .redirectErrorStream(true)
            .redirectOutput(tmp.resolve("log.txt").toFile())
            .start();
    assertTrue(p.waitFor(5, TimeUnit.MINUTES), "spark-submit timed out");
    String log = Files.readString(tmp.resolve("log.txt"));
    assertEquals(0, p.exitValue(), log);
    assertTrue(log.contains("3 documents, 3 languages"), log);
    StringBuilder rows = new StringBuilder();
    try (var files = Files.list(output)) {
      for (Path f : (Iterable<Path>) files.filter(f -> f.toString().endsWith(".json"))::iterator) {
        rows.append(Files.readString(f));
      }
    }
    for (String lang :
        List.of("\"language\":\"en\"", "\"language\":\"fr\"", "\"language\":\"de\"")) {
      assertTrue(rows.toString().contains(lang), rows.toString());
    }
  }

  /**
   * Under spark-submit a user error found before Spark starts exits 2 with one line on stderr
   * (Spark would log to stderr once it starts), and the input is untouched.
   */
  @Test
  void userErrorsExitWithTheirCodeAndOneLineBeforeSparkStarts() throws Exception {
    Path input = tmp.resolve("docs.jsonl");
    Files.writeString(input, "{\"text\": \"one line\"}\n");
    byte[] before = Files.readAllBytes(input);
    for (List<String> args :
        List.of(
            List.of(
                "langid",
                "--input",
                input.toString(),
                "--output",
                input.toString(),
                "--format",
                "json"),
            List.of(
                "dedup",
                "--input",
                input.toString(),
                "--output",
                tmp.resolve("o").toString(),
                "--threshold",
                "1.5"))) {
      List<String> cmd = new ArrayList<>();
      cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
      cmd.addAll(StandaloneCluster.jvmFlags());
      // Corral's logging (warnings only), as ./corral and the docs set it for spark-submit.
      cmd.add(
          "-Dlog4j2.configurationFile=" + Path.of("../conf/log4j2.properties").toAbsolutePath());
      cmd.addAll(
          List.of(
              "-cp",
              Files.readString(Path.of(System.getProperty("corral.spark.classpath"))).trim(),
              "org.apache.spark.deploy.SparkSubmit",
              "--master",
              "local[2]",
              "--class",
              "dev.corral.jobs.Corral",
              System.getProperty("corral.jar")));
      cmd.addAll(args);
      ProcessBuilder builder =
          new ProcessBuilder(cmd)
              .redirectOutput(tmp.resolve("out.txt").toFile())
              .redirectError(tmp.resolve("err.txt").toFile());
      // As ./corral sets it: spark-submit warns about a host name that resolves to loopback
      // otherwise.
      builder.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
      Process p = builder.start();
      assertTrue(p.waitFor(5, TimeUnit.MINUTES), "spark-submit timed out");
      String err = Files.readString(tmp.resolve("err.txt")).strip();
      assertEquals(2, p.exitValue(), err);
      assertEquals(1, err.lines().count(), err);
      assertTrue(err.startsWith("corral: "), err);
    }
    assertTrue(java.util.Arrays.equals(before, Files.readAllBytes(input)));
    assertTrue(!Files.exists(tmp.resolve("o")));
  }
}
