"""Prompt files: a front matter with name and version, then `## system` and `## user` parts.

Values are filled in with string.Template ($name), so braces in release text
or in JSON examples need no escaping.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files
from string import Template

_FRONT = re.compile(r"---\n(.*?)\n---\n", re.DOTALL)
_PART = re.compile(r"^## (system|user)\n", re.MULTILINE)


class PromptError(ValueError):
    pass


@dataclass(frozen=True)
class Prompt:
    name: str
    version: str
    system: str
    user: str

    @property
    def tag(self) -> str:
        """name@version: recorded with every request, so a new version misses old cassettes."""
        return f"{self.name}@{self.version}"

    def messages(self, **values: str) -> list[dict[str, str]]:
        try:
            return [
                {"role": "system", "content": Template(self.system).substitute(values)},
                {"role": "user", "content": Template(self.user).substitute(values)},
            ]
        except KeyError as err:
            raise PromptError(f"prompt {self.tag} needs a value for {err}") from err


def parse(name: str, text: str) -> Prompt:
    front = _FRONT.match(text)
    if not front:
        raise PromptError(f"prompt {name!r} has no front matter (--- name/version ---)")
    meta = dict(line.split(":", 1) for line in front.group(1).splitlines() if ":" in line)
    meta = {k.strip(): v.strip() for k, v in meta.items()}
    pieces = _PART.split(text[front.end():])
    parts = {pieces[i]: pieces[i + 1].strip() for i in range(1, len(pieces) - 1, 2)}
    if "version" not in meta or set(parts) != {"system", "user"}:
        raise PromptError(f"prompt {name!r} needs a version and both '## system' and '## user' parts")
    return Prompt(name=meta.get("name", name), version=meta["version"], system=parts["system"], user=parts["user"])


@lru_cache(maxsize=16)
def load(name: str) -> Prompt:
    """The prompt `prompts/NAME.md`, shipped in the package as qa.prompts."""
    resource = files("qa.prompts") / f"{name}.md"
    if not resource.is_file():
        raise PromptError(f"no prompt named {name!r} in {files('qa.prompts')}")
    return parse(name, resource.read_text(encoding="utf-8"))
