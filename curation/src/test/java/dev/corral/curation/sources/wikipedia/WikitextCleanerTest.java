package dev.corral.curation.sources.wikipedia;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The cleaning rule by rule. Every expected text is what the Hugging Face builder's {@code
 * _parse_and_clean_wikicode} returned for the same wikitext with Debian's mwparserfromhell 0.6.4
 * (bench/wikipedia/hf_reference.py loads it), including its oddities.
 */
class WikitextCleanerTest {
  static Stream<Arguments> referenceCases() {
    return Stream.of(
        // a page that starts with a heading starts with a blank line; the heading keeps its
        // trailing space
        Arguments.of(
            "en", "== History ==\nLondon was founded.", "\n\nHistory \nLondon was founded."),
        // sections are joined by a blank line; an empty section still adds one
        Arguments.of(
            "en", "Lead.\n== A ==\nx\n=== B ===\n\n== C ==\ny", "Lead.\n\nA \nx\n\nB\n\nC \ny"),
        // file links in any case of File/Image/Media are removed, with their captions
        Arguments.of(
            "en",
            "a [[File:x.jpg|thumb|a [[b]] caption]] b [[Image:y.png]] c [[media:z.ogg]] d",
            "a  b  c  d"),
        // German aliases: Datei and Bild removed, Kategorie and Category keep their name or sort
        // key
        Arguments.of(
            "de",
            "Text [[Datei:Karte.svg|mini|Karte]] und [[Bild:Alt.jpg]] [[Kategorie:Stadt]] [[Category:Town|Sort]]",
            "Text  und  Stadt Sort"),
        // Russian aliases, including the one-letter category alias К
        Arguments.of(
            "ru",
            "Москва [[Файл:Герб.svg|thumb|Герб]] [[К:Города]] [[Категория:Столицы]]",
            "Москва  Города Столицы"),
        // references removed, named and self-closing too
        Arguments.of(
            "en", "x<ref>a</ref><ref name=\"b\" /> y<ref name=c>{{cite web|url=u}}</ref>.", "x y."),
        // in a nested list the node after a removed one is not visited: the second reference stays
        Arguments.of("en", "'''x<ref>a</ref><ref>b</ref>''' y", "xb y"),
        // tables removed
        Arguments.of("en", "{|\n| a || b\n|}\nafter", "after"),
        // templates nested three deep removed; an argument strips to its default
        Arguments.of(
            "en", "{{Infobox|a={{b|{{c|d}}}}}} text {{{1|default}}} {{{2}}}", "text default"),
        // comments spanning lines and invisible tags (math, gallery) removed
        Arguments.of(
            "en",
            "a <!-- one\ntwo --> b <math>x^2</math> c <gallery>\nFile:A.jpg|cap\n</gallery> d",
            "a  b  c  d"),
        // entities become their characters; unknown ones stay
        Arguments.of(
            "en", "&amp; &nbsp; &#x263A; &#169; &bogus; &lt;b&gt;", "& \u00a0 ☺ © &bogus; <b>"),
        // bracketed links keep their title or vanish; free URLs stay
        Arguments.of(
            "en",
            "[https://example.org Example] [https://example.org] https://example.org/x.",
            "Example  https://example.org/x."),
        // magic words removed after the section is trimmed
        Arguments.of("en", "__NOTOC__ text __TOC__ ____ x", " text   x"),
        // list markers and rules removed, items kept
        Arguments.of(
            "en",
            "* one\n** two\n# three\n; term : def\n----\nend",
            "one\n two\n three\n term  def\n\nend"),
        // runs of blank lines collapsed
        Arguments.of("en", "a\n\n\n\n\nb", "a\n\nb"),
        // only a link whose title starts with the prefix is a category; the colon link keeps its
        // text
        Arguments.of(
            "en",
            "[[:Category:Foo]] [[ Category:Bar]] [[category:baz qux]] [[Category:A|]]",
            ":Category:Foo  Category:Bar baz qux"),
        // Catalan: Multimèdia is not among the builder's aliases, so the reference keeps it
        // (Corral's siteinfo names would remove it)
        Arguments.of(
            "ca", "[[Multimèdia:So.ogg]] [[Fitxer:A.jpg]] text", "Multimèdia:So.ogg  text"),
        // unclosed italics stay as apostrophes
        Arguments.of("en", "''unclosed italic\nnext line", "''unclosed italic\nnext line"),
        // two file links in a row inside a tag: the second is not visited, so it stays
        Arguments.of("en", "<div>[[File:A.jpg]][[File:B.jpg]]</div> z", "File:B.jpg z"));
  }

  @ParameterizedTest
  @MethodSource("referenceCases")
  void cleansAsTheReferenceBuilder(String language, String wikitext, String expected) {
    assertEquals(expected, WikitextCleaner.forLanguage(language).clean(wikitext));
  }

  @Test
  void siteinfoNamesAddPrefixesTheAliasesLack() {
    String wikitext = "[[Multimèdia:So.ogg]] [[Fitxer:A.jpg]] [[Categoria:Art]] text";
    assertEquals(
        "Art text",
        WikitextCleaner.forLanguage("ca", List.of("Fitxer", "Multimèdia"), List.of("Categoria"))
            .clean(wikitext));
  }

  @Test
  void aCleanerIsReusableAcrossPages() {
    WikitextCleaner cleaner = WikitextCleaner.forLanguage("en");
    assertEquals("b", cleaner.clean("{{a|b=[[c]]}}b"));
    assertEquals("x", cleaner.clean("''x''"));
    assertEquals("", cleaner.clean("{{only a template}}"));
  }

  @Test
  void theUrlIsQuotedAsPythonQuotes() {
    assertEquals(
        "https://fr.wikipedia.org/wiki/%C3%89t%C3%A9%20%26%20co/x%3F%28b%29_~",
        Wikipedia.url("fr", "\u00c9t\u00e9 & co/x?(b)_~"));
  }
}
