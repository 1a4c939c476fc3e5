"""User-facing text per language (Dutch and English), never scattered through widgets.

Catalogues are flat YAML files (``nl.yaml``, ``en.yaml``) with ``str.format`` placeholders.
A test keeps both catalogues' keys and placeholders identical.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Literal

import yaml

Lang = Literal["nl", "en"]
LANGS: tuple[Lang, ...] = ("nl", "en")
_DIR = Path(__file__).resolve().parent


@cache
def catalog(lang: Lang) -> dict[str, str]:
    data = yaml.safe_load((_DIR / f"{lang}.yaml").read_text(encoding="utf-8"))
    if not isinstance(data, dict):
        raise ValueError(f"message catalogue {lang}.yaml must be a mapping")
    return {str(k): str(v) for k, v in data.items()}


def t(key: str, lang: Lang, /, **values: object) -> str:
    """The message ``key`` in ``lang``; an unknown key shows itself rather than crash a call."""
    template = catalog(lang).get(key) or catalog("en").get(key) or key
    try:
        return template.format(**values)
    except (KeyError, IndexError, ValueError):
        return template
