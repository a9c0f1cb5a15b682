package dev.corral.curation.sources.wikipedia;

import java.io.ByteArrayInputStream;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;

/**
 * One {@code <page>} of a MediaWiki XML dump: the fields the source needs.
 *
 * @param title the page title, with spaces
 * @param namespace its namespace number (0: articles)
 * @param id the page id
 * @param revisionId the id of the revision the dump holds, or null
 * @param revisionTimestamp that revision's time as written ({@code 2022-06-27T15:57:17Z}), or null
 * @param redirect whether the page is a redirect ({@code <redirect>} is present)
 * @param text the revision's wikitext; null when {@code <text>} is empty or absent
 */
public record Page(
    String title,
    int namespace,
    long id,
    Long revisionId,
    String revisionTimestamp,
    boolean redirect,
    String text) {

  /**
   * Parses one page's XML (from {@code <page>} to {@code </page>}, as a dump writes it); a page
   * whose XML is broken, or that lacks its title, namespace or id, is an {@link XMLStreamException}
   * saying what is wrong.
   */
  public static Page parse(byte[] xml, XMLInputFactory factory) throws XMLStreamException {
    XMLStreamReader r = factory.createXMLStreamReader(new ByteArrayInputStream(xml), "UTF-8");
    try {
      String title = null;
      String ns = null;
      String id = null;
      String revisionId = null;
      String timestamp = null;
      String text = null;
      boolean redirect = false;
      int depth = 0;
      boolean inRevision = false;
      boolean inContributor = false;
      boolean pageClosed = false;
      while (r.hasNext()) {
        int event = r.next();
        if (event == XMLStreamConstants.START_ELEMENT) {
          depth++;
          String name = r.getLocalName();
          if (depth == 1) {
            if (!name.equals("page")) {
              throw new XMLStreamException("expected <page>, found <" + name + ">");
            }
            continue;
          }
          switch (name) {
            case "title" -> title = r.getElementText();
            case "ns" -> ns = r.getElementText();
            case "id" -> {
              String value = r.getElementText();
              if (inContributor) {
                break;
              }
              if (inRevision) {
                revisionId = revisionId == null ? value : revisionId;
              } else if (id == null) {
                id = value;
              }
            }
            case "redirect" -> redirect = true;
            case "revision" -> inRevision = true;
            case "contributor" -> inContributor = true;
            case "timestamp" -> {
              String value = r.getElementText();
              timestamp = inRevision && timestamp == null ? value : timestamp;
            }
            case "text" -> {
              String value = r.getElementText();
              if (inRevision && text == null) {
                text = value.isEmpty() ? null : value;
              }
            }
            default -> {}
          }
          // getElementText consumed the end tag of a leaf element.
          if (r.getEventType() == XMLStreamConstants.END_ELEMENT) {
            depth--;
          }
        } else if (event == XMLStreamConstants.END_ELEMENT) {
          depth--;
          switch (r.getLocalName()) {
            case "revision" -> inRevision = false;
            case "contributor" -> inContributor = false;
            case "page" -> pageClosed = true;
            default -> {}
          }
        }
      }
      if (!pageClosed) {
        throw new XMLStreamException("the page does not end with </page>");
      }
      if (title == null || ns == null || id == null) {
        throw new XMLStreamException(
            "the page lacks its " + (title == null ? "<title>" : ns == null ? "<ns>" : "<id>"));
      }
      try {
        return new Page(
            title,
            Integer.parseInt(ns.trim()),
            Long.parseLong(id.trim()),
            revisionId == null ? null : Long.valueOf(revisionId.trim()),
            timestamp,
            redirect,
            text);
      } catch (NumberFormatException e) {
        throw new XMLStreamException("not a number in <ns> or <id>: " + e.getMessage());
      }
    } finally {
      r.close();
    }
  }
}
