#!/usr/bin/env python3
"""Validate the grown evaluation sets (standard library only).

Checks, for grow-train.jsonl and grow-validation.jsonl:
  * every line parses as a JSON object with the required fields;
  * kind and style are valid; ids are unique and well formed;
  * every release file exists (evals/data/releases/ or the shared corpus) and
    has the Title/Date/Source header;
  * every gold fact occurs literally (case-sensitive substring) in its
    release's body (for multi_release: in one of the listed releases);
  * unanswerable rows have release null and no gold facts;
  * no release (and no multi_release question) spans both splits.
Exit status 0 when everything passes, 1 otherwise.

Usage: python3 evals/data/check.py [--corpus PATH]
"""
import argparse
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))  # evals/, for the shared JSONL reader
from jsonl_rows import rows  # noqa: E402

SPLITS = {"train": "grow-train.jsonl", "validation": "grow-validation.jsonl"}
KINDS = {"lookup", "numeric", "entity", "multi_release", "unanswerable"}
STYLES = {"typed", "formal"}
REQUIRED = ("id", "release", "question", "gold_facts", "kind", "style")
ID_RE = re.compile(r"^g(\d{3}|u)_q\d+$")


def default_corpus():
    # <project>/evals/data -> <project>/../shared/corpus/dod-releases
    project = os.path.dirname(os.path.dirname(HERE))
    return os.path.normpath(os.path.join(project, "..", "shared", "corpus", "dod-releases"))


def read_release(name, dirs, cache, errors):
    if name in cache:
        return cache[name]
    for d in dirs:
        path = os.path.join(d, name)
        if os.path.isfile(path):
            with open(path, encoding="utf-8") as f:
                text = f.read()
            head, sep, body = text.partition("\n\n")
            lines = head.split("\n")
            if not (sep and len(lines) >= 3 and lines[0].startswith("Title: ")
                    and lines[1].startswith("Date:") and lines[2].startswith("Source: ")):
                errors.append(f"{name}: bad header (want Title/Date/Source then a blank line)")
            cache[name] = body
            return body
    errors.append(f"release file not found: {name}")
    cache[name] = None
    return None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--corpus", default=default_corpus())
    args = ap.parse_args()
    dirs = [os.path.join(HERE, "releases"), args.corpus]
    errors, cache = [], {}
    seen_ids, release_split = {}, {}
    n = 0
    for split, fname in SPLITS.items():
        path = os.path.join(HERE, fname)
        if not os.path.isfile(path):
            errors.append(f"missing {fname}")
            continue
        for where, d in rows(path, errors):
            n += 1
            if not isinstance(d, dict):
                errors.append(f"{where}: not an object")
                continue
            missing = [k for k in REQUIRED if k not in d]
            if missing:
                errors.append(f"{where}: missing fields {missing}")
                continue
            qid, kind, rel, facts = d["id"], d["kind"], d["release"], d["gold_facts"]
            if not ID_RE.match(str(qid)):
                errors.append(f"{where}: bad id {qid!r}")
            if qid in seen_ids:
                errors.append(f"{where}: duplicate id {qid} (also {seen_ids[qid]})")
            seen_ids[qid] = where
            if kind not in KINDS:
                errors.append(f"{where}: bad kind {kind!r}")
            if d["style"] not in STYLES:
                errors.append(f"{where}: bad style {d['style']!r}")
            if not isinstance(d["question"], str) or not d["question"].strip():
                errors.append(f"{where}: empty question")
            if not isinstance(facts, list) or not all(isinstance(x, str) and x for x in facts):
                errors.append(f"{where}: gold_facts must be a list of non-empty strings")
                continue
            if kind == "unanswerable":
                if rel is not None or facts:
                    errors.append(f"{where}: unanswerable needs release null and no gold facts")
                continue
            if kind == "multi_release":
                if not (isinstance(rel, list) and len(rel) >= 2):
                    errors.append(f"{where}: multi_release needs a list of 2+ releases")
                    continue
                rels = rel
            else:
                if not isinstance(rel, str):
                    errors.append(f"{where}: release must be a file name")
                    continue
                rels = [rel]
            if not facts:
                errors.append(f"{where}: no gold facts")
            if qid.startswith("g") and not qid.startswith("gu_") and not rels[0].startswith(qid[1:4] + "_"):
                errors.append(f"{where}: id {qid} does not match first release {rels[0]}")
            bodies = [read_release(r, dirs, cache, errors) for r in rels]
            for fact in facts:
                if not any(b is not None and fact in b for b in bodies):
                    errors.append(f"{where}: gold fact {fact!r} not in body of {rels}")
            for r in rels:
                prev = release_split.setdefault(r, split)
                if prev != split:
                    errors.append(f"{where}: release {r} appears in both {prev} and {split}")
    for e in errors:
        print("FAIL", e)
    print(f"{n} questions, {len(release_split)} releases, {len(errors)} problems")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
