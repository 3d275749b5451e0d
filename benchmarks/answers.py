"""Answer quality of `qa ask` on the dev questions, on the configured model (default: the embedded local one).

Reports the share of answerable questions whose answer holds all gold facts,
the share of unanswerable ones declined, the grounding rate (answers whose
every figure, name, date and quote stands in their citations), prompt tokens
per question and latency; and, in the same run, two baselines: the extractive
floor alone (no model), and the same model given the whole gold release with a
plain prompt.
Run: .venv/bin/python benchmarks/answers.py [--limit N] [--no-baseline]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

from pydantic import BaseModel, Field

from qa import grounding
from qa.answer import Answerer
from qa.endpoint import model_client
from qa.evaluation import load_dataset as load_questions
from qa.ingest import ingest_paths
from qa.llm_client import ModelClient, ModelError
from qa.load import read_file
from qa.retrieval_eval import GoldQuestion, fact_in
from qa.settings import Settings
from qa.store import Store

CORPUS = Path(__file__).resolve().parent.parent.parent / "shared" / "corpus"
RESULTS = Path(__file__).resolve().parent / "results" / "answers.json"


class PlainReply(BaseModel):
    answer: str = Field(max_length=200, description="The answer in a few words")


def has_facts(q: GoldQuestion, text: str) -> bool:
    return all(fact_in(f, text) for f in q.gold_facts)


def pct(values: list[float], p: float) -> float:
    return statistics.quantiles(values, n=100)[int(p) - 1] if len(values) > 1 else (values[0] if values else 0.0)


def run_qa(answerer: Answerer, questions: list[GoldQuestion]) -> dict:
    rows = []
    for q in questions:
        started = time.perf_counter()
        a = answerer.ask(q.question)
        rows.append({
            "id": q.id, "kind": q.kind, "mode": a.mode, "answered": a.answered, "answer": a.answer,
            "facts": has_facts(q, a.answer) if q.gold_facts else None,
            "grounded": grounding.check(a.answer, [c.quote for c in a.citations]).rate == 1.0 if a.answered else True,
            "prompt_tokens": sum(u.prompt_tokens for u in a.usage), "calls": len(a.usage),
            "seconds": time.perf_counter() - started,
        })
        print(f"  {q.id:8} {a.mode:10} facts={rows[-1]['facts']} {rows[-1]['seconds']:.1f}s", file=sys.stderr)
    answerable = [r for r in rows if r["kind"] != "unanswerable"]
    unanswerable = [r for r in rows if r["kind"] == "unanswerable"]
    return {
        "all_facts": sum(bool(r["facts"]) for r in answerable) / max(1, len(answerable)),
        "declined": sum(not r["answered"] for r in unanswerable) / max(1, len(unanswerable)),
        "grounded": sum(r["grounded"] for r in rows) / max(1, len(rows)),
        "prompt_tokens_mean": statistics.mean(r["prompt_tokens"] for r in rows),
        "prompt_tokens_max": max(r["prompt_tokens"] for r in rows),
        "latency_p50_s": pct([r["seconds"] for r in rows], 50),
        "latency_p95_s": pct([r["seconds"] for r in rows], 95),
        "modes": {m: sum(r["mode"] == m for r in rows) for m in ("model", "extractive", "declined")},
        "rows": rows,
    }


def run_plain(client: ModelClient, questions: list[GoldQuestion], corpus: Path) -> dict:
    """The model alone: the whole gold release and the question, no retrieval, no checks."""
    rows = []
    for q in questions:
        if not isinstance(q.release, str):
            continue
        [draft], _ = read_file(corpus / "dod-releases" / q.release)
        messages = [{"role": "system", "content": "Answer the question from the press release."},
                    {"role": "user", "content": f"Press release:\n{draft.text}\n\nQuestion: {q.question}"}]
        started = time.perf_counter()
        try:
            reply, usage = client.structured(messages, PlainReply, name="plain")
            text, tokens = reply.answer, sum(u.prompt_tokens for u in usage)
        except ModelError:
            text, tokens = "", 0
        rows.append({"id": q.id, "facts": has_facts(q, text), "answer": text, "prompt_tokens": tokens,
                     "seconds": time.perf_counter() - started})
    return {"all_facts": sum(r["facts"] for r in rows) / max(1, len(rows)), "questions": len(rows),
            "prompt_tokens_mean": statistics.mean(r["prompt_tokens"] for r in rows) if rows else 0, "rows": rows}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--limit", type=int, default=0, help="only the first N questions")
    parser.add_argument("--no-baseline", action="store_true")
    args = parser.parse_args()
    questions = load_questions(args.corpus / "gold-dev.jsonl")
    if args.limit:
        questions = questions[:args.limit]
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(db=Path(tmp) / "bench.db")
        store = Store(settings.db)
        ingest_paths(store, [args.corpus / "dod-releases"], settings.index)
        client = model_client(settings)
        ours = run_qa(Answerer(store, settings, lambda: client), questions)

        class NoModel(ModelClient):
            def structured(self, *a, **k):  # noqa: ANN002, ANN003 - the floor alone: every call "fails"
                raise ModelError("no model in this run", attempts=0)

        floor = run_qa(Answerer(store, settings, lambda: NoModel(settings.model, "http://unused.test/v1")),
                       questions)
        plain = None if args.no_baseline else run_plain(client, [q for q in questions if q.gold_facts], args.corpus)
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps({"model": settings.model.model, "qa": ours, "floor_only": floor, "plain": plain},
                                  indent=2))
    print(f"model {settings.model.model}; {len(questions)} questions")
    print(f"{'':32}{'qa ask':>10}{'floor only':>12}{'plain':>10}  goal")
    print(f"{'answerable with all gold facts':32}{ours['all_facts']:>10.3f}{floor['all_facts']:>12.3f}"
          f"{plain['all_facts'] if plain else float('nan'):>10.3f}  >= 0.75")
    print(f"{'unanswerable declined':32}{ours['declined']:>10.3f}{floor['declined']:>12.3f}{'-':>10}  >= 0.8")
    print(f"{'answers fully grounded':32}{ours['grounded']:>10.3f}{floor['grounded']:>12.3f}{'-':>10}  1.0")
    print(f"{'prompt tokens / question (mean)':32}{ours['prompt_tokens_mean']:>10.0f}{0:>12}"
          f"{plain['prompt_tokens_mean'] if plain else 0:>10.0f}  < 1000")
    print(f"{'prompt tokens / question (max)':32}{ours['prompt_tokens_max']:>10.0f}")
    print(f"{'latency p50 / p95 s':32}{ours['latency_p50_s']:>5.1f} /{ours['latency_p95_s']:>4.1f}"
          f"{floor['latency_p50_s']:>6.2f} /{floor['latency_p95_s']:>4.2f}")
    print(f"modes: {ours['modes']}")
    print(f"figures: {RESULTS}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
