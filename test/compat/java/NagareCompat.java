import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.utils.AppInfoParser;

/**
 * The Java client's view of a broker. For each codec: create a topic, produce N generated records
 * (keys, headers, null keys and values) with acks=all, then read them back with a KafkaConsumer in
 * assign mode (no group) from the beginning. Writes a JSON summary to --summary: what the producer
 * was told (offsets, timestamps) and what the consumer saw, per partition, with content digests.
 *
 * Usage: NagareCompat --bootstrap HOST:PORT --topic-prefix P --records N --partitions P
 *                     --codecs none,gzip,snappy,lz4,zstd --summary FILE [--idempotence true|false]
 */
public final class NagareCompat {
  private static final Duration CONSUME_TIMEOUT = Duration.ofSeconds(60);

  public static void main(String[] argv) throws Exception {
    Map<String, String> args = parseArgs(argv);
    String bootstrap = required(args, "bootstrap");
    int records = Integer.parseInt(required(args, "records"));
    int partitions = Integer.parseInt(required(args, "partitions"));
    // A fixed past base: timestamps must be CreateTime values the broker could not have made up.
    long baseTimestamp = System.currentTimeMillis() - Duration.ofHours(1).toMillis();

    List<Object> results = new ArrayList<>();
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
      for (String codec : required(args, "codecs").split(",")) {
        String topic = required(args, "topic-prefix") + "-" + codec;
        admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1))).all().get();
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("codec", codec);
        result.put("topic", topic);
        result.put("expected", expected(records, partitions, baseTimestamp));
        result.put("produced", produce(args, topic, codec, records, partitions, baseTimestamp));
        result.put("consumed", consume(bootstrap, topic, partitions));
        results.add(result);
      }
    }
    Map<String, Object> summary = new LinkedHashMap<>();
    summary.put("kafkaClientsVersion", AppInfoParser.getVersion());
    summary.put("records", records);
    summary.put("partitions", partitions);
    summary.put("results", results);
    Files.writeString(Path.of(required(args, "summary")), Json.write(summary), StandardCharsets.UTF_8);
  }

  /** What the generator puts in, per partition, for the consumer's view to be checked against. */
  private static Map<String, Object> expected(int records, int partitions, long baseTimestamp) {
    int[] counts = new int[partitions];
    int nullKeys = 0;
    int nullValues = 0;
    int headers = 0;
    for (int i = 0; i < records; i++) {
      counts[CompatRecords.partition(i, partitions)]++;
      if (CompatRecords.key(i) == null) nullKeys++;
      if (CompatRecords.value(i) == null) nullValues++;
      headers += CompatRecords.headers(i).size();
    }
    Map<String, Object> expected = new LinkedHashMap<>();
    expected.put("perPartitionCounts", Arrays.stream(counts).boxed().toList());
    expected.put("nullKeys", nullKeys);
    expected.put("nullValues", nullValues);
    expected.put("headers", headers);
    expected.put("minTimestamp", CompatRecords.timestamp(baseTimestamp, 0));
    expected.put("maxTimestamp", CompatRecords.timestamp(baseTimestamp, records - 1));
    return expected;
  }

  private static Map<String, Object> produce(
      Map<String, String> args, String topic, String codec, int records, int partitions, long baseTimestamp)
      throws Exception {
    Properties config = new Properties();
    config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, required(args, "bootstrap"));
    config.put(ProducerConfig.ACKS_CONFIG, "all");
    config.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, codec);
    config.put(ProducerConfig.LINGER_MS_CONFIG, "5");
    config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    // Left at the client's default unless asked: the default (idempotent) is what users run.
    if (args.containsKey("idempotence")) config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, args.get("idempotence"));

    RecordMetadata[] acks = new RecordMetadata[records];
    AtomicReference<String> firstError = new AtomicReference<>();
    AtomicInteger errors = new AtomicInteger();
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(config)) {
      for (int i = 0; i < records; i++) {
        int index = i;
        ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(topic, CompatRecords.partition(i, partitions),
            CompatRecords.timestamp(baseTimestamp, i), CompatRecords.key(i), CompatRecords.value(i),
            CompatRecords.headers(i));
        producer.send(record, (metadata, exception) -> {
          if (exception != null) {
            errors.incrementAndGet();
            firstError.compareAndSet(null, exception.toString());
          } else {
            acks[index] = metadata;
          }
        });
      }
      producer.flush();
    }

    // Per partition, the acknowledged offsets in send order, and the digest of the records as the
    // producer meant them to be stored (at the offsets the broker assigned).
    List<Object> perPartition = new ArrayList<>();
    int timestampMismatches = 0;
    for (int p = 0; p < partitions; p++) {
      CompatRecords.Digest digest = new CompatRecords.Digest();
      long previous = -1;
      long first = -1;
      boolean contiguous = true;
      int count = 0;
      for (int i = p; i < records; i += partitions) {
        RecordMetadata ack = acks[i];
        if (ack == null) continue;
        if (ack.timestamp() != CompatRecords.timestamp(baseTimestamp, i)) timestampMismatches++;
        if (first < 0) first = ack.offset();
        else if (ack.offset() != previous + 1) contiguous = false;
        previous = ack.offset();
        count++;
        digest.add(ack.offset(), CompatRecords.timestamp(baseTimestamp, i), CompatRecords.key(i),
            CompatRecords.value(i), CompatRecords.headers(i));
      }
      perPartition.add(partitionSummary(p, count, first, previous, contiguous, digest));
    }
    Map<String, Object> produced = new LinkedHashMap<>();
    produced.put("acknowledged", records - errors.get());
    produced.put("errors", errors.get());
    produced.put("firstError", firstError.get());
    produced.put("timestampMismatches", timestampMismatches);
    produced.put("perPartition", perPartition);
    return produced;
  }

  private static Map<String, Object> consume(String bootstrap, String topic, int partitions) {
    Properties config = new Properties();
    config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());

    List<TopicPartition> assigned = new ArrayList<>();
    for (int p = 0; p < partitions; p++) assigned.add(new TopicPartition(topic, p));
    Map<Integer, PartitionView> views = new HashMap<>();
    for (int p = 0; p < partitions; p++) views.put(p, new PartitionView());
    int nullKeys = 0;
    int nullValues = 0;
    int headers = 0;
    long minTimestamp = Long.MAX_VALUE;
    long maxTimestamp = Long.MIN_VALUE;
    int notCreateTime = 0;
    Map<TopicPartition, Long> endOffsets;
    boolean timedOut = false;
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(config)) {
      consumer.assign(assigned);
      consumer.seekToBeginning(assigned);
      endOffsets = consumer.endOffsets(assigned);
      long deadline = System.nanoTime() + CONSUME_TIMEOUT.toNanos();
      while (!caughtUp(consumer, endOffsets)) {
        if (System.nanoTime() > deadline) {
          timedOut = true;
          break;
        }
        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
          views.get(record.partition()).add(record);
          if (record.key() == null) nullKeys++;
          if (record.value() == null) nullValues++;
          headers += record.headers().toArray().length;
          minTimestamp = Math.min(minTimestamp, record.timestamp());
          maxTimestamp = Math.max(maxTimestamp, record.timestamp());
          if (record.timestampType() != TimestampType.CREATE_TIME) notCreateTime++;
        }
      }
    }
    List<Object> perPartition = new ArrayList<>();
    int count = 0;
    for (int p = 0; p < partitions; p++) {
      PartitionView view = views.get(p);
      Map<String, Object> summary =
          partitionSummary(p, view.count, view.first, view.last, view.contiguous, view.digest);
      summary.put("endOffset", endOffsets.get(new TopicPartition(topic, p)));
      perPartition.add(summary);
      count += view.count;
    }
    Map<String, Object> consumed = new LinkedHashMap<>();
    consumed.put("count", count);
    consumed.put("timedOut", timedOut);
    consumed.put("nullKeys", nullKeys);
    consumed.put("nullValues", nullValues);
    consumed.put("headers", headers);
    consumed.put("minTimestamp", minTimestamp);
    consumed.put("maxTimestamp", maxTimestamp);
    consumed.put("notCreateTime", notCreateTime);
    consumed.put("perPartition", perPartition);
    return consumed;
  }

  private static boolean caughtUp(KafkaConsumer<?, ?> consumer, Map<TopicPartition, Long> endOffsets) {
    for (Map.Entry<TopicPartition, Long> end : endOffsets.entrySet()) {
      if (consumer.position(end.getKey()) < end.getValue()) return false;
    }
    return true;
  }

  /** The consumer's view of one partition, in the order records arrived. */
  private static final class PartitionView {
    final CompatRecords.Digest digest = new CompatRecords.Digest();
    int count;
    long first = -1;
    long last = -1;
    boolean contiguous = true;

    void add(ConsumerRecord<byte[], byte[]> record) {
      if (first < 0) first = record.offset();
      else if (record.offset() != last + 1) contiguous = false;
      last = record.offset();
      count++;
      digest.add(record.offset(), record.timestamp(), record.key(), record.value(), record.headers());
    }
  }

  private static Map<String, Object> partitionSummary(
      int partition, int count, long first, long last, boolean contiguous, CompatRecords.Digest digest) {
    Map<String, Object> summary = new LinkedHashMap<>();
    summary.put("partition", partition);
    summary.put("count", count);
    summary.put("firstOffset", first);
    summary.put("lastOffset", last);
    summary.put("contiguous", contiguous);
    summary.put("digest", digest.hex());
    return summary;
  }

  private static Map<String, String> parseArgs(String[] argv) {
    Map<String, String> args = new HashMap<>();
    for (int i = 0; i + 1 < argv.length; i += 2) {
      if (!argv[i].startsWith("--")) throw new IllegalArgumentException("expected --name value, got " + argv[i]);
      args.put(argv[i].substring(2), argv[i + 1]);
    }
    return args;
  }

  private static String required(Map<String, String> args, String name) {
    String value = args.get(name);
    if (value == null) throw new IllegalArgumentException("missing --" + name);
    return value;
  }
}
