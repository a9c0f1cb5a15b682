package dev.corral.curation.sources.wikipedia;

import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.stream.XMLStreamException;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorInputStream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.io.compress.CompressionCodec;
import org.apache.hadoop.io.compress.CompressionCodecFactory;

/**
 * One input file as the driver sees it before reading: its kind, the wiki and dump it comes from,
 * and the siteinfo of an XML dump.
 *
 * @param path the file
 * @param cirrus a CirrusSearch content dump (JSON lines) rather than MediaWiki XML
 * @param language the wiki's language code; null for a CirrusSearch dump whose name does not say
 *     (its documents do)
 * @param dump the dump's name, {@code enwiki-20220701}, or null when the file name does not say
 * @param date the dump's date, {@code 20220701}, or null
 * @param siteinfo the XML dump's siteinfo, or null (CirrusSearch dumps, unreadable headers)
 */
public record DumpFile(
    String path, boolean cirrus, String language, String dump, String date, Siteinfo siteinfo)
    implements Serializable {

  /** {@code enwiki-20220701-...}: the database name and the date. */
  private static final Pattern DUMP_NAME = Pattern.compile("^([a-z][a-z0-9_]*wiki)-(\\d{8})-");

  /**
   * Whether a file name is something this source reads: MediaWiki XML (any compression, partitioned
   * names included) or a CirrusSearch dump; never a multistream index.
   */
  public static boolean isDump(String name) {
    if (DumpInputFormat.isIndex(name)) {
      return false;
    }
    return DumpInputFormat.isCirrus(name) || name.contains(".xml");
  }

  /**
   * Describes {@code path}: the dump name from the file name, the siteinfo read from the start of
   * an XML dump, and the language from {@code language} if given, else the siteinfo's database
   * name, else the file name.
   */
  static DumpFile inspect(Configuration conf, String path, String language) throws IOException {
    Path p = new Path(path);
    String name = p.getName();
    boolean cirrus = DumpInputFormat.isCirrus(name);
    Matcher m = DUMP_NAME.matcher(name);
    String dbname = m.find() ? m.group(1) : null;
    String dump = dbname == null ? null : dbname + "-" + m.group(2);
    String date = dbname == null ? null : m.group(2);
    Siteinfo siteinfo = cirrus ? null : readSiteinfo(conf, p);
    String lang = language;
    if (lang == null && siteinfo != null) {
      lang = siteinfo.language();
    }
    if (lang == null && dbname != null) {
      lang = Siteinfo.languageOf(dbname);
    }
    return new DumpFile(p.toString(), cirrus, lang, dump, date, siteinfo);
  }

  /** The siteinfo at the start of an XML dump, or null when it cannot be read. */
  private static Siteinfo readSiteinfo(Configuration conf, Path path) throws IOException {
    FileSystem fs = path.getFileSystem(conf);
    CompressionCodec codec = new CompressionCodecFactory(conf).getCodec(path);
    try (InputStream raw = fs.open(path)) {
      InputStream in;
      if (path.getName().endsWith(".bz2")) {
        in = new BZip2CompressorInputStream(raw, true);
      } else if (codec != null) {
        in = codec.createInputStream(raw);
      } else {
        in = raw;
      }
      return Siteinfo.read(in);
    } catch (XMLStreamException | IOException e) {
      // A broken header costs the names it holds, not the file: its pages are read all the same.
      return null;
    }
  }
}
