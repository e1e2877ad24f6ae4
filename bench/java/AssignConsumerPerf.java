// Consumer throughput without a consumer group: assign() every partition, read from the beginning until
// the expected number of records has arrived, print one JSON line. Kafka's own ConsumerPerformance
// subscribes through a group, which the broker under test may not serve yet.
// Usage: java -cp <bench classes>:<kafka libs>/* AssignConsumerPerf BOOTSTRAP TOPIC PARTITIONS RECORDS [key=value...]

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

public final class AssignConsumerPerf {
  private static final long TIMEOUT_NANOS = Duration.ofMinutes(3).toNanos();

  public static void main(String[] args) {
    if (args.length < 4) {
      System.err.println("usage: AssignConsumerPerf BOOTSTRAP TOPIC PARTITIONS RECORDS [key=value...]");
      System.exit(2);
    }
    String topic = args[1];
    int partitions = Integer.parseInt(args[2]);
    long expected = Long.parseLong(args[3]);
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, args[0]);
    props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    for (int i = 4; i < args.length; i++) {
      int equals = args[i].indexOf('=');
      props.put(args[i].substring(0, equals), args[i].substring(equals + 1));
    }
    List<TopicPartition> assignment = new ArrayList<>();
    for (int p = 0; p < partitions; p++) assignment.add(new TopicPartition(topic, p));

    long records = 0;
    long bytes = 0;
    long start;
    long end;
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props)) {
      consumer.assign(assignment);
      consumer.seekToBeginning(assignment);
      // The clock starts at the first poll, like ConsumerPerformance's: metadata and offset lookups count.
      start = System.nanoTime();
      end = start;
      while (records < expected && System.nanoTime() - start < TIMEOUT_NANOS) {
        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(100))) {
          records++;
          bytes += Math.max(0, record.serializedValueSize()) + Math.max(0, record.serializedKeySize());
          end = System.nanoTime();
        }
      }
    }
    double seconds = (end - start) / 1e9;
    System.out.printf(
        "{\"records\":%d,\"bytes\":%d,\"seconds\":%.6f,\"complete\":%b}%n",
        records, bytes, seconds, records >= expected);
  }
}
