import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Members of one consumer group in one JVM, each a KafkaConsumer on its own thread subscribed to one
 * topic with auto-commit. The group compat tests run one member per process (so that each can be
 * killed alone); the group benchmark runs ten in one process and tells them to leave and join.
 *
 * <p>Usage: GroupMembers --bootstrap HOST:PORT --group G --topic T [--members N]
 * [--protocol classic|consumer] [--report records|count] [--expect N [--timeout-ms MS]]
 * [consumer-property=value ...]
 *
 * <p>Commands on stdin, one per line: {@code leave I} (member I closes, committing and leaving the
 * group), {@code join} (one more member). End of stdin or SIGTERM: every member closes and the
 * program exits. With {@code --expect} stdin is not read: the program ends once that many records
 * have arrived, or after the timeout (default 3 minutes).
 *
 * <p>Output, one JSON object per line on stdout; {@code t} is milliseconds since the program started,
 * from one monotonic clock, so that the benchmark can time a rebalance across members:
 * {@code {"member":I,"t":T,"event":"assigned"|"revoked"|"lost","partitions":[...]}} as the rebalance
 * listener is called; {@code {"member":I,"t":T,"event":"joining"|"leaving"}} as a member is created
 * or starts to close; with {@code --report records} {@code {"member":I,"event":"record",
 * "partition":P,"offset":O,"value":"..."}} per record; with {@code --report count}, once {@code
 * --expect} records have arrived (or at the timeout), {@code {"event":"consumed","records":N,
 * "bytes":B,"firstMs":T,"lastMs":T,"complete":true|false}}; {@code {"member":I,"t":T,"event":"closed"}} when a member has closed.
 */
public final class GroupMembers {
  private static final long START_NANOS = System.nanoTime();
  private static final Duration POLL = Duration.ofMillis(100);
  private static final long CLOSE_TIMEOUT_MS = 30_000;

  private final Map<String, String> options;
  private final Properties consumerProps = new Properties();
  private final List<Member> members = new ArrayList<>();
  private final boolean reportRecords;
  private final long expected;
  private final AtomicLong records = new AtomicLong();
  private final AtomicLong bytes = new AtomicLong();
  private final AtomicLong firstNanos = new AtomicLong(-1);
  private final AtomicLong lastNanos = new AtomicLong();
  private final CountDownLatch expectedArrived = new CountDownLatch(1);

  private GroupMembers(String[] argv) {
    options = new LinkedHashMap<>();
    for (int i = 0; i < argv.length; i++) {
      if (argv[i].startsWith("--")) {
        options.put(argv[i].substring(2), argv[++i]);
      } else {
        int equals = argv[i].indexOf('=');
        if (equals <= 0) throw new IllegalArgumentException("expected property=value: " + argv[i]);
        consumerProps.put(argv[i].substring(0, equals), argv[i].substring(equals + 1));
      }
    }
    String report = options.getOrDefault("report", "records");
    if (!report.equals("records") && !report.equals("count"))
      throw new IllegalArgumentException("--report records|count, got " + report);
    reportRecords = report.equals("records");
    expected = Long.parseLong(options.getOrDefault("expect", "-1"));
    consumerProps.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, required("bootstrap"));
    consumerProps.put(ConsumerConfig.GROUP_ID_CONFIG, required("group"));
    consumerProps.put(ConsumerConfig.GROUP_PROTOCOL_CONFIG, options.getOrDefault("protocol", "classic"));
    consumerProps.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    consumerProps.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    consumerProps.putIfAbsent(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    consumerProps.putIfAbsent(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "true");
  }

  public static void main(String[] argv) throws Exception {
    GroupMembers group = new GroupMembers(argv);
    int count = Integer.parseInt(group.options.getOrDefault("members", "1"));
    for (int i = 0; i < count; i++) group.join();
    Thread closer = new Thread(group::closeAll, "close-all");
    Runtime.getRuntime().addShutdownHook(closer);
    if (group.expected >= 0) {
      long timeoutMs = Long.parseLong(group.options.getOrDefault("timeout-ms", "180000"));
      boolean complete = group.expectedArrived.await(timeoutMs, TimeUnit.MILLISECONDS);
      group.reportConsumed(complete);
      group.closeAll();
      return;
    }
    BufferedReader stdin = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    for (String line = stdin.readLine(); line != null; line = stdin.readLine()) {
      String[] words = line.trim().split("\\s+");
      switch (words[0]) {
        case "leave" -> {
          Member member = group.member(Integer.parseInt(words[1]));
          emit(event(member.id, "leaving"));
          member.close();
        }
        case "join" -> group.join();
        case "" -> {}
        default -> throw new IllegalArgumentException("unknown command: " + line);
      }
    }
    group.closeAll();
  }

  private String required(String name) {
    String value = options.get(name);
    if (value == null) throw new IllegalArgumentException("missing --" + name);
    return value;
  }

  private synchronized Member member(int id) {
    return members.get(id);
  }

  private synchronized void join() {
    Properties props = new Properties();
    props.putAll(consumerProps);
    int id = members.size();
    props.putIfAbsent(ConsumerConfig.CLIENT_ID_CONFIG, "group-member-" + id);
    emit(event(id, "joining"));
    Member member = new Member(id, new KafkaConsumer<>(props));
    members.add(member);
    member.thread.start();
  }

  private void closeAll() {
    List<Member> all;
    synchronized (this) {
      all = new ArrayList<>(members);
    }
    for (Member member : all) member.close();
    for (Member member : all) {
      try {
        member.thread.join(CLOSE_TIMEOUT_MS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  private static double millis(long nanos) {
    return (nanos - START_NANOS) / 1e6;
  }

  private static synchronized void emit(Map<String, Object> event) {
    System.out.println(Json.write(event));
    System.out.flush();
  }

  private static Map<String, Object> event(int member, String name) {
    Map<String, Object> event = new LinkedHashMap<>();
    event.put("member", member);
    event.put("t", millis(System.nanoTime()));
    event.put("event", name);
    return event;
  }

  private void count(ConsumerRecords<byte[], byte[]> batch) {
    if (batch.isEmpty()) return;
    long now = System.nanoTime();
    firstNanos.compareAndSet(-1, now);
    lastNanos.accumulateAndGet(now, Math::max);
    long size = 0;
    for (ConsumerRecord<byte[], byte[]> record : batch)
      size += Math.max(0, record.serializedKeySize()) + Math.max(0, record.serializedValueSize());
    bytes.addAndGet(size);
    if (records.addAndGet(batch.count()) >= expected) expectedArrived.countDown();
  }

  private void reportConsumed(boolean complete) {
    Map<String, Object> event = new LinkedHashMap<>();
    event.put("event", "consumed");
    event.put("records", records.get());
    event.put("bytes", bytes.get());
    event.put("firstMs", millis(firstNanos.get()));
    event.put("lastMs", millis(lastNanos.get()));
    event.put("complete", complete);
    emit(event);
  }

  /** One KafkaConsumer and the thread that polls it; close() may be called from any thread. */
  private final class Member implements ConsumerRebalanceListener {
    final int id;
    final KafkaConsumer<byte[], byte[]> consumer;
    final Thread thread;
    volatile boolean closing;

    Member(int id, KafkaConsumer<byte[], byte[]> consumer) {
      this.id = id;
      this.consumer = consumer;
      this.thread = new Thread(this::run, "member-" + id);
    }

    synchronized void close() {
      if (closing) return;
      closing = true;
      consumer.wakeup();
    }

    private void run() {
      try {
        consumer.subscribe(List.of(required("topic")), this);
        while (!closing) {
          ConsumerRecords<byte[], byte[]> batch = consumer.poll(POLL);
          if (reportRecords) report(batch);
          else count(batch);
        }
      } catch (WakeupException e) {
        if (!closing) throw e;
      } finally {
        // With auto-commit, close() commits what was consumed and leaves the group (30 s at most).
        consumer.close();
        emit(event(id, "closed"));
      }
    }

    private void report(ConsumerRecords<byte[], byte[]> batch) {
      for (ConsumerRecord<byte[], byte[]> record : batch) {
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("member", id);
        event.put("event", "record");
        event.put("partition", record.partition());
        event.put("offset", record.offset());
        event.put("value", record.value() == null ? null : new String(record.value(), StandardCharsets.UTF_8));
        emit(event);
      }
    }

    private void partitionsEvent(String name, Collection<TopicPartition> partitions) {
      Map<String, Object> event = event(id, name);
      event.put("partitions", partitions.stream().map(TopicPartition::partition).sorted().toList());
      emit(event);
    }

    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
      partitionsEvent("assigned", partitions);
    }

    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
      partitionsEvent("revoked", partitions);
    }

    @Override
    public void onPartitionsLost(Collection<TopicPartition> partitions) {
      partitionsEvent("lost", partitions);
    }
  }
}
