"""An HTTP decisioning service as NBA source: async httpx, timeouts, retries, a circuit breaker.

Contract (docs/feeds.md): ``POST {base}/suggestions`` with the call context as JSON ->
``{"suggestions": [...]}``; ``POST {base}/reactions`` with what the agent did. By default no
transcript text leaves the desk: the service gets ids, speaker, life-event types and proposed ids
(``send_text=True`` adds the utterance text, for services that must read it and are allowed to).

Failure policy (fail closed, never slow a call): every request has a timeout; connection errors,
timeouts and 5xx are retried with backoff while the time budget lasts; any failure raises
:class:`NBAUnavailable` with one readable line. After ``failure_threshold`` failures in a row the
circuit opens: ``propose`` fails at once, without a request, until ``cooldown_s`` has passed; then
one trial request is let through (half-open) and its outcome closes or re-opens the circuit.
Reactions are posted in the background; their failures are counted, never raised into the UI.
"""

from __future__ import annotations

import asyncio
import json
import random
import time
from collections.abc import Callable, Sequence
from typing import Any, Literal

import httpx
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from agent_desk.httpio import ResponseTooLarge, read_limited
from agent_desk.nba.base import NBAContext, NBASource, NBAUnavailable, Reaction
from guards.types import Suggestion

#: A suggestions answer is a handful of short objects; far larger is a broken service.
MAX_ANSWER_BYTES = 1024 * 1024
MAX_SUGGESTIONS = 50
MAX_REASON_CHARS = 500
#: Reactions waiting to be posted; beyond this they are dropped (and counted).
MAX_PENDING_REACTIONS = 100

CircuitState = Literal["closed", "open", "half_open"]


class _Answer(BaseModel):
    model_config = ConfigDict(extra="ignore")

    suggestions: list[Suggestion] = Field(max_length=MAX_SUGGESTIONS)


class _Retry(Exception):
    """A failure another attempt may fix (connection, timeout, 5xx)."""


class HttpNBASource(NBASource):
    name = "http"

    def __init__(
        self,
        base_url: str,
        timeout: float = 0.5,
        retries: int = 1,
        client: httpx.AsyncClient | None = None,
        *,
        send_text: bool = False,
        failure_threshold: int = 3,
        cooldown_s: float = 10.0,
        backoff_s: float = 0.05,
        report_timeout: float = 2.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        #: The whole budget of one ``propose`` (all attempts together): a call is never held up
        #: longer than this by the service.
        self.timeout = timeout
        self.retries = max(0, retries)
        self.send_text = send_text
        self.failure_threshold = max(1, failure_threshold)
        self.cooldown_s = cooldown_s
        self.backoff_s = backoff_s
        self.report_timeout = report_timeout
        self._clock = clock
        self._client = client
        self._owns_client = client is None
        self._failures = 0
        self._opened_at: float | None = None
        self._trial_running = False
        self._pending: set[asyncio.Task[None]] = set()
        #: Reactions that could not be delivered (service down, timeout, queue full).
        self.reactions_failed = 0
        self.reactions_sent = 0
        #: The last failure, one readable line (for the status line).
        self.last_problem: str | None = None

    # -- circuit breaker -------------------------------------------------------------------------
    @property
    def state(self) -> CircuitState:
        if self._opened_at is None:
            return "closed"
        if self._trial_running or self._clock() - self._opened_at >= self.cooldown_s:
            return "half_open"
        return "open"

    def _admit(self) -> bool:
        """May a request go out now? True for the half-open trial (which then is running)."""
        if self._opened_at is None:
            return False
        if self._trial_running:
            raise NBAUnavailable("circuit half-open: a trial request is under way")
        remaining = self.cooldown_s - (self._clock() - self._opened_at)
        if remaining > 0:
            raise NBAUnavailable(
                f"circuit open after {self._failures} failures "
                f"({self.last_problem}); next try in {remaining:.0f}s"
            )
        self._trial_running = True
        return True

    def _succeeded(self) -> None:
        self._failures = 0
        self._opened_at = None
        self.last_problem = None

    def _failed(self, problem: str) -> None:
        self._failures += 1
        self.last_problem = problem
        if self._opened_at is not None or self._failures >= self.failure_threshold:
            self._opened_at = self._clock()  # open, or re-open after a failed trial

    # -- proposing -------------------------------------------------------------------------------
    def _client_(self) -> httpx.AsyncClient:
        if self._client is None:
            self._client = httpx.AsyncClient()
        return self._client

    def payload(self, context: NBAContext) -> dict[str, Any]:
        """The request body: ids and types, and the text only when ``send_text`` is set."""
        u = context.utterance
        utterance: dict[str, Any] = {"id": u.id, "speaker": u.speaker, "t": u.t, "final": u.final}
        if self.send_text:
            utterance["text"] = u.text
        return {
            "call_id": context.call_id,
            "lang": context.lang,
            "utterance": utterance,
            "events": sorted(e.value for e in context.events),
            "proposed": sorted(context.proposed),
        }

    async def propose(self, context: NBAContext) -> Sequence[Suggestion]:
        trial = self._admit()
        try:
            suggestions = await self._propose(context)
        except NBAUnavailable as exc:
            self._failed(str(exc))
            raise
        except asyncio.CancelledError:
            # The caller gave up waiting (its own timeout): for the breaker that is a slow service.
            self._failed("no answer in time")
            raise
        finally:
            if trial:
                self._trial_running = False
        self._succeeded()
        return suggestions

    async def _propose(self, context: NBAContext) -> list[Suggestion]:
        body = self.payload(context)
        url = f"{self.base_url}/suggestions"
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.timeout
        attempt = 0
        while True:
            remaining = deadline - loop.time()
            try:
                if remaining <= 0:
                    raise _Retry(f"no answer within {self.timeout:g}s")
                return await self._request(url, body, remaining)
            except _Retry as exc:
                attempt += 1
                delay = self.backoff_s * 2 ** (attempt - 1) * (0.5 + random.random() / 2)
                if attempt > self.retries or loop.time() + delay >= deadline:
                    suffix = f" after {attempt} attempts" if attempt > 1 else ""
                    raise NBAUnavailable(f"{exc}{suffix}") from None
                await asyncio.sleep(delay)

    async def _request(self, url: str, body: dict[str, Any], budget: float) -> list[Suggestion]:
        try:
            async with self._client_().stream(
                "POST", url, json=body, timeout=httpx.Timeout(budget)
            ) as response:
                status = response.status_code
                if status >= 500:
                    raise _Retry(f"service error (HTTP {status})")
                if status != 200:
                    raise NBAUnavailable(f"request refused (HTTP {status})")
                try:
                    raw = await read_limited(response, MAX_ANSWER_BYTES)
                except ResponseTooLarge as exc:
                    raise NBAUnavailable(f"answer {exc}") from exc
        except httpx.TimeoutException:
            raise _Retry(f"no answer within {self.timeout:g}s") from None
        except httpx.HTTPError as exc:
            raise _Retry(f"cannot reach the service ({type(exc).__name__})") from None
        return _validate(raw)

    # -- reactions -------------------------------------------------------------------------------
    async def report(self, reaction: Reaction) -> None:
        """Post the reaction in the background and return at once."""
        if len(self._pending) >= MAX_PENDING_REACTIONS:
            self.reactions_failed += 1
            return
        task = asyncio.create_task(self._post_reaction(reaction), name="nba-reaction")
        self._pending.add(task)
        task.add_done_callback(self._pending.discard)

    async def _post_reaction(self, reaction: Reaction) -> None:
        body = {
            "call_id": reaction.call_id,
            "suggestion_id": reaction.suggestion_id,
            "kind": reaction.kind,
            "reason": reaction.reason[:MAX_REASON_CHARS],
        }
        try:
            response = await self._client_().post(
                f"{self.base_url}/reactions", json=body, timeout=httpx.Timeout(self.report_timeout)
            )
        except httpx.HTTPError:
            self.reactions_failed += 1
            return
        if 200 <= response.status_code < 300:
            self.reactions_sent += 1
        else:
            self.reactions_failed += 1

    async def flush(self) -> None:
        """Wait for reactions still being posted (each bounded by ``report_timeout``)."""
        if self._pending:
            await asyncio.gather(*list(self._pending), return_exceptions=True)

    async def aclose(self) -> None:
        await self.flush()
        if self._owns_client and self._client is not None:
            await self._client.aclose()
            self._client = None


def _validate(raw: bytes) -> list[Suggestion]:
    """Garbage in the answer -> NBAUnavailable naming the field, never echoing its content."""
    try:
        data = json.loads(raw)
    except (json.JSONDecodeError, UnicodeDecodeError, RecursionError):
        raise NBAUnavailable("invalid answer: not JSON") from None
    try:
        answer = _Answer.model_validate(data)
    except ValidationError as exc:
        first = exc.errors(include_input=False, include_url=False)[0]
        where = ".".join(str(p) for p in first["loc"]) or "answer"
        more = f" (+{exc.error_count() - 1} more)" if exc.error_count() > 1 else ""
        raise NBAUnavailable(f"invalid answer: {where}: {first['msg']}{more}") from None
    return answer.suggestions
