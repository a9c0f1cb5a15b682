package dev.corral.jobs.plan;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.corral.core.io.HadoopFs;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The plan's samples hold whole records of the input, byte for byte. */
class InputSampleTest {
  @TempDir Path tmp;

  @Test
  void aCutWetFileKeepsItsRecordsByteForByte() throws IOException {
    Path wet = tmp.resolve("CC-MAIN-test.warc.wet.gz");
    ByteArrayOutputStream plain = new ByteArrayOutputStream();
    java.util.Random random = new java.util.Random(1);
    try (OutputStream file = Files.newOutputStream(wet)) {
      for (int i = 0; i < 200; i++) {
        // CRLF ends WARC lines; Content-Length counts the block's UTF-8 bytes.
        StringBuilder text = new StringBuilder("Déclaration universelle, page " + i + ".\n");
        for (int w = 0; w < 1500 + 50 * (i % 7); w++) {
          text.append(w % 12 == 11 ? '\n' : ' ').append(Integer.toString(random.nextInt(), 36));
        }
        byte[] block = text.toString().getBytes(StandardCharsets.UTF_8);
        String header =
            "WARC/1.0\r\nWARC-Type: conversion\r\nWARC-Target-URI: https://example.com/"
                + i
                + "\r\nContent-Length: "
                + block.length
                + "\r\n\r\n";
        ByteArrayOutputStream record = new ByteArrayOutputStream();
        record.write(header.getBytes(StandardCharsets.US_ASCII));
        record.write(block);
        record.write("\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        try (GZIPOutputStream member = new GZIPOutputStream(nonClosing(file))) {
          record.writeTo(member); // one gzip member per record, as Common Crawl writes them
        }
        record.writeTo(plain);
      }
    }
    long share = Files.size(wet) / 5;

    InputSample.Sampled s =
        InputSample.take(
            HadoopFs.configuration(),
            List.of(wet.toString()),
            share,
            new org.apache.hadoop.fs.Path(tmp.resolve("sample").toUri()));

    byte[] sample;
    try (InputStream in =
        new GZIPInputStream(Files.newInputStream(Path.of(URI.create(s.paths().get(0)))))) {
      sample = in.readAllBytes();
    }
    byte[] whole = plain.toByteArray();
    assertTrue(sample.length > 0 && sample.length < whole.length, "a part: " + sample.length);
    assertArrayEquals(
        Arrays.copyOf(whole, sample.length), sample, "the sample is the input's first bytes");
    assertTrue(
        new String(whole, sample.length, 9, StandardCharsets.US_ASCII).equals("WARC/1.0\r"),
        "the sample ends where a record starts");
    assertTrue(s.scale() > 3 && s.scale() < 6, "about 5x less than the input: " + s.scale());
  }

  @Test
  void aLineLongerThanTheShareIsTakenWhole() throws IOException {
    Path chunk = tmp.resolve("pg19_000");
    String book = "{\"text\": \"" + "A long book. ".repeat(20_000) + "\"}\n"; // 260 KB, one line
    Files.writeString(chunk, book.repeat(3));

    InputSample.Sampled s =
        InputSample.take(
            HadoopFs.configuration(),
            List.of(chunk.toString()),
            100_000,
            new org.apache.hadoop.fs.Path(tmp.resolve("sample").toUri()));

    String sample = Files.readString(Path.of(URI.create(s.paths().get(0))));
    assertTrue(sample.equals(book), "the first line, whole: " + sample.length() + " characters");
    assertEquals(book.length(), s.sampledBytes());
  }

  @Test
  void aSmallerSampleCutsTheSameFilesShorter() throws IOException {
    Path dir = shards();
    long fileBytes = Files.size(dir.resolve("shard-0.txt"));
    InputSample.Sampled large = sample(dir, 4 * fileBytes, 4 * fileBytes, "large");
    InputSample.Sampled small = sample(dir, fileBytes, 4 * fileBytes, "small");
    InputSample.Sampled alone = sample(dir, fileBytes, fileBytes, "alone");

    assertEquals(4, large.sampledFiles());
    assertEquals(4, small.sampledFiles(), "as many files as the large sample");
    assertEquals(1, alone.sampledFiles());
    assertEquals(large.sampledBytes(), 4 * small.sampledBytes(), 4.0 * 4 * 8);
    assertEquals(fileNames(tmp.resolve("large")), fileNames(tmp.resolve("small")), "same files");
  }

  @Test
  void aSpreadSampleTakesTheSameBytesFromMoreFiles() throws IOException {
    Path dir = shards();
    long fileBytes = Files.size(dir.resolve("shard-0.txt"));
    InputSample.Sampled large = sample(dir, 2 * fileBytes, 2 * fileBytes, 1, "large");
    InputSample.Sampled wide = sample(dir, 2 * fileBytes, 2 * fileBytes, 4, "wide");
    InputSample.Sampled all = sample(dir, 2 * fileBytes, 2 * fileBytes, 40, "all");

    assertEquals(2, large.sampledFiles());
    assertEquals(8, wide.sampledFiles(), "four times the files");
    assertEquals(large.sampledBytes(), wide.sampledBytes(), 8 * 8, "the same bytes");
    assertEquals(10, all.sampledFiles(), "no more files than the input has");
    assertEquals(large.sampledBytes(), all.sampledBytes(), 10 * 8);
  }

  /** Ten text files of 500 lines. */
  private Path shards() throws IOException {
    Path dir = tmp.resolve("shards");
    Files.createDirectories(dir);
    for (int i = 0; i < 10; i++) {
      Files.writeString(dir.resolve("shard-" + i + ".txt"), ("line " + i + "\n").repeat(500));
    }
    return dir;
  }

  private InputSample.Sampled sample(Path dir, long budget, long filesFor, String name) {
    return sample(dir, budget, filesFor, 1, name);
  }

  private InputSample.Sampled sample(
      Path dir, long budget, long filesFor, int spread, String name) {
    return InputSample.take(
        HadoopFs.configuration(),
        List.of(dir.toString()),
        budget,
        filesFor,
        spread,
        new org.apache.hadoop.fs.Path(tmp.resolve(name).toUri()));
  }

  private static List<String> fileNames(Path dir) throws IOException {
    try (var files = Files.walk(dir)) {
      return files
          .filter(Files::isRegularFile)
          .map(f -> f.getFileName().toString())
          .sorted()
          .toList();
    }
  }

  private static OutputStream nonClosing(OutputStream out) {
    return new java.io.FilterOutputStream(out) {
      @Override
      public void write(byte[] b, int off, int len) throws IOException {
        out.write(b, off, len);
      }

      @Override
      public void close() throws IOException {
        flush();
      }
    };
  }
}
