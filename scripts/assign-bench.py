#!/usr/bin/env python3
"""Our assignors next to Kafka's: runs `lab assign --bench --big` on the conformance cases and prints,
per big case, Kafka 4.1.2's median (tests/data/conformance/bench-public.json), ours and the ratio.

  cargo build --release && python3 scripts/assign-bench.py            # native lab
  python3 scripts/assign-bench.py --ours target/wasm-bench.json       # figures taken elsewhere (wasm)
  python3 scripts/assign-bench.py --huge                              # also 2,000 members x 100,000 partitions
  python3 scripts/assign-bench.py --browser target/web-bench.log      # the browser's figures next to native
      (the log of `cargo test --profile web --target wasm32-unknown-unknown --test web_bench -- --nocapture`)

Each figure is the median of 20 samples after a warm-up; a sample is enough back-to-back calls to last
1 ms and 200 ticks of the clock, divided by their number (`calls`), the same natively and in the browser.
Figures are printed, never checked. The machine is shared: repeat a run before trusting a figure.
"""
import argparse
import json
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DATA = os.path.join(ROOT, "tests", "data", "conformance")
LAB = os.path.join(ROOT, "target", "release", "lab")


def run_lab(cases_path, extra=()):
    out = subprocess.run([LAB, "assign", "--bench", *extra, cases_path], check=True,
                         capture_output=True, text=True).stdout
    return json.loads(out)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--ours", help="a kafka-assignor-oracle-bench/1 file to read instead of running lab")
    parser.add_argument("--browser", help="the output of tests/web_bench.rs: print wasm next to native")
    parser.add_argument("--huge", action="store_true",
                        help="also time the 2,000 x 100,000 cases (made by scripts/huge-cases.py)")
    args = parser.parse_args()

    kafka = {r["id"]: r for r in json.load(open(os.path.join(DATA, "bench-public.json")))["rows"]}
    if args.ours:
        ours = json.load(open(args.ours))
    else:
        if not os.path.exists(LAB):
            sys.exit("no target/release/lab: run `cargo build --release` first")
        ours = run_lab(os.path.join(DATA, "public-cases.json"), ["--big"])
    print(f"ours: {ours.get('runtime', '?')}, {ours.get('availableProcessors', '?')} processors; "
          f"Kafka {kafka and '4.1.2'}: OpenJDK 17, 2 processors")
    print(f"{'case':<22} {'assignor':<19} {'owned':>5} {'Kafka ms':>10} {'ours ms':>10} {'Kafka/ours':>10}")
    worst = None
    for row in ours["rows"]:
        theirs = kafka.get(row["id"])
        if theirs is None or row.get("error"):
            continue
        ratio = theirs["medianMs"] / row["medianMs"] if row["medianMs"] > 0 else float("inf")
        worst = ratio if worst is None else min(worst, ratio)
        print(f"{row['id']:<22} {row['assignor']:<19} {str(row['withOwnership']).lower():>5} "
              f"{theirs['medianMs']:>10.3f} {row['medianMs']:>10.3f} {ratio:>9.1f}x")
    if worst is not None:
        print(f"smallest ratio: {worst:.1f}x (goal: at least 3x on every big case)")

    if args.browser:
        wasm = {}
        ticks = set()
        for line in open(args.browser):
            line = line.strip().rstrip(",")
            if line.startswith('{"id"'):
                row = json.loads(line)
                wasm[row["id"]] = row
            elif line.startswith('"clockTickMs"'):
                ticks.add(float(line.split(":", 1)[1]))
        print()
        print(f"{'case':<22} {'assignor':<19} {'native ms':>10} {'calls':>6} {'wasm ms':>10} {'calls':>6} {'wasm/native':>11}")
        worst = None
        for row in ours["rows"]:
            other = wasm.get(row["id"])
            if other is None or row.get("error") or row["medianMs"] <= 0:
                continue
            ratio = other["medianMs"] / row["medianMs"]
            worst = ratio if worst is None else max(worst, ratio)
            print(f"{row['id']:<22} {row['assignor']:<19} {row['medianMs']:>10.3f} {row.get('callsPerSample', 1):>6} "
                  f"{other['medianMs']:>10.3f} {other.get('callsPerSample', 1):>6} {ratio:>10.1f}x")
        if worst is not None:
            tick = ", ".join(f"{t * 1000:.1f} us" for t in sorted(ticks)) or "not printed"
            print(f"largest wasm/native: {worst:.1f}x (goal: within 2x); calls: back-to-back calls per timed sample; "
                  f"the browser's clock ticks in {tick} steps, native's in {ours.get('clockTickMs', 0) * 1e6:.0f} ns")

    if args.huge:
        huge = os.path.join(ROOT, "target", "huge-cases.json")
        if not os.path.exists(huge):
            subprocess.run([sys.executable, os.path.join(ROOT, "scripts", "huge-cases.py"), huge], check=True)
        rows = run_lab(huge, ["--warmup-ms", "2000"])["rows"]
        print()
        print(f"{'case':<26} {'assignor':<19} {'members':>7} {'partitions':>10} {'min ms':>9} {'median ms':>9} {'max ms':>9}")
        for row in rows:
            if row.get("error"):
                print(f"{row['id']:<26} {row['assignor']:<19} error: {row['error']}")
                continue
            flag = "" if row["medianMs"] < 100 else "  (over 100 ms)"
            print(f"{row['id']:<26} {row['assignor']:<19} {row['members']:>7} {row['partitions']:>10} "
                  f"{row['minMs']:>9.2f} {row['medianMs']:>9.2f} {row['maxMs']:>9.2f}{flag}")


if __name__ == "__main__":
    main()
