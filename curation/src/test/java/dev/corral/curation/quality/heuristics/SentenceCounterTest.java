package dev.corral.curation.quality.heuristics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SentenceCounterTest {
  // The tricky cases of SENTENCES.md: abbreviations, initials, decimals, ellipses, quotes, numbers.
  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '`',
      value = {
        "1|Dr. Smith arrived at 3 p.m. on Monday.",
        "1|The value of pi is about 3.14 and e is about 2.72.",
        "3|Wait... I think so. Really?",
        "1|He paused... and then left.",
        "2|She said \"Stop.\" Then she left.",
        "1|We met Mr. and Mrs. Jones, e.g. at the U.S. embassy.",
        "3|Is it true? Yes! It is.",
        "1|See Fig. 3 and No. 5 in the appendix.",
        "2|J. R. R. Tolkien wrote books. He was British.",
        "1|Visit example.com for details",
        "3|The price rose 2.5%. Analysts were surprised. \"Why?\" asked one.",
        "2|It ended in 1999. 2000 began quietly.",
        "2|I said no. Then I left.",
        "2|Really?! Yes.",
        "2|It was great…  Then it rained.",
      })
  void countsTrickySentences(int expected, String text) {
    assertEquals(expected, SentenceCounter.count(text), text);
  }

  @Test
  void blankAndPunctuationOnlyTextHasNoSentence() {
    assertEquals(0, SentenceCounter.count(null));
    assertEquals(0, SentenceCounter.count(""));
    assertEquals(0, SentenceCounter.count("   \n "));
    assertEquals(0, SentenceCounter.count("... !?"));
    assertEquals(1, SentenceCounter.count("no end mark at all"));
  }
}
