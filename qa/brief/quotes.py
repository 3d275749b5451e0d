"""Quotations of a release and who said each, read off the parse.

Quote marks are paired per paragraph (a curly opening mark always opens; a straight one opens or closes in
turn), so the narrative between two quotes is never taken for one. A quote left open at the end of its
paragraph runs on into the next paragraph's quote, as news style writes a long quote, and keeps its speaker.
The speaker is the subject of the reporting verb (say, add, tell, note, write...) next to the quote, in the
sentence before, around or after it, or inside it ("We share the same goals," he told the committee); a
pronoun is the person last named before. Scare quotes ("realistic") hold no clause and are no quotation.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from qa.brief import entities, parsed
from qa.schemas import Quotation

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token

# The reporting verbs, by lemma: a closed class of English, not a list about any release.
REPORTING = {"say", "add", "tell", "note", "write", "state", "explain", "stress", "emphasize", "reiterate", "ask",
             "continue", "declare", "remark", "answer"}
_OPEN, _CLOSE, _STRAIGHT = "“", "”", '"'
# A quote needs this many words and a verb: "NME", "enemy" and "realistic" are words quoted, not said.
MIN_WORDS = 4
# "... our team.” – Secretary of Defense Lloyd J. Austin III": the speaker named after a dash.
_DASH_SPEAKER = re.compile(r"\s*[–—-]{1,2}\s*")


@dataclass
class Quote:
    start: int  # the quoted words, marks excluded
    end: int
    run_on: bool  # left open at the end of its paragraph
    speaker: str = ""


def spans(text: str) -> list[Quote]:
    """Every quoted stretch of the release, paired paragraph by paragraph."""
    found: list[Quote] = []
    offset = 0
    for paragraph in text.splitlines(keepends=True):
        opened: int | None = None
        marks = [ch for ch in paragraph if ch in (_OPEN, _CLOSE)]
        if found and found[-1].run_on and marks and marks[0] == _CLOSE and paragraph.strip():
            # The quote goes on without a new opening mark and closes here ("... the team.” – Austin").
            opened = offset + len(paragraph) - len(paragraph.lstrip())
        for i, ch in enumerate(paragraph):
            at = offset + i
            if ch == _OPEN or (ch == _STRAIGHT and opened is None):
                if opened is not None:  # a second opening mark: the first quote ended unmarked
                    found.append(Quote(opened, at, run_on=False))
                opened = at + 1
            elif ch in (_CLOSE, _STRAIGHT) and opened is not None:
                found.append(Quote(opened, at, run_on=False))
                opened = None
        if opened is not None and paragraph[opened - offset:].strip():
            found.append(Quote(opened, offset + len(paragraph.rstrip()), run_on=True))
        offset += len(paragraph)
    return found


def _said(doc: Doc, quote: Quote, inside: list[Quote]) -> tuple[Token, Token] | None:
    """The reporting verb nearest the quote, outside every quote, in the sentences around it, with its subject."""
    def outside(t: Token) -> bool:
        return not any(q.start <= t.idx < q.end for q in inside)

    sentences = [s for s in doc.sents if s.start_char < quote.end + 3 and s.end_char > quote.start - 2]
    if sentences:
        before = sentences[0].start - 1
        if before >= 0 and doc[before].text == ":":  # "Austin said:" then the quote
            sentences.insert(0, doc[before].sent)
        after = sentences[-1].end
        if after < len(doc) and doc[after].sent.start_char - quote.end < 4:  # '," Austin said.' split off
            sentences.append(doc[after].sent)
    verbs = [t for s in sentences for t in s if t.lemma_ in REPORTING and t.pos_ == "VERB" and outside(t)]
    verbs.sort(key=lambda t: min(abs(t.idx - quote.start), abs(t.idx - quote.end)))
    for verb in verbs:
        # The quote itself may be parsed as a subject of "told": the speaker stands outside it.
        subject = next((c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass") and outside(c)), None)
        if subject is not None:
            return verb, subject
    return None


def _speaker(text: str, subject: Token, quote_start: int) -> str:
    if subject.pos_ == "PRON":  # "he said": the person last named before the quote
        before = [m for ms in entities.read(text).people.values() for m in ms if m.start < quote_start]
        last = max(before, key=lambda m: m.start) if before else None
        return entities.speaker_at(text, last.start, last.end) if last else ""
    # The subject's word, then its whole phrase, then the proper nouns it runs on into ("Brig. Gen. Pat Ryder",
    # which the parser may cut after "Brig").
    named = entities.speaker_at(text, subject.idx, subject.idx + len(subject.text))
    words = list(subject.subtree)
    named = named or entities.speaker_at(text, words[0].idx, words[-1].idx + len(words[-1].text))
    doc, i = subject.doc, subject.i
    while not named and i + 1 < len(doc) and (doc[i + 1].pos_ == "PROPN" or doc[i + 1].text == "."):
        i += 1
        named = entities.speaker_at(text, doc[i].idx, doc[i].idx + len(doc[i].text))
    return named or (parsed.clean(subject.text) if subject.pos_ == "PROPN" else "")


def read(text: str) -> list[Quote]:
    """The release's quotations with their speakers ("" when the release does not say)."""
    doc = parsed.doc(text)
    every = spans(text)
    out: list[Quote] = []
    for quote in every:
        words = [t for t in doc if quote.start <= t.idx < quote.end and not t.is_punct]
        if len(words) < MIN_WORDS or not any(t.pos_ in ("VERB", "AUX") for t in words):
            continue
        said = _said(doc, quote, every)
        if said:
            quote.speaker = _speaker(text, said[1], quote.start)
        elif dash := _DASH_SPEAKER.match(text, quote.end + 1):
            after = text.find("\n", dash.end())
            quote.speaker = entities.speaker_at(text, dash.end(), after if after > 0 else len(text)) or \
                parsed.clean(text[dash.end():after if after > 0 else len(text)]).split(" – ")[0]
        previous = out[-1] if out else None
        if not quote.speaker and previous and previous.speaker and _goes_on(text, previous, quote):
            quote.speaker = previous.speaker
        out.append(quote)
    for later, earlier in zip(reversed(out), list(reversed(out))[1:]):  # a run-on named only at its end
        if earlier.run_on and not earlier.speaker and later.speaker:
            earlier.speaker = later.speaker
    return out


def _goes_on(text: str, previous: Quote, quote: Quote) -> bool:
    """Whether an unattributed quote goes on from the one before: that one ran on past its paragraph, or this
    one follows in the same paragraph, or opens the very next paragraph after a quote that closed its own."""
    between = text[previous.end:quote.start]
    if previous.run_on or "\n" not in between:
        return True
    return between.count("\n") <= 2 and not between.strip(_OPEN + _CLOSE + _STRAIGHT + ",. \n")


def quotations(text: str) -> list[Quotation]:
    marks = _OPEN + _CLOSE + _STRAIGHT + " ,"  # one opening mark: the printer adds its own
    return [Quotation(speaker=q.speaker, text=" ".join(text[q.start:q.end].split()).strip(marks))
            for q in read(text) if parsed.in_content(text, q.start, q.start + 1) or _whole_release_quoted(text, q)]


def _whole_release_quoted(text: str, q: Quote) -> bool:
    """A statement that is one long quote opens before the first content sentence starts."""
    spans_ = parsed.content_spans(text)
    return bool(spans_) and q.start <= spans_[0][0] + 1
