package dev.corral.jobs;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import jdk.jshell.JShell;
import jdk.jshell.Snippet;
import jdk.jshell.SnippetEvent;
import jdk.jshell.SourceCodeAnalysis;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Runs every code cell of every notebook in {@code notebooks/} through JShell on the project's
 * classpath, as a Java kernel would, and fails on the first cell that does not compile or throws.
 * Kernel magics ({@code %jars}) are skipped: the classpath is already the project's. {@code
 * display(x)} prints a one-line summary.
 */
class NotebooksIT {
  @TestFactory
  Stream<DynamicTest> everyNotebookRuns() throws Exception {
    List<DynamicTest> tests = new ArrayList<>();
    try (Stream<Path> files = Files.list(Path.of("../notebooks"))) {
      for (Path nb :
          (Iterable<Path>) files.filter(p -> p.toString().endsWith(".ipynb")).sorted()::iterator) {
        tests.add(DynamicTest.dynamicTest(nb.getFileName().toString(), () -> run(nb)));
      }
    }
    assertTrue(!tests.isEmpty(), "no notebooks found");
    return tests.stream();
  }

  private static void run(Path notebook) throws Exception {
    JsonNode cells = new ObjectMapper().readTree(notebook.toFile()).get("cells");
    try (JShell shell =
        JShell.builder().executionEngine("local").out(System.out).err(System.err).build()) {
      for (String entry : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
        shell.addToClasspath(entry);
      }
      eval(
          shell,
          "void display(Object o) { System.out.println(o instanceof java.awt.image.BufferedImage b "
              + "? \"[image \" + b.getWidth() + \"x\" + b.getHeight() + \"]\" : String.valueOf(o)); }",
          notebook,
          -1);
      int index = 0;
      for (JsonNode cell : cells) {
        index++;
        if (!cell.get("cell_type").asText().equals("code")) {
          continue;
        }
        StringBuilder source = new StringBuilder();
        cell.get("source")
            .forEach(
                line -> {
                  if (!line.asText().startsWith("%")) {
                    source.append(line.asText());
                  }
                });
        String remaining = source.toString();
        SourceCodeAnalysis analysis = shell.sourceCodeAnalysis();
        while (!remaining.isBlank()) {
          SourceCodeAnalysis.CompletionInfo info = analysis.analyzeCompletion(remaining);
          eval(shell, info.source(), notebook, index);
          remaining = info.remaining();
        }
      }
    }
  }

  private static void eval(JShell shell, String snippet, Path notebook, int cell) {
    for (SnippetEvent e : shell.eval(snippet)) {
      if (e.exception() != null) {
        fail(
            notebook.getFileName()
                + " cell "
                + cell
                + " threw "
                + e.exception()
                + " in: "
                + snippet.strip(),
            e.exception());
      }
      if (e.status() == Snippet.Status.REJECTED) {
        StringBuilder why = new StringBuilder();
        shell.diagnostics(e.snippet()).forEach(d -> why.append(d.getMessage(null)).append("; "));
        fail(
            notebook.getFileName()
                + " cell "
                + cell
                + " does not compile: "
                + why
                + "in: "
                + snippet.strip());
      }
    }
  }
}
