"""The HTTP decisioning client against a real local service: answers, slowness, errors, garbage,
the circuit breaker and the reactions loop."""

from __future__ import annotations

import asyncio
import socket
import time

import httpx
import pytest

from agent_desk.nba.base import NBAContext, NBAUnavailable, Reaction
from agent_desk.nba.http import HttpNBASource
from guards.types import SuggestionKind
from nlp.types import EventType, Utterance
from tests.support.servers import DecisionServer, suggestion

SECRET = "mijn moeder is overleden en ik wil de rekening opheffen"


def _context(uid: str = "u3") -> NBAContext:
    return NBAContext(
        call_id="c1",
        lang="nl",
        utterance=Utterance(id=uid, speaker="customer", text=SECRET, t=12.5),
        events=frozenset({EventType.JOB_LOSS, EventType.BEREAVEMENT}),
        proposed=frozenset({"bank.b", "bank.a"}),
    )


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


async def test_suggestions_come_back_validated_and_no_text_leaves_the_desk() -> None:
    answer = [suggestion("s1"), suggestion("s2", kind="care", credit=True, extra_field=1)]
    async with DecisionServer(answer=answer) as server:
        source = HttpNBASource(server.url + "/", timeout=2.0)
        try:
            got = await source.propose(_context())
        finally:
            await source.aclose()
    assert [(s.id, s.kind, s.credit) for s in got] == [
        ("s1", SuggestionKind.SALES, False),
        ("s2", SuggestionKind.CARE, True),
    ]
    (request,) = server.requests
    assert request.path == "/suggestions"
    assert request.json() == {
        "call_id": "c1",
        "lang": "nl",
        "utterance": {"id": "u3", "speaker": "customer", "t": 12.5, "final": True},
        "events": ["bereavement", "job_loss"],
        "proposed": ["bank.a", "bank.b"],
    }
    assert b"overleden" not in request.body
    assert source.state == "closed"


async def test_text_is_sent_only_when_allowed() -> None:
    async with DecisionServer() as server:
        source = HttpNBASource(server.url, timeout=2.0, send_text=True)
        await source.propose(_context())
        await source.aclose()
    assert server.requests[0].json()["utterance"]["text"] == SECRET


async def test_a_slow_service_never_holds_up_the_call() -> None:
    async with DecisionServer(mode="slow", slow_s=2.0) as server:
        source = HttpNBASource(server.url, timeout=0.2, retries=2)
        started = time.monotonic()
        with pytest.raises(NBAUnavailable, match=r"no answer within 0\.2s"):
            await source.propose(_context())
        elapsed = time.monotonic() - started
        await source.aclose()
    assert elapsed < 0.5


async def test_server_errors_are_retried_with_backoff() -> None:
    async with DecisionServer(modes=["error"]) as server:
        source = HttpNBASource(server.url, timeout=2.0, retries=1, backoff_s=0.01)
        got = await source.propose(_context())
        await source.aclose()
    assert [s.id for s in got] == ["s1"]
    assert len(server.suggestion_requests) == 2


async def test_persistent_errors_become_one_readable_line() -> None:
    async with DecisionServer(mode="error") as server:
        source = HttpNBASource(server.url, timeout=2.0, retries=2, backoff_s=0.01)
        with pytest.raises(NBAUnavailable) as info:
            await source.propose(_context())
        await source.aclose()
    assert str(info.value) == "service error (HTTP 500) after 3 attempts"
    assert len(server.suggestion_requests) == 3


async def test_client_errors_and_garbage_are_not_retried() -> None:
    async with DecisionServer(modes=["refused", "garbage", "bad_schema"]) as server:
        source = HttpNBASource(server.url, timeout=2.0, retries=3, failure_threshold=10)
        messages = []
        for _ in range(3):
            with pytest.raises(NBAUnavailable) as info:
                await source.propose(_context())
            messages.append(str(info.value))
        await source.aclose()
    assert messages[0] == "request refused (HTTP 400)"
    assert messages[1] == "invalid answer: not JSON"
    assert messages[2].startswith("invalid answer: suggestions.0.kind: Input should be 'sales'")
    assert messages[2].endswith("(+2 more)")  # org_value > 1 and customer_value missing
    assert "timeshare" not in messages[2]
    assert len(server.suggestion_requests) == 3


async def test_an_unreachable_service_is_reported() -> None:
    source = HttpNBASource(f"http://127.0.0.1:{_closed_port()}", timeout=1.0, retries=1)
    with pytest.raises(NBAUnavailable, match=r"cannot reach the service .* after 2 attempts"):
        await source.propose(_context())
    await source.aclose()


async def test_the_circuit_opens_fails_fast_and_recovers_through_half_open() -> None:
    clock = FakeClock()
    async with DecisionServer(mode="error") as server:
        source = HttpNBASource(
            server.url, timeout=1.0, retries=0, failure_threshold=2, cooldown_s=5.0, clock=clock
        )
        for _ in range(2):
            with pytest.raises(NBAUnavailable, match="HTTP 500"):
                await source.propose(_context())
        assert source.state == "open"
        # Open: an answer at once, and no request reaches the service.
        started = time.monotonic()
        with pytest.raises(NBAUnavailable, match=r"circuit open after 2 failures .* in 5s"):
            await source.propose(_context())
        assert time.monotonic() - started < 0.1
        assert len(server.suggestion_requests) == 2

        clock.now += 5.0
        assert str(source.state) == "half_open"
        with pytest.raises(NBAUnavailable, match="HTTP 500"):
            await source.propose(_context())  # the trial fails: open again
        assert len(server.suggestion_requests) == 3
        assert source.state == "open"
        with pytest.raises(NBAUnavailable, match="circuit open"):
            await source.propose(_context())

        clock.now += 5.0
        server.mode = "ok"
        got = await source.propose(_context())  # the trial succeeds: closed
        assert [s.id for s in got] == ["s1"]
        assert str(source.state) == "closed"
        assert len(await source.propose(_context())) == 1
        await source.aclose()


async def test_half_open_lets_exactly_one_trial_through() -> None:
    clock = FakeClock()
    async with DecisionServer(mode="error", slow_s=0.2) as server:
        source = HttpNBASource(
            server.url, timeout=2.0, retries=0, failure_threshold=1, cooldown_s=1.0, clock=clock
        )
        with pytest.raises(NBAUnavailable):
            await source.propose(_context())
        clock.now += 1.0
        server.mode = "slow"
        results = await asyncio.gather(
            source.propose(_context("u4")), source.propose(_context("u5")), return_exceptions=True
        )
        await source.aclose()
    assert isinstance(results[1], NBAUnavailable)
    assert "trial request is under way" in str(results[1])
    assert not isinstance(results[0], BaseException)
    assert len(server.suggestion_requests) == 2
    assert source.state == "closed"


async def test_a_caller_timeout_counts_as_a_failure() -> None:
    async with DecisionServer(mode="slow", slow_s=1.0) as server:
        source = HttpNBASource(server.url, timeout=5.0, failure_threshold=1, cooldown_s=60)
        with pytest.raises(TimeoutError):
            async with asyncio.timeout(0.1):
                await source.propose(_context())
        assert source.state == "open"
        await source.aclose()


async def test_reactions_are_posted_in_the_background() -> None:
    async with DecisionServer() as server:
        source = HttpNBASource(server.url, timeout=1.0)
        await source.report(Reaction("c1", "s1", "accepted"))
        await source.report(Reaction("c1", "s2", "dismissed", "customer_declined"))
        assert server.reactions == []  # report() returned without waiting for the POST
        await source.aclose()  # waits for the pending posts
    assert sorted(server.reactions, key=lambda r: r["suggestion_id"]) == [
        {"call_id": "c1", "suggestion_id": "s1", "kind": "accepted", "reason": ""},
        {
            "call_id": "c1",
            "suggestion_id": "s2",
            "kind": "dismissed",
            "reason": "customer_declined",
        },
    ]
    assert (source.reactions_sent, source.reactions_failed) == (2, 0)


async def test_reaction_failures_are_counted_never_raised() -> None:
    source = HttpNBASource(f"http://127.0.0.1:{_closed_port()}", report_timeout=0.5)
    await source.report(Reaction("c1", "s1", "overridden", "klant vroeg er zelf om"))
    await source.aclose()
    assert source.reactions_failed == 1
    async with DecisionServer(reaction_status=500) as server:
        source = HttpNBASource(server.url)
        await source.report(Reaction("c1", "s1", "accepted"))
        await source.aclose()
    assert source.reactions_failed == 1


async def test_a_shared_client_is_used_and_left_open() -> None:
    async with DecisionServer() as server, httpx.AsyncClient() as client:
        source = HttpNBASource(server.url, timeout=2.0, client=client)
        await source.propose(_context())
        await source.aclose()
        assert not client.is_closed
