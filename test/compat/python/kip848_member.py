"""A confluent-kafka group member speaking the consumer group protocol (KIP-848, group.protocol=consumer).

For test/compat/consumer-protocol.test.ts. Needs librdkafka 2.12 or later underneath (Debian's 2.0.2
predates group.protocol; the test points LD_LIBRARY_PATH at a newer build). It reports the events of the
group compat tests, through their helpers (test/compat/groups/drivers/member_io.py): assigned/revoked
partitions, each record, and "closed" once it has committed and left after SIGTERM. With the consumer
protocol the broker sets session and heartbeat timings: the member does not send any.
"""

import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "groups", "drivers"))

from confluent_kafka import Consumer  # noqa: E402

from member_io import StopFlag, emit, emit_partitions, emit_record, parse_args  # noqa: E402


def main():
    args = parse_args()
    stop = StopFlag()
    consumer = Consumer(
        {
            "bootstrap.servers": args.bootstrap,
            "group.id": args.group,
            "group.protocol": "consumer",
            "client.id": args.client_id,
            "enable.auto.commit": True,
            "auto.commit.interval.ms": args.auto_commit_interval_ms,
            "auto.offset.reset": "earliest",
        }
    )
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
            emit("error", message=str(message.error()))
            continue
        emit_record(message.partition(), message.offset(), message.value())
    consumer.close()
    emit("closed")


if __name__ == "__main__":
    main()
