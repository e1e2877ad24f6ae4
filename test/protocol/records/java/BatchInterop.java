import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.record.internal.CompressionType;
import org.apache.kafka.common.record.internal.EndTransactionMarker;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.MemoryRecordsBuilder;
import org.apache.kafka.common.record.internal.MutableRecordBatch;
import org.apache.kafka.common.record.internal.Record;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.record.internal.SimpleRecord;

/**
 * Kafka's own record-batch code as the judge of Nagare's. For each NAME.nagare file in DIR (one batch
 * written by Nagare, NAME being a compression codec), it:
 *   - validates the batch (CRC, sizes) and decodes its records with DefaultRecordBatch, writing what it
 *     saw as JSON to NAME.seen.json (with the end-transaction marker Kafka reads from a control record);
 *   - writes the same records again with MemoryRecordsBuilder and the same codec to NAME.kafka, for
 *     Nagare's parser to read back.
 *
 * Usage: BatchInterop DIR
 */
public final class BatchInterop {
  private BatchInterop() {}

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    try (var files = Files.list(dir)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".nagare")).toList()) {
        String name = file.getFileName().toString().replace(".nagare", "");
        MemoryRecords records = MemoryRecords.readableRecords(ByteBuffer.wrap(Files.readAllBytes(file)));
        StringBuilder json = new StringBuilder("[");
        ByteArrayOutputStream rewritten = new ByteArrayOutputStream();
        for (MutableRecordBatch batch : records.batches()) {
          batch.ensureValid();
          if (json.length() > 1) json.append(',');
          json.append(describe(batch));
          rewritten.write(rewrite(batch));
        }
        json.append(']');
        Files.writeString(dir.resolve(name + ".seen.json"), json, StandardCharsets.UTF_8);
        Files.write(dir.resolve(name + ".kafka"), rewritten.toByteArray());
      }
    }
  }

  private static String describe(RecordBatch batch) {
    StringBuilder json = new StringBuilder("{");
    json.append("\"baseOffset\":\"").append(batch.baseOffset()).append('"');
    json.append(",\"lastOffset\":\"").append(batch.lastOffset()).append('"');
    json.append(",\"compression\":\"").append(batch.compressionType().name).append('"');
    json.append(",\"timestampType\":\"").append(batch.timestampType()).append('"');
    json.append(",\"maxTimestamp\":\"").append(batch.maxTimestamp()).append('"');
    json.append(",\"producerId\":\"").append(batch.producerId()).append('"');
    json.append(",\"producerEpoch\":").append(batch.producerEpoch());
    json.append(",\"baseSequence\":").append(batch.baseSequence());
    json.append(",\"partitionLeaderEpoch\":").append(batch.partitionLeaderEpoch());
    json.append(",\"recordCount\":").append(batch.countOrNull());
    json.append(",\"transactional\":").append(batch.isTransactional());
    json.append(",\"control\":").append(batch.isControlBatch());
    json.append(",\"records\":[");
    boolean first = true;
    for (Record record : batch) {
      if (!first) json.append(',');
      first = false;
      json.append("{\"offset\":\"").append(record.offset()).append('"');
      json.append(",\"timestamp\":\"").append(record.timestamp()).append('"');
      json.append(",\"key\":").append(base64(record.hasKey() ? bytes(record.key()) : null));
      json.append(",\"value\":").append(base64(record.hasValue() ? bytes(record.value()) : null));
      if (batch.isControlBatch()) {
        EndTransactionMarker marker = EndTransactionMarker.deserialize(record);
        json.append(",\"marker\":{\"type\":\"").append(marker.controlType()).append('"');
        json.append(",\"coordinatorEpoch\":").append(marker.coordinatorEpoch()).append('}');
      }
      json.append(",\"headers\":[");
      Header[] headers = record.headers();
      for (int i = 0; i < headers.length; i++) {
        if (i > 0) json.append(',');
        json.append("{\"key\":").append(base64(headers[i].key().getBytes(StandardCharsets.UTF_8)));
        json.append(",\"value\":").append(base64(headers[i].value())).append('}');
      }
      json.append("]}");
    }
    return json.append("]}").toString();
  }

  /** The batch's records again, through Kafka's builder, with the batch's codec and producer fields. */
  private static byte[] rewrite(RecordBatch batch) {
    CompressionType type = batch.compressionType();
    ByteBuffer out = ByteBuffer.allocate(1024);
    MemoryRecordsBuilder builder = MemoryRecords.builder(out, RecordBatch.CURRENT_MAGIC_VALUE,
        Compression.of(type).build(), TimestampType.CREATE_TIME, batch.baseOffset(),
        RecordBatch.NO_TIMESTAMP, batch.producerId(), batch.producerEpoch(), batch.baseSequence(),
        batch.isTransactional(), batch.isControlBatch(), batch.partitionLeaderEpoch());
    List<Record> list = new ArrayList<>();
    batch.forEach(list::add);
    for (Record record : list) {
      SimpleRecord copy = new SimpleRecord(record.timestamp(),
          record.hasKey() ? bytes(record.key()) : null,
          record.hasValue() ? bytes(record.value()) : null,
          record.headers());
      if (batch.isControlBatch()) builder.appendControlRecordWithOffset(record.offset(), copy);
      else builder.appendWithOffset(record.offset(), copy);
    }
    return bytes(builder.build().buffer());
  }

  private static byte[] bytes(ByteBuffer buffer) {
    byte[] out = new byte[buffer.remaining()];
    buffer.duplicate().get(out);
    return out;
  }

  private static String base64(byte[] bytes) {
    return bytes == null ? "null" : "\"" + Base64.getEncoder().encodeToString(bytes) + "\"";
  }
}
