"""Runs the Code tab's Python snippets with the real confluent-kafka client.

Usage: python run_snippets.py DIR   (DIR holds the snippets and index.json, written by
`cargo test --test model snippets`).

Each snippet runs as written: it builds its Consumer, subscribes and polls. No broker is needed: a
setting librdkafka refuses fails at construction or at the first poll. The harness then runs the poll
loop's body through each of its paths, with messages made by the library's own `Message` constructor:
the first poll() is the library's (and returns None here), the next ones return an error event, a
record that decodes, and a poison pill (a record the value deserializer rejects); then poll() ends the
endless loop and the snippet's own `finally` closes the consumer. It checks what the body did: the
poison pill reported and skipped where Java's deserializer rejects it, and exactly the commit the
consumer's settings call for. It also feeds each snippet's deserialize_key/deserialize_value the bytes
Kafka's Java serializers write, and checks what comes back.
"""

import contextlib
import io
import json
import os
import struct
import sys
import traceback

import confluent_kafka
from confluent_kafka import KafkaError, KafkaException, Message


class Done(Exception):
    """Raised by the last poll(): the snippet has run its loop body through every path."""


# The lab's poison pill (`serialization::POISON_PILL_VALUE`): a JSON object cut short, 6 bytes.
POISON_PILL = b'{"id":'


class Scripted(confluent_kafka.Consumer):
    """The library's Consumer, whose poll() returns a script of messages after its first real call."""

    script = []

    def poll(self, *args, **kwargs):
        self.polls = getattr(self, "polls", 0) + 1
        if self.polls == 1:
            # The library's own poll(): a refused setting fails here. No broker: nothing comes back.
            message = super().poll(*args, **kwargs)
            if message is not None:
                raise AssertionError(f"a message without a broker: {message!r}")
            return None
        if self.polls - 2 < len(self.script):
            return self.script[self.polls - 2]
        raise Done()

    def commit(self, *args, **kwargs):
        commits.append(kwargs)
        if kwargs.get("asynchronous") is False:
            # A synchronous commit waits for a coordinator this broker-less run never finds, and
            # fails after 45 s with this error; the library checks the same arguments when it is
            # asked to commit asynchronously, so that is what is sent.
            super().commit(*args, **dict(kwargs, asynchronous=True))
            raise KafkaException(KafkaError(KafkaError._WAIT_COORD))
        return super().commit(*args, **kwargs)


commits = []

# Each snippet does `from confluent_kafka import Consumer`: it gets this subclass, whose construction,
# subscribe(), first poll(), commit() and close() are the library's own.
confluent_kafka.Consumer = Scripted

# What Kafka's serializers write, and what the matching deserializer must return.
SAMPLES = {
    "string": [
        (None, None),
        ("naïve".encode("utf-8"), "naïve"),
        # Java's StringDeserializer is `new String(data, UTF_8)`: malformed bytes become U+FFFD.
        (b"\xffA", "\ufffdA"),
    ],
    "bytes": [(None, None), (b"\x00\xff", b"\x00\xff")],
    "long": [(None, None), (struct.pack(">q", -42), -42)],
    "integer": [(None, None), (struct.pack(">i", 7), 7)],
    "double": [(None, None), (struct.pack(">d", 2.5), 2.5)],
    "json": [(None, None), (b'{"id": 7, "tags": ["a"]}', {"id": 7, "tags": ["a"]})],
    "raw": [(b"\x01", b"\x01")],
}

# The kinds whose Java deserializer rejects the poison pill (wrong size, or not JSON).
REJECTS_POISON_PILL = {"long", "integer", "double", "json"}


def record(kind):
    """Bytes of `kind` that decode: the last sample of it."""
    return SAMPLES[kind][-1][0]


def run(directory, entry):
    path = os.path.join(directory, entry["file"])
    with open(path, encoding="utf-8") as f:
        source = f.read()
    good = Message(topic="orders", partition=0, offset=5, key=record(entry["key"]), value=record(entry["value"]))
    pill = Message(topic="orders", partition=0, offset=6, key=None, value=POISON_PILL)
    Scripted.script = [Message(error=KafkaError(KafkaError._TRANSPORT)), good, pill]
    commits.clear()
    namespace = {"__name__": "__snippet__"}
    printed = io.StringIO()
    try:
        with contextlib.redirect_stdout(printed):
            exec(compile(source, path, "exec"), namespace)
    except Done:
        pass
    except Exception:
        return f"{entry['case']} ({entry['file']}): {traceback.format_exc()}"
    said = printed.getvalue()
    if "Broker transport failure" not in said:
        return f"{entry['case']}: the error event was not reported: {said!r}"
    if "cannot deserialize orders [0] offset 5" in said:
        return f"{entry['case']}: a record that decodes was reported as a poison pill: {said!r}"
    reported = "cannot deserialize orders [0] offset 6" in said
    if reported != (entry["value"] in REJECTS_POISON_PILL):
        return f"{entry['case']}: poison pill of a {entry['value']} value {'reported' if reported else 'not reported'}: {said!r}"
    # What the body must commit: one commit per record it processed, as the settings say.
    processed = 1 if entry["value"] in REJECTS_POISON_PILL else 2
    expected = {
        "sync": [{"message": good, "asynchronous": False}, {"message": pill, "asynchronous": False}],
        "async": [{"message": good, "asynchronous": True}, {"message": pill, "asynchronous": True}],
        "none": [],
        "auto": [],
    }[entry["commit"]][:processed]
    got = [(c.get("message"), c.get("asynchronous"), sorted(c)) for c in commits]
    want = [(c["message"], c["asynchronous"], ["asynchronous", "message"]) for c in expected]
    if got != want:
        return f"{entry['case']}: commits {got!r}, not {want!r}"
    if entry["commit"] == "sync" and "commit failed: " not in said:
        return f"{entry['case']}: the failed synchronous commit was not reported: {said!r}"
    for field in ("key", "value"):
        deserialize = namespace.get(f"deserialize_{field}")
        if deserialize is None:
            return f"{entry['case']}: no deserialize_{field}"
        for data, expected_value in SAMPLES[entry[field]]:
            try:
                got_value = deserialize(data)
            except Exception as e:
                return f"{entry['case']}: deserialize_{field}({data!r}) raised {e!r}, not {expected_value!r}"
            if got_value != expected_value:
                return f"{entry['case']}: deserialize_{field}({data!r}) gave {got_value!r}, not {expected_value!r}"
    return None


def main():
    directory = sys.argv[1]
    with open(os.path.join(directory, "index.json"), encoding="utf-8") as f:
        entries = json.load(f)
    # One at a time: librdkafka instances polled from several threads at once run slower, not faster.
    failures = [f for f in (run(directory, e) for e in entries) if f]
    print(
        f"confluent-kafka {confluent_kafka.__version__} (librdkafka {confluent_kafka.libversion()[0]}): "
        f"{len(entries) - len(failures)} of {len(entries)} snippets constructed, subscribed, polled and "
        f"run through their loop body"
    )
    for failure in failures:
        print("FAILED", failure)
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
