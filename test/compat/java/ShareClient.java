import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.AcknowledgeType;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaShareConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicIdPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Kafka's Java share consumer (KIP-932) against a broker, one scenario per run; each prints one JSON
 * object on stdout for the test (test/compat/share) to check. Record values are their index "i".
 *
 * <p>Usage: ShareClient SCENARIO --bootstrap HOST:PORT --topic T --group G [--records N]
 *
 * <ul>
 *   <li>{@code consume}: creates --topic (3 partitions), sets the group config
 *       share.auto.offset.reset=earliest of --group, starts two share consumers in explicit
 *       acknowledgement mode, then produces --records records (i to partition i % 3, paced until both
 *       consumers have records). Record i with i % 50 == 7 is RELEASEd at its first delivery and
 *       ACCEPTed at its second; i % 50 == 13 is REJECTed; every other one ACCEPTed. Once every record
 *       is accepted or rejected, both keep polling for a while to catch any redelivery, then close.
 *       Prints what each consumer got, the delivery counts seen, and any delivery beyond those.
 *   <li>{@code after-restart}: a share consumer of --group polls, a "sentinel" record is produced, and
 *       it polls until it gets it: prints what it got before it ({@code beforeSentinel}).
 * </ul>
 */
public final class ShareClient {
  private static final Duration POLL = Duration.ofMillis(100);
  private static final long DEADLINE_MS = 120_000;
  /** How long both consumers keep polling once everything is acknowledged: a redelivery shows up here. */
  private static final long QUIET_MS = 3_000;
  private static final int PARTITIONS = 3;

  private final Map<String, String> args;
  private final String bootstrap;
  private final String topic;
  private final String group;

  private ShareClient(Map<String, String> args) {
    this.args = args;
    this.bootstrap = required("bootstrap");
    this.topic = required("topic");
    this.group = required("group");
  }

  public static void main(String[] argv) throws Exception {
    Map<String, String> args = new HashMap<>();
    for (int i = 1; i + 1 < argv.length; i += 2) {
      if (!argv[i].startsWith("--")) throw new IllegalArgumentException("expected --name value: " + argv[i]);
      args.put(argv[i].substring(2), argv[i + 1]);
    }
    ShareClient client = new ShareClient(args);
    Map<String, Object> result =
        switch (argv.length > 0 ? argv[0] : "") {
          case "consume" -> client.consume(Integer.parseInt(client.required("records")));
          case "after-restart" -> client.afterRestart();
          default -> throw new IllegalArgumentException("unknown scenario: " + String.join(" ", argv));
        };
    System.out.println(Json.write(result));
    // The share consumers' background threads are done; do not wait for the JVM's other threads.
    System.exit(0);
  }

  private String required(String name) {
    String value = args.get(name);
    if (value == null) throw new IllegalArgumentException("missing --" + name);
    return value;
  }

  /** What the consumers saw, shared by their threads. */
  private static final class Observed {
    final Map<Integer, List<Integer>> deliveries = new ConcurrentHashMap<>();
    /** Records acknowledged for good (ACCEPT or REJECT, committed). */
    final Map<Integer, AcknowledgeType> settled = new ConcurrentHashMap<>();
    final List<String> ackErrors = Collections.synchronizedList(new ArrayList<>());
    final AtomicInteger[] perConsumer = {new AtomicInteger(), new AtomicInteger()};
    final AtomicLong stopAt = new AtomicLong(Long.MAX_VALUE);
    final CountDownLatch polling = new CountDownLatch(2);
  }

  private Map<String, Object> consume(int records) throws Exception {
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
      admin.createTopics(List.of(new NewTopic(topic, PARTITIONS, (short) 1))).all().get();
      ConfigResource resource = new ConfigResource(ConfigResource.Type.GROUP, group);
      AlterConfigOp earliest =
          new AlterConfigOp(new ConfigEntry("share.auto.offset.reset", "earliest"), AlterConfigOp.OpType.SET);
      admin.incrementalAlterConfigs(Map.of(resource, List.of(earliest))).all().get();
    }
    Observed observed = new Observed();
    List<Thread> threads = new ArrayList<>();
    List<Throwable> failures = Collections.synchronizedList(new ArrayList<>());
    for (int c = 0; c < 2; c++) {
      int index = c;
      Thread thread = new Thread(() -> {
        try {
          runConsumer(index, observed);
        } catch (Throwable t) {
          failures.add(t);
          observed.polling.countDown();
        }
      });
      thread.start();
      threads.add(thread);
    }
    if (!observed.polling.await(60, TimeUnit.SECONDS)) throw new IllegalStateException("consumers did not poll");
    produce(records, observed);

    long deadline = System.currentTimeMillis() + DEADLINE_MS;
    while (observed.settled.size() < records && failures.isEmpty() && System.currentTimeMillis() < deadline) {
      Thread.sleep(50);
    }
    observed.stopAt.set(System.currentTimeMillis() + QUIET_MS);
    for (Thread thread : threads) thread.join(60_000);
    if (!failures.isEmpty()) throw new IllegalStateException("a consumer failed", failures.get(0));
    return summary(records, observed);
  }

  /** Produces the records, slowly until both consumers have some, so that both share the work. */
  private void produce(int records, Observed observed) throws Exception {
    try (KafkaProducer<String, String> producer = producer()) {
      for (int i = 0; i < records; i++) {
        producer.send(new ProducerRecord<>(topic, i % PARTITIONS, null, Integer.toString(i)));
        boolean bothHaveRecords = observed.perConsumer[0].get() > 0 && observed.perConsumer[1].get() > 0;
        if (i % 30 == 29 && !bothHaveRecords) {
          producer.flush();
          Thread.sleep(100);
        }
      }
    }
  }

  private void runConsumer(int index, Observed observed) {
    try (KafkaShareConsumer<String, String> consumer = shareConsumer("consumer-" + index)) {
      consumer.subscribe(List.of(topic));
      boolean first = true;
      while (System.currentTimeMillis() < observed.stopAt.get()) {
        ConsumerRecords<String, String> polled = consumer.poll(POLL);
        if (first) {
          observed.polling.countDown();
          first = false;
        }
        if (polled.isEmpty()) continue;
        Map<Integer, AcknowledgeType> decided = new HashMap<>();
        for (ConsumerRecord<String, String> record : polled) {
          int i = Integer.parseInt(record.value());
          int count = record.deliveryCount().map(Short::intValue).orElse(0);
          observed.deliveries.computeIfAbsent(i, k -> Collections.synchronizedList(new ArrayList<>())).add(count);
          observed.perConsumer[index].incrementAndGet();
          AcknowledgeType type;
          if (i % 50 == 7 && count == 1) type = AcknowledgeType.RELEASE;
          else if (i % 50 == 13) type = AcknowledgeType.REJECT;
          else type = AcknowledgeType.ACCEPT;
          consumer.acknowledge(record, type);
          decided.put(i, type);
        }
        Map<TopicIdPartition, Optional<KafkaException>> committed = consumer.commitSync();
        committed.forEach((partition, error) -> error.ifPresent(e -> observed.ackErrors.add(partition + ": " + e)));
        if (committed.values().stream().allMatch(Optional::isEmpty)) {
          decided.forEach((i, type) -> {
            if (type != AcknowledgeType.RELEASE) observed.settled.put(i, type);
          });
        }
      }
    }
  }

  private static Map<String, Object> summary(int records, Observed observed) {
    List<String> unexpected = new ArrayList<>();
    TreeSet<Integer> redeliveryCounts = new TreeSet<>();
    int released = 0;
    int rejected = 0;
    for (int i = 0; i < records; i++) {
      List<Integer> counts = observed.deliveries.getOrDefault(i, List.of());
      List<Integer> expected = i % 50 == 7 ? List.of(1, 2) : List.of(1);
      if (i % 50 == 7 && counts.size() == 2) {
        released++;
        redeliveryCounts.add(counts.get(1));
      }
      if (observed.settled.get(i) == AcknowledgeType.REJECT) rejected++;
      if (!counts.equals(expected)) unexpected.add(i + ":" + counts);
    }
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("records", records);
    result.put("delivered", observed.deliveries.size());
    result.put("settled", observed.settled.size());
    result.put("perConsumer", List.of(observed.perConsumer[0].get(), observed.perConsumer[1].get()));
    result.put("released", released);
    result.put("redeliveryCounts", new ArrayList<>(redeliveryCounts));
    result.put("rejected", rejected);
    result.put("unexpected", unexpected.size() > 20 ? unexpected.subList(0, 20) : unexpected);
    result.put("unexpectedCount", unexpected.size());
    result.put("ackErrors", new ArrayList<>(observed.ackErrors));
    return result;
  }

  private Map<String, Object> afterRestart() throws Exception {
    List<String> before = new ArrayList<>();
    boolean sentinel = false;
    try (KafkaShareConsumer<String, String> consumer = shareConsumer("after-restart")) {
      consumer.subscribe(List.of(topic));
      long deadline = System.currentTimeMillis() + DEADLINE_MS;
      boolean produced = false;
      while (!sentinel && System.currentTimeMillis() < deadline) {
        ConsumerRecords<String, String> polled = consumer.poll(POLL);
        for (ConsumerRecord<String, String> record : polled) {
          consumer.acknowledge(record, AcknowledgeType.ACCEPT);
          if (record.value().equals("sentinel")) sentinel = true;
          else before.add(record.value());
        }
        if (!polled.isEmpty()) consumer.commitSync();
        if (!produced) {
          // Each partition gets one, so whichever this consumer is assigned brings it one.
          try (KafkaProducer<String, String> producer = producer()) {
            for (int p = 0; p < PARTITIONS; p++) producer.send(new ProducerRecord<>(topic, p, null, "sentinel"));
          }
          produced = true;
        }
      }
    }
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("sentinel", sentinel);
    result.put("beforeSentinel", before);
    return result;
  }

  private KafkaShareConsumer<String, String> shareConsumer(String clientId) {
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(ConsumerConfig.GROUP_ID_CONFIG, group);
    props.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
    props.put("share.acknowledgement.mode", "explicit");
    return new KafkaShareConsumer<>(props, new StringDeserializer(), new StringDeserializer());
  }

  private KafkaProducer<String, String> producer() {
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(ProducerConfig.LINGER_MS_CONFIG, "5");
    return new KafkaProducer<>(props, new StringSerializer(), new StringSerializer());
  }
}
