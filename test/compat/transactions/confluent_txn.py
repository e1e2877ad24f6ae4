"""confluent-kafka (librdkafka) transactions against a broker, for confluent-kafka.test.ts.

Usage: confluent_txn.py BOOTSTRAP TOPIC

Creates TOPIC (2 partitions), commits "committed-0..4", aborts "aborted-0..4", commits
"committed-5..9" with one transactional producer, then reads the topic from the beginning with a
read_committed and a read_uncommitted consumer up to the end offsets each is given. Prints one JSON
object: {"readCommitted": [...], "readUncommitted": [...]}, records as "partition:value" in partition
and offset order.
"""
import json
import sys
import time

from confluent_kafka import Consumer, KafkaError, Producer, TopicPartition
from confluent_kafka.admin import AdminClient, NewTopic

TIMEOUT_S = 60


def create_topic(bootstrap, topic):
    admin = AdminClient({"bootstrap.servers": bootstrap})
    for future in admin.create_topics([NewTopic(topic, num_partitions=2, replication_factor=1)]).values():
        future.result(TIMEOUT_S)


def transaction(producer, topic, prefix, first, count, commit):
    producer.begin_transaction()
    for i in range(first, first + count):
        producer.produce(topic, value=f"{prefix}-{i}".encode(), partition=i % 2)
    if commit:
        producer.commit_transaction(TIMEOUT_S)
    else:
        producer.flush(TIMEOUT_S)
        producer.abort_transaction(TIMEOUT_S)


def read_all(bootstrap, topic, isolation):
    consumer = Consumer({
        "bootstrap.servers": bootstrap,
        "group.id": f"confluent-txn-reader-{isolation}",
        "isolation.level": isolation,
        "enable.auto.commit": False,
        "enable.partition.eof": True,
    })
    try:
        partitions = [TopicPartition(topic, p, 0) for p in range(2)]
        consumer.assign(partitions)
        at_end = set()
        by_partition = {0: [], 1: []}
        deadline = time.monotonic() + TIMEOUT_S
        while len(at_end) < len(partitions):
            if time.monotonic() > deadline:
                raise TimeoutError(f"{isolation}: reached the end of {sorted(at_end)} only")
            message = consumer.poll(0.1)
            if message is None:
                continue
            if message.error():
                if message.error().code() == KafkaError._PARTITION_EOF:
                    at_end.add(message.partition())
                    continue
                raise RuntimeError(message.error())
            by_partition[message.partition()].append(f"{message.partition()}:{message.value().decode()}")
        return by_partition[0] + by_partition[1]
    finally:
        consumer.close()


def main():
    bootstrap, topic = sys.argv[1], sys.argv[2]
    create_topic(bootstrap, topic)
    producer = Producer({"bootstrap.servers": bootstrap, "transactional.id": f"confluent-{topic}"})
    producer.init_transactions(TIMEOUT_S)
    transaction(producer, topic, "committed", 0, 5, True)
    transaction(producer, topic, "aborted", 0, 5, False)
    transaction(producer, topic, "committed", 5, 5, True)
    print(json.dumps({
        "readCommitted": read_all(bootstrap, topic, "read_committed"),
        "readUncommitted": read_all(bootstrap, topic, "read_uncommitted"),
    }))


if __name__ == "__main__":
    main()
