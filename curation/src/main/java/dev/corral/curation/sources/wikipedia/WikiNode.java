package dev.corral.curation.sources.wikipedia;

import java.util.ArrayList;
import java.util.List;

/**
 * One node of parsed wikitext, the kinds mwparserfromhell's tree has. Lists of children are
 * mutable: the Hugging Face cleaning removes nodes from them while it walks them, and the order of
 * that walk is part of its output.
 */
final class WikiNode {
  enum Kind {
    TEXT,
    TEMPLATE,
    ARGUMENT,
    WIKILINK,
    EXTERNAL_LINK,
    COMMENT,
    HEADING,
    ENTITY,
    TAG
  }

  final Kind kind;

  /**
   * TEXT: the text; ENTITY: the character it stands for; TAG: the tag's name as written; WIKILINK:
   * the title as written (what the cleaning's prefix patterns match).
   */
  String value;

  /**
   * ARGUMENT: its default (null when none); WIKILINK: the title; EXTERNAL_LINK: the URL; HEADING:
   * the title; TAG: the contents (null when self-closing). Templates and comments keep nothing:
   * they strip to nothing whatever they hold.
   */
  List<WikiNode> first;

  /** WIKILINK: the text after the pipe (null when none); EXTERNAL_LINK: the title (null: none). */
  List<WikiNode> second;

  /** EXTERNAL_LINK: written in brackets. */
  boolean brackets;

  private WikiNode(Kind kind) {
    this.kind = kind;
  }

  static WikiNode text(String value) {
    WikiNode n = new WikiNode(Kind.TEXT);
    n.value = value;
    return n;
  }

  static WikiNode of(Kind kind) {
    return new WikiNode(kind);
  }

  /** The lists a walk over this node visits, in mwparserfromhell's order. */
  List<List<WikiNode>> children() {
    List<List<WikiNode>> out = new ArrayList<>(2);
    if (first != null) {
      out.add(first);
    }
    if (second != null) {
      out.add(second);
    }
    return out;
  }
}
