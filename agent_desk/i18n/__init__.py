"""User-facing text per language (Dutch and English), never scattered through widgets.

Catalogues are flat YAML files with ``str.format`` placeholders: ``nl.yaml``/``en.yaml`` for the
call screen and one ``<lang>.<area>.yaml`` per further screen (``nl.trainer.yaml``...), merged
into one catalogue per language; a key defined twice is an error. A test keeps both catalogues'
keys and placeholders identical.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Literal

from guards.yamlsrc import load_yaml

Lang = Literal["nl", "en"]
LANGS: tuple[Lang, ...] = ("nl", "en")
_DIR = Path(__file__).resolve().parent


@cache
def catalog(lang: Lang) -> dict[str, str]:
    merged: dict[str, str] = {}
    for path in [_DIR / f"{lang}.yaml", *sorted(_DIR.glob(f"{lang}.*.yaml"))]:
        data = load_yaml(path.read_text(encoding="utf-8"))
        if not isinstance(data, dict):
            raise ValueError(f"message catalogue {path.name} must be a mapping")
        for k, v in data.items():
            if str(k) in merged:
                raise ValueError(f"message catalogue {path.name}: key {k!r} is defined twice")
            merged[str(k)] = str(v)
    return merged


def t(key: str, lang: Lang, /, **values: object) -> str:
    """The message ``key`` in ``lang``; an unknown key shows itself rather than crash a call."""
    template = catalog(lang).get(key) or catalog("en").get(key) or key
    try:
        return template.format(**values)
    except (KeyError, IndexError, ValueError):
        return template
