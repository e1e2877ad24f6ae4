"""kafka-python driver for test/compat/kafka-python.test.ts (run with Debian's /usr/bin/python3)."""

from kafka import KafkaAdminClient, KafkaConsumer, KafkaProducer, TopicPartition
from kafka.admin import NewTopic

from records_io import ConsumedWriter, Deadline, codec_runs, read_records, run_cli, send_args, topic_configs

TIMESTAMP_TYPES = {0: "create", 1: "log-append"}


def create_topic(args):
    admin = KafkaAdminClient(bootstrap_servers=args.bootstrap, client_id="nagare-compat")
    try:
        new_topic = NewTopic(args.topic, args.partitions, 1, topic_configs=topic_configs(args.config))
        admin.create_topics([new_topic], timeout_ms=int(args.timeout * 1000))
    finally:
        admin.close()
    consumer = KafkaConsumer(bootstrap_servers=args.bootstrap)
    try:
        partitions = consumer.partitions_for_topic(args.topic)
    finally:
        consumer.close()
    return {"topic": args.topic, "partitions": sorted(partitions or [])}


def produce(args):
    records = read_records(args.input)
    delivered = []
    for codec, run in codec_runs(records):
        producer = KafkaProducer(
            bootstrap_servers=args.bootstrap,
            compression_type=None if codec == "none" else codec,
            acks="all",
            linger_ms=5,
        )
        try:
            futures = [producer.send(args.topic, **send_args(record, "timestamp_ms")) for record in run]
            producer.flush(timeout=args.timeout)
            for future in futures:
                metadata = future.get(timeout=args.timeout)
                delivered.append([metadata.partition, metadata.offset])
        finally:
            producer.close()
    return {"produced": len(records), "delivered": delivered}


def consume(args):
    """Reads every partition from offset 0 to its end offset by assignment, without a group."""
    consumer = KafkaConsumer(
        bootstrap_servers=args.bootstrap,
        group_id=None,
        enable_auto_commit=False,
        check_crcs=True,
    )
    writer = ConsumedWriter(args.output)
    try:
        partitions = [TopicPartition(args.topic, p) for p in range(args.partitions)]
        consumer.assign(partitions)
        consumer.seek_to_beginning()
        end_offsets = consumer.end_offsets(partitions)
        deadline = Deadline(args.timeout)
        while any(consumer.position(tp) < end_offsets[tp] for tp in partitions):
            deadline.check("consuming " + args.topic)
            for batch in consumer.poll(timeout_ms=500).values():
                for record in batch:
                    writer.write(
                        record.partition,
                        record.offset,
                        record.timestamp,
                        TIMESTAMP_TYPES[record.timestamp_type],
                        record.key,
                        record.value,
                        record.headers,
                    )
    finally:
        writer.close()
        consumer.close()
    return {"consumed": writer.count, "endOffsets": [end_offsets[tp] for tp in partitions]}


if __name__ == "__main__":
    run_cli(create_topic, produce, consume)
