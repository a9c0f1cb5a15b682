package dev.corral.curation.sources.github;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

/**
 * The header rules and statistics on the values RedPajama's own {@code clean_copyright_comments}
 * and {@code get_filecontent_stats} gave (shared/SOURCES.md, Appendix A.2), and what paper mode
 * does differently on each.
 */
class HeaderCleanerTest {
  static void assertStats(String text, int lines, int max, double avg, double alnum) {
    FileStats s = FileStats.of(text);
    assertEquals(lines, s.lineCount());
    assertEquals(max, s.maxLineLength());
    assertEquals(avg, s.avgLineLength());
    assertEquals(alnum, s.alnumProp());
  }

  @Test
  void firstBlockWithCopyrightIsCut() {
    String in = "/* Copyright 2020 Foo */\nint main() { return 0; }\n/* other */\n";
    String out = "\nint main() { return 0; }\n/* other */\n";
    assertEquals(out, HeaderCleaner.redPajama(in));
    assertEquals(out, HeaderCleaner.paper(in));
    assertStats(out, 3, 24, 38.0 / 3, 0.5);
  }

  @Test
  void shebangAndCommentLinesAreStrippedByRedPajamaKeptByThePaper() {
    String in = "#!/usr/bin/env python\n# header\n\nimport os\nprint(1)\n";
    assertEquals("import os\nprint(1)\n", HeaderCleaner.redPajama(in));
    assertStats("import os\nprint(1)\n", 2, 9, 9.5, 0.7368421052631579);
    assertEquals("#!/usr/bin/env python\nimport os\nprint(1)\n", HeaderCleaner.paper(in));
    assertEquals(
        "#!/bin/sh\n# -*- coding: utf-8 -*-\necho",
        HeaderCleaner.paper("#!/bin/sh\n# -*- coding: utf-8 -*-\n# Copyright me\n\necho"));
  }

  @Test
  void includeIsStrippedByRedPajamaAndIsCodeForThePaper() {
    String in = "#include <stdio.h>\n\nint main(){}\n";
    assertEquals("int main(){}\n", HeaderCleaner.redPajama(in));
    assertStats("int main(){}\n", 1, 12, 13.0, 0.5384615384615384);
    assertEquals(in, HeaderCleaner.paper(in));
    assertEquals(
        "#ifndef A_H\nint a;", HeaderCleaner.paper("// Copyright x\n\n#ifndef A_H\nint a;"));
  }

  @Test
  void aFirstBlockThatIsNoNoticeStopsRedPajamaNotThePaper() {
    String in = "/* not a notice */\n// Copyright x\nint a;\n";
    assertEquals(in, HeaderCleaner.redPajama(in));
    assertStats(in, 3, 18, 41.0 / 3, 0.5853658536585366);
    String later = "/** Utilities. */\n/*\n * Copyright 2020 Foo\n */\nint a;\n";
    assertEquals(later, HeaderCleaner.redPajama(later));
    assertEquals("/** Utilities. */\n\nint a;\n", HeaderCleaner.paper(later));
    assertEquals("/** doc */\nint a;", HeaderCleaner.paper("// Copyright x\n/** doc */\nint a;"));
  }

  @Test
  void blockCommentsEndAtTheFirstCloseAfterTheirOpeningStar() {
    assertArrayEquals(new int[] {0, 4}, HeaderCleaner.nextBlockComment("/**/x", 0));
    assertArrayEquals(new int[] {1, 9}, HeaderCleaner.nextBlockComment("//*/ x */", 0));
    assertNull(HeaderCleaner.nextBlockComment("a /* never closed", 0));
    // java.util.regex would overflow its stack on this; the scan does not.
    String banner = "/" + "*\n".repeat(200_000) + "* Copyright */\nint a;";
    assertEquals("\nint a;", HeaderCleaner.redPajama(banner));
  }

  @Test
  void copyrightMatchesAsPythonsIgnoreCaseDoes() {
    assertEquals("x", HeaderCleaner.redPajama("/* COPYRıGHT */x"));
    assertEquals("x", HeaderCleaner.redPajama("/* CopyRİght */x"));
  }

  @Test
  void statisticsCountCodePointsAndPythonsLineBreaks() {
    assertStats("", 0, 0, 0, 0);
    assertStats("😀a\u2028b\r\nc\u0085", 3, 2, 8.0 / 3, 3.0 / 8); // as Python 3.11
    assertEquals(3, FileStats.of("ab" + Character.toString(0x10570)).alphaChars()); // Unicode 14
  }
}
