import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;

/**
 * The records the compat program sends, derived from their index alone so that nothing but the broker
 * stands between what is sent and what is read back; and a digest over a record's whole content
 * (offset, timestamp, key, value, headers in order) so both sides can be compared in one value.
 */
final class CompatRecords {
  private CompatRecords() {}

  static int partition(int index, int partitions) {
    return index % partitions;
  }

  /** Every 7th key is null; the rest are distinct strings. */
  static byte[] key(int index) {
    return index % 7 == 0 ? null : ("key-" + index).getBytes(StandardCharsets.UTF_8);
  }

  /** Every 11th value is null; every 13th is incompressible bytes; the rest compress well. */
  static byte[] value(int index) {
    if (index % 11 == 0) return null;
    int length = 1 + (index * 37) % 700;
    byte[] value = new byte[length];
    if (index % 13 == 0) {
      new Random(index).nextBytes(value);
      return value;
    }
    byte[] pattern = ("value-" + index + "|").getBytes(StandardCharsets.UTF_8);
    for (int i = 0; i < length; i++) value[i] = pattern[i % pattern.length];
    return value;
  }

  /** No headers on every 3rd record; otherwise one or more, with a null value and a repeated key. */
  static List<Header> headers(int index) {
    List<Header> headers = new ArrayList<>();
    if (index % 3 == 0) return headers;
    headers.add(new RecordHeader("h-index", Integer.toString(index).getBytes(StandardCharsets.UTF_8)));
    if (index % 5 == 0) headers.add(new RecordHeader("h-null", (byte[]) null));
    if (index % 4 == 0) headers.add(new RecordHeader("h-index", "repeat".getBytes(StandardCharsets.UTF_8)));
    return headers;
  }

  static long timestamp(long base, int index) {
    return base + index;
  }

  /** Running SHA-256 over records in log order; equal digests mean equal content, order and offsets. */
  static final class Digest {
    private final MessageDigest sha;

    Digest() {
      try {
        sha = MessageDigest.getInstance("SHA-256");
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException(e);
      }
    }

    void add(long offset, long timestamp, byte[] key, byte[] value, Iterable<Header> headers) {
      sha.update(ByteBuffer.allocate(16).putLong(offset).putLong(timestamp).array());
      addBytes(key);
      addBytes(value);
      for (Header header : headers) {
        addBytes(header.key().getBytes(StandardCharsets.UTF_8));
        addBytes(header.value());
      }
      // Marks the end of the header list so that headers cannot slide into the next record.
      sha.update(ByteBuffer.allocate(4).putInt(-2).array());
    }

    String hex() {
      StringBuilder out = new StringBuilder();
      for (byte b : sha.digest()) out.append(String.format("%02x", b));
      return out.toString();
    }

    private void addBytes(byte[] bytes) {
      sha.update(ByteBuffer.allocate(4).putInt(bytes == null ? -1 : bytes.length).array());
      if (bytes != null) sha.update(bytes);
    }
  }
}
