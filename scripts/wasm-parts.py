#!/usr/bin/env python3
"""What the page's bytes are, by part: reads twiggy's table of a wasm file that still has its
names (the one wasm-bindgen writes before wasm-opt) and sums each item into the first part whose
rule matches its name.

    source scripts/env.sh; trunk build --release
    python3 scripts/wasm-parts.py [target/wasm-bindgen/release/playground_bg.wasm | twiggy.csv]
"""
import csv
import io
import re
import subprocess
import sys

# (part, rule on the item's name); the first that matches takes the item.
PARTS = [
    ("names (dropped by wasm-opt)", r'^"function names"|^"[a-z]+ names"|^custom section'),
    ("read-only data", r'^data segment'),
    ("BTreeMap/BTreeSet code", r'collections::btree'),
    ("sorting", r'slice::sort'),
    ("serde, serde_json, serde_path_to_error, our (de)serializers", r'serde'),
    ("component bodies (CompStateInner, FunctionProvider)", r'CompStateInner|FunctionProvider'),
    ("Yew itself", r'^<?yew|[<( ]yew::'),
    ("core::fmt and Display/Debug shims", r'core(\[[0-9a-f]+\])?::fmt|fmt::(Display|Debug)'),
    ("the model (sim)", r'rebalance_lab::sim'),
    ("session", r'rebalance_lab::session'),
    ("the page's own code (ui)", r'rebalance_lab::ui'),
    ("the rest: alloc, core, wasm-bindgen, miniz, dlmalloc, hashbrown", r''),
]


def main() -> None:
    path = sys.argv[1] if len(sys.argv) > 1 else "target/wasm-bindgen/release/playground_bg.wasm"
    if path.endswith(".csv"):  # a table twiggy wrote before (`twiggy top -n 10000000 -f csv`)
        with open(path) as f:
            table = f.read()
    else:
        table = subprocess.run(
            ["twiggy", "top", "-n", "10000000", "-f", "csv", path],
            check=True, capture_output=True, text=True,
        ).stdout
    sums = {name: [0, 0] for name, _ in PARTS}
    total = 0
    for row in csv.DictReader(io.StringIO(table)):
        name, size = row["Name"], int(row["ShallowSize"])
        total += size
        for part, rule in PARTS:
            if re.search(rule, name):
                sums[part][0] += size
                sums[part][1] += 1
                break
    print(f"{path}: {total:,} bytes")
    print(f"{'part':<66} {'bytes':>10} {'items':>6}")
    for part, _ in PARTS:
        size, count = sums[part]
        print(f"{part:<66} {size:>10,} {count:>6}")


if __name__ == "__main__":
    main()
