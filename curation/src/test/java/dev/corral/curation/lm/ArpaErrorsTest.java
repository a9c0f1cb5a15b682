package dev.corral.curation.lm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.corral.core.CorralException;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A malformed ARPA file gets one line naming the file, the line and what is wrong; blanks and <unk>
 * as KenLM.
 */
class ArpaErrorsTest {
  static NgramModel read(String text) {
    return ArpaReader.read(
        new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)), "m.arpa");
  }

  static String replace(String from, String to) {
    return CcnetPerplexityTest.ARPA.replace(from, to);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "ngram 2=3|ngram 2=4|m.arpa:16: not a valid ARPA file: the \\2-grams: section has 3 n-grams but the header declares ngram 2=4",
        "ngram 1=5|ngram 1=4|m.arpa:10: not a valid ARPA file: the \\1-grams: section has more n-grams than the header's ngram 1=4",
        "ngram 2=3|ngram 3=3|m.arpa:3: not a valid ARPA file: expected 'ngram 2=count' but found 'ngram 3=3'",
        "-0.4\thello world|-0.4x\thello world|m.arpa:14: not a valid ARPA file: log10 probability '-0.4x' is not a number",
        "-0.7\thello\t-0.2|-0.7\thello\tNaN|m.arpa:9: not a valid ARPA file: log10 back-off 'NaN' is not a number",
        "-0.2\tworld </s>|-0.2\tworld mars|m.arpa:15: not a valid ARPA file: word 'mars' is not among the 1-grams",
        "-0.2\tworld </s>|-0.3\thello world|m.arpa:15: not a valid ARPA file: duplicate 2-gram (also on line 14)",
        "-0.2\tworld </s>|-0.2\tworld </s> x|m.arpa:15: not a valid ARPA file: expected log10 probability, 2 words but found '-0.2\tworld </s> x'",
        "<s>|<t>|m.arpa:5: not a valid ARPA file: the 1-grams have no <s>",
        "\\2-grams:|\\3-grams:|m.arpa:12: not a valid ARPA file: expected \\2-grams: but found '\\3-grams:'",
        "-0.7\thello\t-0.2|0.7\thello\t-0.2|m.arpa:9: not a valid ARPA file: log10 probability '0.7' is above 0: a probability cannot exceed 1",
        "-0.4\thello world|+1e-3\thello world|m.arpa:14: not a valid ARPA file: log10 probability '+1e-3' is above 0: a probability cannot exceed 1",
      })
  void oneLineErrors(String from, String to, String message) {
    CorralException e = assertThrows(CorralException.class, () -> read(replace(from, to)));
    assertEquals(message, e.getMessage());
  }

  @Test
  void truncatedAndEmptyFiles() {
    String cut =
        CcnetPerplexityTest.ARPA.substring(0, CcnetPerplexityTest.ARPA.indexOf("-0.2\tworld"));
    assertEquals(
        "m.arpa:15: not a valid ARPA file: the \\2-grams: section is cut short: the file ends after 2 of "
            + "the 3 n-grams that the header declares",
        assertThrows(CorralException.class, () -> read(cut)).getMessage());
    assertEquals(
        "m.arpa:17: not a valid ARPA file: file ends without \\end\\",
        assertThrows(
                CorralException.class,
                () -> read(CcnetPerplexityTest.ARPA.replace("\\end\\\n", "")))
            .getMessage());
    assertEquals(
        "m.arpa:1: not a valid ARPA file: no \\data\\ header",
        assertThrows(CorralException.class, () -> read("")).getMessage());
    assertEquals(
        "/no/such.arpa: cannot read: no such file",
        assertThrows(CorralException.class, () -> ArpaReader.read(Path.of("/no/such.arpa")))
            .getMessage());
  }

  @Test
  void positiveBackoffsAndZeroProbabilitiesAreKenlmsToo() {
    // KenLM refuses only probabilities above 1; a back-off above 0 is legal and is used as it is.
    NgramModel m =
        read(
            replace("-0.9\tworld\t-0.1", "-0.9\tworld\t0.1")
                .replace("0\t<s>\t-0.5", "-0\t<s>\t-0.5"));
    // "world hello": no bigram, so bo(world) + p(hello).
    assertEquals(0.1f + -0.7f, m.wordScores("world hello", false, false)[1], 1e-6f);
  }

  @Test
  void missingUnkGetsKenlmDefault() {
    NgramModel m = read(replace("-1.0\t<unk>\t0\n", "").replace("ngram 1=5", "ngram 1=4"));
    assertEquals(ArpaReader.MISSING_UNK_LOG10PROB + -0.5f + -0.5f, m.score("zzz"), 0f);
  }

  @Test
  void missingSuffixIsABlankThatLongerNgramsPassThrough() {
    // A trigram "<s> hello world" whose suffix "hello world" is not listed: KenLM adds a blank for
    // it.
    String text =
        replace("ngram 2=3", "ngram 2=2\nngram 3=1")
            .replace("-0.4\thello world\n", "")
            .replace("-0.3\t<s> hello", "-0.3\t<s> hello\t-0.05")
            .replace("\n\n\\end\\", "\n\n\\3-grams:\n-0.11\t<s> hello world\n\n\\end\\");
    NgramModel m = read(text);
    // <s> hello world </s>: -0.3, then the trigram -0.11, then world </s> -0.2.
    assertEquals(-0.3f + -0.11f + -0.2f, m.score("hello world"), 1e-6f);
    // hello world after world: blank bigram skipped, backs off: bo(hello) -0.2 + p(world) -0.9.
    assertEquals(-0.2f + -0.9f, m.wordScores("world hello world", false, false)[2], 1e-6f);
  }

  @org.junit.jupiter.api.Test
  void aCorpusTooSmallToEstimateLeavesNoModelFile(
      @org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) {
    java.nio.file.Path arpa = dir.resolve("tiny.arpa");
    CorralException e =
        assertThrows(
            CorralException.class,
            () -> new NgramTrainer(3).train(java.util.List.of("a b", "a b"), arpa));
    assertTrue(e.getMessage().startsWith("cannot estimate"), e.getMessage());
    assertTrue(!java.nio.file.Files.exists(arpa), "an empty model file was left behind");
  }
}
