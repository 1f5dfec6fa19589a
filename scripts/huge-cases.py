#!/usr/bin/env python3
"""Writes assignor cases of 2,000 members x 100,000 partitions (4 topics of 25,000) in Kafka's oracle
case format, shaped as the public big cases are: identical subscriptions (all six assignors),
non-identical ones (sticky, cooperative-sticky, uniform, server-range), and each evolved (100 members
gone, 90 joined) with the prior assignment as ownership. Kafka never answered these: the prior
assignments come from `lab assign` (bit-exact with Kafka on every public case).

  cargo build --release && python3 scripts/huge-cases.py target/huge-cases.json
"""
import base64
import json
import os
import random
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LAB = os.path.join(ROOT, "target", "release", "lab")
MEMBERS = 2000
TOPICS = [f"huge-{i}" for i in range(4)]
PARTITIONS_PER_TOPIC = 25_000
SERVER = {"uniform", "server-range"}
CLIENT_ORDER = ["range", "roundrobin", "sticky", "cooperative-sticky", "uniform", "server-range"]


def uuid(rng):
    return base64.urlsafe_b64encode(rng.randbytes(16)).decode().rstrip("=")


def member(mid, topics, owned=(), generation=-1):
    return {"id": mid, "instanceId": None, "topics": topics, "owned": [list(p) for p in owned],
            "generation": generation, "rack": None}


def fresh(case_id, assignor, identical, rng, topic_ids):
    server = assignor in SERVER
    members = []
    for i in range(MEMBERS):
        mid = uuid(rng) if server else f"consumer-{i:04d}"
        if identical or i == 0:
            topics = list(TOPICS)
        else:
            topics = sorted(rng.sample(TOPICS, rng.randint(1, len(TOPICS))))
        members.append(member(mid, topics))
    case = {"id": case_id, "assignor": assignor,
            "topics": {t: PARTITIONS_PER_TOPIC for t in TOPICS}, "members": members}
    if server:
        case["topicIds"] = topic_ids
    case["big"] = True
    case["note"] = f"{MEMBERS} members x {PARTITIONS_PER_TOPIC * len(TOPICS)} partitions, " + \
        ("identical" if identical else "non-identical") + " subscriptions"
    return case


def evolved(case, result, rng):
    server = case["assignor"] in SERVER
    eager_without_ownership = case["assignor"] in ("range", "roundrobin")
    removed = set(rng.sample(range(MEMBERS), 100))
    members = []
    for i, m in enumerate(case["members"]):
        if i in removed:
            continue
        owned = [] if eager_without_ownership else result[m["id"]]
        members.append(member(m["id"], m["topics"], owned, -1 if server else 1))
    for j in range(90):
        mid = uuid(rng) if server else f"joiner-{j:04d}"
        topics = list(TOPICS) if "non-identical" not in case["note"] else \
            rng.sample(TOPICS, rng.randint(1, len(TOPICS)))
        members.append(member(mid, topics))
    out = dict(case)
    out["id"] = case["id"] + "-evolved"
    out["members"] = members
    out["derivedFrom"] = case["id"]
    out["note"] = "removed 100; added 90"
    return out


def write(path, cases):
    with open(path, "w") as f:
        f.write('{"format":"kafka-assignor-oracle-cases/1","seed":12,"cases":[\n')
        f.write(",\n".join(json.dumps(c, separators=(",", ":")) for c in cases))
        f.write("\n]}\n")


def main():
    path = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "target", "huge-cases.json")
    if not os.path.exists(LAB):
        sys.exit("no target/release/lab: run `cargo build --release` first")
    rng = random.Random(12)
    topic_ids = {t: uuid(rng) for t in TOPICS}
    fresh_cases = []
    n = 0
    for identical in (True, False):
        for assignor in CLIENT_ORDER:
            if not identical and assignor in ("range", "roundrobin"):
                continue
            n += 1
            kind = "identical" if identical else "mixed"
            fresh_cases.append(fresh(f"huge-{n:02d}-{kind}", assignor, identical, rng, topic_ids))
    write(path, fresh_cases)
    results = json.loads(subprocess.run([LAB, "assign", path], check=True, capture_output=True,
                                        text=True).stdout)["results"]
    cases = []
    for case, result in zip(fresh_cases, results):
        cases.append(case)
        cases.append(evolved(case, result["assignment"], rng))
    write(path, cases)
    print(f"wrote {len(cases)} cases to {path}")


if __name__ == "__main__":
    main()
