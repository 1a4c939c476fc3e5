"""Where the shipped data lives: the fixtures folder in a checkout, or its copy in the wheel."""

from __future__ import annotations

from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parent


def fixtures_dir() -> Path:
    """The conversation library, catalogues and default rules.

    A source checkout (editable install) uses ``<repo>/fixtures``; a wheel carries the same
    folder as ``agent_desk/_fixtures``.
    """
    bundled = _PACKAGE_DIR / "_fixtures"
    if bundled.is_dir():
        return bundled
    return _PACKAGE_DIR.parent / "fixtures"


def conversations_dir() -> Path:
    return fixtures_dir() / "conversations"


def catalog_dir() -> Path:
    return fixtures_dir() / "catalog"


def rules_dir() -> Path:
    return fixtures_dir() / "rules"


def default_rules() -> Path:
    """The rule set that ships with the product (until a supervisor publishes another)."""
    return rules_dir() / "default.yaml"


DEMO_CONVERSATION = "nl-demo-bereavement.yaml"


def demo_conversation() -> Path:
    """The conversation `make run` opens by default."""
    return conversations_dir() / DEMO_CONVERSATION
