import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The Java client's transactions against a broker, one scenario per run; each prints one JSON object
 * on stdout for the test (test/compat/transactions) to check. Records are strings; the topic names
 * come from the test, which makes them unique.
 *
 * <p>Usage: TxnClient SCENARIO --bootstrap HOST:PORT [--topic T] [--input T --output T --group G
 * --records N] [--timeout-ms MS]
 *
 * <ul>
 *   <li>{@code commit-abort}: three transactions (commit, abort, commit) into --topic, then what a
 *       read_committed and a read_uncommitted consumer read: {@code {"readCommitted":[...],
 *       "readUncommitted":[...]}}, records as "partition:value" in partition and offset order.
 *   <li>{@code eos}: --records records into --input, then consume-transform-produce into --output with
 *       the group's offsets sent to each transaction; the second transaction is aborted and its input
 *       consumed again. Prints the output as read_committed and read_uncommitted consumers read it,
 *       the group's committed offsets and the input's end offsets.
 *   <li>{@code fence}: a second producer with the same transactional.id fences the first, which has a
 *       transaction open and tries to commit it, then to abort it: {@code {"fencedBy":[exception
 *       classes of both failures, outermost first], ...}}.
 *   <li>{@code open-txn}: commits "before-*", then leaves a transaction of "stuck-*" open with
 *       transaction.timeout.ms = --timeout-ms and halts the JVM, as a killed producer would.
 *   <li>{@code after-timeout}: commits "after-*" and reads --topic read_committed until it has them.
 * </ul>
 */
public final class TxnClient {
  private static final Duration READ_TIMEOUT = Duration.ofSeconds(60);
  private static final Duration POLL = Duration.ofMillis(100);

  private final Map<String, String> args;
  private final String bootstrap;

  private TxnClient(Map<String, String> args) {
    this.args = args;
    this.bootstrap = required("bootstrap");
  }

  public static void main(String[] argv) throws Exception {
    Map<String, String> args = new HashMap<>();
    for (int i = 1; i + 1 < argv.length; i += 2) {
      if (!argv[i].startsWith("--")) throw new IllegalArgumentException("expected --name value: " + argv[i]);
      args.put(argv[i].substring(2), argv[i + 1]);
    }
    TxnClient client = new TxnClient(args);
    Map<String, Object> result =
        switch (argv.length > 0 ? argv[0] : "") {
          case "commit-abort" -> client.commitAbort();
          case "eos" -> client.exactlyOnce();
          case "fence" -> client.fence();
          case "open-txn" -> client.openTransaction();
          case "after-timeout" -> client.afterTimeout();
          default -> throw new IllegalArgumentException("unknown scenario: " + String.join(" ", argv));
        };
    System.out.println(Json.write(result));
  }

  private String required(String name) {
    String value = args.get(name);
    if (value == null) throw new IllegalArgumentException("missing --" + name);
    return value;
  }

  private Map<String, Object> commitAbort() throws Exception {
    String topic = required("topic");
    createTopics(new NewTopic(topic, 2, (short) 1));
    try (KafkaProducer<String, String> producer = transactionalProducer("commit-abort-" + topic, Map.of())) {
      producer.initTransactions();
      inTransaction(producer, topic, 2, "committed", 0, 5, true);
      inTransaction(producer, topic, 2, "aborted", 0, 5, false);
      inTransaction(producer, topic, 2, "committed", 5, 5, true);
    }
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("readCommitted", readAll(topic, "read_committed"));
    result.put("readUncommitted", readAll(topic, "read_uncommitted"));
    return result;
  }

  /** One transaction of `count` records "prefix-i", record i in partition i % partitions. */
  private static void inTransaction(
      KafkaProducer<String, String> producer,
      String topic,
      int partitions,
      String prefix,
      int from,
      int count,
      boolean commit) {
    producer.beginTransaction();
    for (int i = from; i < from + count; i++) {
      producer.send(new ProducerRecord<>(topic, i % partitions, null, prefix + "-" + i));
    }
    if (commit) producer.commitTransaction();
    else {
      producer.flush();
      producer.abortTransaction();
    }
  }

  private Map<String, Object> exactlyOnce() throws Exception {
    String input = required("input");
    String output = required("output");
    String group = required("group");
    int records = Integer.parseInt(required("records"));
    createTopics(new NewTopic(input, 2, (short) 1), new NewTopic(output, 2, (short) 1));
    try (KafkaProducer<String, String> producer = plainProducer()) {
      for (int i = 0; i < records; i++) producer.send(new ProducerRecord<>(input, i % 2, null, "in-" + i));
    }

    Properties props = consumerProps("read_committed");
    props.put(ConsumerConfig.GROUP_ID_CONFIG, group);
    props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "7");
    int transactions = 0;
    int abortedRecords = 0;
    int processed = 0;
    try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props);
        KafkaProducer<String, String> producer = transactionalProducer("eos-" + group, Map.of())) {
      producer.initTransactions();
      consumer.subscribe(List.of(input));
      long deadline = System.nanoTime() + READ_TIMEOUT.toNanos();
      while (processed < records) {
        if (System.nanoTime() > deadline) throw new IllegalStateException("processed only " + processed);
        ConsumerRecords<String, String> polled = consumer.poll(POLL);
        if (polled.isEmpty()) continue;
        producer.beginTransaction();
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        for (ConsumerRecord<String, String> record : polled) {
          producer.send(new ProducerRecord<>(output, record.partition(), null, "out-" + record.value()));
          offsets.put(
              new TopicPartition(record.topic(), record.partition()), new OffsetAndMetadata(record.offset() + 1));
        }
        producer.sendOffsetsToTransaction(offsets, consumer.groupMetadata());
        transactions++;
        if (transactions == 2) {
          // Abort once: the output and the offsets go, and the input is consumed again from the
          // offsets the group has committed (read as stable ones, once the abort is complete).
          producer.flush();
          producer.abortTransaction();
          abortedRecords += polled.count();
          rewind(consumer);
        } else {
          producer.commitTransaction();
          processed += polled.count();
        }
      }
    }

    Map<String, Object> result = new LinkedHashMap<>();
    result.put("transactions", transactions);
    result.put("abortedRecords", abortedRecords);
    result.put("outputCommitted", readAll(output, "read_committed"));
    result.put("outputAll", readAll(output, "read_uncommitted"));
    try (Admin admin = admin()) {
      Map<String, Object> committed = new TreeMap<>();
      admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get()
          .forEach((tp, offset) -> committed.put(tp.toString(), offset.offset()));
      result.put("committedOffsets", committed);
    }
    try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(consumerProps("read_uncommitted"))) {
      Map<String, Object> ends = new TreeMap<>();
      consumer.endOffsets(partitions(consumer, input)).forEach((tp, end) -> ends.put(tp.toString(), end));
      result.put("inputEnd", ends);
    }
    return result;
  }

  /** Back to the group's committed offsets (the beginning where there are none yet). */
  private static void rewind(KafkaConsumer<String, String> consumer) {
    Set<TopicPartition> assigned = consumer.assignment();
    Map<TopicPartition, OffsetAndMetadata> committed = consumer.committed(assigned);
    for (TopicPartition tp : assigned) {
      OffsetAndMetadata offset = committed.get(tp);
      if (offset == null) consumer.seekToBeginning(List.of(tp));
      else consumer.seek(tp, offset.offset());
    }
  }

  private Map<String, Object> fence() throws Exception {
    String topic = required("topic");
    createTopics(new NewTopic(topic, 1, (short) 1));
    String transactionalId = "fence-" + topic;
    List<String> fencedBy = new ArrayList<>();
    try (KafkaProducer<String, String> first = transactionalProducer(transactionalId, Map.of())) {
      first.initTransactions();
      first.beginTransaction();
      first.send(new ProducerRecord<>(topic, 0, null, "first-0"));
      first.flush();
      try (KafkaProducer<String, String> second = transactionalProducer(transactionalId, Map.of())) {
        second.initTransactions();
        // The first producer goes on: its commit fails (how depends on the transaction version), and
        // the abort an application then tries tells it it is fenced.
        try {
          first.send(new ProducerRecord<>(topic, 0, null, "first-1"));
          first.commitTransaction();
        } catch (Exception e) {
          causes(e, fencedBy);
          try {
            first.abortTransaction();
          } catch (Exception abortError) {
            causes(abortError, fencedBy);
          }
        }
        second.beginTransaction();
        second.send(new ProducerRecord<>(topic, 0, null, "second-0"));
        second.commitTransaction();
      }
    }
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("fencedBy", fencedBy);
    result.put("readCommitted", readAll(topic, "read_committed"));
    result.put("readUncommitted", readAll(topic, "read_uncommitted"));
    return result;
  }

  private static void causes(Throwable error, List<String> into) {
    for (Throwable t = error; t != null; t = t.getCause()) into.add(t.getClass().getName());
  }

  private Map<String, Object> openTransaction() throws Exception {
    String topic = required("topic");
    createTopics(new NewTopic(topic, 1, (short) 1));
    try (KafkaProducer<String, String> before = transactionalProducer("before-" + topic, Map.of())) {
      before.initTransactions();
      inTransaction(before, topic, 1, "before", 0, 3, true);
    }
    KafkaProducer<String, String> stuck = transactionalProducer(
        "stuck-" + topic, Map.of(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, required("timeout-ms")));
    stuck.initTransactions();
    stuck.beginTransaction();
    for (int i = 0; i < 3; i++) stuck.send(new ProducerRecord<>(topic, 0, null, "stuck-" + i));
    stuck.flush();
    System.out.println(Json.write(Map.of("left", "open")));
    System.out.flush();
    // As a killed producer: no abort, no close, nothing more on the wire.
    Runtime.getRuntime().halt(0);
    throw new AssertionError("unreachable");
  }

  private Map<String, Object> afterTimeout() throws Exception {
    String topic = required("topic");
    long start = System.nanoTime();
    try (KafkaProducer<String, String> after = transactionalProducer("after-" + topic, Map.of())) {
      after.initTransactions();
      inTransaction(after, topic, 1, "after", 0, 3, true);
    }
    // Until the open transaction is aborted the last stable offset stays before it: read again
    // until the records committed after it are there.
    long deadline = start + READ_TIMEOUT.toNanos();
    List<String> read = readAll(topic, "read_committed");
    while (!read.contains("0:after-2")) {
      if (System.nanoTime() > deadline) throw new IllegalStateException("read only " + read);
      read = readAll(topic, "read_committed");
    }
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("readCommitted", read);
    result.put("elapsedMs", (System.nanoTime() - start) / 1_000_000);
    return result;
  }

  // ---- clients ----

  private Admin admin() {
    return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap));
  }

  private void createTopics(NewTopic... topics) throws Exception {
    try (Admin admin = admin()) {
      admin.createTopics(List.of(topics)).all().get();
    }
  }

  private KafkaProducer<String, String> plainProducer() {
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    return new KafkaProducer<>(props, new StringSerializer(), new StringSerializer());
  }

  private KafkaProducer<String, String> transactionalProducer(String transactionalId, Map<String, String> extra) {
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
    props.putAll(extra);
    return new KafkaProducer<>(props, new StringSerializer(), new StringSerializer());
  }

  private Properties consumerProps(String isolation) {
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation);
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    return props;
  }

  private static List<TopicPartition> partitions(KafkaConsumer<String, String> consumer, String topic) {
    List<TopicPartition> partitions = new ArrayList<>();
    for (PartitionInfo info : consumer.partitionsFor(topic)) {
      partitions.add(new TopicPartition(topic, info.partition()));
    }
    return partitions;
  }

  /**
   * Every record of the topic a consumer of this isolation level reads from the beginning up to the end
   * offsets it is given (the last stable offset under read_committed), as "partition:value" in partition
   * and offset order.
   */
  private List<String> readAll(String topic, String isolation) {
    try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(consumerProps(isolation))) {
      List<TopicPartition> partitions = partitions(consumer, topic);
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
      Map<Integer, List<String>> byPartition = new TreeMap<>();
      long deadline = System.nanoTime() + READ_TIMEOUT.toNanos();
      while (!reached(consumer, ends)) {
        if (System.nanoTime() > deadline) throw new IllegalStateException("did not reach " + ends);
        for (ConsumerRecord<String, String> record : consumer.poll(POLL)) {
          byPartition.computeIfAbsent(record.partition(), p -> new ArrayList<>())
              .add(record.partition() + ":" + record.value());
        }
      }
      List<String> all = new ArrayList<>();
      byPartition.values().forEach(all::addAll);
      return all;
    }
  }

  private static boolean reached(KafkaConsumer<String, String> consumer, Map<TopicPartition, Long> ends) {
    Collection<TopicPartition> partitions = ends.keySet();
    for (TopicPartition tp : partitions) {
      if (consumer.position(tp) < ends.get(tp)) return false;
    }
    return true;
  }
}
