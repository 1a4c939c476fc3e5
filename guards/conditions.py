"""The rule condition language: a closed vocabulary of predicates, combined with all/any/not.

A condition is a YAML mapping. Every entry must hold (a conjunction); an entry is either a
combinator (``all: [...]``, ``any: [...]``, ``not: {...}``) or a predicate with its argument::

    when:
      suggestion.kind: [sales, retention]
      event.current: vulnerable
      any:
        - suggestion.credit: true
        - value.customer: "< 0.2"

Conditions are parsed once into closures over :class:`Facts` (the session state and the
suggestion, flattened into sets and numbers), so judging is a handful of set lookups.
Protected attributes (age, gender, nationality, ...) are not in the vocabulary, and naming one is
reported as an equal-treatment problem rather than a typo.
"""

from __future__ import annotations

import difflib
import operator
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from guards.types import COMMERCIAL_KINDS, SuggestionKind
from nlp.types import NEUTRAL_EVENTS, VULNERABILITY_EVENTS, EventType

MAX_DEPTH = 12
MAX_LIST = 100


@dataclass(frozen=True, slots=True)
class Facts:
    """Everything a condition may look at, for one suggestion in one session state."""

    kind: SuggestionKind
    credit: bool
    inferred: bool
    group: str
    action: str
    customer_value: float
    org_value: float
    text: str  # title + script, lower case: for ``suggestion.mentions``
    script_words: int
    purpose: frozenset[EventType]  # the life events the suggestion is meant for
    current: frozenset[EventType]
    mentioned: frozenset[EventType]
    ended: frozenset[EventType]
    wishes: frozenset[str]
    declined_actions: frozenset[str]
    declined_groups: frozenset[str]
    declined_kinds: frozenset[str]
    opted_out: bool
    brake: bool
    question_open: bool
    disclosure_unacknowledged: bool
    utterances: int


Test = Callable[[Facts], bool]
ArgKind = Literal["bool", "kinds", "events", "wishes", "number", "names", "words"]

EVENT_GROUPS: dict[str, frozenset[EventType]] = {
    "vulnerable": VULNERABILITY_EVENTS,
    "neutral": NEUTRAL_EVENTS,
    "any": frozenset(EventType),
}
WISHES = ("no_offers", "not_interested")
_CMP: dict[str, Callable[[float, float], bool]] = {
    "<=": operator.le,
    ">=": operator.ge,
    "<": operator.lt,
    ">": operator.gt,
    "==": operator.eq,
}
_NUMBER = re.compile(r"^\s*(<=|>=|<|>|==)\s*(-?\d+(?:\.\d+)?)\s*$")


@dataclass(frozen=True)
class PredicateSpec:
    name: str
    arg: ArgKind
    help: str


#: The closed vocabulary. docs/rules.md explains each one for supervisors.
PREDICATES: dict[str, PredicateSpec] = {
    p.name: p
    for p in [
        PredicateSpec("suggestion.kind", "kinds", "the suggestion is one of these kinds"),
        PredicateSpec("suggestion.commercial", "bool", "the suggestion sells or retains"),
        PredicateSpec("suggestion.credit", "bool", "the suggestion is a credit product"),
        PredicateSpec("suggestion.uses_inferred_data", "bool", "built on inferred profile labels"),
        PredicateSpec("suggestion.group", "names", "the product family (catalogue group)"),
        PredicateSpec("suggestion.action", "names", "the catalogue action id"),
        PredicateSpec("suggestion.mentions", "words", "title or script contains one of the words"),
        PredicateSpec("suggestion.script_words", "number", "number of words in the script"),
        PredicateSpec("purpose.declared", "bool", "the suggestion says which events it is for"),
        PredicateSpec("purpose.current", "bool", "an event it is for is the customer's situation"),
        PredicateSpec("purpose.mentioned", "bool", "an event it is for was heard in any form"),
        PredicateSpec(
            "purpose.ended", "bool", "an event it is for was the customer's own, and is over"
        ),
        PredicateSpec("value.customer", "number", "value for the customer, 0 to 1"),
        PredicateSpec("value.org", "number", "value for the organisation, 0 to 1"),
        PredicateSpec("value.customer_minus_org", "number", "customer value minus org value"),
        PredicateSpec("event.current", "events", "one of these is the customer's situation now"),
        PredicateSpec("event.mentioned", "events", "one of these was heard in any form"),
        PredicateSpec(
            "event.not_current", "events", "heard, but only negated/hypothetical/other/past"
        ),
        PredicateSpec("wish.heard", "wishes", "the customer said this in the call"),
        PredicateSpec("declined.same_action", "bool", "customer declined this action this call"),
        PredicateSpec("declined.same_group", "bool", "declined something of this group"),
        PredicateSpec("declined.same_kind", "bool", "declined something of this kind"),
        PredicateSpec("profile.opted_out", "bool", "the customer opted out of offers"),
        PredicateSpec("brake", "bool", "the agent pulled the emergency brake"),
        PredicateSpec("question_open", "bool", "the customer's own question is not handled yet"),
        PredicateSpec(
            "disclosure.unacknowledged", "bool", "a vulnerability was disclosed, not yet handled"
        ),
        PredicateSpec("call.utterances", "number", "number of utterances so far"),
    ]
}
COMBINATORS = ("all", "any", "not")

#: The protected attributes, by code, as said in English (``agent_desk`` translates the code).
PROTECTED_ATTRIBUTES: dict[str, str] = {
    "age": "age",
    "gender": "gender",
    "nationality": "nationality",
    "ethnicity": "ethnicity",
    "religion": "religion",
    "health": "health",
    "postcode": "postcode (a proxy for origin and income)",
    "sexual_orientation": "sexual orientation",
    "name": "name (a proxy for origin)",
    "accent": "accent (a proxy for origin)",
    "native_language": "native language (a proxy for origin)",
}

#: Words that name who a customer *is* rather than what they told us, with the protected
#: attribute (its code) they name. Conditions on them are unequal treatment (the Dutch
#: childcare-benefits scandal started with exactly such proxies).
PROTECTED_TOKENS: dict[str, str] = {
    "age": "age",
    "leeftijd": "age",
    "birth": "age",
    "birthdate": "age",
    "dob": "age",
    "geboortedatum": "age",
    "gender": "gender",
    "sex": "gender",
    "geslacht": "gender",
    "nationality": "nationality",
    "nationaliteit": "nationality",
    "citizenship": "nationality",
    "ethnicity": "ethnicity",
    "ethnic": "ethnicity",
    "etniciteit": "ethnicity",
    "race": "ethnicity",
    "origin": "ethnicity",
    "afkomst": "ethnicity",
    "migration": "ethnicity",
    "religion": "religion",
    "religie": "religion",
    "geloof": "religion",
    "faith": "religion",
    "health": "health",
    "gezondheid": "health",
    "medical": "health",
    "diagnosis": "health",
    "disability": "health",
    "handicap": "health",
    "postcode": "postcode",
    "zipcode": "postcode",
    "zip": "postcode",
    "postal": "postcode",
    "neighbourhood": "postcode",
    "wijk": "postcode",
    "orientation": "sexual_orientation",
    "sexuality": "sexual_orientation",
    "name": "name",
    "surname": "name",
    "accent": "accent",
    "mother_tongue": "native_language",
    "moedertaal": "native_language",
}


def protected_attribute(key: str) -> str | None:
    """The protected attribute (its code, see :data:`PROTECTED_ATTRIBUTES`) a condition key
    names, if any."""
    low = key.lower()
    for token in re.split(r"[._\-\s]+", low):
        if token in PROTECTED_TOKENS:
            return PROTECTED_TOKENS[token]
    for token, attr in PROTECTED_TOKENS.items():
        if len(token) >= 5 and token in low:
            return attr
    return None


def closest(word: str, options: Sequence[str]) -> str:
    """The option ``word`` is most likely a typo of; "" when none is close."""
    close = difflib.get_close_matches(word, list(options), n=1, cutoff=0.6)
    return close[0] if close else ""


def did_you_mean(word: str, options: Sequence[str]) -> str:
    close = closest(word, options)
    return f" (did you mean {close!r}?)" if close else ""


@dataclass(frozen=True)
class ConditionProblem:
    """One problem in a condition: where inside it (data path), in English, and as a code with
    its parts for translation (see :class:`guards.yamlsrc.Problem`)."""

    loc: tuple[int | str, ...]
    message: str
    code: str
    params: dict[str, str | int] = field(default_factory=dict, hash=False)


@dataclass
class Compiled:
    """The result of parsing one condition: a test, or problems."""

    test: Test | None
    problems: list[ConditionProblem] = field(default_factory=list)
    predicates: set[str] = field(default_factory=set)
    event_types: set[EventType] = field(default_factory=set)


class _Parser:
    def __init__(self) -> None:
        self.problems: list[ConditionProblem] = []
        self.predicates: set[str] = set()
        self.event_types: set[EventType] = set()

    def fail(
        self, loc: tuple[int | str, ...], message: str, code: str, **params: str | int
    ) -> None:
        self.problems.append(ConditionProblem(loc, message, code, params))

    def condition(self, raw: Any, loc: tuple[int | str, ...], depth: int) -> Test | None:
        if depth > MAX_DEPTH:
            message = f"conditions are nested more than {MAX_DEPTH} deep"
            self.fail(loc, message, "nested_too_deep", limit=MAX_DEPTH)
            return None
        if isinstance(raw, list):
            return self.combine("all", raw, loc, depth)
        if not isinstance(raw, Mapping) or not raw:
            message = "a condition is a mapping such as {suggestion.kind: [sales]}"
            self.fail(loc, message, "condition_not_mapping")
            return None
        tests: list[Test | None] = []
        for key, arg in raw.items():
            where = (*loc, key)
            if not isinstance(key, str):
                message = f"condition key {key!r} is not a name"
                self.fail(loc, message, "condition_key_not_name", key=repr(key))
                continue
            if key in ("all", "any"):
                tests.append(self.combine(key, arg, where, depth))
            elif key == "not":
                inner = self.condition(arg, where, depth + 1)
                tests.append(None if inner is None else _negate(inner))
            else:
                tests.append(self.predicate(key, arg, where))
        if any(t is None for t in tests):
            return None
        return _all([t for t in tests if t is not None])

    def combine(self, how: str, raw: Any, loc: tuple[int | str, ...], depth: int) -> Test | None:
        if not isinstance(raw, list) or not raw:
            message = f"'{how}' needs a non-empty list of conditions"
            self.fail(loc, message, "combinator_needs_list", combinator=how)
            return None
        if len(raw) > MAX_LIST:
            message = f"'{how}' lists more than {MAX_LIST} conditions"
            self.fail(loc, message, "combinator_too_long", combinator=how, limit=MAX_LIST)
            return None
        parts = [self.condition(item, (*loc, i), depth + 1) for i, item in enumerate(raw)]
        if any(p is None for p in parts):
            return None
        tests = [p for p in parts if p is not None]
        return _all(tests) if how == "all" else _any(tests)

    def predicate(self, key: str, arg: Any, loc: tuple[int | str, ...]) -> Test | None:
        spec = PREDICATES.get(key)
        if spec is None:
            attr = protected_attribute(key)
            if attr is not None:
                self.fail(
                    loc,
                    f"{key!r} is a protected attribute ({PROTECTED_ATTRIBUTES[attr]}). Rules may "
                    "only look at the situation the customer told us about, never at who they "
                    "are: equal treatment (remember the childcare-benefits scandal)",
                    "protected_attribute",
                    name=key,
                    attribute=attr,
                )
            else:
                names = [*PREDICATES, *COMBINATORS]
                self.fail(
                    loc,
                    f"unknown condition {key!r}{did_you_mean(key, names)}",
                    "unknown_condition",
                    name=key,
                    suggestion=closest(key, names),
                )
            return None
        self.predicates.add(key)
        value = self.argument(spec, arg, loc)
        if value is None:
            return None
        return _build(key, value)

    def argument(self, spec: PredicateSpec, arg: Any, loc: tuple[int | str, ...]) -> Any:
        name = spec.name
        if spec.arg == "bool":
            if not isinstance(arg, bool):
                message = f"{name} takes true or false, not {arg!r}"
                self.fail(loc, message, "expects_true_false", condition=name, value=_shown(arg))
                return None
            return arg
        if spec.arg == "number":
            match = _NUMBER.match(arg) if isinstance(arg, str) else None
            if match is None:
                message = f'{name} takes a comparison such as "< 0.3", not {arg!r}'
                self.fail(loc, message, "expects_comparison", condition=name, value=_shown(arg))
                return None
            return (match.group(1), float(match.group(2)))
        items = arg if isinstance(arg, list) else [arg]
        if not items or len(items) > MAX_LIST or not all(isinstance(i, str) for i in items):
            message = f"{name} takes a name or a list of up to {MAX_LIST} names"
            self.fail(loc, message, "expects_names", condition=name, limit=MAX_LIST)
            return None
        if spec.arg == "kinds":
            return self.closed(name, items, [k.value for k in SuggestionKind], loc)
        if spec.arg == "wishes":
            return self.closed(name, items, list(WISHES), loc)
        if spec.arg == "events":
            names = self.closed(name, items, [*(e.value for e in EventType), *EVENT_GROUPS], loc)
            if names is None:
                return None
            types: set[EventType] = set()
            for n in names:
                types |= EVENT_GROUPS[n] if n in EVENT_GROUPS else {EventType(n)}
            self.event_types |= types
            return frozenset(types)
        if spec.arg == "words":
            if any(not w.strip() for w in items):
                self.fail(loc, f"{name}: empty word", "empty_word", condition=name)
                return None
            return tuple(w.strip().lower() for w in items)
        return frozenset(i.lower() for i in items)

    def closed(
        self, name: str, items: list[str], allowed: list[str], loc: tuple[int | str, ...]
    ) -> frozenset[str] | None:
        bad = [i for i in items if i not in allowed]
        for i in bad:
            self.fail(
                loc,
                f"{name}: unknown value {i!r}{did_you_mean(i, allowed)}",
                "unknown_value",
                condition=name,
                value=repr(i),
                suggestion=closest(i, allowed),
            )
        return None if bad else frozenset(items)


def _shown(value: Any) -> str:
    """A condition argument as the message shows it (Python's repr, as in the English text)."""
    text = repr(value)
    return text if len(text) <= 60 else text[:59] + "…"


def compile_condition(raw: Any, loc: tuple[int | str, ...] = ()) -> Compiled:
    """Parse and compile one condition; problems carry the data path inside ``raw``."""
    parser = _Parser()
    test = parser.condition(raw, loc, 0)
    return Compiled(
        test if not parser.problems else None,
        parser.problems,
        parser.predicates,
        parser.event_types,
    )


# Two and three parts are by far the most common; unrolled they skip a generator per call.
def _all(tests: list[Test]) -> Test:
    if len(tests) == 1:
        return tests[0]
    if len(tests) == 2:
        a, b = tests
        return lambda f: a(f) and b(f)
    if len(tests) == 3:
        a, b, c = tests
        return lambda f: a(f) and b(f) and c(f)
    frozen = tuple(tests)
    return lambda f: all(t(f) for t in frozen)


def _any(tests: list[Test]) -> Test:
    if len(tests) == 1:
        return tests[0]
    if len(tests) == 2:
        a, b = tests
        return lambda f: a(f) or b(f)
    if len(tests) == 3:
        a, b, c = tests
        return lambda f: a(f) or b(f) or c(f)
    frozen = tuple(tests)
    return lambda f: any(t(f) for t in frozen)


def _negate(test: Test) -> Test:
    return lambda f: not test(f)


def _words_test(words: tuple[str, ...]) -> Test:
    pattern = re.compile(r"\b(?:" + "|".join(re.escape(w) for w in words) + r")\b")
    return lambda f: pattern.search(f.text) is not None


def _build(name: str, v: Any) -> Test:
    """The closure for one predicate with its already-validated argument."""
    if name == "suggestion.kind":
        kinds = frozenset(SuggestionKind(k) for k in v)
        return lambda f: f.kind in kinds
    if name == "suggestion.commercial":
        return lambda f: (f.kind in COMMERCIAL_KINDS) is v
    if name == "suggestion.credit":
        return lambda f: f.credit is v
    if name == "suggestion.uses_inferred_data":
        return lambda f: f.inferred is v
    if name == "suggestion.group":
        return lambda f: f.group.lower() in v
    if name == "suggestion.action":
        return lambda f: f.action.lower() in v
    if name == "suggestion.mentions":
        return _words_test(v)
    if name == "event.current":
        return lambda f: not v.isdisjoint(f.current)
    if name == "event.mentioned":
        return lambda f: not v.isdisjoint(f.mentioned)
    if name == "event.not_current":
        return lambda f: not v.isdisjoint(f.mentioned) and v.isdisjoint(f.current)
    if name == "purpose.declared":
        return lambda f: bool(f.purpose) is v
    if name == "purpose.current":
        return lambda f: (not f.purpose.isdisjoint(f.current)) is v
    if name == "purpose.mentioned":
        return lambda f: (not f.purpose.isdisjoint(f.mentioned)) is v
    if name == "purpose.ended":
        return lambda f: (not f.purpose.isdisjoint(f.ended)) is v
    if name == "wish.heard":
        return lambda f: not v.isdisjoint(f.wishes)
    if name == "declined.same_action":
        return lambda f: (f.action != "" and f.action in f.declined_actions) is v
    if name == "declined.same_group":
        return lambda f: (f.group != "" and f.group in f.declined_groups) is v
    if name == "declined.same_kind":
        return lambda f: (f.kind.value in f.declined_kinds) is v
    if name == "profile.opted_out":
        return lambda f: f.opted_out is v
    if name == "brake":
        return lambda f: f.brake is v
    if name == "question_open":
        return lambda f: f.question_open is v
    if name == "disclosure.unacknowledged":
        return lambda f: f.disclosure_unacknowledged is v
    op, number = v
    cmp = _CMP[op]
    getters: dict[str, Callable[[Facts], float]] = {
        "suggestion.script_words": lambda f: f.script_words,
        "value.customer": lambda f: f.customer_value,
        "value.org": lambda f: f.org_value,
        # Rounded so 0.4 - 0.7 compares as -0.3, the way a supervisor reads it.
        "value.customer_minus_org": lambda f: round(f.customer_value - f.org_value, 6),
        "call.utterances": lambda f: f.utterances,
    }
    get = getters[name]
    return lambda f: cmp(get(f), number)
