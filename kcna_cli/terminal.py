"""Text from dumps made safe to show on a terminal.

A dump comes from the web: its title, text or outlet may hold terminal
control sequences (OSC 52 writes the clipboard, OSC 8 hides a link, OSC 0
sets the window title, CSI 2J clears the screen), put there literally or as
``&#27;`` in a saved HTML page. ``visible`` turns every C0 and C1 control
character except tab and newline into printable caret notation, as ``less``
and ``cat -v`` show them (``ESC`` -> ``^[``, ``BEL`` -> ``^G``, ``DEL`` ->
``^?``, the C1 ``CSI`` -> ``<9B>``), so the terminal shows the sequence
instead of obeying it. Everything kcna draws for people goes through it
before rich sees the text; stored text, ``kcna raw`` in a pipe and the data
formats keep the characters (JSON escapes them).

Pure functions, standard library only.
"""

from __future__ import annotations

import json
import re
from typing import Any

#: C0 controls but tab and newline, DEL, and the C1 controls
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def _shown(c: str) -> str:
    n = ord(c)
    if n < 0x20:
        return "^" + chr(n + 0x40)
    if n == 0x7F:
        return "^?"
    return f"<{n:02X}>"


_TABLE = {n: _shown(chr(n)) for n in [*range(0x00, 0x09), *range(0x0B, 0x20), *range(0x7F, 0xA0)]}


def visible(text: str) -> str:
    """``text`` with every control character but tab and newline made visible."""
    if not text or not _CONTROL.search(text):
        return text
    return text.translate(_TABLE)


def visible_data(value: Any) -> Any:
    """``visible`` applied to every string inside dicts, lists and tuples."""
    if isinstance(value, str):
        return visible(value)
    if isinstance(value, dict):
        return {k: visible_data(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(visible_data(v) for v in value)
    return value


#: characters JSON may carry raw but a terminal could obey: DEL and the C1 controls
_JSON_RAW_CONTROL = re.compile(r"[\x7f-\x9f]")


def json_safe(encoded: str) -> str:
    """JSON text with DEL and C1 controls escaped as ``\\u00XX`` (the same value).

    ``json.dumps(..., ensure_ascii=False)`` escapes C0 controls but writes
    these raw; escaped, no terminal or pager can read them as controls.
    """
    if not _JSON_RAW_CONTROL.search(encoded):
        return encoded
    return _JSON_RAW_CONTROL.sub(lambda m: f"\\u{ord(m.group(0)):04x}", encoded)


def dumps(value: Any, **kw: Any) -> str:
    """``json.dumps`` (non-ASCII kept) with every control character escaped."""
    return json_safe(json.dumps(value, ensure_ascii=False, **kw))
