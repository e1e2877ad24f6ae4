"""A confluent-kafka (librdkafka) group member for test/compat/groups (see member_io.py).

With --group-protocol consumer it speaks KIP-848, which needs librdkafka 2.12 or later underneath
(Debian's 2.0.2 predates group.protocol; test/compat/consumer-protocol.test.ts points LD_LIBRARY_PATH at
a newer build).
"""

from confluent_kafka import Consumer

from member_io import StopFlag, emit, emit_partitions, emit_record, parse_args


def main():
    args = parse_args()
    stop = StopFlag()
    config = {
        "bootstrap.servers": args.bootstrap,
        "group.id": args.group,
        "client.id": args.client_id,
        "enable.auto.commit": True,
        "auto.commit.interval.ms": args.auto_commit_interval_ms,
        "auto.offset.reset": "earliest",
    }
    if args.group_protocol == "consumer":
        config["group.protocol"] = "consumer"
    else:
        config["session.timeout.ms"] = args.session_timeout_ms
        config["heartbeat.interval.ms"] = args.heartbeat_interval_ms
    consumer = Consumer(config)
    consumer.subscribe(
        [args.topic],
        on_assign=lambda _consumer, partitions: emit_partitions("assigned", partitions),
        on_revoke=lambda _consumer, partitions: emit_partitions("revoked", partitions),
        on_lost=lambda _consumer, partitions: emit_partitions("revoked", partitions),
    )
    while not stop.stopped:
        message = consumer.poll(0.1)
        if message is None:
            continue
        if message.error() is not None:
            # librdkafka retries what it can; the test shows these if the scenario then fails.
            emit("error", message=str(message.error()))
            continue
        emit_record(message.partition(), message.offset(), message.value())
    consumer.close()  # commits the consumed offsets and leaves the group
    emit("closed")


if __name__ == "__main__":
    main()
