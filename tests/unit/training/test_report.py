"""Training reports: a known session renders exactly as the expected files, and untrusted text
(trainee names, notes, guard texts) can never become markup.

The expected files are regenerated only deliberately: ``REGENERATE_TRAINING_REPORTS=1`` rewrites
them from the current templates (then read the diff before committing).
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from agent_desk.training.report import render_html, render_markdown
from agent_desk.training.sessions import TrainingSession

DATA = Path(__file__).resolve().parents[2] / "data" / "training"
SESSION = DATA / "20250301-100000-a1b2c3.json"


def _session() -> TrainingSession:
    return TrainingSession.model_validate_json(SESSION.read_text(encoding="utf-8"))


@pytest.mark.parametrize(
    ("render", "expected"),
    [
        (render_markdown, "report-nl.md"),
        (render_html, "report-nl.html"),
        (render_markdown, "report-en.md"),
    ],
)
def test_report_matches_the_expected_file(render, expected: str) -> None:
    lang = "en" if "-en." in expected else "nl"
    text = render(_session(), lang)
    path = DATA / expected
    if os.environ.get("REGENERATE_TRAINING_REPORTS") == "1":
        path.write_text(text, encoding="utf-8")
        pytest.skip(f"regenerated {path.name}; review the diff")
    assert text == path.read_text(encoding="utf-8")


def test_report_says_what_a_trainer_needs() -> None:
    md = render_markdown(_session(), "nl")
    assert "Anna de Vries" in md
    assert "| Vragen beantwoord | 2 van 3 |" in md
    assert "| Oordeel past bij de annotatoren | 1 van 3 |" in md
    assert "| Levensgebeurtenissen gehoord | Overlijden |" in md
    assert "| Genoemd maar niet in het gesprek | Ziekte |" in md
    # Where the trainee differed from the guard: the guard's reasons and the fixture's note.
    card = md.split("### Vraag 2")[1].split("### Vraag 3")[0]
    assert "≠ anders dan de guard" in card
    assert "Niet nu: de klant vertelde over een overlijden" in card
    assert "Een creditcard aanbieden in een rouwgesprek" in card
    assert "niet beantwoord" in md.split("### Vraag 3")[1]


def test_report_is_deterministic_and_self_contained() -> None:
    session = _session()
    html = render_html(session, "nl")
    assert html == render_html(session, "nl")
    assert '<html lang="nl">' in html
    assert "<style>" in html
    assert not re.search(r"<(script|link|img)\b", html)
    assert "http://" not in html
    assert "https://" not in html
    # Readable without colour: the outcome is in words and symbols, no colour is set at all
    # beyond black on white.
    assert "✘ niet passend" in html
    assert "≠ anders dan de guard" in html


def test_untrusted_text_never_becomes_markup() -> None:
    session = _session()
    session.trainee = "<b>Eve</b> [link](http://x) *bold* | pipe"
    evil = session.results[1].model_copy(
        update={
            "note": '<script>alert("x")</script> **niet nu**\n# kop',
            "guard_reasons": ("<img src=x onerror=alert(1)>",),
        }
    )
    session.results[1] = evil
    html = render_html(session, "en")
    assert "<script>" not in html
    assert "&lt;script&gt;" in html
    assert "<img" not in html
    assert "&lt;b&gt;Eve&lt;/b&gt;" in html
    md = render_markdown(session, "en")
    assert "<script>" not in md
    assert "&lt;script>" in md
    assert r"\*\*niet nu\*\*" in md
    assert r"\[link\](http://x) \*bold\* \| pipe" in md
    # A note's line break cannot start a heading of its own.
    assert "\n# kop" not in md
