// Produce latency at a fixed rate with microsecond resolution (ProducerPerformance reports whole
// milliseconds). Latency is measured from each record's scheduled send time to its acknowledgement, so a
// client that falls behind schedule (back-pressure, pauses) shows up in the figures instead of hiding.
// Prints one JSON line. Usage:
// java -cp <bench classes>:<kafka libs>/* PacedProducerLatency BOOTSTRAP TOPIC RECORDS RATE RECORD_SIZE WARMUP [key=value...]

import java.util.Arrays;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

public final class PacedProducerLatency {
  public static void main(String[] args) {
    if (args.length < 6) {
      System.err.println(
          "usage: PacedProducerLatency BOOTSTRAP TOPIC RECORDS RATE RECORD_SIZE WARMUP [key=value...]");
      System.exit(2);
    }
    String topic = args[1];
    int count = Integer.parseInt(args[2]);
    double rate = Double.parseDouble(args[3]);
    int recordSize = Integer.parseInt(args[4]);
    // The first records warm up the JIT and the connections; they are sent on schedule but not counted.
    int warmup = Integer.parseInt(args[5]);
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, args[0]);
    props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    for (int i = 6; i < args.length; i++) {
      int equals = args[i].indexOf('=');
      props.put(args[i].substring(0, equals), args[i].substring(equals + 1));
    }
    byte[] payload = new byte[recordSize];
    new Random(42).nextBytes(payload);
    long[] latencies = new long[count];
    AtomicLong errors = new AtomicLong();
    long intervalNanos = (long) (1e9 / rate);
    long start;
    long finish;
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props)) {
      start = System.nanoTime();
      for (int i = 0; i < count; i++) {
        final int index = i;
        final long due = start + i * intervalNanos;
        long wait;
        while ((wait = due - System.nanoTime()) > 0) LockSupport.parkNanos(wait);
        producer.send(new ProducerRecord<>(topic, payload), (metadata, error) -> {
          if (error != null) errors.incrementAndGet();
          else latencies[index] = System.nanoTime() - due;
        });
      }
      producer.flush();
      finish = System.nanoTime();
    }
    long[] measured = Arrays.copyOfRange(latencies, Math.min(warmup, count), count);
    Arrays.sort(measured);
    double sum = 0;
    for (long latency : measured) sum += latency;
    System.out.printf(
        "{\"records\":%d,\"measured\":%d,\"errors\":%d,\"recordsPerSec\":%.1f,"
            + "\"avgUs\":%.1f,\"p50Us\":%.1f,\"p99Us\":%.1f,\"p999Us\":%.1f,\"maxUs\":%.1f}%n",
        count, measured.length, errors.get(), count / ((finish - start) / 1e9),
        sum / measured.length / 1e3, percentile(measured, 0.50), percentile(measured, 0.99),
        percentile(measured, 0.999), measured[measured.length - 1] / 1e3);
  }

  /** Nearest-rank percentile of sorted nanosecond values, in microseconds. */
  private static double percentile(long[] sorted, double quantile) {
    int rank = (int) Math.ceil(quantile * sorted.length);
    return sorted[Math.max(0, rank - 1)] / 1e3;
  }
}
