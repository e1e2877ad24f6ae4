"""A kafka-python group member for test/compat/groups (see member_io.py)."""

from kafka import ConsumerRebalanceListener, KafkaConsumer

from member_io import StopFlag, emit, emit_partitions, emit_record, parse_args


class Listener(ConsumerRebalanceListener):
    def on_partitions_revoked(self, revoked):
        emit_partitions("revoked", revoked)

    def on_partitions_assigned(self, assigned):
        emit_partitions("assigned", assigned)


def main():
    args = parse_args()
    stop = StopFlag()
    consumer = KafkaConsumer(
        bootstrap_servers=args.bootstrap,
        group_id=args.group,
        client_id=args.client_id,
        session_timeout_ms=args.session_timeout_ms,
        heartbeat_interval_ms=args.heartbeat_interval_ms,
        enable_auto_commit=True,
        auto_commit_interval_ms=args.auto_commit_interval_ms,
        auto_offset_reset="earliest",
    )
    consumer.subscribe([args.topic], listener=Listener())
    while not stop.stopped:
        for batch in consumer.poll(timeout_ms=100).values():
            for record in batch:
                emit_record(record.partition, record.offset, record.value)
    consumer.close()  # commits the consumed offsets and leaves the group
    emit("closed")


if __name__ == "__main__":
    main()
