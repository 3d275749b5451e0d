#!/usr/bin/env python3
"""Validate the gold briefings of every `[[briefings]]` set of evals/config.toml (standard library only).

Checks, for each set (its `briefs` file read against its own `corpus` folders):
  * every line parses as a JSON object with the fields of the briefs-dev.jsonl format;
  * ids are unique across all sets;
  * `since` / `until` are ISO dates (or null), in order;
  * every release named in must_include / must_exclude is a file of the set's corpus with a
    Title/Date/Source header, and no release is in both lists;
  * a must_include release with a date lies inside the range; with a range, it has a date (an undated
    release cannot be shown to fall inside it);
  * every fact occurs literally (case-sensitive substring) in the body of one must_include release: a
    briefing that cites its releases can hold it;
  * every noise string occurs in the body of some release of the corpus: it can be printed, so its absence
    means something.
Exit status 0 when everything passes, 1 otherwise.

Usage: python3 evals/briefs/check.py [--config evals/config.toml]
"""
import argparse
import os
import sys
from datetime import date

import tomllib

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))  # evals/, for the shared JSONL reader
from jsonl_rows import rows  # noqa: E402

FIELDS = {"id": str, "query": (str, type(None)), "since": (str, type(None)), "until": (str, type(None)),
          "must_include": list, "must_exclude": list, "facts": list, "noise": list}


def read_corpus(folders, errors):
    """File name -> (date, body) for every release of the folders."""
    releases = {}
    for folder in folders:
        if not os.path.isdir(folder):
            errors.append(f"corpus folder not found: {folder}")
            continue
        for name in sorted(os.listdir(folder)):
            if not name.endswith(".txt"):
                continue
            with open(os.path.join(folder, name), encoding="utf-8") as f:
                head, sep, body = f.read().partition("\n\n")
            lines = head.split("\n")
            if not (sep and len(lines) >= 3 and lines[0].startswith("Title: ")
                    and lines[1].startswith("Date:") and lines[2].startswith("Source: ")):
                errors.append(f"{name}: bad header (want Title/Date/Source then a blank line)")
                continue
            releases[name] = (lines[1][len("Date:"):].strip(), body)
    return releases


def iso(value, where, errors):
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        errors.append(f"{where}: {value!r} is not an ISO date")
        return None


def check_row(d, where, releases, errors):
    for field, kind in FIELDS.items():
        if field not in d or not isinstance(d[field], kind):
            errors.append(f"{where}: field {field!r} missing or of the wrong type")
            return
    since, until = iso(d["since"], where, errors), iso(d["until"], where, errors)
    if since and until and since > until:
        errors.append(f"{where}: since after until")
    if set(d["must_include"]) & set(d["must_exclude"]):
        errors.append(f"{where}: a release in both must_include and must_exclude")
    if not d["must_include"]:
        errors.append(f"{where}: no must_include release")
    for name in d["must_include"] + d["must_exclude"]:
        if name not in releases:
            errors.append(f"{where}: release {name} not in the corpus")
    bodies = []
    for name in d["must_include"]:
        if name not in releases:
            continue
        dated, body = releases[name]
        bodies.append(body)
        day = iso(dated, f"{where}: {name}", errors) if dated else None
        if (since or until) and day is None:
            errors.append(f"{where}: {name} is undated, so no range holds it")
        elif day and ((since and day < since) or (until and day > until)):
            errors.append(f"{where}: {name} ({dated}) lies outside the range")
    for fact in d["facts"]:
        if not isinstance(fact, str) or not fact or not any(fact in b for b in bodies):
            errors.append(f"{where}: fact {fact!r} not in the body of a must_include release")
    for noise in d["noise"]:
        if not isinstance(noise, str) or not noise or not any(noise in b for _, b in releases.values()):
            errors.append(f"{where}: noise {noise!r} is in no release of the corpus")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--config", default=os.path.join(os.path.dirname(HERE), "config.toml"))
    args = ap.parse_args()
    base = os.path.dirname(os.path.abspath(args.config))
    with open(args.config, "rb") as f:
        sets = tomllib.load(f).get("briefings", [])
    errors, seen, n = [], {}, 0
    for s in sets:
        path = os.path.normpath(os.path.join(base, s["briefs"]))
        releases = read_corpus([os.path.normpath(os.path.join(base, c)) for c in s["corpus"]], errors)
        if not os.path.isfile(path):
            errors.append(f"{s['name']}: briefs file not found: {path}")
            continue
        for where, d in rows(path, errors):
            n += 1
            if not isinstance(d, dict):
                errors.append(f"{where}: not an object")
                continue
            if d.get("id") in seen:
                errors.append(f"{where}: id {d.get('id')!r} also at {seen[d['id']]}")
            seen[d.get("id")] = where
            check_row(d, where, releases, errors)
    for e in errors:
        print(e)
    print(f"{n} briefings in {len(sets)} sets, {len(errors)} problems")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
