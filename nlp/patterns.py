"""The pattern data files: their schema, the compact pattern notation, and validated loading.

Patterns are data, one folder per language (``nlp/data/<lang>/events.yaml`` and
``context.yaml``). Each pattern is a short string in a token notation that compiles to a spaCy
``Matcher`` pattern, so a linguist edits words, not JSON:

=================  ===============================================================
``word``           the token's norm is ``word`` (lower case; spaCy's norm also undoes
                   contractions: "n't"/"n’t" -> ``not``, "'m" -> ``am``, "ca" -> ``can``)
``a|b|c``          the token's norm is one of these
``a|b|re:REGEX``   the lower-cased token is one of these words or matches the regular
                   expression (last, to the end of the token; it may hold ``|``)
``@lemma|lemma2``  the token's (lower-cased lookup) lemma is one of these
``re:REGEX``       the lower-cased token matches the regular expression
``~word``          the lower-cased token is ``word`` give or take one typo (edit)
``!a|b``           any one token that is not one of these (and not punctuation)
``*``              any one token that is not punctuation
``#cap``           a capitalised word (a place name: "moving to Utrecht")
``...`` ``...N``   a gap of 0..4 (or 0..N) tokens inside the sentence, no punctuation
``x?``             an optional token (any of the forms above, followed by ``?``)
=================  ===============================================================

A broken file raises :class:`PatternFileError` naming the file, the entry and what is wrong.
"""

from __future__ import annotations

import itertools
import re
import sys
from enum import StrEnum
from pathlib import Path
from typing import Any, Literal, TypeVar

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from nlp.types import EventType, Lang, WishKind

#: libyaml's loader when available: the same data as yaml.safe_load, much faster to load.
_SafeLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

DATA_DIR = Path(__file__).resolve().parent / "data"

#: Pattern files are small hand-written data; anything larger is a mistake.
MAX_PATTERN_FILE_BYTES = 1_000_000
DEFAULT_GAP = 4
MAX_GAP = 12

TokenPattern = dict[str, Any]
_M = TypeVar("_M", bound=BaseModel)


class PatternSyntaxError(ValueError):
    """One pattern string is not valid notation."""


class PatternFileError(Exception):
    """A pattern data file could not be loaded; the message names file, entry and problem."""

    def __init__(self, file: Path | str, problems: list[str]) -> None:
        self.file = str(file)
        self.problems = problems
        super().__init__("\n".join(f"{self.file}: {p}" for p in problems))


def _alternatives(body: str, raw: str) -> list[str]:
    # Interned: the same word lists recur in hundreds of patterns, each kept by spaCy's matcher.
    alts = [sys.intern(a) for a in body.split("|")]
    if not alts or any(not a for a in alts):
        raise PatternSyntaxError(f"empty alternative in {raw!r}")
    if any(a.startswith("re:") for a in alts):
        raise PatternSyntaxError(
            f"a regular expression can only end a list of plain words (a|b|re:X): {raw!r}"
        )
    return alts


def _compile_token(tok: str) -> TokenPattern:
    optional = len(tok) > 1 and tok.endswith("?")
    body = tok[:-1] if optional else tok
    spec: TokenPattern
    if body == "*":
        spec = {"IS_PUNCT": False}
    elif body == "#cap":
        spec = {"IS_TITLE": True}
    elif body.startswith("re:"):
        spec = {"LOWER": {"REGEX": _regex(body[3:], tok)}}
    elif body.startswith("@"):
        alts = _alternatives(body[1:], tok)
        spec = {"LEMMA": {"IN": alts}} if len(alts) > 1 else {"LEMMA": alts[0]}
    elif body.startswith("~"):
        word = body[1:]
        if not word or "|" in word:
            raise PatternSyntaxError(f"a fuzzy token takes exactly one word: {tok!r}")
        spec = {"LOWER": {"FUZZY1": word}}
    elif body.startswith("!") and len(body) > 1:
        spec = {"NORM": {"NOT_IN": _alternatives(body[1:], tok)}, "IS_PUNCT": False}
    elif "|re:" in body:
        spec = {"LOWER": {"REGEX": _words_or_regex(body, tok)}}
    else:
        if body.lower() != body:
            raise PatternSyntaxError(f"write words in lower case: {tok!r}")
        alts = _alternatives(body, tok)
        for alt in alts:
            if len(alt) > 1 and alt[0] in "@~!#":
                raise PatternSyntaxError(
                    f"{alt!r} inside an alternation is read as a word, not as {alt[0]}...: "
                    f"write a pattern of its own for it ({tok!r})"
                )
        spec = {"NORM": {"IN": alts}} if len(alts) > 1 else {"NORM": alts[0]}
    if optional:
        spec["OP"] = "?"
    return spec


def _words_or_regex(body: str, raw: str) -> str:
    """``a|b|re:X`` (words, then one regex that runs to the end of the token and may hold
    ``|`` itself): one regex on the lower-cased token, the words matched whole."""
    words, expr = body.split("|re:", 1)
    if words.lower() != words:
        raise PatternSyntaxError(f"write words in lower case: {raw!r}")
    alts = _alternatives(words, raw)
    return f"^(?:{'|'.join(map(re.escape, alts))})$|{_regex(expr, raw)}"


def _regex(expr: str, raw: str) -> str:
    """``expr`` if it is a valid, non-empty regular expression."""
    if not expr:
        raise PatternSyntaxError(f"empty regular expression in {raw!r}")
    try:
        re.compile(expr)
    except re.error as exc:
        raise PatternSyntaxError(f"bad regular expression {expr!r}: {exc}") from exc
    return expr


_GAP = re.compile(r"^\.\.\.(\d+)?$")


def compile_pattern(text: str) -> list[TokenPattern]:
    """Compile one pattern string to a spaCy Matcher token pattern (see the module docstring)."""
    tokens = text.split()
    if not tokens:
        raise PatternSyntaxError("empty pattern")
    out: list[TokenPattern] = []
    for i, tok in enumerate(tokens):
        gap = _GAP.match(tok)
        if gap:
            if i in (0, len(tokens) - 1):
                raise PatternSyntaxError(f"a gap cannot start or end a pattern: {text!r}")
            size = int(gap.group(1)) if gap.group(1) else DEFAULT_GAP
            if not 1 <= size <= MAX_GAP:
                raise PatternSyntaxError(f"gap size must be 1..{MAX_GAP}: {text!r}")
            out.append({"IS_PUNCT": False, "IS_SENT_START": False, "OP": f"{{0,{size}}}"})
        else:
            out.append(_compile_token(tok))
    if all(t.get("OP") for t in out):
        raise PatternSyntaxError(f"a pattern needs at least one required token: {text!r}")
    return out


def is_gap(token_pattern: TokenPattern) -> bool:
    """True for gap tokens: words they cover are not evidence and may carry context triggers."""
    op = token_pattern.get("OP", "")
    return isinstance(op, str) and op.startswith("{")


def _check_patterns(patterns: list[str]) -> list[str]:
    for p in patterns:
        try:
            compile_pattern(p)
        except PatternSyntaxError as exc:
            raise ValueError(f"pattern {p!r}: {exc}") from exc
    return patterns


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class _Entry(_Strict):
    id: str = Field(min_length=1, pattern=r"^[a-z0-9][a-z0-9_.-]*$")
    patterns: list[str] = Field(min_length=1)

    @field_validator("patterns")
    @classmethod
    def _compiles(cls, v: list[str]) -> list[str]:
        return _check_patterns(v)


class EventEntry(_Entry):
    """Patterns that, matched, mean one life event."""

    type: EventType


class VetoEntry(_Entry):
    """Look-alikes: an event overlapping one of these matches is dropped ("afval scheiden")."""

    #: Only events of these types are dropped; empty means every type.
    types: list[EventType] = []


class WishEntry(_Entry):
    kind: WishKind


class EventsFile(_Strict):
    lang: Lang
    events: list[EventEntry] = Field(min_length=1)
    vetoes: list[VetoEntry] = []
    wishes: list[WishEntry] = []

    @model_validator(mode="after")
    def _unique_ids(self) -> EventsFile:
        _no_duplicates([e.id for e in [*self.events, *self.vetoes, *self.wishes]])
        return self


class Category(StrEnum):
    NEGATED = "negated"
    HYPOTHETICAL = "hypothetical"
    HISTORICAL = "historical"
    #: Someone else's situation ("in de film", "on the news").
    OTHER = "other"
    #: Looks like a trigger but is not one ("niet alleen", "no doubt"); swallows the real one.
    PSEUDO = "pseudo"
    #: The relative the event is about lives with the customer ("..., he lives with us now"):
    #: their situation is the household's, so the customer's (the guideline's household rule).
    HOUSEHOLD = "household"


class Direction(StrEnum):
    FORWARD = "forward"
    BACKWARD = "backward"
    BIDIRECTIONAL = "bidirectional"


class TriggerEntry(_Entry):
    category: Category
    direction: Direction = Direction.FORWARD
    #: How many tokens the trigger reaches, within the sentence and up to a terminator.
    max_scope: int = Field(default=8, ge=1, le=40)
    #: Only events of these types take the flag; empty means every type (medspaCy's
    #: ``allowed_types``). "Al jaren" makes a divorce long past, but debts still current.
    types: list[EventType] = []
    #: The scope reaches over terminators and clause breaks (within the sentence), as a time
    #: frame does: "mijn zus wordt mishandeld, ze woont in Rotterdam" is about the sister.
    across_clauses: bool = False

    @model_validator(mode="after")
    def _pseudo_untyped(self) -> TriggerEntry:
        if self.types and self.category == Category.PSEUDO:
            raise ValueError(
                "a pseudo-trigger silences triggers for every type; it cannot have types"
            )
        return self


class Role(StrEnum):
    """Who a person word refers to, from the customer's side."""

    SELF = "self"
    PARTNER = "partner"
    FAMILY = "family"
    #: The customer's own (young) child in the household: "ons zoontje", "our baby".
    CHILD = "child"
    OTHER = "other"
    #: Pets, objects: the event is not a life event at all ("mijn hond is overleden").
    NONHUMAN = "nonhuman"
    #: The customer's own accounts and cards: not a person, but their state is the customer's
    #: situation for the event types that list this role ("my account is overdrawn"); for the
    #: others it is an object ("my card died").
    PROPERTY = "property"
    #: Celebrities, public figures, fiction: not a life event of the customer's either.
    PUBLIC = "public"
    #: A third-person pronoun ("hij", "she"): takes the role of the last person named before it.
    PRONOUN = "pronoun"


class PersonEntry(_Entry):
    role: Role


class ContextFile(_Strict):
    lang: Lang
    triggers: list[TriggerEntry] = Field(min_length=1)
    #: Words that end a trigger's scope ("maar", "but"): ConText's terminators.
    terminators: list[str] = []
    #: Where a new clause starts: the first token of a match ends a trigger's scope, the rest is
    #: the context it needs (", ik ..." / ", my dad ...": the comma is the break). Unlike a
    #: terminator, it does not stop a pronoun from looking back to the person named before.
    clause_breaks: list[str] = []
    #: Words that anchor what follows in the present ("maar nu", "but now", "last week"): a
    #: time frame that otherwise reaches across clauses ("al in 2011 gescheiden, maar nu is zij
    #: overleden") stops there.
    present: list[str] = []
    #: Times that are recent ("on Monday", "two weeks ago", "drie weken geleden"): present
    #: anchors too, and an event right next to one is current whatever time frame the utterance
    #: gives elsewhere ("he was ill for years and died on Monday").
    recent: list[str] = []
    persons: list[PersonEntry] = []
    #: Per event type, the roles whose situation is the customer's own (household, own family).
    customer_roles: dict[EventType, list[Role]] = {}
    #: Words that mark a correction of something said before ("nee, het is mijn zus ...").
    correction_cues: list[str] = []
    #: A person word right after one of these is a place or object, not who the event is about
    #: ("ik trek in bij mijn ouders").
    prepositions: list[str] = []
    #: A person right after one of these, itself right after the evidence, is whose event it
    #: is ("de kraamzorg van mijn schoonzus", "the funeral of my neighbour"); not for care.
    genitives: list[str] = []
    #: A genitive right after one of these is part of a compound preposition, not a genitive
    #: ("moved out of my parents' place", "because of my father").
    not_genitive_after: list[str] = []
    #: Possessive words, and the prepositions that make the person after them an opponent,
    #: not whom the event is about: "a restraining order against my ex", "tegen mijn ex".
    possessives: list[str] = []
    adversatives: list[str] = []
    #: Words that open a clause inside a phrase ("from when I lived there", "die ik ken"): the
    #: customer named right after one is that clause's subject, not the event's.
    subordinators: list[str] = []
    #: The customer as a subject ("I", "ik"): "I help my elderly neighbour ..." names the
    #: person the customer does something for (whose care is the customer's).
    subject_pronouns: list[str] = []
    #: Roles the customer takes on after a death ("executor", "erfgenaam"): when the same
    #: utterance names whose death it was ("my aunt died and I'm the executor"), the role is
    #: about that death, not a loss of the customer's own.
    estate_roles: list[str] = []

    @field_validator("terminators", "clause_breaks", "present", "recent", "correction_cues")
    @classmethod
    def _compiles(cls, v: list[str]) -> list[str]:
        return _check_patterns(v)

    @model_validator(mode="after")
    def _unique_ids(self) -> ContextFile:
        _no_duplicates([e.id for e in [*self.triggers, *self.persons]])
        return self


def _no_duplicates(ids: list[str]) -> None:
    seen: set[str] = set()
    for i in ids:
        if i in seen:
            raise ValueError(f"entry id {i!r} is used twice")
        seen.add(i)


def _describe(data: Any, exc: ValidationError) -> list[str]:
    """Name the entry (by its id when it has one) for every validation error."""
    problems = []
    for err in exc.errors(include_url=False):
        loc = list(err["loc"])
        where = ".".join(str(p) for p in loc)
        node: Any = data
        entry_id = None
        for part in loc:
            try:
                node = node[part]
            except (KeyError, IndexError, TypeError):
                break
            if isinstance(node, dict) and isinstance(node.get("id"), str):
                entry_id = node["id"]
        label = f"entry {entry_id!r} ({where})" if entry_id else (where or "file")
        msg = str(err["msg"]).removeprefix("Value error, ")
        problems.append(f"{label}: {msg}")
    return problems


def load_file(path: Path, model: type[_M]) -> _M:
    """Read and validate one pattern file; raise PatternFileError naming file and entry."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise PatternFileError(path, [f"cannot read file: {exc.strerror}"]) from exc
    if len(raw) > MAX_PATTERN_FILE_BYTES:
        raise PatternFileError(path, [f"file is larger than {MAX_PATTERN_FILE_BYTES} bytes"])
    try:
        data = yaml.load(raw.decode("utf-8"), Loader=_SafeLoader)
    except UnicodeDecodeError as exc:
        raise PatternFileError(path, ["not valid UTF-8 text"]) from exc
    except yaml.YAMLError as exc:
        raise PatternFileError(path, [f"invalid YAML: {exc}"]) from exc
    if not isinstance(data, dict):
        raise PatternFileError(path, ["expected a mapping at the top of the file"])
    data = _expand_macros(path, data)
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise PatternFileError(path, _describe(data, exc)) from exc


_MACRO = re.compile(r"\$([a-z][a-z0-9_]*)")


def _expand_macros(path: Path, data: dict[str, Any]) -> dict[str, Any]:
    """Replace ``$name`` in pattern strings by the top-level ``macros: {name: "a|b|c"}`` entry.

    Word lists that many patterns share (family words, pets) are written once.
    """
    macros = data.pop("macros", None) or {}
    if not isinstance(macros, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in macros.items()
    ):
        raise PatternFileError(path, ["macros: expected a mapping of name to text"])

    def expand(where: str, value: Any) -> Any:
        if isinstance(value, str):
            _check_alternations(path, where, value)

            def sub(m: re.Match[str]) -> str:
                name = m.group(1)
                if name not in macros:
                    raise PatternFileError(path, [f"{where}: unknown macro ${name}"])
                return str(macros[name])

            return _MACRO.sub(sub, value)
        if isinstance(value, list):
            return [expand(where, v) for v in value]
        return value

    out: dict[str, Any] = {}
    for key, value in data.items():
        if isinstance(value, list):
            entries = []
            for i, entry in enumerate(value):
                if isinstance(entry, dict) and "patterns" in entry:
                    label = f"entry {entry.get('id', i)!r}"
                    entries.append({**entry, "patterns": expand(label, entry["patterns"])})
                elif isinstance(entry, str):
                    entries.append(expand(f"{key}.{i}", entry))
                else:
                    entries.append(entry)
            out[key] = entries
        else:
            out[key] = value
    return out


def _check_alternations(path: Path, where: str, pattern: str) -> None:
    """Refuse the signs of a phrase written inside an alternation, as written (before macros,
    whose shared lists may overlap): a word listed twice in one ("died|passed|passed away" is
    "died|passed|passed" followed by a required "away") or shared by two neighbouring tokens
    ("in de|tijdens de oorlog" requires "in de de oorlog" or "in tijdens de oorlog"). Such a
    pattern loads without complaint and matches far less than it says; round 22 found 15 in
    the shipped files."""
    tokens = pattern.split()
    lists = [_words_listed(tok) for tok in tokens]
    for tok, alts in zip(tokens, lists, strict=True):
        twice = sorted({a for a in alts if alts.count(a) > 1})
        if twice:
            raise PatternFileError(
                path,
                [
                    f"{where}: {tok!r} in {pattern!r} lists {', '.join(twice)} twice; list it "
                    "once (if a phrase was meant: a space ends an alternation, 'a|a b' is 'a' "
                    "then 'b', so write each phrase as a pattern of its own)"
                ],
            )
    for (first, a), (second, b) in itertools.pairwise(zip(tokens, lists, strict=True)):
        shared = sorted(set(a) & set(b))
        # ("!a|b? !a|b?" is two words that are not a or b: meant.)
        if shared and ("|" in first or "|" in second) and "!" not in (first[0], second[0]):
            raise PatternFileError(
                path,
                [
                    f"{where}: {first!r} and {second!r} in {pattern!r} both have "
                    f"{', '.join(shared)}: a space ends an alternation ('in de|tijdens de' is "
                    "'in', then 'de|tijdens', then 'de'), so write 'in|tijdens de' or a "
                    "pattern of its own per phrase"
                ],
            )


def _words_listed(tok: str) -> list[str]:
    """The plain words of one token as written ("a|b|c", "x?"); none for a gap, a macro, a
    regex or another operator."""
    body = tok[:-1] if len(tok) > 1 and tok.endswith("?") else tok  # as _compile_token reads it
    if "$" in body or "re:" in body or body.startswith(("...", "#", "*")):
        return []
    return (body[1:] if len(body) > 1 and body[0] in "@!~" else body).split("|")


def load_language(lang: str, data_dir: Path | None = None) -> tuple[EventsFile, ContextFile]:
    """Load and validate both pattern files of one language."""
    folder = (data_dir or DATA_DIR) / lang
    events: EventsFile = load_file(folder / "events.yaml", EventsFile)
    context: ContextFile = load_file(folder / "context.yaml", ContextFile)
    for name, f in (("events.yaml", events), ("context.yaml", context)):
        if f.lang != lang:
            raise PatternFileError(
                folder / name, [f"lang is {f.lang!r} but the folder is {lang!r}"]
            )
    return events, context


Kind = Literal["event", "veto", "wish", "trigger", "terminator", "person", "correction"]
