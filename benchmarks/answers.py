"""Answer quality of `qa ask` on the dev questions, on the configured model (default: the embedded local one).

One run reports, for the model asked on every question (answer mode "model") and for the extractive answer
alone (mode "extractive", no model): answerable questions with all gold facts, multi-release ones with all
facts, short answers (all facts in at most AnswerSettings.short_words words), answered-but-wrong (printed as a
full answer with a fact missing), partial answers, unanswerable questions declined, the grounding rate,
prompt tokens and latency. Then the latency of a warm ask in auto mode (the default of `qa ask`), the
acceptance of scripted oracle and adversary answers (qa.testing.fake_models, as benchmarks/fakes.py), and the same
model given the whole gold release with a plain prompt. Facts are matched as `qa eval` matches them.
Run: .venv/bin/python benchmarks/answers.py [--limit N] [--no-baseline] [--no-auto]
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

from qa.answer import Answerer
from qa.evals.evaluation import load_dataset as load_questions
from qa.evals.retrieval import GoldQuestion
from qa.evals.scoring import fact_found, percentile, score_question
from qa.index.store import Store
from qa.ingest.load import read_file
from qa.ingest.pipeline import ingest_paths
from qa.llm.client import ModelClient, ModelError, no_model_client
from qa.llm.endpoint import model_client
from qa.settings import Settings
from qa.testing.fake_models import Acceptance, measure_acceptance

CORPUS = Path(__file__).resolve().parent.parent.parent / "shared" / "corpus"
RESULTS = Path(__file__).resolve().parent / "results" / "answers.json"


class PlainReply(BaseModel):
    answer: str = Field(max_length=200, description="The answer in a few words")


def has_facts(q: GoldQuestion, text: str) -> bool:
    return all(fact_found(f, text) for f in q.gold_facts)


def pct(values: list[float], p: float) -> float:
    return percentile(values, p)


def share(rows: list[dict], key: str) -> float | None:
    """None for no rows (e.g. no multi-release question in a --limit run), printed as "-"."""
    return sum(bool(r[key]) for r in rows) / len(rows) if rows else None


def run_qa(answerer: Answerer, questions: list[GoldQuestion]) -> dict:
    rows = []
    short_words = answerer.settings.answer.short_words
    for q in questions:
        started = time.perf_counter()
        a = answerer.ask(q.question)
        seconds = time.perf_counter() - started
        s = score_question(q, a, set(), seconds, short_words=short_words)
        rows.append({
            "id": q.id, "kind": q.kind, "mode": a.mode, "support": a.support, "answered": a.answered,
            "answer": a.answer, "facts": s.all_facts if q.gold_facts else None, "short": s.short,
            "answered_wrong": s.answered_wrong, "partial": s.partial,
            "grounded": s.grounded == 1.0,
            "prompt_tokens": sum(u.prompt_tokens for u in a.usage), "calls": len(a.usage), "seconds": seconds,
        })
        print(f"  {q.id:8} {a.mode:10} {a.support:8} facts={rows[-1]['facts']} {seconds:.1f}s", file=sys.stderr)
    answerable = [r for r in rows if r["kind"] != "unanswerable"]
    unanswerable = [r for r in rows if r["kind"] == "unanswerable"]
    return {
        "all_facts": share(answerable, "facts"),
        "multi_release": share([r for r in answerable if r["kind"] == "multi_release"], "facts"),
        "short_answers": share(answerable, "short"),
        "answered_wrong": share(answerable, "answered_wrong"),
        "partial": share(answerable, "partial"),
        "declined": sum(not r["answered"] for r in unanswerable) / len(unanswerable) if unanswerable else None,
        "grounded": share(rows, "grounded"),
        "prompt_tokens_mean": statistics.mean(r["prompt_tokens"] for r in rows),
        "prompt_tokens_max": max(r["prompt_tokens"] for r in rows),
        "latency_p50_s": pct([r["seconds"] for r in rows], 50),
        "latency_p95_s": pct([r["seconds"] for r in rows], 95),
        "modes": {m: sum(r["mode"] == m for r in rows) for m in ("model", "extractive", "declined")},
        "rows": rows,
    }


def warm_auto(answerer: Answerer, questions: list[GoldQuestion]) -> dict:
    """Latency of `qa ask` as a user gets it (auto mode), after one ask has warmed the index and the model."""
    answerer.ask(questions[0].question)
    seconds, modes = [], []
    for q in questions:
        started = time.perf_counter()
        modes.append(answerer.ask(q.question).mode)
        seconds.append(time.perf_counter() - started)
    return {"latency_p50_s": pct(seconds, 50), "latency_p95_s": pct(seconds, 95),
            "modes": {m: modes.count(m) for m in ("model", "extractive", "declined")}}


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
    parser.add_argument("--no-baseline", action="store_true", help="skip the plain whole-release baseline")
    parser.add_argument("--no-auto", action="store_true", help="skip the warm auto-mode latency")
    args = parser.parse_args()
    questions = load_questions(args.corpus / "gold-dev.jsonl")
    if args.limit:
        questions = questions[:args.limit]
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(db=Path(tmp) / "bench.db")
        store = Store(settings.db)
        ingest_paths(store, [args.corpus / "dod-releases"], settings.index)
        client = model_client(settings)
        ours = run_qa(Answerer(store, settings.with_mode("model"), lambda: client), questions)
        floor = run_qa(Answerer(store, settings.with_mode("extractive"), lambda: no_model_client(settings.model)),
                       questions)
        auto = None if args.no_auto else warm_auto(Answerer(store, settings.with_mode("auto"), lambda: client),
                                                   questions)
        fakes = measure_acceptance(store, questions, settings)
        plain = None if args.no_baseline else run_plain(client, [q for q in questions if q.gold_facts], args.corpus)
        store.close()
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps({"model": settings.model.model, "qa": ours, "floor_only": floor, "auto": auto,
                                   "fakes": fakes.model_dump(), "plain": plain}, indent=2))
    print(table(settings.model.model, len(questions), ours, floor, auto, fakes, plain))
    print(f"figures: {RESULTS}")
    return 0


def table(model: str, n: int, ours: dict, floor: dict, auto: dict | None, fakes: Acceptance,
          plain: dict | None) -> str:
    """The run's figures as one compact table: model mode, extractive alone, plain baseline, goal."""
    def cell(value: float | None, fmt: str) -> str:
        return "-" if value is None else f"{value:{fmt}}"

    def row(label: str, key: str, goal: str, fmt: str = ".3f", base: bool = False) -> str:
        other = cell(plain[key], fmt) if base and plain else "-"
        return f"{label:34}{cell(ours[key], fmt):>9}{cell(floor[key], fmt):>12}{other:>8}  {goal}"

    lines = [f"model {model}; {n} questions",
             f"{'':34}{'model':>9}{'extractive':>12}{'plain':>8}  goal",
             row("answerable, all gold facts", "all_facts", ">= 0.90", base=True),
             row("multi_release, all gold facts", "multi_release", ">= 0.75"),
             row("short answers (all facts)", "short_answers", ">= 0.70"),
             row("answered but wrong", "answered_wrong", "<= 0.05"),
             row("partial", "partial", ""),
             row("unanswerable declined", "declined", ">= 0.95"),
             row("answers fully grounded", "grounded", "1.0"),
             row("prompt tokens / question (mean)", "prompt_tokens_mean", "< 1000", ".0f", base=True),
             row("prompt tokens / question (max)", "prompt_tokens_max", "", ".0f"),
             row("latency p50 s", "latency_p50_s", "", ".2f"),
             row("latency p95 s", "latency_p95_s", "", ".2f"),
             f"modes: model {ours['modes']}, extractive {floor['modes']}"]
    if auto:
        lines.append(f"{'warm ask, auto mode, p50 / p95 s':34}{auto['latency_p50_s']:>9.2f} / "
                     f"{auto['latency_p95_s']:.2f}   modes {auto['modes']}")
    lines.append(f"{'oracle accepted, all facts':34}{fakes.oracle.rate:>9.3f}  ({fakes.oracle.kept} of "
                 f"{fakes.oracle.reached})  >= 0.95")
    lines += [f"{'adversary ' + kind + ' rejected':34}{r.rate:>9.3f}  ({r.kept} of {r.reached})  1.0"
              for kind, r in fakes.adversary.items()]
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
