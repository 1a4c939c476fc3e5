"""Event parsing shared by every feed, and the SSE wire format, on bytes real platforms send."""

from __future__ import annotations

import json

import pytest

from agent_desk.feeds.base import (
    CallEnded,
    CallStarted,
    FeedEvent,
    FeedProblem,
    UtteranceReceived,
)
from agent_desk.feeds.parse import MAX_TEXT_CHARS, EventParser
from agent_desk.feeds.sse import Backoff, SSEDecoder, SSEMessage

SECRET = "mijn man is vorige week overleden"


def _utts(events: list[FeedEvent]) -> list[UtteranceReceived]:
    return [e for e in events if isinstance(e, UtteranceReceived)]


def _problems(events: list[FeedEvent]) -> list[str]:
    return [e.message for e in events if isinstance(e, FeedProblem)]


def _parse(parser: EventParser, obj: object, kind: str | None = None) -> list[FeedEvent]:
    return parser.parse_bytes(json.dumps(obj).encode(), "test event 1", kind)


def test_a_valid_utterance_starts_the_call_first() -> None:
    parser = EventParser(default_call_id="c1")
    events = _parse(parser, {"id": "u1", "speaker": "customer", "text": SECRET, "t": 2.5})
    assert events[0] == CallStarted("c1", None)
    (u,) = _utts(events)
    assert (u.utterance.id, u.utterance.speaker, u.utterance.text, u.utterance.t) == (
        "u1",
        "customer",
        SECRET,
        2.5,
    )
    assert u.utterance.final is True


@pytest.mark.parametrize(
    ("label", "speaker"),
    [
        ("CUSTOMER", "customer"),
        ("caller", "customer"),
        ("Klant", "customer"),
        ("end-user", "customer"),
        ("AGENT", "agent"),
        ("Medewerker", "agent"),
        ("SUPERVISOR", "agent"),
        ("SYSTEM", "system"),
    ],
)
def test_platform_speaker_labels_are_understood(label: str, speaker: str) -> None:
    events = _parse(EventParser(), {"id": "u1", "speaker": label, "text": "hallo"})
    assert _utts(events)[0].utterance.speaker == speaker


def test_problems_name_the_field_and_never_carry_customer_text() -> None:
    parser = EventParser()
    cases: list[tuple[object, str]] = [
        ({"speaker": "customer", "text": SECRET}, "missing field 'id'"),
        ({"id": "u1", "text": SECRET}, "missing field 'speaker'"),
        ({"id": "u1", "speaker": "customer"}, "missing field 'text'"),
        ({"id": "u1", "speaker": "customer", "text": 42}, "'text' must be a string"),
        ({"id": "u1", "speaker": "parrot", "text": SECRET}, "unknown speaker 'parrot'"),
        # A sentence in the speaker field is not echoed either.
        ({"id": "u1", "speaker": SECRET, "text": "x"}, "unknown speaker <string of"),
        ({"id": "u1", "speaker": "customer", "text": SECRET, "type": "gossip"}, "unknown event"),
        ([SECRET], "expected a JSON object, got array"),
    ]
    for obj, expected in cases:
        events = _parse(parser, obj)
        assert not _utts(events), obj
        (message,) = _problems(events)
        assert expected in message
        assert "test event 1" in message
        assert "overleden" not in message


def test_not_json_and_unknown_transport_types_are_reported() -> None:
    parser = EventParser()
    (problem,) = parser.parse_bytes(b'{"id": "u1", "text": "mijn man is', "SSE event 7")
    assert isinstance(problem, FeedProblem)
    assert problem.message.startswith("SSE event 7: not valid JSON")
    assert "mijn man" not in problem.message
    events = parser.parse_bytes(b'{"id": "u1", "speaker": "agent", "text": "x"}', "e", "gossip")
    assert "unknown event type 'gossip'" in _problems(events)[0]


def test_a_one_megabyte_utterance_is_truncated_and_reported() -> None:
    text = "ik " * 350_000
    events = _parse(EventParser(), {"id": "big", "speaker": "customer", "text": text})
    (u,) = _utts(events)
    assert len(u.utterance.text) == MAX_TEXT_CHARS
    (message,) = _problems(events)
    assert f"{len(text):,} characters truncated to {MAX_TEXT_CHARS:,}" in message
    assert "ik ik" not in message


def test_invalid_utf8_is_replaced_and_reported_or_skipped_when_strict() -> None:
    raw = b'{"id": "u1", "speaker": "customer", "text": "caf\xe9 en \xff"}'
    events = EventParser().parse_bytes(raw, "line 3")
    (u,) = _utts(events)
    assert u.utterance.text == "caf\ufffd en \ufffd"
    assert "invalid UTF-8 (2 byte(s) replaced" in _problems(events)[0]
    strict = EventParser().parse_bytes(raw, "line 3", strict_utf8=True)
    assert strict == [FeedProblem("line 3: invalid UTF-8; skipped")]


def test_partials_share_the_final_id_and_nothing_is_delivered_twice() -> None:
    parser = EventParser()
    partial = {"id": "u1", "speaker": "customer", "text": "mijn"}
    final = {"id": "u1", "speaker": "customer", "text": "mijn man"}
    got = _utts(_parse(parser, partial, "partial"))
    got += _utts(_parse(parser, final, "utterance"))
    got += _utts(_parse(parser, partial, "partial"))  # a late partial must not roll back
    got += _utts(_parse(parser, final, "utterance"))  # resent final
    assert [(u.utterance.text, u.utterance.final) for u in got] == [
        ("mijn", False),
        ("mijn man", True),
    ]
    assert parser.duplicates == 2


def test_optional_fields_are_lenient_but_reported_when_wrong() -> None:
    parser = EventParser(lang="nl")
    events = _parse(
        parser,
        {"id": 7, "speaker": "agent", "text": "hi", "t": "3.5", "final": "false", "lang": "en-GB"},
    )
    u = _utts(events)[0].utterance
    assert (u.id, u.t, u.final, u.lang) == ("7", 3.5, False, "en")
    events = _parse(parser, {"id": "u2", "speaker": "agent", "text": "x", "t": -1, "final": 3})
    u = _utts(events)[0].utterance
    assert (u.t, u.final, u.lang) == (0.0, True, "nl")
    assert len(_problems(events)) == 2


def test_an_unsupported_language_is_reported_once_and_left_to_detection() -> None:
    parser = EventParser()
    first = _parse(parser, {"id": "u1", "speaker": "customer", "text": "x", "lang": "de-DE"})
    second = _parse(parser, {"id": "u2", "speaker": "customer", "text": "y", "lang": "de-DE"})
    assert _utts(first)[0].utterance.lang is None
    assert "unsupported language 'de-DE'" in _problems(first)[0]
    assert _problems(second) == []


def test_call_started_and_ended() -> None:
    parser = EventParser()
    events = _parse(parser, {"type": "call_started", "call_id": "c9", "lang": "en"})
    assert events == [CallStarted("c9", "en")]
    assert _parse(parser, {"call_id": "c9"}, "call_started") == []  # resent: once is enough
    utt = _parse(parser, {"id": "u1", "speaker": "customer", "text": "hello"})
    assert _utts(utt)[0].utterance.lang == "en"
    assert _parse(parser, {}, "call-ended") == [CallEnded("c9")]
    assert parser.ended


# -- the SSE wire format -------------------------------------------------------------------------
STREAM = (
    b"\xef\xbb\xbf: a comment, then a retry\r\n"
    b"retry: 2500\r\n"
    b"\r\n"
    b'id: 1\nevent: utterance\ndata: {"a":\ndata:1}\n\n'
    b"data: no id on this one\r\r"
    b"id: 2\r\nevent: partial\r\ndata\r\n\r\n"
    b"id: 3\nevent: only-an-id\n\n"
    b"unknown: field\nid: bad\0id\ndata: x\n\n"
)


def _decode(chunks: list[bytes]) -> tuple[list[SSEMessage], SSEDecoder]:
    decoder = SSEDecoder()
    out: list[SSEMessage] = []
    for chunk in chunks:
        out += decoder.feed(chunk)
    return out, decoder


def test_sse_decoder_follows_the_spec() -> None:
    messages, decoder = _decode([STREAM])
    assert messages == [
        SSEMessage("utterance", b'{"a":\n1}', "1"),
        SSEMessage("message", b"no id on this one", None),
        SSEMessage("partial", b"", "2"),  # "data" with no colon is an empty data line
        SSEMessage("message", b"x", None),  # an id containing NUL is ignored
    ]
    assert decoder.retry_ms == 2500
    assert decoder.last_event_id == "3"  # an event without data still moves the last id


def test_sse_decoder_is_independent_of_chunk_boundaries() -> None:
    whole, _ = _decode([STREAM])
    byte_by_byte, decoder = _decode([STREAM[i : i + 1] for i in range(len(STREAM))])
    assert byte_by_byte == whole
    assert decoder.retry_ms == 2500


def test_sse_decoder_skips_an_oversized_event_and_goes_on() -> None:
    decoder = SSEDecoder(max_event_bytes=1000)
    big = b"id: 5\ndata: " + b"x" * 5000 + b"\n\n"
    many_lines = b"id: 6\n" + b"data: yyyyyyyyyy\n" * 200 + b"\n"
    after = b"id: 7\ndata: ok\n\n"
    stream = big + many_lines + after
    out: list[SSEMessage] = []
    for i in range(0, len(stream), 64):
        out += decoder.feed(stream[i : i + 64])
    assert [(m.id, m.problem is not None) for m in out] == [("5", True), ("6", True), ("7", False)]
    assert out[2].data == b"ok"
    assert "larger than 1,000 bytes" in (out[0].problem or "")


def test_backoff_grows_is_bounded_and_honours_the_servers_retry() -> None:
    backoff = Backoff(initial=0.5, factor=2.0, maximum=4.0, jitter=0.5)
    for attempt, ceiling in [(1, 0.5), (2, 1.0), (3, 2.0), (4, 4.0), (10, 4.0)]:
        for _ in range(50):
            assert ceiling * 0.5 <= backoff.delay(attempt) <= ceiling
    assert 1.25 <= backoff.delay(1, base=2.5) <= 2.5
    assert Backoff(jitter=0).delay(3, base=0.01) == pytest.approx(0.04)
