"""Text made safe for a terminal: control characters shown, never obeyed.

A release title holding an escape sequence could recolour, retitle or clear the reader's terminal.
Every piece of stored or model text the command line prints passes through `visible` (and the
console prints it with Rich markup and emoji codes off, so "[bold]" and ":x:" stay as written).
"""

from __future__ import annotations

import re

# C0 but newline and tab, DEL, and C1 (whose CSI, 0x9b, some terminals obey like ESC [).
_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
# What json.dumps(ensure_ascii=False) leaves raw (it escapes C0 itself).
_RAW_IN_JSON = re.compile("[\x7f-\x9f]")


def visible(text: str) -> str:
    """The text with each control character written out as its escape: ESC as the four characters \\x1b."""
    return _CONTROLS.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


def json_safe(dumped: str) -> str:
    """JSON text with DEL and C1 characters escaped as \\u00XX: the same JSON, safe to print."""
    return _RAW_IN_JSON.sub(lambda m: f"\\u{ord(m.group()):04x}", dumped)
