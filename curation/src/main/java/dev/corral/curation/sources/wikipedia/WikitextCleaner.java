package dev.corral.curation.sources.wikipedia;

import dev.corral.core.text.PythonStr;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A page's wikitext to plain text exactly as the Hugging Face {@code wikipedia} builder cleans it
 * ({@code _parse_and_clean_wikicode} in {@code datasets/wikipedia/wikipedia.py}, the version
 * RedPajama v1 ran, with mwparserfromhell's {@code strip_code()}):
 *
 * <ol>
 *   <li>the page is parsed ({@link WikitextParser}) and cut into sections at its top-level
 *       headings, the lead first (even when empty);
 *   <li>in each section, links to files ({@code [[File:...]]}, {@code [[Image:...]]}, {@code
 *       [[Media:...]]} and the language's aliases) are removed, category links ({@code
 *       [[Category:X]]} and aliases) keep their text with the prefix cut, then {@code <ref>} tags
 *       and tables are removed. Both walks remove nodes from the lists they walk, so in a nested
 *       list the node after a removed one is not visited (two references in a row inside bold text:
 *       the second stays); this is reproduced because the reference's output has it;
 *   <li>each section is stripped ({@code strip_code}: templates, comments, and invisible tags such
 *       as {@code <math>} and {@code <gallery>} go; links become their text; entities their
 *       characters; runs of three or more newlines become two), trimmed of whitespace, and loses
 *       its magic words ({@code __[A-Z]*__});
 *   <li>sections are joined by a blank line (so a page that starts with a heading starts with one).
 * </ol>
 *
 * <p>File and category prefixes are matched case-insensitively at the start of the link's title as
 * written. Besides the builder's aliases, the localized names a dump's {@code <siteinfo>} gives to
 * namespaces 6 (File), -2 (Media) and 14 (Category) can be added: where they are not among the
 * aliases (Catalan's {@code Multimèdia}, Danish {@code Medie}) Corral removes links the reference
 * keeps as text. Not thread-safe: one cleaner per task.
 */
public final class WikitextCleaner {
  /** Media namespace aliases per language, from the builder's {@code MEDIA_ALIASES}. */
  public static final Map<String, List<String>> MEDIA_ALIASES =
      Map.ofEntries(
          Map.entry("bg", List.of("Медия", "Файл", "Картинка")),
          Map.entry("ca", List.of("Fitxer", "Imatge")),
          Map.entry("cs", List.of("Soubor", "Média", "Obrázok")),
          Map.entry("da", List.of("Billede", "Fil")),
          Map.entry("de", List.of("Medium", "Datei", "Bild")),
          Map.entry("es", List.of("Medio", "Archivo", "Imagen")),
          Map.entry("fr", List.of("Média", "Fichier")),
          Map.entry("hr", List.of("Mediji", "DT", "Slika", "F", "Datoteka")),
          Map.entry("hu", List.of("Kép", "Fájl", "Média")),
          Map.entry("it", List.of("Immagine")),
          Map.entry("nl", List.of("Bestand", "Afbeelding")),
          Map.entry("pl", List.of("Plik", "Grafika")),
          Map.entry("pt", List.of("Multimédia", "Ficheiro", "Arquivo", "Imagem")),
          Map.entry("ro", List.of("Fişier", "Imagine", "Fișier")),
          Map.entry("ru", List.of("Медиа", "Файл", "Изображение")),
          Map.entry("sl", List.of("Slika", "Datoteka")),
          Map.entry(
              "sr",
              List.of(
                  "Датотека", "Medij", "Slika", "Медија", "Datoteka", "Медиј", "Medija", "Слика")),
          Map.entry("sv", List.of("Fil", "Bild")),
          Map.entry("uk", List.of("Медіа", "Медиа", "Файл", "Изображение", "Зображення")));

  /** Category namespace aliases per language, from the builder's {@code CAT_ALIASES}. */
  public static final Map<String, List<String>> CATEGORY_ALIASES =
      Map.ofEntries(
          Map.entry("bg", List.of("Категория")),
          Map.entry("ca", List.of("Categoria")),
          Map.entry("cs", List.of("Kategorie")),
          Map.entry("da", List.of("Kategori")),
          Map.entry("de", List.of("Kategorie")),
          Map.entry("es", List.of("CAT", "Categoría")),
          Map.entry("fr", List.of("Catégorie")),
          Map.entry("hr", List.of("CT", "KT", "Kategorija")),
          Map.entry("hu", List.of("Kategória")),
          Map.entry("it", List.of("CAT", "Categoria")),
          Map.entry("nl", List.of("Categorie")),
          Map.entry("pl", List.of("Kategoria")),
          Map.entry("pt", List.of("Categoria")),
          Map.entry("ro", List.of("Categorie")),
          Map.entry("ru", List.of("Категория", "К")),
          Map.entry("sl", List.of("Kategorija")),
          Map.entry("sr", List.of("Kategorija", "Категорија")),
          Map.entry("sv", List.of("Kategori")),
          Map.entry("uk", List.of("Категория", "Категорія")));

  /** Tags whose contents strip to nothing (mwparserfromhell's INVISIBLE_TAGS). */
  private static final Set<String> INVISIBLE =
      Set.of(
          "categorytree",
          "gallery",
          "graph",
          "imagemap",
          "inputbox",
          "math",
          "score",
          "section",
          "templatedata",
          "timeline");

  private static final Pattern MAGIC_WORDS = Pattern.compile("__[A-Z]*__");

  private final Pattern media;
  private final Pattern category;
  private final WikitextParser parser = new WikitextParser();

  private WikitextCleaner(Collection<String> mediaPrefixes, Collection<String> categoryPrefixes) {
    media = prefixPattern(mediaPrefixes);
    category = prefixPattern(categoryPrefixes);
  }

  /** The builder's cleaning for {@code language}: canonical names and its aliases only. */
  public static WikitextCleaner forLanguage(String language) {
    return forLanguage(language, List.of(), List.of());
  }

  /**
   * The builder's cleaning for {@code language}, with more media and category prefixes (the
   * localized namespace names of a dump's siteinfo).
   */
  public static WikitextCleaner forLanguage(
      String language, Collection<String> moreMedia, Collection<String> moreCategories) {
    Set<String> mediaPrefixes = new LinkedHashSet<>(List.of("File", "Image", "Media"));
    mediaPrefixes.addAll(MEDIA_ALIASES.getOrDefault(language, List.of()));
    mediaPrefixes.addAll(moreMedia);
    Set<String> categoryPrefixes = new LinkedHashSet<>(List.of("Category"));
    categoryPrefixes.addAll(CATEGORY_ALIASES.getOrDefault(language, List.of()));
    categoryPrefixes.addAll(moreCategories);
    return new WikitextCleaner(mediaPrefixes, categoryPrefixes);
  }

  private static Pattern prefixPattern(Collection<String> prefixes) {
    StringBuilder p = new StringBuilder("^(?:");
    boolean first = true;
    for (String prefix : prefixes) {
      if (prefix.isEmpty()) {
        continue;
      }
      p.append(first ? "" : "|").append(Pattern.quote(prefix));
      first = false;
    }
    return Pattern.compile(
        p.append("):").toString(), Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE);
  }

  /** The page's plain text; empty when nothing is left (the builder then drops the page). */
  public String clean(String wikitext) {
    List<WikiNode> nodes = parser.parse(wikitext);
    StringBuilder out = new StringBuilder(wikitext.length() / 2);
    List<List<WikiNode>> sections = sections(nodes);
    for (int s = 0; s < sections.size(); s++) {
      List<WikiNode> section = sections.get(s);
      walk(section, true);
      walk(section, false);
      String text = PythonStr.strip(stripCode(section));
      if (text.indexOf("__") >= 0) {
        text = MAGIC_WORDS.matcher(text).replaceAll("");
      }
      if (s > 0) {
        out.append("\n\n");
      }
      out.append(text);
    }
    return out.toString();
  }

  /** The lead (nodes before the first top-level heading, maybe none), then one per heading. */
  private static List<List<WikiNode>> sections(List<WikiNode> nodes) {
    List<List<WikiNode>> sections = new ArrayList<>();
    int start = 0;
    boolean lead = true;
    for (int i = 0; i < nodes.size(); i++) {
      if (nodes.get(i).kind == WikiNode.Kind.HEADING) {
        if (lead || i > start) {
          sections.add(new ArrayList<>(nodes.subList(start, i)));
        }
        lead = false;
        start = i;
      }
    }
    sections.add(new ArrayList<>(nodes.subList(start, nodes.size())));
    return sections;
  }

  /**
   * One of the builder's two walks over a section, in mwparserfromhell's order: every node, then
   * its children. The section's own nodes are taken from a copy (the reference collects them before
   * walking); nested lists are walked live, by index, so removing a node skips its next sibling, as
   * a Python list iterator does.
   */
  private void walk(List<WikiNode> section, boolean links) {
    for (WikiNode node : new ArrayList<>(section)) {
      visit(node, section, true, links);
    }
  }

  private void visit(WikiNode node, List<WikiNode> parent, boolean attached, boolean links) {
    boolean removed = links ? linkStep(node, parent, attached) : tagStep(node, parent, attached);
    boolean childrenAttached = attached && !removed;
    for (List<WikiNode> children : node.children()) {
      for (int i = 0; i < children.size(); i++) {
        visit(children.get(i), children, childrenAttached, links);
      }
    }
  }

  /** Removes a file link, or gives a category link its name as text; true when removed. */
  private boolean linkStep(WikiNode node, List<WikiNode> parent, boolean attached) {
    if (node.kind != WikiNode.Kind.WIKILINK) {
      return false;
    }
    if (media.matcher(node.value).lookingAt()) {
      // A node whose ancestor was removed is no longer found, and stays where it was.
      return attached && removeNode(parent, node);
    }
    if (category.matcher(node.value).lookingAt()) {
      String name = stripNode(node);
      name = category.matcher(name == null ? "" : name).replaceFirst("");
      node.second = parser.parse(name);
    }
    return false;
  }

  /** Removes {@code <ref>} tags and tables; true when removed. */
  private boolean tagStep(WikiNode node, List<WikiNode> parent, boolean attached) {
    if (node.kind == WikiNode.Kind.TAG
        && ("ref".equals(node.value) || "table".equals(node.value))) {
      return attached && removeNode(parent, node);
    }
    return false;
  }

  private static boolean removeNode(List<WikiNode> parent, WikiNode node) {
    for (int i = 0; i < parent.size(); i++) {
      if (parent.get(i) == node) {
        parent.remove(i);
        return true;
      }
    }
    return false;
  }

  /** mwparserfromhell's {@code strip_code()} of a node list, with its defaults. */
  private static String stripCode(List<WikiNode> nodes) {
    if (nodes.size() == 1 && nodes.get(0).kind == WikiNode.Kind.TEXT) {
      return collapse(nodes.get(0).value);
    }
    StringBuilder b = new StringBuilder();
    for (WikiNode n : nodes) {
      String s = stripNode(n);
      if (s != null) {
        b.append(s);
      }
    }
    return collapse(b);
  }

  private static String stripNode(WikiNode n) {
    switch (n.kind) {
      case TEXT:
      case ENTITY:
        return n.value;
      case ARGUMENT:
        return n.first == null ? null : stripCode(n.first);
      case WIKILINK:
        return stripCode(n.second != null ? n.second : n.first);
      case EXTERNAL_LINK:
        if (n.brackets) {
          return n.second == null ? null : stripCode(n.second);
        }
        return stripCode(n.first);
      case HEADING:
        return stripCode(n.first);
      case TAG:
        return n.first == null || INVISIBLE.contains(lower(n.value)) ? null : stripCode(n.first);
      default:
        return null; // templates and comments
    }
  }

  private static String lower(String s) {
    return s.toLowerCase(java.util.Locale.ROOT);
  }

  /** Outer newlines stripped; runs of three or more newlines made two. */
  private static String collapse(CharSequence s) {
    int start = 0;
    int end = s.length();
    while (start < end && s.charAt(start) == '\n') {
      start++;
    }
    while (end > start && s.charAt(end - 1) == '\n') {
      end--;
    }
    StringBuilder out = null;
    int run = 0;
    for (int i = start; i < end; i++) {
      char c = s.charAt(i);
      if (c == '\n') {
        run++;
        if (run == 3 && out == null) {
          out = new StringBuilder(end - start);
          out.append(s, start, i);
        }
        if (run >= 3) {
          continue;
        }
      } else {
        run = 0;
      }
      if (out != null) {
        out.append(c);
      }
    }
    return out != null ? out.toString() : s.subSequence(start, end).toString();
  }
}
