package dev.corral.curation.sources.wikipedia;

import java.io.InputStream;
import java.io.Serializable;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;

/**
 * What a MediaWiki dump says about its wiki before its pages ({@code <siteinfo>}): the database
 * name ({@code enwiki}, {@code zh_yuewiki}) and the localized namespace names, of which the
 * cleaning uses File (6), Media (-2) and Category (14).
 *
 * @param dbname the wiki's database name, or null when the dump has none
 * @param namespaces namespace number to its local name (the main namespace, 0, has none)
 */
public record Siteinfo(String dbname, Map<Integer, String> namespaces) implements Serializable {
  /** Namespace numbers the cleaning treats as media and category links. */
  public static final int MEDIA = -2;

  public static final int FILE = 6;
  public static final int CATEGORY = 14;

  public Siteinfo {
    namespaces = Collections.unmodifiableMap(new TreeMap<>(namespaces));
  }

  /**
   * The wiki's language code from its database name ({@code enwiki} → {@code en}, {@code
   * zh_min_nanwiki} → {@code zh-min-nan}), or null when the name does not end in {@code wiki}.
   */
  public String language() {
    return languageOf(dbname);
  }

  /** The language code of a wiki's database name, or null when it does not end in {@code wiki}. */
  public static String languageOf(String dbname) {
    if (dbname == null || !dbname.endsWith("wiki") || dbname.length() <= 4) {
      return null;
    }
    return dbname.substring(0, dbname.length() - 4).replace('_', '-');
  }

  /** The local names of the File and Media namespaces (prefixes of links the cleaning removes). */
  public List<String> mediaNames() {
    return names(FILE, MEDIA);
  }

  /** The local name of the Category namespace. */
  public List<String> categoryNames() {
    return names(CATEGORY);
  }

  private List<String> names(int... keys) {
    java.util.ArrayList<String> out = new java.util.ArrayList<>();
    for (int k : keys) {
      String name = namespaces.get(k);
      if (name != null && !name.isEmpty()) {
        out.add(name);
      }
    }
    return out;
  }

  /**
   * Reads the {@code <siteinfo>} at the start of a dump's XML, stopping at its end; a dump without
   * one (it starts with its pages) gives an empty siteinfo.
   */
  public static Siteinfo read(InputStream xml) throws XMLStreamException {
    XMLStreamReader r = xmlFactory().createXMLStreamReader(xml, "UTF-8");
    try {
      String dbname = null;
      Map<Integer, String> namespaces = new TreeMap<>();
      while (r.hasNext()) {
        int event = r.next();
        if (event == XMLStreamConstants.START_ELEMENT) {
          switch (r.getLocalName()) {
            case "dbname" -> dbname = r.getElementText().trim();
            case "namespace" -> {
              String key = r.getAttributeValue(null, "key");
              String name = r.getElementText();
              if (key != null) {
                namespaces.put(Integer.parseInt(key.trim()), name);
              }
            }
            case "page" -> {
              return new Siteinfo(dbname, namespaces);
            }
            default -> {}
          }
        } else if (event == XMLStreamConstants.END_ELEMENT && r.getLocalName().equals("siteinfo")) {
          break;
        }
      }
      return new Siteinfo(dbname, namespaces);
    } finally {
      r.close();
    }
  }

  /** The JDK's own StAX parser, without DTDs or external entities. */
  static XMLInputFactory xmlFactory() {
    XMLInputFactory f = XMLInputFactory.newDefaultFactory();
    f.setProperty(XMLInputFactory.SUPPORT_DTD, false);
    f.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
    f.setProperty(XMLInputFactory.IS_COALESCING, true);
    return f;
  }
}
