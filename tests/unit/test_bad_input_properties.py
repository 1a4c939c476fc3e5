"""Bad input, property-based: whatever arrives at an entry point, the answer is a result or a
clear error of that entry point's own kind, never a crash.

Hypothesis writes the input: arbitrary bytes and JSON for a live feed event and for a line of
`agent-desk detect`, a decision request of any shape, and the shipped rule set with one part
replaced by something of the wrong kind (what a supervisor's typo or a bad merge gives).
"""

from __future__ import annotations

import json
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from agent_desk.cli.detect import _answer
from agent_desk.feeds.base import FeedEvent, FeedProblem
from agent_desk.feeds.parse import EventParser
from agent_desk.paths import fixtures_dir
from guards.document import InputError, parse_request
from guards.rules import RuleSet, load_rule_set_text
from guards.yamlsrc import DataError

_SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**70), 2**70),
    st.floats(allow_nan=False),
    st.text(max_size=40),
    st.sampled_from(["customer", "agent", "nl", "en", "xx", "utterance", "partial", "true", ""]),
)
_JSON = st.recursive(
    _SCALARS,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)
_FEED_KEYS = ["type", "id", "call_id", "speaker", "text", "t", "final", "lang", "extra"]
_SETTINGS = settings(max_examples=200, deadline=None)


def _objects(keys: list[str]) -> st.SearchStrategy[dict[str, Any]]:
    return st.dictionaries(st.sampled_from(keys), _JSON, max_size=len(keys))


def _detect_lines(*, valid: bool) -> st.SearchStrategy[dict[str, Any]]:
    """Lines of the contract (``valid``) or near it: each field then sometimes of any kind."""

    def field(usual: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
        return usual if valid else st.one_of(usual, usual, _JSON)

    return st.fixed_dictionaries(
        {
            "id": field(st.one_of(st.text(max_size=8), st.integers())),
            "text": field(st.text(max_size=80)),
        },
        optional={
            "lang": field(st.sampled_from(["nl", "en"])),
            "speaker": field(st.sampled_from(["customer", "agent", "system"])),
            "extra": _JSON,
        },
    )


@_SETTINGS
@given(st.one_of(st.binary(max_size=300), _JSON.map(lambda v: json.dumps(v).encode())))
def test_a_feed_event_of_any_bytes_is_parsed_or_named_as_a_problem(raw: bytes) -> None:
    events = EventParser(default_call_id="c1").parse_bytes(raw, "event 7")
    assert all(isinstance(e, FeedEvent) for e in events)
    for e in events:
        if isinstance(e, FeedProblem):
            assert e.message.startswith("event 7: ")


@_SETTINGS
@given(st.lists(_objects(_FEED_KEYS), min_size=1, max_size=5))
def test_feed_events_of_any_shape_never_stop_the_parser(objects: list[dict[str, Any]]) -> None:
    parser = EventParser(default_call_id="c1")
    for n, obj in enumerate(objects):
        for e in parser.parse_object(obj, f"event {n}"):
            assert isinstance(e, FeedEvent)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.one_of(
        st.binary(max_size=200),
        _objects(["id", "text", "lang", "speaker"]).map(lambda v: json.dumps(v).encode()),
        _detect_lines(valid=True).map(lambda v: json.dumps(v).encode()),
        _detect_lines(valid=False).map(lambda v: json.dumps(v).encode()),
    )
)
def test_a_detect_line_of_any_shape_gets_an_answer_or_its_own_error(raw: bytes) -> None:
    answer = _answer(raw)
    assert "id" in answer
    if "error" in answer:
        # "detection failed" is the fail-closed catch-all for a bug, not an answer to bad input.
        assert not answer["error"].startswith("detection failed"), answer["error"]
    else:
        assert answer["lang"] in ("nl", "en")


@_SETTINGS
@given(_JSON)
def test_a_decision_request_of_any_shape_is_parsed_or_refused_with_its_field(data: Any) -> None:
    refusal: InputError | None = None
    try:
        parse_request(data)
    except InputError as exc:
        refusal = exc
    assert refusal is None or str(refusal)


_DEFAULT_RULES = (fixtures_dir() / "rules" / "default.yaml").read_text(encoding="utf-8")


def _paths(node: Any, at: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [at]
    if isinstance(node, dict):
        for k, v in node.items():
            out += _paths(v, (*at, k))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            out += _paths(v, (*at, i))
    return out


def _load(text: str) -> RuleSet | DataError:
    """The rule set, or the refusal (any other exception fails the test)."""
    try:
        return load_rule_set_text(text, "edited.yaml")
    except DataError as exc:
        return exc


@st.composite
def _broken_rule_sets(draw: st.DrawFn) -> str:
    data = yaml.safe_load(_DEFAULT_RULES)
    for _ in range(draw(st.integers(1, 3))):
        path = draw(st.sampled_from(_paths(data)[1:]))
        parent = data
        for part in path[:-1]:
            parent = parent[part]
        if draw(st.booleans()) and isinstance(parent, dict):
            del parent[path[-1]]
        else:
            parent[path[-1]] = draw(_JSON)
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_broken_rule_sets())
def test_a_broken_rule_set_is_refused_with_problems_never_a_crash(text: str) -> None:
    result = _load(text)
    if isinstance(result, DataError):
        assert result.problems
        assert all(str(p) for p in result.problems)
    else:
        assert isinstance(result, RuleSet)


@_SETTINGS
@given(st.text(max_size=400))
def test_rule_set_text_of_any_kind_is_refused_with_problems_never_a_crash(text: str) -> None:
    result = _load(text)
    assert isinstance(result, RuleSet) or result.problems
