package dev.corral.curation.sources.wikipedia;

import java.io.Serializable;

/**
 * What the dump reader yields: one page's XML (or one CirrusSearch document line with its {@code
 * index} line), or a stretch of the file that could not be read. Records carry their file and split
 * so that counts can be kept per split and summed per file.
 *
 * @param file the dump file
 * @param splitStart the start of the split that read it (counts are kept per split)
 * @param offset where the record starts: a byte offset in an uncompressed file; for bzip2, the
 *     offset of the compressed block or stream it starts in
 * @param data the page's XML, or the CirrusSearch document's JSON line; null for an unreadable
 *     stretch
 * @param index the CirrusSearch {@code {"index":...}} line, or null
 * @param error what could not be read, or null
 */
public record DumpRecord(
    String file, long splitStart, long offset, byte[] data, byte[] index, String error)
    implements Serializable {

  static DumpRecord unreadable(String file, long splitStart, long offset, String error) {
    return new DumpRecord(file, splitStart, offset, null, null, error);
  }
}
