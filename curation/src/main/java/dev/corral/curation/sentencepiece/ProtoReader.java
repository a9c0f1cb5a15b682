package dev.corral.curation.sentencepiece;

import dev.corral.core.Errors;
import java.nio.charset.StandardCharsets;

/**
 * Reads protobuf wire format (proto2: varints, 32/64-bit fields, length-delimited fields) from one
 * message held in memory. Every length is checked against what is left of the enclosing message
 * before it is used, so a corrupt file fails with its byte offset instead of allocating.
 */
final class ProtoReader {
  static final int VARINT = 0;
  static final int FIXED64 = 1;
  static final int LENGTH_DELIMITED = 2;
  static final int FIXED32 = 5;

  private final byte[] data;
  private final String path;
  private int position;
  private final int limit;

  ProtoReader(byte[] data, String path) {
    this(data, path, 0, data.length);
  }

  private ProtoReader(byte[] data, String path, int start, int limit) {
    this.data = data;
    this.path = path;
    this.position = start;
    this.limit = limit;
  }

  boolean hasMore() {
    return position < limit;
  }

  int position() {
    return position;
  }

  /** The next field's tag ({@code field << 3 | wireType}); field 0 is never valid. */
  int readTag() {
    int at = position;
    long tag = readVarint();
    if ((tag >>> 3) == 0 || tag > Integer.MAX_VALUE) {
      throw bad(at, "field tag " + tag + " is invalid");
    }
    return (int) tag;
  }

  long readVarint() {
    int at = position;
    long value = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (position >= limit) {
        throw bad(at, "varint runs past the end of its message");
      }
      byte b = data[position++];
      value |= (long) (b & 0x7f) << shift;
      if (b >= 0) {
        return value;
      }
    }
    throw bad(at, "varint longer than 10 bytes");
  }

  /** An {@code int32} field: negative values are written as 10-byte varints, so truncate. */
  int readInt32() {
    return (int) readVarint();
  }

  boolean readBool() {
    return readVarint() != 0;
  }

  float readFloat() {
    require(4, "a 32-bit field");
    int bits =
        (data[position] & 0xff)
            | (data[position + 1] & 0xff) << 8
            | (data[position + 2] & 0xff) << 16
            | (data[position + 3] & 0xff) << 24;
    position += 4;
    return Float.intBitsToFloat(bits);
  }

  /** A length-delimited field's bytes, copied; the length is checked against the message first. */
  byte[] readBytes(String field) {
    int length = readLength(field);
    byte[] out = new byte[length];
    System.arraycopy(data, position, out, 0, length);
    position += length;
    return out;
  }

  String readString(String field) {
    int length = readLength(field);
    String s = new String(data, position, length, StandardCharsets.UTF_8);
    position += length;
    return s;
  }

  /** A reader over an embedded message, which this reader then skips. */
  ProtoReader readMessage(String field) {
    int length = readLength(field);
    ProtoReader inner = new ProtoReader(data, path, position, position + length);
    position += length;
    return inner;
  }

  void skip(int tag) {
    switch (tag & 7) {
      case VARINT -> readVarint();
      case FIXED64 -> {
        require(8, "a 64-bit field");
        position += 8;
      }
      case LENGTH_DELIMITED -> {
        int length = readLength("field " + (tag >>> 3)); // before position is read for the sum
        position += length;
      }
      case FIXED32 -> {
        require(4, "a 32-bit field");
        position += 4;
      }
      default -> throw bad(position, "field " + (tag >>> 3) + " has wire type " + (tag & 7));
    }
  }

  /** Fails unless the field has the wire type its schema gives it. */
  void expect(int tag, int wireType, String field) {
    if ((tag & 7) != wireType) {
      throw bad(position, field + " has wire type " + (tag & 7) + ", expected " + wireType);
    }
  }

  private int readLength(String field) {
    int at = position;
    long length = readVarint();
    if (length < 0 || length > limit - position) {
      throw bad(
          at,
          field
              + " claims "
              + Long.toUnsignedString(length)
              + " bytes but its message has "
              + (limit - position)
              + " left");
    }
    return (int) length;
  }

  private void require(int bytes, String what) {
    if (limit - position < bytes) {
      throw bad(position, what + " runs past the end of its message");
    }
  }

  RuntimeException bad(long at, String what) {
    return Errors.badSentencePieceModel(path, at, what);
  }
}
