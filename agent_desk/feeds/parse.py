"""One validator for conversation events from every transport (SSE, stdin JSON Lines, adapters).

Feed payloads are untrusted input: every problem (invalid UTF-8, not JSON, a missing field, an
unknown event type, an oversized text) becomes a :class:`FeedProblem` naming what is wrong and
where, never an exception out of a feed and never the customer's words (problem messages end up in
the status line and in logs). :class:`EventParser` also keeps the per-call state the transports
share: the call id, and which final utterances were already delivered, so a resent one is dropped.
"""

from __future__ import annotations

import json
import math
import re
from collections import OrderedDict
from collections.abc import Mapping
from typing import Any, Literal

from pydantic import ValidationError

from agent_desk.feeds.base import (
    CallEnded,
    CallStarted,
    FeedEvent,
    FeedProblem,
    FeedStatusChanged,
    UtteranceReceived,
)
from nlp.types import Lang, Speaker, Utterance

#: Longer texts are cut here (a transcription engine does not produce 20,000 characters in one
#: turn; a 1 MB "utterance" is a bug or an attack, and NLP time grows with length).
MAX_TEXT_CHARS = 20_000
#: A raw event (SSE event, JSON line) larger than this is skipped without being parsed.
MAX_EVENT_BYTES = 2 * 1024 * 1024
#: How many delivered utterance / event ids are remembered for de-duplication (a two-hour call
#: has a few thousand turns; memory stays bounded whatever a feed sends).
MAX_REMEMBERED_IDS = 100_000
MAX_ID_CHARS = 200

EventKind = Literal["utterance", "partial", "call_started", "call_ended"]
EVENT_KINDS: tuple[EventKind, ...] = ("utterance", "partial", "call_started", "call_ended")

#: Speaker labels platforms use, normalised (lower case, ``-``/space -> ``_``).
SPEAKER_ALIASES: dict[str, Speaker] = {
    "customer": "customer",
    "caller": "customer",
    "client": "customer",
    "klant": "customer",
    "beller": "customer",
    "contact": "customer",
    "consumer": "customer",
    "end_user": "customer",
    "enduser": "customer",
    "external": "customer",
    "agent": "agent",
    "medewerker": "agent",
    "employee": "agent",
    "operator": "agent",
    "representative": "agent",
    "rep": "agent",
    # A supervisor barging in is staff speech, never the customer's life.
    "supervisor": "agent",
    "system": "system",
    "ivr": "system",
    "bot": "system",
}

_TRUE = {"true", "1", "yes"}
_FALSE = {"false", "0", "no"}


def decode_utf8(raw: bytes) -> tuple[str, int]:
    """Decode ``raw``; invalid bytes become U+FFFD. Returns the text and how many were replaced."""
    try:
        return raw.decode("utf-8"), 0
    except UnicodeDecodeError:
        text = raw.decode("utf-8", errors="replace")
        # Count only replacements we introduced, not U+FFFD characters that were already valid.
        return text, text.count("\ufffd") - raw.count("\ufffd".encode())


_TOKEN = re.compile(r"[A-Za-z0-9_.:@/+#-]{1,64}")


def label(value: object) -> str:
    """A label-like field value (id, speaker, lang) quoted, or only its shape.

    A value that does not look like a label may be a misplaced sentence: it is not echoed, because
    problem messages must never carry what the customer said.
    """
    if isinstance(value, str):
        if _TOKEN.fullmatch(value):
            return repr(value)
        return f"<string of {len(value)} characters>"
    if isinstance(value, int | float) and not isinstance(value, bool):
        return repr(value)
    return f"<{_json_type(value)}>"


def _json_type(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"


def normalise_lang(value: object) -> Lang | None:
    """``nl``, ``NL``, ``nl-NL``, ``nl_BE``, ``en-GB``... -> ``nl`` / ``en``; anything else None."""
    if not isinstance(value, str):
        return None
    prefix = value.strip().lower().replace("_", "-").split("-", 1)[0]
    if prefix == "nl":
        return "nl"
    if prefix == "en":
        return "en"
    return None


def normalise_speaker(value: object) -> Speaker | None:
    if not isinstance(value, str):
        return None
    return SPEAKER_ALIASES.get(value.strip().lower().replace("-", "_").replace(" ", "_"))


class _Skip(Exception):
    """One event cannot be used; the message says why (without customer text)."""


class EventParser:
    """Turns raw transport payloads into feed events for one call.

    ``where`` arguments name the event for problem messages ("SSE event 17", "stdin line 5"); they
    must not contain payload text.
    """

    def __init__(self, default_call_id: str = "live", lang: Lang | None = None) -> None:
        self.default_call_id = default_call_id
        #: Language to assume when an utterance carries none (None: let the NLP layer detect).
        self.lang = lang
        self.call_id: str | None = None
        self.ended = False
        #: Events dropped because they were already delivered (resent after a reconnect...).
        self.duplicates = 0
        self._finals: OrderedDict[str, None] = OrderedDict()
        self._event_ids: OrderedDict[str, None] = OrderedDict()
        self._warned_langs: set[str] = set()

    # -- de-duplication ----------------------------------------------------------------------------
    @staticmethod
    def _remember(ids: OrderedDict[str, None], key: str) -> bool:
        """Remember ``key``; False when it was already known."""
        if key in ids:
            return False
        ids[key] = None
        if len(ids) > MAX_REMEMBERED_IDS:
            ids.popitem(last=False)
        return True

    def seen_event_id(self, event_id: str) -> bool:
        """True when a transport event with this id was delivered before (then it is counted)."""
        if self._remember(self._event_ids, event_id):
            return False
        self.duplicates += 1
        return True

    # -- entry points ------------------------------------------------------------------------------
    def parse_bytes(
        self, raw: bytes, where: str, kind: str | None = None, *, strict_utf8: bool = False
    ) -> list[FeedEvent]:
        """Decode and parse one raw event. ``kind`` is the transport's event type, if it has one."""
        if len(raw) > MAX_EVENT_BYTES:
            return [
                FeedProblem(
                    f"{where}: event of {len(raw):,} bytes is larger than "
                    f"{MAX_EVENT_BYTES:,}; skipped"
                )
            ]
        text, replaced = decode_utf8(raw)
        problems: list[FeedEvent] = []
        if replaced:
            if strict_utf8:
                return [FeedProblem(f"{where}: invalid UTF-8; skipped")]
            problems.append(
                FeedProblem(f"{where}: invalid UTF-8 ({replaced} byte(s) replaced by \ufffd)")
            )
        return problems + self.parse_text(text, where, kind)

    def parse_text(self, text: str, where: str, kind: str | None = None) -> list[FeedEvent]:
        """Parse one JSON document; ``kind`` None or ``message`` means: use its ``type`` field."""
        try:
            obj = json.loads(text)
        except (json.JSONDecodeError, RecursionError) as exc:
            detail = exc.msg if isinstance(exc, json.JSONDecodeError) else "nested too deeply"
            return [FeedProblem(f"{where}: not valid JSON ({detail})")]
        if not isinstance(obj, dict):
            return [FeedProblem(f"{where}: expected a JSON object, got {_json_type(obj)}")]
        return self.parse_object(obj, where, kind)

    def parse_object(
        self, obj: Mapping[str, Any], where: str, kind: str | None = None
    ) -> list[FeedEvent]:
        problems: list[FeedEvent] = []
        try:
            resolved = self._kind(obj, kind)
            if resolved == "call_started":
                return self._call_started(obj, where, problems)
            if resolved == "call_ended":
                return self._call_ended(obj, where, problems)
            utterance = self.utterance(obj, where, problems, final=resolved != "partial")
        except _Skip as exc:
            return [*problems, FeedProblem(f"{where}: {exc}")]
        return [*problems, *self.deliver(utterance)]

    def deliver(self, utterance: Utterance) -> list[FeedEvent]:
        """The events for a valid utterance: a CallStarted first if none came, nothing if stale."""
        if utterance.id in self._finals:
            # A final already shown, or a late partial of it: showing it again would duplicate it
            # or roll the transcript back.
            self.duplicates += 1
            return []
        if utterance.final:
            self._remember(self._finals, utterance.id)
        out: list[FeedEvent] = []
        if self.call_id is None:
            self.call_id = self.default_call_id
            out.append(CallStarted(self.call_id, self.lang))
        out.append(UtteranceReceived(utterance))
        return out

    # -- pieces ------------------------------------------------------------------------------------
    @staticmethod
    def _kind(obj: Mapping[str, Any], kind: str | None) -> EventKind:
        raw = obj.get("type", "utterance") if kind in (None, "", "message") else kind
        if not isinstance(raw, str):
            raise _Skip(f"event type must be a string, got {_json_type(raw)}")
        norm = raw.strip().lower().replace("-", "_")
        for known in EVENT_KINDS:
            if norm == known:
                return known
        raise _Skip(
            f"unknown event type {label(raw)} (expected one of {', '.join(EVENT_KINDS)}); skipped"
        )

    def _id(self, obj: Mapping[str, Any], field: str, *, required: bool = True) -> str | None:
        value = obj.get(field)
        if value is None:
            if required:
                raise _Skip(f"missing field '{field}'; skipped")
            return None
        if isinstance(value, bool) or not isinstance(value, str | int):
            raise _Skip(f"field '{field}' must be a string, got {_json_type(value)}; skipped")
        text = str(value).strip()
        if not text:
            raise _Skip(f"field '{field}' is empty; skipped")
        if len(text) > MAX_ID_CHARS:
            raise _Skip(f"field '{field}' is longer than {MAX_ID_CHARS} characters; skipped")
        return text

    def _lang(self, obj: Mapping[str, Any], where: str, problems: list[FeedEvent]) -> Lang | None:
        value = obj.get("lang")
        if value is None:
            return self.lang
        lang = normalise_lang(value)
        if lang is None:
            key = label(value)
            if key not in self._warned_langs:  # once per value: a platform sending "de" all call
                self._warned_langs.add(key)
                problems.append(
                    FeedProblem(f"{where}: unsupported language {key}; the language is detected")
                )
            return self.lang
        return lang

    def _call_started(
        self, obj: Mapping[str, Any], where: str, problems: list[FeedEvent]
    ) -> list[FeedEvent]:
        call_id = self._id(obj, "call_id")
        assert call_id is not None
        lang = self._lang(obj, where, problems)
        if self.call_id == call_id:
            self.duplicates += 1  # resent after a reconnect
            return problems
        self.call_id = call_id
        if lang is not None:
            self.lang = lang
        return [*problems, CallStarted(call_id, lang, platform=True)]

    def _call_ended(
        self, obj: Mapping[str, Any], where: str, problems: list[FeedEvent]
    ) -> list[FeedEvent]:
        call_id = self._id(obj, "call_id", required=False) or self.call_id or self.default_call_id
        self.ended = True
        return [*problems, CallEnded(call_id)]

    def utterance(
        self,
        obj: Mapping[str, Any],
        where: str,
        problems: list[FeedEvent],
        *,
        final: bool = True,
    ) -> Utterance:
        """Validate an utterance object; fixable problems are appended, the rest raise ``_Skip``."""
        uid = self._id(obj, "id")
        assert uid is not None
        where = f"{where} (utterance {label(uid)})"
        if "speaker" not in obj:
            raise _Skip(f"utterance {label(uid)}: missing field 'speaker'; skipped")
        speaker = normalise_speaker(obj["speaker"])
        if speaker is None:
            raise _Skip(
                f"utterance {label(uid)}: unknown speaker {label(obj['speaker'])} "
                "(expected customer or agent); skipped"
            )
        if "text" not in obj:
            raise _Skip(f"utterance {label(uid)}: missing field 'text'; skipped")
        text = obj["text"]
        if not isinstance(text, str):
            raise _Skip(
                f"utterance {label(uid)}: field 'text' must be a string, "
                f"got {_json_type(text)}; skipped"
            )
        if len(text) > MAX_TEXT_CHARS:
            problems.append(
                FeedProblem(
                    f"{where}: text of {len(text):,} characters truncated to {MAX_TEXT_CHARS:,}"
                )
            )
            text = text[:MAX_TEXT_CHARS]
        t = self._seconds(obj.get("t"), where, problems)
        if final:
            final = self._bool(obj.get("final", True), where, problems)
        lang = self._lang(obj, where, problems)
        try:
            return Utterance(id=uid, speaker=speaker, text=text, t=t, final=final, lang=lang)
        except ValidationError as exc:  # defensive: the checks above should make this unreachable
            fields = ", ".join(".".join(map(str, e["loc"])) for e in exc.errors())
            raise _Skip(f"utterance {label(uid)}: invalid {fields}; skipped") from None

    @staticmethod
    def _seconds(value: object, where: str, problems: list[FeedEvent]) -> float:
        if value is None:
            return 0.0
        number: float | None = None
        if isinstance(value, int | float) and not isinstance(value, bool):
            number = float(value)
        elif isinstance(value, str):
            try:
                number = float(value)
            except ValueError:
                number = None
        if number is None or not math.isfinite(number) or number < 0:
            problems.append(
                FeedProblem(f"{where}: 't' must be seconds >= 0, got {label(value)}; using 0")
            )
            return 0.0
        return number

    @staticmethod
    def _bool(value: object, where: str, problems: list[FeedEvent]) -> bool:
        if isinstance(value, bool):
            return value
        if isinstance(value, int) and value in (0, 1):
            return bool(value)
        if isinstance(value, str) and value.strip().lower() in _TRUE | _FALSE:
            return value.strip().lower() in _TRUE
        problems.append(
            FeedProblem(f"{where}: 'final' must be true or false, got {label(value)}; using true")
        )
        return True


def with_end_status(events: list[FeedEvent], detail: str = "call ended") -> list[FeedEvent]:
    """Put an ``ended`` status before a CallEnded, the order the replay feed uses."""
    for i, event in enumerate(events):
        if isinstance(event, CallEnded):
            return [*events[:i], FeedStatusChanged("ended", detail), *events[i:]]
    return events
