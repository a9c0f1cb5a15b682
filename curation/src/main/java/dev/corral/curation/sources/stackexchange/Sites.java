package dev.corral.curation.sources.stackexchange;

import dev.corral.core.Errors;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.Serializable;
import java.nio.file.NoSuchFileException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * The Stack Exchange sites that inputs hold, as the archive.org dump names them, and the choice of
 * sites to keep.
 *
 * <p>An input is a site's archive ({@code math.stackexchange.com.7z}; Stack Overflow's posts are
 * {@code stackoverflow.com-Posts.7z}), a folder it was extracted to (holding {@code Posts.xml}), a
 * {@code Posts.xml} (the site is its folder's name), a {@code SITE.xml} as RedPajama's download
 * script leaves it, or a folder of any of these. The dump's other tables ({@code Comments}, {@code
 * Users}, ...) are passed over in folders and refused when named.
 */
final class Sites {
  private static final Set<String> OTHER_TABLES =
      Set.of("badges", "comments", "posthistory", "postlinks", "tags", "users", "votes");

  private Sites() {}

  /**
   * One site's posts.
   *
   * @param site the site's domain, {@code math.stackexchange.com}
   * @param path a {@code .7z} archive or a {@code Posts.xml}
   * @param archive whether {@code path} is a 7z archive
   */
  record Source(String site, String path, boolean archive) implements Serializable {}

  /** Whether {@code site} is a meta site ({@code meta.stackexchange.com}, {@code x.meta.y}). */
  static boolean isMeta(String site) {
    return site.startsWith("meta.") || site.contains(".meta.");
  }

  /** The sources {@code inputs} name, by site, in site order; a site given twice is an error. */
  static Map<String, Source> resolve(Configuration conf, List<String> inputs) {
    Map<String, Source> sites = new TreeMap<>();
    for (String input : inputs) {
      Path path = new Path(input);
      try {
        FileSystem fs = path.getFileSystem(conf);
        FileStatus[] matches = fs.globStatus(path);
        if (matches == null || matches.length == 0) {
          throw Errors.unreadable(input, new NoSuchFileException(input));
        }
        List<Source> found = new ArrayList<>();
        for (FileStatus status : matches) {
          add(fs, status, true, found);
        }
        if (found.isEmpty()) {
          throw Errors.badInput(
              input,
              "holds no Stack Exchange posts (a SITE.7z, a folder with Posts.xml, or a Posts.xml)");
        }
        for (Source s : found) {
          Source before = sites.put(s.site(), s);
          if (before != null) {
            throw Errors.badUsage(
                "--input",
                "site "
                    + s.site()
                    + " is given twice ("
                    + before.path()
                    + " and "
                    + s.path()
                    + "); keep one");
          }
        }
      } catch (FileNotFoundException e) {
        throw Errors.unreadable(input, new NoSuchFileException(input));
      } catch (IOException e) {
        throw Errors.unreadable(input, e);
      }
    }
    return sites;
  }

  private static void add(FileSystem fs, FileStatus status, boolean named, List<Source> out)
      throws IOException {
    Path p = status.getPath();
    String name = p.getName();
    if (!named && (name.startsWith(".") || name.startsWith("_"))) {
      return;
    }
    if (status.isDirectory()) {
      Path posts = postsXml(fs, p);
      if (posts != null) {
        out.add(new Source(siteOf(name), posts.toString(), false));
        return;
      }
      FileStatus[] children = fs.listStatus(p);
      java.util.Arrays.sort(children, Comparator.comparing(FileStatus::getPath));
      for (FileStatus child : children) {
        add(fs, child, false, out);
      }
      return;
    }
    String lower = name.toLowerCase(Locale.ROOT);
    if (lower.equals("posts.xml")) {
      out.add(new Source(siteOf(p.getParent().getName()), p.toString(), false));
    } else if (lower.endsWith(".7z") || lower.endsWith(".xml")) {
      String stem = name.substring(0, name.lastIndexOf('.'));
      String table = stem.contains("-") ? stem.substring(stem.lastIndexOf('-') + 1) : "";
      if (OTHER_TABLES.contains(table.toLowerCase(Locale.ROOT))) {
        if (named) {
          throw Errors.badInput(p.toString(), "is the dump's " + table + " table, not its posts");
        }
        return;
      }
      out.add(new Source(siteOf(stem), p.toString(), lower.endsWith(".7z")));
    } else if (named) {
      throw Errors.badInput(
          p.toString(), "is neither a .7z archive nor a Posts.xml of a Stack Exchange dump");
    }
  }

  private static Path postsXml(FileSystem fs, Path folder) throws IOException {
    for (String name : List.of("Posts.xml", "posts.xml")) {
      Path p = new Path(folder, name);
      if (fs.isFile(p)) {
        return p;
      }
    }
    return null;
  }

  /** {@code stackoverflow.com-Posts} is Stack Overflow's posts: site {@code stackoverflow.com}. */
  static String siteOf(String stem) {
    return stem.endsWith("-Posts") ? stem.substring(0, stem.length() - "-Posts".length()) : stem;
  }

  /**
   * The sites to keep: the {@code top} largest by posts among the non-meta sites (ties by name), as
   * the paper kept the 28 largest, or exactly {@code named} (meta sites included when named).
   */
  static List<String> choose(Map<String, Long> postsBySite, int top, List<String> named) {
    if (named != null) {
      List<String> missing = new ArrayList<>();
      for (String site : named) {
        if (!postsBySite.containsKey(site)) {
          missing.add(site);
        }
      }
      if (!missing.isEmpty()) {
        throw Errors.badUsage(
            "--sites",
            "no input holds "
                + String.join(", ", missing)
                + " (the inputs hold: "
                + String.join(", ", postsBySite.keySet())
                + ")");
      }
      return named.stream().sorted().distinct().toList();
    }
    Map<String, Long> candidates = new LinkedHashMap<>();
    postsBySite.forEach(
        (site, posts) -> {
          if (!isMeta(site)) {
            candidates.put(site, posts);
          }
        });
    return candidates.entrySet().stream()
        .sorted(
            Map.Entry.<String, Long>comparingByValue(Comparator.reverseOrder())
                .thenComparing(Map.Entry.comparingByKey()))
        .limit(top)
        .map(Map.Entry::getKey)
        .sorted()
        .toList();
  }
}
