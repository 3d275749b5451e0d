#!/usr/bin/env python3
"""Split the grown question set into train and validation BY RELEASE.

Deterministic (standard library only). Reads every question from
grow-train.jsonl and grow-validation.jsonl (together they are the pool),
re-splits and rewrites both files, sorted by id. Running it twice gives the
same files.

Rule:
  * Releases linked by a multi_release question are merged into one group
    (union-find), so a multi_release question never spans both splits; it goes
    with the split of its first release, which is its whole group's split.
  * Groups are sorted by their smallest file name, shuffled with
    random.Random(SEED), and taken into validation, in that order, until
    validation holds at least one third of the releases (rounded down).
    Every other group goes to train.
  * Unanswerable questions (release null) are sorted by id, shuffled with the
    same seeded generator, and one third of them (rounded down) go to
    validation.
"""
import json
import os
import random

SEED = 20250117
HERE = os.path.dirname(os.path.abspath(__file__))
FILES = {"train": "grow-train.jsonl", "validation": "grow-validation.jsonl"}


def id_key(qid):
    prefix, _, n = qid.partition("_q")
    return (prefix, int(n))


def main():
    pool = []
    for fname in FILES.values():
        path = os.path.join(HERE, fname)
        if os.path.exists(path):
            with open(path, encoding="utf-8") as f:
                pool += [json.loads(line) for line in f if line.strip()]
    pool.sort(key=lambda d: id_key(d["id"]))

    parent = {}

    def find(x):
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def union(a, b):
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)

    for d in pool:
        rel = d["release"]
        if rel is None:
            continue
        rels = rel if isinstance(rel, list) else [rel]
        for r in rels:
            find(r)
        for r in rels[1:]:
            union(rels[0], r)

    groups = {}
    for r in parent:
        groups.setdefault(find(r), []).append(r)
    group_list = sorted((sorted(g) for g in groups.values()), key=lambda g: g[0])
    rng = random.Random(SEED)
    rng.shuffle(group_list)
    n_releases = sum(len(g) for g in group_list)
    target = n_releases // 3
    val_releases = set()
    for g in group_list:
        if len(val_releases) >= target:
            break
        val_releases.update(g)

    unans = sorted((d["id"] for d in pool if d["release"] is None), key=id_key)
    rng.shuffle(unans)
    val_unans = set(unans[: len(unans) // 3])

    out = {"train": [], "validation": []}
    for d in pool:
        rel = d["release"]
        if rel is None:
            split = "validation" if d["id"] in val_unans else "train"
        else:
            first = rel[0] if isinstance(rel, list) else rel
            split = "validation" if first in val_releases else "train"
        out[split].append(d)
    for split, fname in FILES.items():
        with open(os.path.join(HERE, fname), "w", encoding="utf-8") as f:
            for d in out[split]:
                f.write(json.dumps(d, ensure_ascii=False) + "\n")
    print(f"seed {SEED}: {len(val_releases)}/{n_releases} releases in validation; "
          f"train {len(out['train'])} questions, validation {len(out['validation'])} questions")


if __name__ == "__main__":
    main()
