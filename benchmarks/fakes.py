"""Does the answer path keep a good model's answers and drop a careless one's? (issue 8, B)

Ingests the shared corpus into a temporary index and asks every dev question
with the model always asked (answer mode "model"), once with a scripted oracle
(the gold facts, phrased naturally) and once with each kind of scripted
adversary (a changed number, a name from another release, an invented date,
the question echoed). No model server, no network: seconds, not minutes.
Goals: oracle answers accepted with every gold fact >= 0.95; adversary answers
rejected 1.00 for every kind.
Run: .venv/bin/python benchmarks/fakes.py [--corpus ../shared/corpus] [--json]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from qa.testing.fake_models import Acceptance, acceptance_on_corpus

CORPUS = Path(__file__).resolve().parent.parent.parent / "shared" / "corpus"
ORACLE_GOAL, ADVERSARY_GOAL = 0.95, 1.0


def table(result: Acceptance) -> str:
    """The measure as a compact table, with the questions behind each miss."""
    rows = [f"{'':28}{'reached':>8}{'kept':>6}{'share':>7}  goal",
            f"{'oracle accepted, all facts':28}{result.oracle.reached:>8}{result.oracle.kept:>6}"
            f"{result.oracle.rate:>7.3f}  >= {ORACLE_GOAL}"]
    rows += [f"{'adversary ' + kind + ' rejected':28}{r.reached:>8}{r.kept:>6}{r.rate:>7.3f}  {ADVERSARY_GOAL}"
             for kind, r in result.adversary.items()]
    if result.oracle_candidates_missing:
        rows.append(f"no candidate held a gold fact (no model could answer): "
                    f"{', '.join(result.oracle_candidates_missing)}")
    rows += [f"oracle not accepted {qid}: {why}" for qid, why in result.oracle.why.items()]
    rows += [f"adversary {kind} accepted {qid}: {why}" for kind, r in result.adversary.items()
             for qid, why in r.why.items()]
    rows.append(f"{result.questions} questions, {result.seconds:.1f} s")
    return "\n".join(rows)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--json", action="store_true", help="print the result as JSON")
    args = parser.parse_args()
    result = acceptance_on_corpus(args.corpus)
    print(result.model_dump_json(indent=2) if args.json else table(result))
    met = result.oracle.rate >= ORACLE_GOAL and result.adversary_rejected >= ADVERSARY_GOAL
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
