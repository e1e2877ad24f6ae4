"""confluent-kafka (librdkafka) driver for test/compat/confluent-kafka.test.ts (Debian's /usr/bin/python3)."""

from confluent_kafka import (
    OFFSET_BEGINNING,
    TIMESTAMP_CREATE_TIME,
    TIMESTAMP_LOG_APPEND_TIME,
    Consumer,
    KafkaException,
    Producer,
    TopicPartition,
)
from confluent_kafka.admin import AdminClient, NewTopic

from records_io import ConsumedWriter, Deadline, codec_runs, read_records, run_cli, send_args, topic_configs

TIMESTAMP_TYPES = {TIMESTAMP_CREATE_TIME: "create", TIMESTAMP_LOG_APPEND_TIME: "log-append"}


def create_topic(args):
    admin = AdminClient({"bootstrap.servers": args.bootstrap})
    new_topic = NewTopic(args.topic, args.partitions, 1, config=topic_configs(args.config))
    for future in admin.create_topics([new_topic], operation_timeout=args.timeout).values():
        future.result(timeout=args.timeout)
    metadata = admin.list_topics(topic=args.topic, timeout=args.timeout)
    topic = metadata.topics[args.topic]
    if topic.error is not None:
        raise KafkaException(topic.error)
    return {"topic": args.topic, "partitions": sorted(topic.partitions)}


def produce(args):
    records = read_records(args.input)
    delivered = []
    failures = []

    def on_delivery(error, message):
        if error is not None:
            failures.append(str(error))
        else:
            delivered.append([message.partition(), message.offset()])

    for codec, run in codec_runs(records):
        producer = Producer(
            {
                "bootstrap.servers": args.bootstrap,
                "compression.type": codec,
                "linger.ms": 5,
                "acks": "all",
            }
        )
        for record in run:
            while True:
                try:
                    producer.produce(args.topic, on_delivery=on_delivery, **send_args(record, "timestamp"))
                    break
                except BufferError:
                    producer.poll(0.1)  # local queue full: serve delivery reports, then retry
            producer.poll(0)
        remaining = producer.flush(args.timeout)
        if remaining:
            failures.append("%d messages still queued after flush" % remaining)
    if failures:
        raise RuntimeError("delivery failed: " + "; ".join(failures[:5]))
    return {"produced": len(records), "delivered": delivered}


def consume(args):
    """Reads every partition from offset 0 to its high watermark by assignment.

    librdkafka demands a group.id even for assign(); no subscribe and no commit means no group is joined.
    """
    consumer = Consumer(
        {
            "bootstrap.servers": args.bootstrap,
            "group.id": "nagare-compat-unused",
            "enable.auto.commit": False,
            "enable.auto.offset.store": False,
            "check.crcs": True,
        }
    )
    writer = ConsumedWriter(args.output)
    try:
        partitions = [TopicPartition(args.topic, p, OFFSET_BEGINNING) for p in range(args.partitions)]
        end_offsets = [consumer.get_watermark_offsets(tp, timeout=args.timeout)[1] for tp in partitions]
        consumer.assign(partitions)
        next_offsets = [0] * args.partitions
        deadline = Deadline(args.timeout)
        while any(next_offsets[p] < end_offsets[p] for p in range(args.partitions)):
            deadline.check("consuming " + args.topic)
            for message in consumer.consume(num_messages=1000, timeout=0.5):
                if message.error() is not None:
                    raise KafkaException(message.error())
                timestamp_type, timestamp = message.timestamp()
                writer.write(
                    message.partition(),
                    message.offset(),
                    timestamp,
                    TIMESTAMP_TYPES[timestamp_type],
                    message.key(),
                    message.value(),
                    message.headers(),
                )
                next_offsets[message.partition()] = message.offset() + 1
    finally:
        writer.close()
        consumer.close()
    return {"consumed": writer.count, "endOffsets": end_offsets}


if __name__ == "__main__":
    run_cli(create_topic, produce, consume)
