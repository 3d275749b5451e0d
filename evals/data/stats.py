#!/usr/bin/env python3
"""Print counts for the grown question sets (standard library only):
questions by split, kind and style, and releases by split and origin."""
import collections
import json
import os

HERE = os.path.dirname(os.path.abspath(__file__))
FILES = {"train": "grow-train.jsonl", "validation": "grow-validation.jsonl"}
KINDS = ["entity", "lookup", "numeric", "multi_release", "unanswerable"]
STYLES = ["typed", "formal"]


def main():
    rows = {}
    for split, fname in FILES.items():
        with open(os.path.join(HERE, fname), encoding="utf-8") as f:
            rows[split] = [json.loads(line) for line in f if line.strip()]
    allrows = rows["train"] + rows["validation"]
    total = len(allrows)

    def releases(ds):
        out = set()
        for d in ds:
            rel = d["release"]
            if rel:
                out.update(rel if isinstance(rel, list) else [rel])
        return out

    new_files = {f for f in os.listdir(os.path.join(HERE, "releases")) if f.endswith(".txt")}
    used = releases(allrows)
    print(f"release files in evals/data/releases: {len(new_files)}")
    print(f"releases with questions: {len(used)} "
          f"({len(used & new_files)} new, {len(used - new_files)} from the shared corpus)")
    print()
    print("| split | releases | questions | " + " | ".join(KINDS) + " | " + " | ".join(STYLES) + " |")
    print("|---" * (3 + len(KINDS) + len(STYLES)) + "|")
    for name, ds in list(rows.items()) + [("total", allrows)]:
        k = collections.Counter(d["kind"] for d in ds)
        s = collections.Counter(d["style"] for d in ds)
        print(f"| {name} | {len(releases(ds))} | {len(ds)} | "
              + " | ".join(str(k[x]) for x in KINDS) + " | "
              + " | ".join(str(s[x]) for x in STYLES) + " |")
    k = collections.Counter(d["kind"] for d in allrows)
    s = collections.Counter(d["style"] for d in allrows)
    print()
    print("shares of all questions: "
          + ", ".join(f"{x} {100 * k[x] / total:.1f}%" for x in KINDS)
          + "; " + ", ".join(f"{x} {100 * s[x] / total:.1f}%" for x in STYLES))


if __name__ == "__main__":
    main()
