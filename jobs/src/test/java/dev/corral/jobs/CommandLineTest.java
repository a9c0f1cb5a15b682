package dev.corral.jobs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;

/** The corral command line in process: fastText subcommands, help, and one-line errors. */
class CommandLineTest {
  static final Path GOLDEN = Path.of("../curation/src/test/resources/fasttext");
  static final Path LID =
      Path.of(System.getProperty("corral.shared.dir", "../../shared"), "assets/lid.176.ftz");

  /** Runs corral with the given stdin; returns exit code, stdout bytes and stderr text. */
  static Result run(byte[] stdin, String... args) {
    PrintStream out = System.out;
    PrintStream err = System.err;
    InputStream in = System.in;
    ByteArrayOutputStream o = new ByteArrayOutputStream();
    ByteArrayOutputStream e = new ByteArrayOutputStream();
    try {
      System.setOut(new PrintStream(o, true));
      System.setErr(new PrintStream(e, true));
      System.setIn(new ByteArrayInputStream(stdin));
      int code = Corral.execute(args);
      System.out.flush();
      return new Result(code, o.toByteArray(), e.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(out);
      System.setErr(err);
      System.setIn(in);
    }
  }

  /**
   * Runs corral with a command line written as one string, {@code %s} for each argument (paths
   * without spaces, as temporary folders are).
   */
  static Result cli(String commandLine, Object... args) {
    return run(new byte[0], String.format(commandLine, args).split(" "));
  }

  record Result(int code, byte[] out, String err) {
    String outText() {
      return new String(out, StandardCharsets.UTF_8);
    }
  }

  @Test
  void predictProbFromStdinPrintsWhatFastTextPrints() throws Exception {
    byte[] hard = Files.readAllBytes(GOLDEN.resolve("inputs/hard.txt"));
    Result r = run(hard, "local", "fasttext", "predict-prob", LID.toString(), "-", "3");
    assertEquals(0, r.code(), r.err());
    assertArrayEquals(
        Files.readAllBytes(GOLDEN.resolve("expected/lid.176.ftz.hard.k3.txt")), r.out());
    assertEquals("", r.err(), "stderr stays empty");
  }

  @Test
  void predictFromAFileWithThreshold() throws Exception {
    Path input = Files.createTempFile("udhr", ".txt");
    try (InputStream in =
        new GZIPInputStream(Files.newInputStream(GOLDEN.resolve("inputs/udhr.txt.gz")))) {
      Files.write(input, in.readAllBytes());
    }
    Result r =
        run(
            new byte[0],
            "local",
            "fasttext",
            "predict-prob",
            GOLDEN.resolve("models/sup-hs.bin").toString(),
            input.toString(),
            "5",
            "0.1");
    assertEquals(0, r.code(), r.err());
    assertArrayEquals(
        Files.readAllBytes(GOLDEN.resolve("expected/sup-hs.bin.udhr.k5-t0.1.txt")), r.out());
    Result labelsOnly =
        run(new byte[0], "local", "fasttext", "predict", LID.toString(), input.toString());
    assertEquals(0, labelsOnly.code(), labelsOnly.err());
    assertEquals("", labelsOnly.err(), "nothing but the labels, on stdout");
    try (InputStream in =
        Files.newInputStream(GOLDEN.resolve("expected/lid.176.ftz.udhr.predict-k1.txt"))) {
      assertArrayEquals(in.readAllBytes(), labelsOnly.out());
    }
    Files.delete(input);
  }

  @Test
  void aBadModelIsOneLineOnStderr() throws Exception {
    Path notAModel = Files.createTempFile("model", ".bin");
    Files.writeString(notAModel, "__label__en hello\n");
    Result r = run(new byte[0], "local", "fasttext", "predict", notAModel.toString(), "-");
    assertEquals(1, r.code());
    assertEquals(0, r.out().length);
    String[] lines = r.err().strip().split("\n");
    assertEquals(1, lines.length, r.err());
    assertTrue(
        lines[0].startsWith(
            "corral: " + notAModel + ": not a valid fastText model: wrong magic number"),
        lines[0]);
    Files.delete(notAModel);
  }

  @Test
  void badArgumentsAreRefusedWithUsage() {
    Result r = run(new byte[0], "local", "fasttext", "predict-prob", LID.toString(), "-", "0");
    assertEquals(2, r.code());
    assertEquals(
        "corral: invalid k '0': expected 1 or higher, or -1 for all labels", r.err().strip());
    Result missing = run(new byte[0], "local", "fasttext", "predict");
    assertEquals(2, missing.code());
    assertTrue(missing.err().contains("Missing required parameters"), missing.err());
  }

  @Test
  void everySubcommandHasHelp() {
    for (String[] cmd :
        new String[][] {
          {"--help"},
          {"demo", "--help"},
          {"recipe", "--help"},
          {"langid", "--help"},
          {"local", "fasttext", "--help"},
          {"local", "fasttext", "predict", "--help"},
          {"local", "fasttext", "predict-prob", "--help"},
          {"dedup", "--help"}
        }) {
      Result r = run(new byte[0], cmd);
      assertEquals(0, r.code(), String.join(" ", cmd));
      assertTrue(r.outText().startsWith("Usage: corral"), r.outText());
    }
  }
}
