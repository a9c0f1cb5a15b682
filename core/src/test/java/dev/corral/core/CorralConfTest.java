package dev.corral.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class CorralConfTest {
  @Test
  void everyEntryIsPrefixedDocumentedAndHasAValidDefault() {
    assertFalse(CorralConf.entries().isEmpty());
    for (CorralConf.Entry<?> e : CorralConf.entries()) {
      assertTrue(e.key().startsWith(CorralConf.PREFIX), e.key());
      assertTrue(e.doc() != null && e.doc().length() > 20, e.key() + " needs a doc");
      assertTrue(e.type().isInstance(e.defaultValue()), e.key());
      assertEquals(e.defaultValue(), e.parse(String.valueOf(e.defaultValue())), e.key());
      assertSame(e, CorralConf.find(e.key()).orElseThrow());
    }
  }

  @Test
  void languageIdDefaultsMatchTheStage() {
    assertEquals("spark.corral.langid.model", CorralConf.LANGID_MODEL.key());
    assertEquals("builtin:lid.176.ftz", CorralConf.LANGID_MODEL.defaultValue());
    assertEquals("spark.corral.langid.minScore", CorralConf.LANGID_MIN_SCORE.key());
    assertEquals(0.5, CorralConf.LANGID_MIN_SCORE.defaultValue());
  }

  @Test
  void parsesAndRejectsValues() {
    assertEquals(0.75, CorralConf.LANGID_MIN_SCORE.parse(" 0.75 "));
    assertEquals("hdfs:///models/lid.bin", CorralConf.LANGID_MODEL.parse("hdfs:///models/lid.bin"));
    CorralException range =
        assertThrows(CorralException.class, () -> CorralConf.LANGID_MIN_SCORE.parse("1.5"));
    assertEquals(
        "invalid spark.corral.langid.minScore '1.5': expected a number in [0, 1]",
        range.getMessage());
    assertThrows(CorralException.class, () -> CorralConf.LANGID_MIN_SCORE.parse("high"));
    assertThrows(CorralException.class, () -> CorralConf.LANGID_MODEL.parse("  "));
    assertTrue(CorralConf.find("spark.corral.nope").isEmpty());
  }
}
