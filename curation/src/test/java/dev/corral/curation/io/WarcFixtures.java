package dev.corral.curation.io;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPOutputStream;

/**
 * Writes small WET and WARC files the way Common Crawl does: WARC/1.0 records with CRLF header
 * lines, a blank line, the block, and CRLF CRLF after it, each record compressed as its own gzip
 * member. Written by hand, not with jwarc's writer, so that the reader is tested against the format
 * rather than against itself.
 */
public final class WarcFixtures {
  private WarcFixtures() {}

  /** A WET conversion record: the title is the block's first line, as Common Crawl writes it. */
  public static byte[] conversion(String url, String date, String title, String text) {
    byte[] block = (title + "\n" + text).getBytes(StandardCharsets.UTF_8);
    String headers =
        "WARC/1.0\r\n"
            + "WARC-Type: conversion\r\n"
            + "WARC-Target-URI: "
            + url
            + "\r\n"
            + "WARC-Date: "
            + date
            + "\r\n"
            + "WARC-Record-ID: <urn:uuid:"
            + uuid(url)
            + ">\r\n"
            + "WARC-Refers-To: <urn:uuid:"
            + uuid(url + "#response")
            + ">\r\n"
            + "WARC-Block-Digest: sha1:"
            + digestOf(url)
            + "\r\n"
            + "WARC-Identified-Content-Language: eng\r\n"
            + "Content-Type: text/plain\r\n"
            + "Content-Length: "
            + block.length
            + "\r\n\r\n";
    return record(headers, block);
  }

  /** The warcinfo record that opens every Common Crawl file; the reader must skip it. */
  public static byte[] warcinfo(String filename) {
    byte[] block =
        ("isPartOf: CC-MAIN-2019-09\r\npublisher: Common Crawl\r\n")
            .getBytes(StandardCharsets.UTF_8);
    String headers =
        "WARC/1.0\r\nWARC-Type: warcinfo\r\nWARC-Date: 2019-02-24T05:12:00Z\r\n"
            + "WARC-Filename: "
            + filename
            + "\r\nWARC-Record-ID: <urn:uuid:"
            + uuid(filename)
            + ">\r\n"
            + "Content-Type: application/warc-fields\r\nContent-Length: "
            + block.length
            + "\r\n\r\n";
    return record(headers, block);
  }

  /** A WARC response record with an HTTP/1.1 message of the given content type. */
  public static byte[] response(String url, String date, String contentType, String payload) {
    byte[] body = payload.getBytes(StandardCharsets.UTF_8);
    byte[] http =
        concat(
            ("HTTP/1.1 200 OK\r\nContent-Type: "
                    + contentType
                    + "\r\nContent-Length: "
                    + body.length
                    + "\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII),
            body);
    String headers =
        "WARC/1.0\r\n"
            + "WARC-Type: response\r\n"
            + "WARC-Date: "
            + date
            + "\r\n"
            + "WARC-Record-ID: <urn:uuid:"
            + uuid(url)
            + ">\r\n"
            + "WARC-Target-URI: "
            + url
            + "\r\n"
            + "WARC-Payload-Digest: sha1:"
            + digestOf(url + "#payload")
            + "\r\n"
            + "WARC-Block-Digest: sha1:"
            + digestOf(url)
            + "\r\n"
            + "Content-Type: application/http; msgtype=response\r\n"
            + "Content-Length: "
            + http.length
            + "\r\n\r\n";
    return record(headers, http);
  }

  /**
   * {@code record} with its Content-Length header's value replaced by {@code value}, the block
   * unchanged.
   */
  public static byte[] withContentLength(byte[] record, String value) {
    String text = new String(record, StandardCharsets.ISO_8859_1);
    int headEnd = text.indexOf("\r\n\r\n");
    String head =
        text.substring(0, headEnd).replaceFirst("Content-Length: \\d+", "Content-Length: " + value);
    return (head + text.substring(headEnd)).getBytes(StandardCharsets.ISO_8859_1);
  }

  /** The Content-Length a record declares. */
  public static long contentLength(byte[] record) {
    java.util.regex.Matcher m =
        java.util.regex.Pattern.compile("Content-Length: (\\d+)\r\n")
            .matcher(new String(record, StandardCharsets.ISO_8859_1));
    if (!m.find()) {
      throw new IllegalArgumentException("no Content-Length");
    }
    return Long.parseLong(m.group(1));
  }

  /** Records concatenated, each one its own gzip member. */
  public static void writeGzip(Path file, List<byte[]> records) throws IOException {
    Files.createDirectories(file.getParent());
    try (OutputStream out = Files.newOutputStream(file)) {
      for (byte[] r : records) {
        out.write(gzip(r));
      }
    }
  }

  /** Records concatenated, uncompressed. */
  public static void writePlain(Path file, List<byte[]> records) throws IOException {
    Files.createDirectories(file.getParent());
    try (OutputStream out = Files.newOutputStream(file)) {
      for (byte[] r : records) {
        out.write(r);
      }
    }
  }

  /** The gzip members of {@code records}, for tests that cut or damage one of them. */
  public static List<byte[]> members(List<byte[]> records) throws IOException {
    List<byte[]> out = new ArrayList<>();
    for (byte[] r : records) {
      out.add(gzip(r));
    }
    return out;
  }

  public static byte[] gzip(byte[] data) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(bytes)) {
      gz.write(data);
    }
    return bytes.toByteArray();
  }

  public static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }

  private static byte[] record(String headers, byte[] block) {
    return concat(
        headers.getBytes(StandardCharsets.UTF_8),
        block,
        "\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
  }

  private static String uuid(String seed) {
    return java.util.UUID.nameUUIDFromBytes(seed.getBytes(StandardCharsets.UTF_8)).toString();
  }

  private static String digestOf(String seed) {
    // A stable 32-character base32-looking token; the reader passes digests through, it does not
    // check them.
    String hex = Integer.toHexString(seed.hashCode()).toUpperCase();
    return ("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567" + hex).substring(hex.length());
  }
}
