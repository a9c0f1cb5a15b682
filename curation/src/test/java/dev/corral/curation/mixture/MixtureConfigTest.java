package dev.corral.curation.mixture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.corral.core.CorralException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The mixture YAML: Table 1 as shipped, and every mistake named. */
class MixtureConfigTest {
  @TempDir Path tmp;

  @Test
  void tableOneAsShipped() {
    MixtureConfig c = MixtureConfig.read(Path.of("../conf/llama-mixture.yaml"));
    assertEquals(7, c.sources.size());
    assertEquals(1.4e12, c.budgetTokens);
    assertEquals("commoncrawl", c.sources.get(0).name());
    assertEquals(0.67, c.sources.get(0).proportion());
    assertEquals(2.45, c.sources.get(3).epochs());
    assertEquals(1.0, c.sources.stream().mapToDouble(MixtureConfig.Source::proportion).sum(), 1e-9);
  }

  private CorralException fails(String yaml) throws Exception {
    Path p = tmp.resolve("m.yaml");
    Files.writeString(p, yaml);
    return assertThrows(CorralException.class, () -> MixtureConfig.read(p));
  }

  @Test
  void mistakesAreNamed() throws Exception {
    String sources =
        "sources:\n  - {name: a, path: x, proportion: 0.6, epochs: 1}\n"
            + "  - {name: b, path: y, proportion: 0.3, epochs: 1}\n";
    assertTrue(
        fails("use_epochs: true\n" + sources)
            .getMessage()
            .endsWith("m.yaml: sources[*].proportion: sum to 0.900000, not 1"));
    assertTrue(
        fails("use_epochs: true\nsead: 3\n" + sources.replace("0.3", "0.4"))
            .getMessage()
            .contains("unknown key 'sead'"));
    assertTrue(
        fails("use_epochs: true\nsources:\n  - {name: a, path: x, proportion: 1, epoch: 1}\n")
            .getMessage()
            .contains("sources[0]: unknown key 'epoch'"));
    assertTrue(
        fails("sources:\n  - {name: a, path: x, proportion: 1, epochs: 1}\n")
            .getMessage()
            .endsWith("give exactly one of 'budget_tokens' and 'use_epochs: true'"));
    assertTrue(
        fails(
                "use_epochs: true\noutput: {formats: [csv]}\nsources:\n  - {name: a, path: x, proportion: 1, "
                    + "epochs: 1}\n")
            .getMessage()
            .contains("unknown format 'csv'"));
  }

  @Test
  void twoSourcesOfOneNameAreAnError() throws Exception {
    String yaml =
        "use_epochs: true\nsources:\n  - {name: wiki, path: x, proportion: 0.5, epochs: 1}\n"
            + "  - {name: books, path: y, proportion: 0.25, epochs: 1}\n"
            + "  - {name: wiki, path: z, proportion: 0.25, epochs: 2}\n";
    assertEquals(
        tmp.resolve("m.yaml") + ": sources[2].name: 'wiki' is already the name of sources[0]",
        fails(yaml).getMessage());
    assertEquals(
        3,
        MixtureConfig.parse("ok.yaml", yaml.replace("name: wiki, path: z", "name: wiki2, path: z"))
            .sources
            .size());
  }
}
