"""The Amazon Connect Contact Lens adapter against a real local endpoint of that API's shape."""

from __future__ import annotations

from typing import Any

from agent_desk.feeds.base import (
    CallEnded,
    CallStarted,
    FeedProblem,
    FeedStatusChanged,
    UtteranceReceived,
)
from agent_desk.feeds.connect import ConnectFeed
from agent_desk.feeds.sse import Backoff
from tests.support.feeds import collect
from tests.support.servers import ContactLensServer, segment

FAST = Backoff(initial=0.01, maximum=0.05)


def _feed(url: str, token: str = "secret", **kwargs: object) -> ConnectFeed:
    return ConnectFeed(
        url,
        instance_id="inst-1",
        contact_id="contact-42",
        token=token,
        poll_interval=0.01,
        backoff=FAST,
        **kwargs,  # type: ignore[arg-type]
    )


async def test_segments_become_utterances_once_each_until_analysis_completes() -> None:
    s1 = segment("seg-1", "AGENT", "Goedemiddag, waarmee kan ik u helpen?", 0)
    s2 = segment("seg-2", "CUSTOMER", "Mijn vrouw is overleden.", 4200)
    s3 = segment("seg-3", "CUSTOMER", "Ik wil de rekening omzetten.", 9000)
    categories = {"Categories": {"MatchedCategories": ["bereavement"], "MatchedDetails": {}}}
    pages: list[Any] = [[s1, s2], [], 503, [s2, categories, s3], [s3]]
    async with ContactLensServer(pages) as server:
        feed = _feed(server.url, max_results=10)
        events = await collect(feed)
    utts = [e.utterance for e in events if isinstance(e, UtteranceReceived)]
    assert [(u.id, u.speaker, u.t) for u in utts] == [
        ("seg-1", "agent", 0.0),
        ("seg-2", "customer", 4.2),
        ("seg-3", "customer", 9.0),
    ]
    assert utts[1].text == "Mijn vrouw is overleden."
    assert all(u.final for u in utts)
    assert events[1] == CallStarted("contact-42", None)
    assert events[-2:] == [
        FeedStatusChanged("ended", "Contact Lens analysis complete"),
        CallEnded("contact-42"),
    ]
    assert [e for e in events if isinstance(e, FeedProblem)] == []
    states = [e.state for e in events if isinstance(e, FeedStatusChanged)]
    assert states == ["connecting", "connected", "reconnecting", "connected", "ended"]
    bodies = [r.json() for r in server.requests]
    assert bodies[0] == {"InstanceId": "inst-1", "ContactId": "contact-42", "MaxResults": 10}
    # Each poll continues from the NextToken the previous answer gave.
    assert [b.get("NextToken") for b in bodies] == [None, "tok-1", "tok-2", "tok-2", "tok-4"]
    assert feed.parser.duplicates == 2


async def test_a_refused_token_is_one_line_and_no_retry() -> None:
    async with ContactLensServer([[]]) as server:
        events = await collect(_feed(server.url, token="expired"))
    assert len(server.requests) == 1
    assert events[-1] == FeedStatusChanged(
        "error", f"127.0.0.1:{server.port}: the token was refused (HTTP 401 Unauthorized)"
    )


async def test_bad_segments_are_reported_and_polling_goes_on() -> None:
    bad_role = segment("seg-2", "PARROT", "kwaak", 10)
    no_content = segment("seg-3", "CUSTOMER", "", 20)
    del no_content["Transcript"]["Content"]
    pages: list[Any] = [
        ["not a segment", bad_role, no_content],
        [segment("seg-4", "CUSTOMER", "ok", 30)],
    ]
    async with ContactLensServer(pages) as server:
        events = await collect(_feed(server.url))
    problems = [e.message for e in events if isinstance(e, FeedProblem)]
    assert problems == [
        "Contact Lens segment 1 of poll 1: not a JSON object; skipped",
        "Contact Lens segment 2 of poll 1: utterance 'seg-2': unknown speaker 'PARROT' "
        "(expected customer or agent); skipped",
        "Contact Lens segment 3 of poll 1: 'Transcript' lacks Content; skipped",
    ]
    assert [e.utterance.id for e in events if isinstance(e, UtteranceReceived)] == ["seg-4"]


async def test_a_garbage_answer_is_retried_then_given_up() -> None:
    async with ContactLensServer([500]) as server:
        events = await collect(_feed(server.url, max_attempts=2))
    assert len(server.requests) == 3
    assert events[-1].state == "error"  # type: ignore[union-attr]
    assert "gave up after 2 retries; HTTP 500" in events[-1].detail  # type: ignore[union-attr]
