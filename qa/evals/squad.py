"""Reading-comprehension datasets in the SQuAD format (1.1 and 2.0), as `qa eval` datasets.

Each paragraph becomes a release of its own (so retrieval must find it among the others), each question a gold
question whose facts are its answers. Scored as SQuAD's official script scores: the short answer and each gold
answer normalised (lower case, punctuation and articles dropped, spaces collapsed), exact match and token F1,
the best over the gold answers; an unanswerable question (2.0's `is_impossible`) is right when declined.
"""

from __future__ import annotations

import collections
import json
import re
import string
from pathlib import Path

from qa.evals.retrieval import GoldQuestion


class SquadError(ValueError):
    """A file that is not SQuAD JSON; the message names the file and what is wrong."""


def load(path: Path, releases: Path) -> list[GoldQuestion]:
    """The questions of a SQuAD file; its paragraphs written into `releases` as release files."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))["data"]
    except (OSError, ValueError, KeyError, TypeError) as err:
        raise SquadError(f"{path}: not a SQuAD file ({err})") from err
    releases.mkdir(parents=True, exist_ok=True)
    questions: list[GoldQuestion] = []
    n = 0
    for article in data:
        title = str(article.get("title", "")).replace("_", " ")
        for paragraph in article.get("paragraphs", []):
            n += 1
            name = f"p{n:05d}.txt"
            (releases / name).write_text(f"Title: {title}\nDate: \nSource: {path.name}#{n}\n\n"
                                         f"{paragraph['context']}\n", encoding="utf-8")
            for qa in paragraph.get("qas", []):
                answers = list(dict.fromkeys(a["text"] for a in qa.get("answers", []) if a.get("text")))
                impossible = bool(qa.get("is_impossible")) or not answers
                questions.append(GoldQuestion(id=str(qa["id"]), question=qa["question"],
                                              gold_facts=[] if impossible else answers,
                                              kind="unanswerable" if impossible else "squad",
                                              release=None if impossible else name))
    if not questions:
        raise SquadError(f"{path}: no questions")
    return questions


def normalize(text: str) -> str:
    """SQuAD's normalisation: lower case, no punctuation, no articles, single spaces."""
    text = "".join(c for c in text.lower() if c not in set(string.punctuation))
    text = re.sub(r"\b(a|an|the)\b", " ", text)
    return " ".join(text.split())


def exact(prediction: str, gold: str) -> float:
    return float(normalize(prediction) == normalize(gold))


def f1(prediction: str, gold: str) -> float:
    pred, truth = normalize(prediction).split(), normalize(gold).split()
    common = collections.Counter(pred) & collections.Counter(truth)
    same = sum(common.values())
    if not pred or not truth:
        return float(pred == truth)
    if same == 0:
        return 0.0
    precision, recall = same / len(pred), same / len(truth)
    return 2 * precision * recall / (precision + recall)


def best(metric: str, prediction: str, golds: list[str]) -> float:
    """The best score of the prediction over the gold answers."""
    score = exact if metric == "exact" else f1
    return max((score(prediction, g) for g in golds), default=0.0)
