package dev.corral.jobs;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import dev.corral.core.CorralException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The "may touch" table of {@code docs/ARCHITECTURE.md}, as rules over the compiled classes of
 * every module: a package depends only on the Corral packages its row names (any library is fine
 * unless a rule below says otherwise), the Spark-free engines import no Spark, Hadoop or Scala, and
 * only {@code Errors} builds errors.
 */
class ArchitectureTest {
  private static final String CORE = "dev.corral.core..";

  /**
   * Package → the Corral packages it may touch besides itself; the table in docs/ARCHITECTURE.md.
   */
  static final Map<String, List<String>> MAY_TOUCH = new LinkedHashMap<>();

  static {
    MAY_TOUCH.put("dev.corral.core", List.of());
    MAY_TOUCH.put("dev.corral.core.text", List.of());
    MAY_TOUCH.put("dev.corral.core.models", List.of("dev.corral.core"));
    MAY_TOUCH.put("dev.corral.core.io", List.of("dev.corral.core"));
    MAY_TOUCH.put("dev.corral.core.stage", List.of("dev.corral.core"));
    MAY_TOUCH.put("dev.corral.core.pipeline", List.of("dev.corral.core", "dev.corral.core.stage"));
    MAY_TOUCH.put(
        "dev.corral.core.job",
        List.of("dev.corral.core", "dev.corral.core.io", "dev.corral.core.stage"));
    MAY_TOUCH.put(
        "dev.corral.curation.fasttext", List.of("dev.corral.core", "dev.corral.core.text"));
    MAY_TOUCH.put(
        "dev.corral.curation.models",
        List.of(CORE, "dev.corral.curation.fasttext", "dev.corral.curation.sentencepiece"));
    MAY_TOUCH.put(
        "dev.corral.curation.langid",
        List.of(CORE, "dev.corral.curation.fasttext", "dev.corral.curation.models"));
    MAY_TOUCH.put(
        "dev.corral.curation.classify",
        List.of(CORE, "dev.corral.curation.fasttext", "dev.corral.curation.models"));
    MAY_TOUCH.put(
        "dev.corral.curation.quality",
        List.of(CORE, "dev.corral.curation.fasttext", "dev.corral.curation.models"));
    MAY_TOUCH.put("dev.corral.curation.quality.heuristics", List.of(CORE));
    MAY_TOUCH.put("dev.corral.curation.lm", List.of(CORE));
    MAY_TOUCH.put("dev.corral.curation.sentencepiece", List.of(CORE));
    MAY_TOUCH.put(
        "dev.corral.curation.ccnet",
        List.of(
            CORE,
            "dev.corral.curation.langid",
            "dev.corral.curation.lm",
            "dev.corral.curation.sentencepiece",
            "dev.corral.curation.models"));
    MAY_TOUCH.put("dev.corral.curation.dedup", List.of(CORE));
    MAY_TOUCH.put("dev.corral.curation.decontam", List.of(CORE));
    MAY_TOUCH.put("dev.corral.curation.io", List.of(CORE));
    MAY_TOUCH.put("dev.corral.curation.sources", List.of(CORE));
    MAY_TOUCH.put(
        "dev.corral.curation.sources.wikipedia", List.of(CORE, "dev.corral.curation.sources"));
    MAY_TOUCH.put(
        "dev.corral.curation.sources.stackexchange", List.of(CORE, "dev.corral.curation.sources"));
    MAY_TOUCH.put(
        "dev.corral.curation.sources.github",
        List.of(
            CORE,
            "dev.corral.curation.sources",
            "dev.corral.curation.dedup",
            "dev.corral.curation.models"));
    MAY_TOUCH.put(
        "dev.corral.curation.sources.arxiv", List.of(CORE, "dev.corral.curation.sources"));
    MAY_TOUCH.put(
        "dev.corral.curation.sources.books",
        List.of(CORE, "dev.corral.curation.sources", "dev.corral.curation.dedup"));
    MAY_TOUCH.put("dev.corral.curation.mixture", List.of(CORE, "dev.corral.curation.models"));
    MAY_TOUCH.put(
        "dev.corral.curation.spark",
        List.of(
            CORE,
            "dev.corral.curation.fasttext",
            "dev.corral.curation.langid",
            "dev.corral.curation.models"));
    MAY_TOUCH.put("dev.corral.curation.pipeline", List.of(CORE, "dev.corral.curation.."));
    MAY_TOUCH.put("dev.corral.inference", List.of(CORE));
    MAY_TOUCH.put("dev.corral.inference.llama", List.of("dev.corral.core"));
    MAY_TOUCH.put("dev.corral.inference.spark", List.of(CORE, "dev.corral.inference.llama"));
    MAY_TOUCH.put(
        "dev.corral.sparknlp",
        List.of(
            CORE,
            "dev.corral.curation.langid",
            "dev.corral.curation.ccnet",
            "dev.corral.curation.quality"));
    MAY_TOUCH.put("dev.corral.jobs", List.of("dev.corral.."));
    MAY_TOUCH.put("dev.corral.jobs.card", List.of(CORE, "dev.corral.curation.mixture"));
    MAY_TOUCH.put("dev.corral.jobs.plan", List.of(CORE));
  }

  private static JavaClasses corral;

  @BeforeAll
  static void importClasses() {
    // Tests and the modules' test jars (shared test kits) are not part of the architecture.
    corral =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .withImportOption(location -> !location.contains("-tests.jar"))
            .importPackages("dev.corral");
  }

  @Test
  void everyPackageTouchesOnlyWhatItsRowAllows() {
    for (Map.Entry<String, List<String>> row : MAY_TOUCH.entrySet()) {
      List<String> allowed = new ArrayList<>(row.getValue());
      allowed.add(row.getKey());
      classes()
          .that()
          .resideInAPackage(row.getKey())
          .should()
          .onlyDependOnClassesThat(
              not(resideInAnyPackage("dev.corral.."))
                  .or(resideInAnyPackage(allowed.toArray(new String[0]))))
          .because("docs/ARCHITECTURE.md: " + row.getKey() + " may touch " + row.getValue())
          .check(corral);
    }
  }

  @Test
  void everyPackageHasARow() {
    classes()
        .should()
        .resideInAnyPackage(MAY_TOUCH.keySet().toArray(new String[0]))
        .because("a new package needs its row in docs/ARCHITECTURE.md and here")
        .check(corral);
  }

  @Test
  void inferenceNeverDependsOnCurationNorCoreOnEither() {
    noClasses()
        .that()
        .resideInAPackage("dev.corral.inference..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("dev.corral.curation..", "dev.corral.jobs..")
        .check(corral);
    noClasses()
        .that()
        .resideInAPackage("dev.corral.curation..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("dev.corral.inference..", "dev.corral.jobs..")
        .check(corral);
    noClasses()
        .that()
        .resideInAPackage("dev.corral.core..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("dev.corral.curation..", "dev.corral.inference..", "dev.corral.jobs..")
        .check(corral);
  }

  @Test
  void theEnginesAreSparkFree() {
    noClasses()
        .that()
        .resideInAnyPackage(
            "dev.corral.curation.fasttext..",
            "dev.corral.curation.sentencepiece..",
            "dev.corral.inference.llama..",
            "dev.corral.core.text..",
            "dev.corral.core.models..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("org.apache.spark..", "org.apache.hadoop..", "scala..")
        .check(corral);
  }

  @Test
  void onlyErrorsBuildsErrors() {
    noClasses()
        .that()
        .doNotHaveFullyQualifiedName("dev.corral.core.Errors")
        .should()
        .callConstructor(CorralException.class, CorralException.Kind.class, String.class)
        .orShould()
        .callConstructor(
            CorralException.class, CorralException.Kind.class, String.class, Throwable.class)
        .check(corral);
  }
}
