"""`agent-desk detect`: JSON Lines of utterances in, JSON Lines of life events out.

This is a public contract (docs/architecture.md).

Input, one per line: ``{"id": "u1", "text": "...", "lang": "nl", "speaker": "customer"}`` (``lang``
and ``speaker`` optional). Output, one line per input line, same order:
``{"id": "u1", "lang": "nl", "events": [...], "wishes": [...]}``; a line that cannot be handled
gives ``{"id": ..., "error": "..."}`` and the run goes on. Lines are read as bytes and decoded
one by one (invalid UTF-8 is that line's error), and every answer is flushed at once so the
command works in a pipe from a live transcript. Exit status 0 unless stdin cannot be read.
Error texts are part of the machine contract and therefore stable English.

The classifier's second opinion (setting ``nlp_veto``, on by default; ``--veto`` / ``--no-veto``)
is applied as on the call screen: what it sets aside leaves ``events`` and is listed under
``set_aside`` (a key present only when something was set aside), and what it adds is in
``events`` with its sentence as evidence, so a pipe sees what the guard would count. Settings
that cannot be read are said once on stderr, and the defaults apply.
"""

from __future__ import annotations

import json
import sys
from typing import IO, Any

import click

#: One input line may hold at most this many bytes (a 20,000-character utterance in JSON fits
#: many times over); longer lines are skipped with an error, in bounded memory.
MAX_LINE_BYTES = 1_000_000
_SPEAKERS = ("customer", "agent", "system")
_LANGS = ("nl", "en")


class LineError(Exception):
    """This line cannot be answered; the message goes into its ``error`` field."""

    def __init__(self, message: str, ident: Any = None) -> None:
        super().__init__(message)
        self.ident = ident


def _parse(raw: bytes) -> tuple[Any, dict[str, Any]]:
    """Decode and validate one line; returns (id, fields) or raises LineError (with the id)."""
    try:
        line = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        # Still name the line if its id survives the bad bytes elsewhere in it.
        try:
            guess = json.loads(raw.decode("utf-8", "replace"))
        except ValueError:
            guess = None
        ident = guess.get("id") if isinstance(guess, dict) else None
        raise LineError("line is not valid UTF-8", ident) from exc
    if not line.strip():
        raise LineError("empty line")
    try:
        data = json.loads(line)
    except json.JSONDecodeError as exc:
        raise LineError(f"invalid JSON: {exc.msg} at column {exc.colno}") from exc
    if not isinstance(data, dict):
        raise LineError("expected a JSON object")
    return data.get("id"), data


def _validate(data: dict[str, Any]) -> tuple[str, str | None, str]:
    ident = data.get("id")
    if ident is None:
        raise LineError("missing field: id")
    if isinstance(ident, bool) or not isinstance(ident, str | int):
        raise LineError("id must be a string")
    text = data.get("text")
    if not isinstance(text, str):
        raise LineError("missing field: text" if text is None else "text must be a string")
    lang = data.get("lang")
    if lang is not None and lang not in _LANGS:
        raise LineError(f"unsupported lang {lang!r}; expected 'nl' or 'en' or no lang")
    speaker = data.get("speaker", "customer")
    if speaker not in _SPEAKERS:
        raise LineError("speaker must be one of customer, agent, system")
    return text, lang, speaker


def _answer(raw: bytes) -> dict[str, Any]:
    from nlp.detector import Detection, get_detector
    from nlp.langid import other_language

    ident: Any = None
    try:
        ident, data = _parse(raw)
        text, lang, speaker = _validate(data)
        if lang is None and (other := other_language(text)) is not None:
            raise LineError(
                f"language not recognised: this looks like {other}; only Dutch and English are "
                'detected (give "lang": "nl" or "en" to read it as one of them)'
            )
        detector = get_detector()
        if speaker != "customer":
            # Only the customer's own words carry the customer's life events.
            detection = Detection(lang=detector.language_of(text, lang))
        else:
            detection = detector.detect(text, lang)
    except LineError as exc:
        return {"id": _echo(exc.ident if exc.ident is not None else ident), "error": str(exc)}
    except Exception as exc:  # fail closed per line: one bad utterance never ends the run
        return {"id": _echo(ident), "error": f"detection failed: {type(exc).__name__}"}
    out: dict[str, Any] = {
        "id": ident,
        "lang": detection.lang,
        "events": [e.model_dump(mode="json") for e in detection.events],
        "wishes": [w.model_dump(mode="json") for w in detection.wishes],
    }
    if detection.set_aside:
        out["set_aside"] = [e.model_dump(mode="json") for e in detection.set_aside]
    if detection.truncated:
        out["truncated"] = True
    return out


def _configure(veto: bool | None) -> None:
    """The detector follows the ``nlp_veto`` setting unless the flag says otherwise. Settings
    that cannot be read do not stop a pipe (the contract: exit status 0 unless stdin cannot be
    read): the reason goes to stderr once and the setting's default applies."""
    from nlp import options

    if veto is not None:
        options.configure(veto=veto)
        return
    from agent_desk.settings import Settings, SettingsError, load_settings

    try:
        load_settings()  # configures nlp.options from nlp_veto
    except SettingsError as exc:
        first = str(exc).splitlines()[0]
        click.echo(f"agent-desk detect: settings not read, defaults used: {first}", err=True)
        options.configure(veto=bool(Settings.model_fields["nlp_veto"].default))


def _echo(ident: Any) -> Any:
    return ident if isinstance(ident, str | int) and not isinstance(ident, bool) else None


def _lines(stream: IO[bytes]) -> Any:
    """Yield lines as they arrive; an over-long line yields None after skipping to its end."""
    while True:
        chunk = stream.readline(MAX_LINE_BYTES + 1)
        if not chunk:
            return
        if len(chunk) > MAX_LINE_BYTES and not chunk.endswith(b"\n"):
            while True:
                rest = stream.readline(MAX_LINE_BYTES)
                if not rest or rest.endswith(b"\n"):
                    break
            yield None
            continue
        yield chunk.rstrip(b"\r\n")


@click.command()
@click.option(
    "--veto/--no-veto",
    default=None,
    help="The classifier's second opinion on the rules, or the rules alone (default: the "
    "nlp_veto setting, on unless set off).",
)
def detect(veto: bool | None) -> None:
    """Detect life events in JSON Lines utterances on stdin; write JSON Lines on stdout.

    One output line per input line, in order; a bad line gets {"id": ..., "error": ...}.
    A line without "lang" that is clearly in another language (German, Turkish, ...) is such
    an error; with "lang" it is read as that language.
    """
    _configure(veto)
    stdin: IO[bytes] = sys.stdin.buffer
    stdout: IO[bytes] = sys.stdout.buffer
    try:
        for raw in _lines(stdin):
            if raw is None:
                answer: dict[str, Any] = {
                    "id": None,
                    "error": f"line longer than {MAX_LINE_BYTES} bytes",
                }
            else:
                answer = _answer(raw)
            stdout.write(json.dumps(answer, ensure_ascii=False).encode("utf-8") + b"\n")
            stdout.flush()
    except OSError as exc:
        click.echo(f"agent-desk detect: cannot read stdin: {exc}", err=True)
        sys.exit(1)
