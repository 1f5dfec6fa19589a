"""Runs the Code tab's Python snippets with the real confluent-kafka client.

Usage: python run_snippets.py DIR   (DIR holds the snippets and index.json, written by
`cargo test --test model snippets`).

Each snippet runs as written: it builds its Consumer, subscribes and polls. No broker is needed: a
setting librdkafka refuses fails at construction or at the first poll. The harness only makes the
endless poll loop end, by stopping it after its first poll(); then the snippet's own `finally` closes it.
It also feeds each snippet's deserialize_key/deserialize_value the bytes Kafka's Java serializers
write, and checks what comes back.
"""

import json
import os
import struct
import sys
import traceback

import confluent_kafka

POLLS = 1


class Done(Exception):
    """Raised after poll(): the snippet has constructed, subscribed and polled."""


class PollOnce(confluent_kafka.Consumer):
    def poll(self, *args, **kwargs):
        message = super().poll(*args, **kwargs)
        self.polls = getattr(self, "polls", 0) + 1
        if self.polls >= POLLS:
            raise Done()
        return message


# Each snippet does `from confluent_kafka import Consumer`: it gets this subclass, whose construction,
# subscribe(), poll() and close() are the library's own.
confluent_kafka.Consumer = PollOnce

# What Kafka's serializers write, and what the matching deserializer must return.
SAMPLES = {
    "string": [(None, None), ("naïve".encode("utf-8"), "naïve")],
    "bytes": [(None, None), (b"\x00\xff", b"\x00\xff")],
    "long": [(None, None), (struct.pack(">q", -42), -42)],
    "integer": [(None, None), (struct.pack(">i", 7), 7)],
    "double": [(None, None), (struct.pack(">d", 2.5), 2.5)],
    "json": [(None, None), (b'{"id": 7, "tags": ["a"]}', {"id": 7, "tags": ["a"]})],
    "raw": [(b"\x01", b"\x01")],
}


def run(directory, entry):
    path = os.path.join(directory, entry["file"])
    with open(path, encoding="utf-8") as f:
        source = f.read()
    namespace = {"__name__": "__snippet__"}
    try:
        exec(compile(source, path, "exec"), namespace)
    except Done:
        pass
    except Exception:
        return f"{entry['case']} ({entry['file']}): {traceback.format_exc()}"
    for field in ("key", "value"):
        deserialize = namespace.get(f"deserialize_{field}")
        if deserialize is None:
            return f"{entry['case']}: no deserialize_{field}"
        for data, expected in SAMPLES[entry[field]]:
            got = deserialize(data)
            if got != expected:
                return f"{entry['case']}: deserialize_{field}({data!r}) gave {got!r}, not {expected!r}"
    return None


def main():
    directory = sys.argv[1]
    with open(os.path.join(directory, "index.json"), encoding="utf-8") as f:
        entries = json.load(f)
    # One at a time: librdkafka instances polled from several threads at once run slower, not faster.
    failures = [f for f in (run(directory, e) for e in entries) if f]
    print(
        f"confluent-kafka {confluent_kafka.__version__} (librdkafka {confluent_kafka.libversion()[0]}): "
        f"{len(entries) - len(failures)} of {len(entries)} snippets constructed, subscribed and polled"
    )
    for failure in failures:
        print("FAILED", failure)
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
