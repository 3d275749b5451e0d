"""Scripted stand-ins for the model, behind the same HTTP seam as a real server.

The answer path trusts a model's reply only after checking it, and those checks
can only be measured with models whose behaviour is known: an oracle that
answers as a capable model would (the gold facts, phrased naturally, sometimes
quoting the wrong candidate) must be accepted, and an adversary that answers as
a careless one would (a changed number, a stranger's name, an invented date,
the question echoed back) must be rejected. Both read the chat-completions
request the client really sends (the question line of the prompt, and the
candidate sentences the schema's `quote` enum allows, in any of the three
structured-output shapes) and reply with a real chat completion, so the whole
client (schema checks, usage, retries) runs as it does against a server.
"""

from __future__ import annotations

import hashlib
import json
import re
import socket
import tempfile
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import httpx2
from pydantic import BaseModel, Field

from qa.evals.retrieval import GoldQuestion
from qa.evals.scoring import fact_found
from qa.index.store import Store
from qa.llm.client import ModelClient, ModelError
from qa.schemas import Answer
from qa.settings import ModelSettings, Settings
from qa.text import grounding
from qa.text.analyze import CARDINALS, ORDINALS

NOT_SAID = "The passages do not say."
MAX_ANSWER = 80  # ModelAnswer.answer's max_length
FAKE_URL = "http://fake-model.test/v1"
Shape = Literal["json_schema", "json_object", "tool"]
AdversaryKind = Literal["number", "name", "date", "echo", "irrelevant"]
ADVERSARY_KINDS: tuple[AdversaryKind, ...] = ("number", "name", "date", "echo", "irrelevant")

# Real people of the corpus (tests/test_fake_models.py checks each stands in it): a name from another
# release is the most plausible wrong answer a model can give.
CORPUS_NAMES = ("Kingsley Wilson", "Todd Breasseale", "Pat Ryder", "Kathleen Hicks", "Christine Wormuth",
                "Richard Marles", "Oleksii Reznikov", "Gilberto Teodoro", "Carlito Galvez", "JD Vance",
                "Rustem Umerov", "Pete Hegseth", "Joe Biden")
# Dates no release of the corpus gives; each is still checked against the candidates before use.
INVENTED_DATES = ("June 3, 2019", "Nov. 8, 2017", "February 27, 2016", "Oct. 30, 2013", "April 9, 2021")


# --- Reading a request ---------------------------------------------------------------------------------------------

@dataclass
class ChatRequest:
    """What a fake needs from a chat-completions body."""

    question: str
    candidates: list[str]
    shape: Shape
    tool: str = ""
    model: str = "fake"
    prompt_chars: int = 0
    # Every message as sent, role by role: what a test checks the model was (never) shown.
    messages: list[dict[str, str]] = field(default_factory=list)


def parse_request(body: dict[str, Any]) -> ChatRequest:
    """The question and the quotable candidates of a request, whichever way its schema was sent."""
    messages = body.get("messages") or []
    question = ""
    for message in reversed(messages):  # a retry ends with the rejection; the question is further up
        if message.get("role") != "user" or not isinstance(message.get("content"), str):
            continue
        found = re.findall(r"^\s*Question:\s*(.+?)\s*$", message["content"], re.MULTILINE)
        if found:
            question = found[-1]
            break
    tool = ""
    fmt = body.get("response_format") or {}
    if body.get("tools"):
        shape: Shape = "tool"
        function = body["tools"][0].get("function", {})
        schema, tool = function.get("parameters", {}), function.get("name", "")
    elif fmt.get("type") == "json_schema":
        shape, schema = "json_schema", fmt.get("json_schema", {}).get("schema", {})
    else:
        shape, schema = "json_object", fmt.get("schema", {})
    chars = sum(len(m.get("content") or "") for m in messages if isinstance(m, dict))
    sent = [{"role": str(m.get("role", "")), "content": str(m.get("content") or "")}
            for m in messages if isinstance(m, dict)]
    return ChatRequest(question=question, candidates=quote_choices(schema), shape=shape, tool=tool,
                       model=str(body.get("model", "fake")), prompt_chars=chars, messages=sent)


def quote_choices(schema: object) -> list[str]:
    """The values the schema allows for `quote`, found at any depth ($defs, allOf, nested objects);
    failing that, the first string enum anywhere."""
    fallback: list[str] = []

    def allowed(node: dict[str, Any]) -> list[str]:
        if isinstance(node.get("enum"), list):
            return [v for v in node["enum"] if isinstance(v, str)]
        return [node["const"]] if isinstance(node.get("const"), str) else []

    def walk(node: object) -> list[str]:
        nonlocal fallback
        if isinstance(node, list):
            for item in node:
                if found := walk(item):
                    return found
            return []
        if not isinstance(node, dict):
            return []
        quote = (node.get("properties") or {}).get("quote")
        if isinstance(quote, dict) and (found := allowed(quote) or walk(quote)):
            return found
        if not fallback:
            fallback = allowed(node)
        for value in node.values():
            if found := walk(value):
                return found
        return []

    return walk(schema) or fallback


def completion(request: ChatRequest, reply: dict[str, str]) -> dict[str, Any]:
    """A chat completion carrying `reply` the way the request asked for it (content, or a forced tool call)."""
    arguments = json.dumps(reply)
    message: dict[str, Any] = {"role": "assistant", "content": arguments}
    finish = "stop"
    if request.shape == "tool":
        message = {"role": "assistant", "content": None, "tool_calls": [
            {"id": "call_0", "type": "function", "function": {"name": request.tool, "arguments": arguments}}]}
        finish = "tool_calls"
    prompt, done = -(-request.prompt_chars // 4), -(-len(arguments) // 4)  # about four characters a token
    return {"id": "chatcmpl-fake", "object": "chat.completion", "created": 0, "model": request.model,
            "choices": [{"index": 0, "message": message, "finish_reason": finish}],
            "usage": {"prompt_tokens": prompt, "completion_tokens": done, "total_tokens": prompt + done}}


# --- The fakes -----------------------------------------------------------------------------------------------------

def _key(question: str) -> str:
    return " ".join(question.lower().split())


def _seed(text: str) -> int:
    """A stable number per question, so each run varies answers the same way."""
    return int(hashlib.sha1(_key(text).encode()).hexdigest()[:8], 16)


@dataclass
class FakeModel:
    """An httpx2 MockTransport handler that answers chat completions; counts its calls."""

    gold: list[GoldQuestion] = field(default_factory=list)
    calls: int = 0
    requests: list[ChatRequest] = field(default_factory=list)
    replies: list[dict[str, str]] = field(default_factory=list)

    def __call__(self, request: httpx2.Request) -> httpx2.Response:
        self.calls += 1
        parsed = parse_request(json.loads(request.content))
        self.requests.append(parsed)
        if not parsed.candidates:
            self.replies.append({"quote": "", "answer": ""})
            return httpx2.Response(400, json={"error": {"message": "no quote enum in the request's schema"}})
        reply = self.reply(parsed)
        self.replies.append(reply)
        return httpx2.Response(200, json=completion(parsed, reply))

    def reply(self, request: ChatRequest) -> dict[str, str]:
        raise NotImplementedError

    def gold_for(self, question: str) -> GoldQuestion | None:
        """The gold question asked, case and spacing aside; the longest one the question starts with
        when words were appended to it."""
        key = _key(question)
        best: GoldQuestion | None = None
        for q in self.gold:
            gold_key = _key(q.question)
            if (key == gold_key or key.startswith(gold_key.rstrip("?"))) and (
                    best is None or len(gold_key) > len(_key(best.question))):
                best = q
        return best


def holding(facts: list[str], candidates: list[str]) -> int | None:
    """Index of the candidate holding the most facts (at least one), the first among equals."""
    counts = [sum(fact_found(f, c) for f in facts) for c in candidates]
    if not counts or max(counts) == 0:
        return None
    return counts.index(max(counts))


_MONTHS_FULL = {"jan": "January", "feb": "February", "mar": "March", "apr": "April", "may": "May", "jun": "June",
                "jul": "July", "aug": "August", "sep": "September", "sept": "September", "oct": "October",
                "nov": "November", "dec": "December"}
_DATE = re.compile(r"^(?P<month>[A-Z][a-z]+)\.? (?P<day>\d{1,2})(?:, (?P<year>\d{4}))?$")
_CARD_BY_VALUE = {v: w for w, v in CARDINALS.items() if "-" not in w or v > 20}
_ORD_BY_VALUE = {v: w for w, v in ORDINALS.items()}


def _suffix(n: int) -> str:
    return "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")


def fact_forms(fact: str) -> list[str]:
    """The fact and other ways of writing the same value: "four" and "4", "Jan. 14" and "January 14",
    "March 31, 2022" and "31 March 2022", "fifth" and "5th", "150,000" and "150000"."""
    forms = [fact]
    lower = fact.lower()
    if lower in CARDINALS:
        forms.append(str(CARDINALS[lower]))
    elif fact.isdigit() and int(fact) in _CARD_BY_VALUE and int(fact) < 100:
        forms.append(_CARD_BY_VALUE[int(fact)])
    if lower in ORDINALS:
        forms.append(f"{ORDINALS[lower]}{_suffix(ORDINALS[lower])}")
    elif (m := re.fullmatch(r"(\d+)(st|nd|rd|th)", lower)) and int(m.group(1)) in _ORD_BY_VALUE:
        forms.append(_ORD_BY_VALUE[int(m.group(1))])
    if re.fullmatch(r"\d{1,3}(,\d{3})+", fact):
        forms.append(fact.replace(",", ""))
    if (m := _DATE.match(fact)) and (month := _month(m.group("month"))):
        forms.append(f"{month} {m.group('day')}" + (f", {m.group('year')}" if m.group("year") else ""))
        if m.group("year"):
            forms.append(f"{m.group('day')} {month} {m.group('year')}")
    return list(dict.fromkeys(forms))


def _month(word: str) -> str | None:
    """A month's full name from any of its spellings ("Sept", "Jan", "March"), else None."""
    key = word.lower().rstrip(".")
    full = "September" if key.startswith("sep") else _MONTHS_FULL.get(key[:3])
    return full if full and (key == full.lower() or len(key) <= 4) else None


def _join(parts: list[str]) -> str:
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


def _context(fact: str, sentence: str, question: str, before: bool) -> str:
    """Up to three words of the sentence next to the fact, within its clause and without other figures, as a
    model quoting around it would write; where the sentence gives the fact twice ("18 vehicles ... 18 patrol
    boats"), the words nearest the question's."""
    asked = set(re.findall(r"\w+", question.lower()))
    best, best_overlap = "", -1
    for m in re.finditer(r"(?<!\w)" + re.escape(fact) + r"(?!\w)", sentence, re.IGNORECASE):
        side = sentence[:m.start()].split()[::-1] if before else sentence[m.end():].split()
        words: list[str] = []
        for raw in side[:3]:
            word = raw.strip("\"'()“”")
            if not word.strip(".,;:-—") or re.search(r"\d", word) or (before and word[-1] in ",;:"):
                break
            words.append(word.rstrip(",;:."))
            if not before and raw[-1] in ",;:.":
                break
        words = words[::-1] if before else words
        overlap = len(asked & {w.lower() for w in words})
        if overlap > best_overlap:
            best, best_overlap = " ".join(words), overlap
    return best


def _ok(answer: str, facts: list[str], sources: list[str]) -> bool:
    return (0 < len(answer) <= MAX_ANSWER and all(fact_found(f, answer) for f in facts)
            and not grounding.check(answer, sources).ungrounded)


@dataclass
class Oracle(FakeModel):
    """Answers as a capable model would: every gold fact, phrased naturally and varied per question."""

    def reply(self, request: ChatRequest) -> dict[str, str]:
        gold = self.gold_for(request.question)
        index = holding(gold.gold_facts, request.candidates) if gold and gold.gold_facts else None
        if gold is None or index is None:
            return {"quote": request.candidates[0], "answer": NOT_SAID}
        return {"quote": request.candidates[self._quoted(index, request)],
                "answer": self.answer_for(gold.gold_facts, request.candidates, request.question)}

    @staticmethod
    def _quoted(index: int, request: ChatRequest) -> int:
        """One question in four quotes a neighbour of the sentence holding the fact."""
        seed = _seed(request.question)
        if seed % 4 != 3 or len(request.candidates) < 2:
            return index
        return index + 1 if index + 1 < len(request.candidates) else index - 1

    @staticmethod
    def answer_for(facts: list[str], candidates: list[str], question: str) -> str:
        """The facts, in another form and word order where that keeps the value, in one of four phrasings;
        always an answer whose facts the candidates ground and that holds every gold fact."""
        seed = _seed(question)
        chosen = []
        for i, fact in enumerate(facts):
            forms = [f for f in fact_forms(fact) if _ok(f, [fact], candidates)] or [fact]
            chosen.append(forms[(seed >> i) % len(forms)])
        if len(chosen) > 1 and (seed >> 4) % 2:
            chosen.reverse()
        bare = _join(chosen)
        style = (seed >> 6) % 4
        sentence = candidates[holding(facts, candidates) or 0]
        phrased = {
            0: bare,
            1: f"It was {bare}.",
            2: f"{bare} {_context(facts[-1], sentence, question, before=False)}".strip(),
            3: f"{_context(facts[0], sentence, question, before=True)} {bare}".strip(),
        }[style]
        for answer in (phrased, bare, _join(facts)):
            if _ok(answer, facts, candidates):
                return answer
        return _join(facts)[:MAX_ANSWER]


_NUMBER = re.compile(
    r"\d[\d,]*(?:\.\d+)?(?:st|nd|rd|th)?|\b(?:" + "|".join(sorted((w for w in [*CARDINALS, *ORDINALS] if len(w) > 2),
                                                                  key=len, reverse=True)) + r")\b",
    re.IGNORECASE)


def _bump(token: str) -> str:
    """A number token with its value changed by one: 175 -> 176, four -> five, 52nd -> 53rd, fifth -> sixth."""
    lower = token.lower()
    if lower in CARDINALS and CARDINALS[lower] + 1 in _CARD_BY_VALUE:
        word = _CARD_BY_VALUE[CARDINALS[lower] + 1]
    elif lower in ORDINALS and ORDINALS[lower] + 1 in _ORD_BY_VALUE:
        word = _ORD_BY_VALUE[ORDINALS[lower] + 1]
    elif m := re.fullmatch(r"(\d+)(st|nd|rd|th)", lower):
        return f"{int(m.group(1)) + 1}{_suffix(int(m.group(1)) + 1)}"
    else:
        last = max(i for i, c in enumerate(token) if c.isdigit())
        return token[:last] + str((int(token[last]) + 1) % 10) + token[last + 1:]
    return word.capitalize() if token[0].isupper() else word


def change_number(text: str) -> str | None:
    """The text with its first number changed, or None when it holds none."""
    m = _NUMBER.search(text)
    return None if m is None else text[:m.start()] + _bump(m.group()) + text[m.end():]


@dataclass
class Adversary(FakeModel):
    """Answers as a careless model would, always in the same way (`kind`); every answer is wrong."""

    kind: AdversaryKind = "number"

    def reply(self, request: ChatRequest) -> dict[str, str]:
        gold = self.gold_for(request.question)
        facts = gold.gold_facts if gold else []
        index = holding(facts, request.candidates) if facts else None
        quote = request.candidates[index or 0]
        if self.kind == "irrelevant":
            quote, answer = self._irrelevant(request, facts)
            return {"quote": quote, "answer": answer[:MAX_ANSWER]}
        answer = {"number": self._number, "name": self._name, "date": self._date, "echo": self._echo}[self.kind](
            request, facts, quote)
        return {"quote": quote, "answer": answer[:MAX_ANSWER]}

    @staticmethod
    def _number(request: ChatRequest, facts: list[str], quote: str) -> str:
        """The oracle's answer, or a number of the quoted sentence, with the value changed until no
        candidate holds it."""
        seeds: list[str] = []
        if facts and any(_NUMBER.search(f) for f in facts):
            seeds.append(Oracle.answer_for(facts, request.candidates, request.question))
        seeds += [_window(m, quote) for m in _NUMBER.finditer(quote)]
        for text in [*seeds, "It was 17."]:
            for _ in range(9):
                changed = change_number(text)
                if changed is None:
                    break
                text = changed
                if grounding.check(text, request.candidates).ungrounded:
                    return text
        return "It was 9,999,999."

    @staticmethod
    def _name(request: ChatRequest, facts: list[str], quote: str) -> str:
        seed = _seed(request.question)
        names = CORPUS_NAMES[seed % len(CORPUS_NAMES):] + CORPUS_NAMES[:seed % len(CORPUS_NAMES)]
        for name in names:
            surname = name.split()[-1]
            if not any(re.search(rf"\b{surname}\b", c) for c in request.candidates) and \
                    grounding.check(name, request.candidates).ungrounded:
                return f"It was {name}."
        return "It was Jane Q. Doe."  # pragma: no cover - every corpus name in four sentences

    @staticmethod
    def _date(request: ChatRequest, facts: list[str], quote: str) -> str:
        seed = _seed(request.question)
        for i in range(len(INVENTED_DATES)):
            date = INVENTED_DATES[(seed + i) % len(INVENTED_DATES)]
            if grounding.check(date, request.candidates).ungrounded:
                return f"On {date}."
        return "On Feb. 30, 1901."  # pragma: no cover

    @staticmethod
    def _irrelevant(request: ChatRequest, facts: list[str]) -> tuple[str, str]:
        """A real value of a retrieved sentence that does not answer the question: the first figure, date or name
        of a candidate holding no gold fact (of the last candidate when every one holds one), quoting it."""
        plain = [c for c in request.candidates if not any(fact_found(f, c) for f in facts)] or request.candidates[-1:]
        for candidate in plain:
            for kind, value, _, _ in grounding.claims(candidate):
                if kind in ("money", "number", "date", "person") and not any(fact_found(f, value) for f in facts):
                    return candidate, value
        return plain[0], " ".join(plain[0].split()[:6])

    @staticmethod
    def _echo(request: ChatRequest, facts: list[str], quote: str) -> str:
        words, out = request.question.rstrip("?").split(), ""
        for word in words:
            if len(out) + len(word) + 1 > MAX_ANSWER:
                break
            out = f"{out} {word}".strip()
        return out or request.question[:MAX_ANSWER]


def _window(m: re.Match[str], sentence: str) -> str:
    """A number of a sentence with a few words around it: what a careless answer quotes."""
    before = sentence[:m.start()].split()[-2:]
    after = sentence[m.end():].split()[:3]
    return " ".join([*before, m.group(), *after]).strip(" ,.;")


def fake_client(fake: FakeModel, settings: ModelSettings | None = None) -> ModelClient:
    """A ModelClient whose HTTP goes to `fake` instead of a server: the whole client runs, no socket opens.
    One attempt per request: a fake never fails in a way worth retrying."""
    settings = settings or ModelSettings()
    settings = settings.model_copy(update={"max_attempts": 1})
    return ModelClient(settings, FAKE_URL, http_client=httpx2.Client(transport=httpx2.MockTransport(fake)))


class HeldModel:
    """Model calls that start, then hold their slot until released or cancelled, and fail: for the service's
    queue, deadline and cancel tests, without any socket."""

    def __init__(self, settings: ModelSettings, hold: float = 10.0) -> None:
        self.settings = settings
        self.hold = hold
        self.started, self.released, self.cancelled = threading.Event(), threading.Event(), threading.Event()

    def client(self) -> ModelClient:
        held = self

        class Held(ModelClient):
            def structured(self, *args: object, **kwargs: object) -> None:
                held.started.set()
                held.released.wait(held.hold)
                raise ModelError("stand-in", attempts=1)

            def cancel(self) -> None:
                held.cancelled.set()
                held.released.set()

        return Held(self.settings, "http://unused.test/v1")


class HungServer:
    """A 'model server' on 127.0.0.1 that accepts every connection and never answers: what a stuck model looks
    like to the client, the service and benchmarks/faults.py. It holds what it accepted until closed."""

    def __init__(self, backlog: int = 256) -> None:
        self.sock = socket.create_server(("127.0.0.1", 0), backlog=backlog)
        self.sock.settimeout(0.1)
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}/v1"
        self.conns: list[socket.socket] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                self.conns.append(self.sock.accept()[0])
            except TimeoutError:
                continue
            except OSError:
                return

    def wait_for(self, n: int, within: float = 20.0) -> bool:
        """Whether n connections came within the time given."""
        give_up = time.monotonic() + within
        while len(self.conns) < n and time.monotonic() < give_up:
            time.sleep(0.02)
        return len(self.conns) >= n

    def close(self) -> None:
        """Closes every connection: the calls still waiting on it end."""
        self._stop.set()
        self._thread.join(5)
        for conn in [*self.conns, self.sock]:
            conn.close()


def by_kind(gold: Iterable[GoldQuestion]) -> dict[AdversaryKind, Adversary]:
    """One adversary of each kind over the same gold questions."""
    questions = list(gold)
    return {kind: Adversary(gold=questions, kind=kind) for kind in ADVERSARY_KINDS}


# --- The measure of acceptance -------------------------------------------------------------------------------------

class KindResult(BaseModel):
    """One fake over the dataset: questions that reached it, and what the answer path did with its replies."""

    reached: int = 0
    kept: int = 0  # oracle: accepted with every gold fact; adversary: rejected
    rate: float = 0.0
    misses: list[str] = Field(default_factory=list, description="Ids of the questions counted against the goal")
    why: dict[str, str] = Field(default_factory=dict, description="Per miss: what the fake said, what came of it")


class Acceptance(BaseModel):
    """Whether the answer path keeps a good model's answers and drops a careless one's (issue 8, B)."""

    questions: int
    oracle: KindResult
    oracle_candidates_missing: list[str] = Field(
        default_factory=list, description="Answerable questions that reached the model without a candidate holding "
        "a gold fact: no model could answer them; counted in oracle.reached all the same")
    adversary: dict[str, KindResult]
    seconds: float

    @property
    def adversary_rejected(self) -> float:
        """The worst kind's share rejected."""
        return min((r.rate for r in self.adversary.values()), default=1.0)


def measure_acceptance(store: Store, questions: list[GoldQuestion], settings: Settings) -> Acceptance:
    """Every question through Answerer(mode="model") once with the oracle and once with each adversary kind,
    over an index already holding the corpus. A question counts for a fake only when its ask reached it."""
    from qa.answer import Answerer  # the answer path is imported late: the fakes stand without it

    started = time.perf_counter()
    settings = settings.with_mode("model")  # the model asked on every question that reaches it
    oracle = Oracle(gold=questions)
    answerer = Answerer(store, settings, lambda: fake_client(oracle, settings.model))
    result, missing = KindResult(), []
    for q in questions:
        if not q.gold_facts:
            continue
        before = oracle.calls
        answer = answerer.ask(q.question)
        if oracle.calls == before:
            continue
        result.reached += 1
        if answer.mode == "model" and all(fact_found(f, answer.answer) for f in q.gold_facts):
            result.kept += 1
        else:
            result.misses.append(q.id)
            result.why[q.id] = _why(oracle, before, answer)
        if holding(q.gold_facts, oracle.requests[before].candidates) is None:
            missing.append(q.id)
    result.rate = result.kept / result.reached if result.reached else 0.0
    kinds: dict[str, KindResult] = {}
    for kind, adversary in by_kind(questions).items():
        answerer = Answerer(store, settings, lambda fake=adversary: fake_client(fake, settings.model))
        rejected = KindResult()
        for q in questions:
            before = adversary.calls
            answer = answerer.ask(q.question)
            if adversary.calls == before:
                continue
            rejected.reached += 1
            if answer.mode != "model":
                rejected.kept += 1
            else:
                rejected.misses.append(q.id)
                rejected.why[q.id] = _why(adversary, before, answer)
        rejected.rate = rejected.kept / rejected.reached if rejected.reached else 1.0
        kinds[kind] = rejected
    return Acceptance(questions=len(questions), oracle=result, oracle_candidates_missing=missing, adversary=kinds,
                      seconds=time.perf_counter() - started)


def _why(fake: FakeModel, first: int, answer: Answer) -> str:
    """The fake's first reply to a question and what the answer path printed instead (or took)."""
    request = fake.requests[first]
    said = fake.replies[first]
    quoted = request.candidates.index(said["quote"]) + 1 if said["quote"] in request.candidates else 0
    why = "; ".join(answer.ungrounded) or answer.reason
    return (f"said {said['answer']!r} quoting candidate {quoted} of {len(request.candidates)}; "
            f"printed ({answer.mode}, {answer.support}) {answer.answer[:80]!r}" + (f"; {why}" if why else ""))


def acceptance_on_corpus(corpus: Path, settings: Settings | None = None,
                         questions: list[GoldQuestion] | None = None) -> Acceptance:
    """The measure over a corpus folder (dod-releases/ and gold-dev.jsonl), ingested into a temporary index."""
    from qa.evals.evaluation import load_dataset
    from qa.ingest.pipeline import ingest_paths

    settings = settings or Settings()
    questions = questions if questions is not None else load_dataset(corpus / "gold-dev.jsonl")
    with tempfile.TemporaryDirectory() as tmp:
        store = Store(Path(tmp) / "fakes.db")
        try:
            ingest_paths(store, [corpus / "dod-releases"], settings.index)
            return measure_acceptance(store, questions, settings)
        finally:
            store.close()
