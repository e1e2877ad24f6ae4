"""Shared by the Python compat drivers: the record files the TypeScript tests exchange with them.

Records to produce and records consumed are JSON lines, bytes in base64 (null stays null), so that
one generator and one verifier (test/support/records-check.ts) judge every client.
"""

import argparse
import base64
import json
import sys
import time


def _b64(data):
    return None if data is None else base64.b64encode(data).decode("ascii")


def _bytes(text):
    return None if text is None else base64.b64decode(text)


def read_records(path):
    """The records to produce, in production order."""
    records = []
    with open(path, encoding="utf-8") as source:
        for line in source:
            raw = json.loads(line)
            records.append(
                {
                    "partition": raw["partition"],
                    "key": _bytes(raw["key"]),
                    "value": _bytes(raw["value"]),
                    "headers": [(name, _bytes(value)) for name, value in raw["headers"]],
                    "timestamp": raw["timestamp"],
                    "codec": raw["codec"],
                }
            )
    return records


def send_args(record, timestamp_keyword):
    """A record as keyword arguments of a client's send call; each client names the timestamp its own way."""
    return {
        "key": record["key"],
        "value": record["value"],
        "partition": record["partition"],
        "headers": record["headers"],
        timestamp_keyword: record["timestamp"],
    }


def codec_runs(records):
    """Contiguous runs of records sharing a codec: one producer (compression is per producer) each."""
    runs = []
    for record in records:
        if runs and runs[-1][0] == record["codec"]:
            runs[-1][1].append(record)
        else:
            runs.append((record["codec"], [record]))
    return runs


class ConsumedWriter:
    """Writes consumed records as JSON lines."""

    def __init__(self, path):
        self._file = open(path, "w", encoding="utf-8")
        self.count = 0

    def write(self, partition, offset, timestamp, timestamp_type, key, value, headers):
        entry = {
            "partition": partition,
            "offset": offset,
            "timestamp": timestamp,
            "timestampType": timestamp_type,
            "key": _b64(key),
            "value": _b64(value),
            "headers": [[name, _b64(data)] for name, data in (headers or [])],
        }
        self._file.write(json.dumps(entry) + "\n")
        self.count += 1

    def close(self):
        self._file.close()


class Deadline:
    """A wall-clock limit, so that a broker that stops answering fails the test instead of hanging it."""

    def __init__(self, seconds):
        self._end = time.monotonic() + seconds

    def check(self, what):
        if time.monotonic() > self._end:
            raise TimeoutError("timed out " + what)


def topic_configs(pairs):
    """--config name=value arguments as a dict."""
    return dict(pair.split("=", 1) for pair in pairs or [])


def run_cli(create_topic, produce, consume):
    """The command line every driver shares; the command's summary is printed as one line of JSON."""
    parser = argparse.ArgumentParser()
    commands = parser.add_subparsers(dest="command", required=True)
    for name, handler in (("create-topic", create_topic), ("produce", produce), ("consume", consume)):
        command = commands.add_parser(name)
        command.set_defaults(handler=handler)
        command.add_argument("--bootstrap", required=True)
        command.add_argument("--topic", required=True)
        command.add_argument("--timeout", type=float, default=60.0)
        if name != "produce":
            command.add_argument("--partitions", type=int, required=True)
    commands.choices["create-topic"].add_argument("--config", action="append")
    commands.choices["produce"].add_argument("--input", required=True)
    commands.choices["consume"].add_argument("--output", required=True)
    args = parser.parse_args()
    sys.stdout.write(json.dumps(args.handler(args)) + "\n")
