"""New library material: a call transcript or a JSON Lines export -> a library conversation.

Input is either a plain transcript, one turn per line with a speaker label (``Klant:``,
``Medewerker:``, ``Customer:``, ``Agent:``... optionally with a name, ``Agent (Sanne):``, and a
timestamp before or after the label, ``[00:12] Klant:`` or ``Klant (01:02:03):``; lines without a
label continue the turn before), or JSON Lines in the ``agent-desk detect`` / replay timeline shape
(``{"id"?, "speaker", "text", "t"?}``, other fields ignored). Every text is redacted first
(:func:`agent_desk.redact.redact`), then the real detector proposes life events for each customer
turn and an annotator accepts, removes or adds them (:func:`prompting_annotator`). The result is a
YAML file that ``agent-desk fixtures check`` accepts, with an empty ``suggestions`` list and a
comment saying how to fill it.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, cast

import click
import yaml

from agent_desk.i18n import t
from agent_desk.library.conversation import MAX_UTTERANCE_CHARS, Conversation, GoldEvent
from agent_desk.redact import BSN, CARD, EMAIL, IBAN, PHONE, redact
from guards.yamlsrc import Problem
from nlp.types import EventType, Lang, LifeEvent, Speaker

__all__ = [
    "DraftUtterance",
    "TranscriptError",
    "accept_proposals",
    "build_conversation",
    "prepare",
    "prompting_annotator",
    "read_turns",
    "to_yaml",
]

#: A call transcript of a few hours is well under this.
MAX_TRANSCRIPT_BYTES = 5_000_000
MAX_TURNS = 5_000
#: Speaking pace used to space turns in time when the transcript has no timestamps.
_WORDS_PER_SECOND = 2.5

_SPEAKER_WORDS: dict[str, Speaker] = {
    **dict.fromkeys(
        ("klant", "klante", "beller", "client", "cliënt", "burger", "inwoner", "aanvrager",
         "customer", "caller", "member", "policyholder", "verzekerde"),
        "customer",
    ),
    **dict.fromkeys(
        ("medewerker", "agent", "adviseur", "advisor", "adviser", "servicemedewerker",
         "klantenservice", "consulent", "operator", "representative", "rep", "staff"),
        "agent",
    ),
    **dict.fromkeys(("systeem", "system", "ivr", "keuzemenu"), "system"),
}  # fmt: skip
_TS = r"(?P<{name}>\d{{1,2}}:\d{{2}}(?::\d{{2}})?(?:[.,]\d+)?)"
_LINE = re.compile(
    r"^\s*(?:[\[(]?" + _TS.format(name="ts1") + r"[\])]?\s*)?"
    r"(?P<label>[^\W\d_][^\W\d_'’.-]*)"  # the speaker word
    r"(?P<name>(?:[ \t]+[\w'’.-]+){0,3}?|[ \t]*\([^)]{0,40}\))?"  # "Sanne", "1", "(Sanne)"
    r"[ \t]*(?:[\[(]" + _TS.format(name="ts2") + r"[\])])?"
    r"[ \t]*(?::|：|\s[-–—]\s)[ \t]*(?P<text>.*)$"
)
_ONLY_TS = re.compile(r"^\s*[\[(]?\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d+)?[\])]?\s*$")
_LABELS = (EMAIL, IBAN, BSN, PHONE, CARD)
_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,49}$")


class TranscriptError(Exception):
    """The transcript cannot be imported; one problem per line (``file:line: what is wrong``),
    each with a code so the command says it in the user's language (``agent_desk.problems``)."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


@dataclass(frozen=True)
class Turn:
    """One turn as read from the file, before redaction."""

    speaker: Speaker
    text: str
    t: float | None
    id: str | None
    line: int


@dataclass
class DraftUtterance:
    """One redacted utterance on its way into the library, with the detector's proposals."""

    id: str
    t: float
    speaker: Speaker
    text: str
    proposed: tuple[GoldEvent, ...] = ()
    events: tuple[GoldEvent, ...] = field(default=())


def _clean(text: str) -> str:
    """One line of plain text: control characters (terminal escapes included) become spaces."""
    chars = (" " if unicodedata.category(ch) in ("Cc", "Cf") else ch for ch in text)
    return " ".join("".join(chars).split())


def _seconds(stamp: str) -> float:
    parts = stamp.replace(",", ".").split(":")
    total = 0.0
    for p in parts:
        total = total * 60 + float(p)
    return total


def _speaker(word: str) -> Speaker | None:
    return _SPEAKER_WORDS.get(word.casefold())


def parse_transcript(text: str, name: str) -> list[Turn]:
    """Turns of a plain transcript; a line without a known speaker label continues the turn
    before it (transcripts wrap long turns), but not before the first turn."""
    turns: list[Turn] = []
    problems: list[Problem] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        if not raw.strip() or _ONLY_TS.match(raw):
            continue
        m = _LINE.match(raw)
        speaker = _speaker(m.group("label")) if m else None
        if m and speaker is not None:
            stamp = m.group("ts1") or m.group("ts2")
            body = _clean(m.group("text"))
            turns.append(Turn(speaker, body, _seconds(stamp) if stamp else None, None, number))
        elif turns:
            prev = turns[-1]
            joined = f"{prev.text} {_clean(raw)}".strip()
            turns[-1] = Turn(prev.speaker, joined, prev.t, prev.id, prev.line)
        else:
            message = (
                "no speaker label; start turns with 'Klant:', 'Medewerker:', 'Customer:' or "
                "'Agent:'"
            )
            problems.append(Problem(name, number, "", message, "transcript_no_speaker"))
    if problems:
        raise TranscriptError(problems)
    return turns


def parse_jsonl(text: str, name: str) -> list[Turn]:
    """Turns of a JSON Lines export: ``{"id"?, "speaker", "text", "t"?}`` per line."""
    turns: list[Turn] = []
    problems: list[Problem] = []

    def problem(number: int, message: str, code: str, **params: str | int) -> None:
        problems.append(Problem(name, number, "", message, code, params=params))

    for number, raw in enumerate(text.splitlines(), start=1):
        if not raw.strip():
            continue
        try:
            data = json.loads(raw)
        except json.JSONDecodeError as exc:
            message = f"invalid JSON: {exc.msg} at column {exc.colno}"
            problem(number, message, "transcript_invalid_json", detail=exc.msg, column=exc.colno)
            continue
        if not isinstance(data, dict):
            problem(number, "expected a JSON object", "transcript_not_object")
            continue
        said = data.get("text")
        if not isinstance(said, str):
            problem(number, "[text] expected a string", "transcript_text")
            continue
        who = data.get("speaker", "customer")
        speaker = (
            cast(Speaker, who)
            if who in ("customer", "agent", "system")
            else _speaker(who)
            if isinstance(who, str)
            else None
        )
        if speaker is None:
            message = f"[speaker] expected customer, agent or system, got {who!r}"
            problem(number, message, "transcript_speaker", value=repr(who))
            continue
        when = data.get("t")
        if when is not None and (
            isinstance(when, bool) or not isinstance(when, int | float) or when < 0
        ):
            message = "[t] expected seconds since the call started (a number)"
            problem(number, message, "transcript_time")
            continue
        ident = data.get("id")
        ident = str(ident) if isinstance(ident, str | int) and not isinstance(ident, bool) else None
        turns.append(Turn(speaker, _clean(said), float(when) if when is not None else None,
                          ident, number))  # fmt: skip
    if problems:
        raise TranscriptError(problems)
    return turns


def read_turns(path: Path) -> list[Turn]:
    """Read a transcript file; JSON Lines when it is named ``.jsonl``/``.ndjson`` or starts
    with ``{``, a plain transcript otherwise."""
    name = str(path)
    try:
        if path.stat().st_size > MAX_TRANSCRIPT_BYTES:
            message = f"larger than {MAX_TRANSCRIPT_BYTES:,} bytes"
            params = {"limit": MAX_TRANSCRIPT_BYTES}
            raise TranscriptError(
                [Problem(name, None, "", message, "transcript_too_large", params=params)]
            )
        text = path.read_bytes().decode("utf-8-sig")
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        raise TranscriptError(
            [Problem(name, None, "", f"cannot be read: {reason}", "transcript_unreadable", reason)]
        ) from exc
    except UnicodeDecodeError as exc:
        message = "not UTF-8 text (save it as UTF-8)"
        raise TranscriptError([Problem(name, None, "", message, "transcript_not_utf8")]) from exc
    is_jsonl = path.suffix.lower() in {".jsonl", ".ndjson"} or text.lstrip().startswith("{")
    turns = parse_jsonl(text, name) if is_jsonl else parse_transcript(text, name)
    turns = [tn for tn in turns if tn.text]
    if not turns:
        raise TranscriptError([Problem(name, None, "", "no turns found", "transcript_no_turns")])
    if len(turns) > MAX_TURNS:
        message = f"{len(turns)} turns; the limit is {MAX_TURNS}"
        params = {"count": len(turns), "limit": MAX_TURNS}
        raise TranscriptError(
            [Problem(name, None, "", message, "transcript_too_many_turns", params=params)]
        )
    return turns


def _redactions(text: str) -> int:
    return sum(text.count(label) for label in _LABELS)


def _gold(ev: LifeEvent) -> GoldEvent:
    return GoldEvent(
        type=ev.type,
        text=ev.text,
        negated=ev.negated,
        hypothetical=ev.hypothetical,
        experiencer=ev.experiencer,
        historical=ev.historical,
    )


@dataclass
class Prepared:
    lang: Lang
    utterances: list[DraftUtterance]
    #: Identifiers replaced by redaction (IBAN, phone, BSN, e-mail, card number).
    redactions: int
    #: Turns cut to the library's utterance limit.
    truncated: int


def prepare(turns: Sequence[Turn], lang: Lang | None = None) -> Prepared:
    """Redact every turn, give it an id and a time, and let the detector propose life events
    for the customer's turns (``lang``: the call's language; identified when not given)."""
    from nlp.detector import get_detector

    detector = get_detector()
    drafts: list[DraftUtterance] = []
    used: set[str] = set()
    redactions = truncated = 0
    last_t = 0.0
    for i, turn in enumerate(turns, start=1):
        before = _redactions(turn.text)
        text = redact(turn.text)
        redactions += max(0, _redactions(text) - before)
        if len(text) > MAX_UTTERANCE_CHARS:
            text = text[:MAX_UTTERANCE_CHARS].rsplit(" ", 1)[0]
            truncated += 1
        ident = turn.id if turn.id and _ID.match(turn.id) and turn.id not in used else f"u{i}"
        while ident in used:
            ident = f"{ident}-{i}"
        used.add(ident)
        when = turn.t if turn.t is not None else (last_t + _gap(drafts))
        when = round(max(when, last_t), 1)  # a library call never goes back in time
        drafts.append(DraftUtterance(id=ident, t=when, speaker=turn.speaker, text=text))
        last_t = when
    customer = [d for d in drafts if d.speaker == "customer"]
    call_lang = detector.language_of(" ".join(d.text for d in customer or drafts), lang)
    detections = detector.detect_many([d.text for d in customer], call_lang)
    for draft, detection in zip(customer, detections, strict=True):
        unique = {_gold(ev): None for ev in detection.events}
        draft.proposed = tuple(unique)
    return Prepared(call_lang, drafts, redactions, truncated)


def _gap(drafts: Sequence[DraftUtterance]) -> float:
    """Seconds the turn before took to say (a plausible clock for the replay)."""
    if not drafts:
        return 0.0
    return max(1.0, len(drafts[-1].text.split()) / _WORDS_PER_SECOND)


Annotator = Callable[[DraftUtterance], tuple[GoldEvent, ...]]


def accept_proposals(draft: DraftUtterance) -> tuple[GoldEvent, ...]:
    """``--yes``: the detector's proposal as it stands."""
    return draft.proposed


def _event_name(ev: GoldEvent, ui: Lang) -> str:
    return t(f"event.{ev.type.value}", ui)


def _flags(ev: GoldEvent, ui: Lang) -> str:
    flags = [
        t(f"training.import.flag.{name}", ui)
        for name, on in (
            ("negated", ev.negated),
            ("hypothetical", ev.hypothetical),
            ("other", ev.experiencer == "other"),
            ("historical", ev.historical),
        )
        if on
    ]
    return f" ({', '.join(flags)})" if flags else ""


def prompting_annotator(ui: Lang) -> Annotator:
    """Ask, per customer utterance, which proposed events to keep and whether to add any."""

    def annotate(draft: DraftUtterance) -> tuple[GoldEvent, ...]:
        kept: list[GoldEvent] = []
        for ev in draft.proposed:
            question = t(
                "training.import.keep", ui, event=_event_name(ev, ui), text=ev.text,
                flags=_flags(ev, ui),
            )  # fmt: skip
            if click.confirm(question, default=True):
                kept.append(ev)
        while click.confirm(t("training.import.add", ui, id=draft.id), default=False):
            kept.append(_ask_event(draft.text, ui))
        return tuple(kept)

    return annotate


def _ask_event(text: str, ui: Lang) -> GoldEvent:
    kind = click.prompt(
        t("training.import.type", ui), type=click.Choice([e.value for e in EventType])
    )
    while True:
        evidence = str(click.prompt(t("training.import.evidence", ui))).strip()
        if evidence and evidence in text:
            break
        click.echo(t("training.import.evidence_missing", ui))
    return GoldEvent(
        type=EventType(kind),
        text=evidence,
        negated=click.confirm(t("training.import.negated", ui), default=False),
        hypothetical=click.confirm(t("training.import.hypothetical", ui), default=False),
        experiencer="other" if click.confirm(t("training.import.other", ui), default=False)
        else "customer",
        historical=click.confirm(t("training.import.historical", ui), default=False),
    )  # fmt: skip


def annotate(prepared: Prepared, annotator: Annotator, ui: Lang, *, echo: bool) -> None:
    """Run the annotator over the customer's utterances; ``echo`` shows the whole call as it
    goes, so the annotator hears each turn in context."""
    for draft in prepared.utterances:
        if echo:
            who = t(f"training.import.speaker.{draft.speaker}", ui)
            click.echo(
                t("training.import.utterance", ui, id=draft.id, speaker=who, text=draft.text)
            )
        if draft.speaker == "customer":
            draft.events = annotator(draft)


def slug(text: str) -> str:
    """A conversation id from a file name: lower case, words joined by hyphens."""
    ascii_ = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_.lower()).strip("-")[:80].strip("-") or "imported"


Org = Literal["bank", "insurer", "municipality"]


def build_conversation(
    prepared: Prepared, *, conversation_id: str, title: str, org: Org, source: str
) -> Conversation:
    """The validated library conversation (raises pydantic's ValidationError if it is not)."""
    data: dict[str, Any] = {
        "id": conversation_id,
        "title": title,
        "lang": prepared.lang,
        "org": org,
        "difficulty": "medium",
        "tags": ["imported"],
        "description": f"Imported from {source}; identifiers redacted.",
        "utterances": [
            {
                "id": d.id,
                "t": d.t,
                "speaker": d.speaker,
                "text": d.text,
                **({"events": [e.model_dump(mode="json") for e in d.events]} if d.events else {}),
            }
            for d in prepared.utterances
        ],
    }
    return Conversation.model_validate(data)


_SUGGESTIONS_COMMENT = """\
# Suggestions: what the next-best-action engine proposed in this call, one entry per proposal,
# with the verdicts a careful guard may give (see fixtures/catalog/*.yaml for action ids), e.g.
#   - at: u4                                  # the utterance after which it was proposed
#     action: bank.care.bereavement-support
#     acceptable: [show, guide]
#     note: "Why these verdicts, for trainers."
# Suggesties: wat het NBA-systeem in dit gesprek voorstelde, met de passende oordelen; zie boven.
# Then / daarna: agent-desk fixtures check <this file>
suggestions: []
"""


def to_yaml(conversation: Conversation) -> str:
    """The library YAML for an imported conversation, ending with the suggestions comment."""
    data = conversation.model_dump(
        mode="json", exclude={"suggestions", "customer"}, exclude_defaults=False
    )
    for u in data["utterances"]:
        if not u["events"]:
            del u["events"]
        else:
            u["events"] = [
                {k: v for k, v in ev.items() if k in {"type", "text"} or v != _DEFAULTS[k]}
                for ev in u["events"]
            ]
    head = (
        "# Imported with `agent-desk fixtures import`: identifiers redacted, life events\n"
        "# annotated with the detector's help. Review the text and events before use.\n"
    )
    body = yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)
    return head + body + _SUGGESTIONS_COMMENT


_DEFAULTS: dict[str, object] = {
    "negated": False,
    "hypothetical": False,
    "experiencer": "customer",
    "historical": False,
}


def import_transcript(
    transcript: Path,
    *,
    output: Path | None,
    conversation_id: str | None,
    title: str | None,
    lang: str | None,
    org: str | None,
    yes: bool,
    force: bool,
) -> None:
    """`agent-desk fixtures import`: read, redact, annotate, write, check. Exit 1 on a problem."""
    from pydantic import ValidationError

    from agent_desk.cli.errors import Refused
    from agent_desk.library.check import check_paths
    from agent_desk.problems import problem_line, problem_message
    from agent_desk.settings import SettingsError, load_settings
    from guards.yamlsrc import pydantic_parts

    try:
        settings = load_settings()
        ui: Lang = settings.language
        default_org: Org = settings.org
    except SettingsError:
        ui, default_org = "nl", "bank"
    ident = conversation_id or slug(transcript.stem)
    target = output or Path(f"{ident}.yaml")
    if target.exists() and not force:
        raise Refused(t("training.import.exists", ui, path=target), ui)
    try:
        prepared = prepare(read_turns(transcript), cast(Lang, lang) if lang else None)
    except TranscriptError as exc:
        raise Refused("\n".join(problem_line(p, ui) for p in exc.problems), ui) from exc
    annotate(prepared, accept_proposals if yes else prompting_annotator(ui), ui, echo=not yes)
    try:
        conversation = build_conversation(
            prepared,
            conversation_id=ident,
            title=title or transcript.stem,
            org=cast(Org, org) if org else default_org,
            source=transcript.name,
        )
    except ValidationError as exc:
        lines = []
        for e in exc.errors(include_url=False):
            where = ".".join(str(p) for p in e["loc"])
            code, params, detail = pydantic_parts(e)
            said = Problem("", None, where, e["msg"], code, detail, params=params)
            lines.append(f"{where}: {problem_message(said, ui)}")
        raise Refused("\n".join(lines), ui) from exc
    try:
        target.write_text(to_yaml(conversation), encoding="utf-8")
    except OSError as exc:
        # The system's own words (strerror) stay as they are.
        raise Refused(f"{target}: {exc.strerror}", ui) from exc
    events = sum(len(u.events) for u in conversation.utterances)
    click.echo(
        t(
            "training.import.written",
            ui,
            path=target,
            utterances=len(conversation.utterances),
            events=events,
            redacted=prepared.redactions,
        )
    )
    report = check_paths([target])
    if report.problems:
        click.echo(t("training.import.check_failed", ui), err=True)
        for problem in report.problems:
            click.echo(problem_line(problem, ui), err=True)
        raise SystemExit(1)
    click.echo(t("training.import.checked", ui))
    click.echo(t("training.import.next", ui, path=target))
