"""Shared by the Python group-member drivers of test/compat/groups: command line, events, stopping.

A member subscribes to one topic in one group with auto-commit and reports what it sees as JSON lines
on stdout (test/compat/groups/member-process.ts reads them): {"event":"assigned"|"revoked",
"partitions":[...]} from the rebalance callbacks, {"event":"record","partition":P,"offset":O,"value":V}
per record, {"event":"closed"} once closed. SIGTERM asks for a clean close (commit, leave the group);
SIGKILL is the crash the tests want.
"""

import argparse
import json
import signal
import sys


def parse_args():
    parser = argparse.ArgumentParser()
    parser.add_argument("--bootstrap", required=True)
    parser.add_argument("--group", required=True)
    parser.add_argument("--topic", required=True)
    parser.add_argument("--client-id", required=True)
    parser.add_argument("--session-timeout-ms", type=int, required=True)
    parser.add_argument("--heartbeat-interval-ms", type=int, required=True)
    parser.add_argument("--auto-commit-interval-ms", type=int, required=True)
    # consumer: KIP-848, where the broker sets session and heartbeat timings (the two above are unused).
    parser.add_argument("--group-protocol", choices=["classic", "consumer"], default="classic")
    return parser.parse_args()


def emit(event, **fields):
    sys.stdout.write(json.dumps(dict(event=event, **fields)) + "\n")
    sys.stdout.flush()


def emit_partitions(event, partitions):
    emit(event, partitions=sorted(tp.partition for tp in partitions))


def emit_record(partition, offset, value):
    emit("record", partition=partition, offset=offset, value=None if value is None else value.decode("utf-8"))


class StopFlag:
    """Set by SIGTERM: the poll loop ends and the member closes cleanly."""

    def __init__(self):
        self.stopped = False
        signal.signal(signal.SIGTERM, self._stop)

    def _stop(self, _signum, _frame):
        self.stopped = True
