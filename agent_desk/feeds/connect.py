"""Amazon Connect Contact Lens real-time analysis, polled as that API is.

Each poll POSTs a ``ListRealtimeContactAnalysisSegments`` request (``InstanceId``, ``ContactId``,
``MaxResults``, ``NextToken``) and maps ``Segments[].Transcript`` (``Id``, ``ParticipantRole``,
``Content``, ``BeginOffsetMillis``) to utterances, de-duplicated by segment ``Id``. As the API
documents, a response *with* ``NextToken`` means "call again with it" (more segments now or later);
a response *without* one means the analysis is complete, so the call has ended.

Authentication: AWS Signature V4 is out of scope. The feed sends ``Authorization: Bearer <token>``
to ``url``; in production that URL is a small signing proxy (or API gateway) inside the customer's
AWS account that checks the token, signs the request with the desk's IAM role and forwards it to
``POST /realtime-contact-analysis/analysis-segments``. See docs/feeds.md.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncGenerator, AsyncIterator, Mapping
from typing import Any
from urllib.parse import urlsplit

import httpx

from agent_desk.feeds.base import (
    CallEnded,
    CallStarted,
    Feed,
    FeedEvent,
    FeedProblem,
    FeedStatusChanged,
)
from agent_desk.feeds.parse import EventParser
from agent_desk.feeds.sse import Backoff
from agent_desk.httpio import ResponseTooLarge, read_limited
from nlp.types import Lang

DEFAULT_TIMEOUT = httpx.Timeout(5.0)
#: A page of at most 100 segments is small; anything far larger is not this API.
MAX_RESPONSE_BYTES = 8 * 1024 * 1024
MAX_RESULTS_LIMIT = 100


class _PollFailed(Exception):
    """This poll failed; the next one may work."""


class _Fatal(Exception):
    """Polling again will not help (credentials refused, bad request)."""


class ConnectFeed(Feed):
    name = "connect"

    def __init__(
        self,
        url: str,
        instance_id: str,
        contact_id: str,
        token: str,
        client: httpx.AsyncClient | None = None,
        *,
        poll_interval: float = 1.0,
        max_results: int = MAX_RESULTS_LIMIT,
        timeout: httpx.Timeout = DEFAULT_TIMEOUT,
        backoff: Backoff | None = None,
        max_attempts: int | None = None,
        lang: Lang | None = None,
    ) -> None:
        self.url = url
        self.instance_id = instance_id
        self.contact_id = contact_id
        self._token = token
        self._client = client
        self.poll_interval = poll_interval
        self.max_results = max(1, min(MAX_RESULTS_LIMIT, max_results))
        self.timeout = timeout
        self.backoff = backoff or Backoff(initial=1.0)
        self.max_attempts = max_attempts
        self.parser = EventParser(default_call_id=contact_id, lang=lang)
        self.next_token: str | None = None
        #: Polls answered successfully.
        self.polls = 0
        self._closed = asyncio.Event()

    @property
    def _where(self) -> str:
        return urlsplit(self.url).netloc or self.url

    async def aclose(self) -> None:
        self._closed.set()

    async def _pause(self, seconds: float) -> bool:
        """Wait ``seconds``; False when the feed was closed meanwhile."""
        try:
            await asyncio.wait_for(self._closed.wait(), timeout=seconds)
        except TimeoutError:
            return True
        return False

    async def events(self) -> AsyncIterator[FeedEvent]:
        client = self._client or httpx.AsyncClient(timeout=self.timeout)
        try:
            async with contextlib.aclosing(self._run(client)) as run:
                async for event in run:
                    yield event
        finally:
            if self._client is None:
                await client.aclose()

    async def _run(self, client: httpx.AsyncClient) -> AsyncGenerator[FeedEvent, None]:
        yield FeedStatusChanged("connecting", f"polling Contact Lens via {self._where}")
        self.parser.call_id = self.contact_id
        yield CallStarted(self.contact_id, self.parser.lang, platform=True)
        failures = 0
        healthy = False
        while not self._closed.is_set():
            try:
                page = await self._poll(client)
            except _Fatal as exc:
                yield FeedStatusChanged("error", f"{self._where}: {exc}")
                return
            except _PollFailed as exc:
                failures += 1
                healthy = False
                if self.max_attempts is not None and failures > self.max_attempts:
                    yield FeedStatusChanged(
                        "error", f"{self._where}: gave up after {failures - 1} retries; {exc}"
                    )
                    return
                delay = self.backoff.delay(failures)
                yield FeedStatusChanged("reconnecting", f"retry {failures} in {delay:.1f}s: {exc}")
                if not await self._pause(delay):
                    break
                continue
            failures = 0
            self.polls += 1
            if not healthy:
                healthy = True
                yield FeedStatusChanged("connected", f"polling Contact Lens via {self._where}")
            segments, problems, count = page
            for event in problems:
                yield event
            for event in segments:
                yield event
            if self.next_token is None:
                yield FeedStatusChanged("ended", "Contact Lens analysis complete")
                yield CallEnded(self.contact_id)
                return
            # A full page means more segments are waiting: fetch them now, not a second later.
            full_page = count >= self.max_results
            if not full_page and not await self._pause(self.poll_interval):
                break
        yield FeedStatusChanged("ended", "feed closed")

    async def _poll(
        self, client: httpx.AsyncClient
    ) -> tuple[list[FeedEvent], list[FeedEvent], int]:
        body: dict[str, Any] = {
            "InstanceId": self.instance_id,
            "ContactId": self.contact_id,
            "MaxResults": self.max_results,
        }
        if self.next_token is not None:
            body["NextToken"] = self.next_token
        headers = {
            "Authorization": f"Bearer {self._token}",
            "Accept": "application/json",
        }
        try:
            async with client.stream(
                "POST", self.url, json=body, headers=headers, timeout=self.timeout
            ) as response:
                _check_status(response)
                try:
                    raw = await read_limited(response, MAX_RESPONSE_BYTES)
                except ResponseTooLarge as exc:
                    raise _PollFailed(f"the response is {exc}") from exc
        except httpx.TimeoutException as exc:
            raise _PollFailed(f"no answer within {_timeout_of(exc, self.timeout):g}s") from None
        except httpx.HTTPError as exc:
            raise _PollFailed(f"network error ({type(exc).__name__})") from None
        try:
            data = json.loads(raw)
        except (json.JSONDecodeError, UnicodeDecodeError, RecursionError):
            raise _PollFailed("the response is not valid JSON") from None
        if not isinstance(data, dict):
            raise _PollFailed("the response is not a JSON object")
        segments = data.get("Segments")
        if not isinstance(segments, list):
            raise _PollFailed("the response has no 'Segments' list")
        token = data.get("NextToken")
        if token is not None and not (isinstance(token, str) and token):
            raise _PollFailed("'NextToken' is not a string")
        self.next_token = token
        events, problems = self._segments(segments)
        return events, problems, len(segments)

    def _segments(self, segments: list[Any]) -> tuple[list[FeedEvent], list[FeedEvent]]:
        out: list[FeedEvent] = []
        problems: list[FeedEvent] = []
        for index, segment in enumerate(segments):
            where = f"Contact Lens segment {index + 1} of poll {self.polls + 1}"
            if not isinstance(segment, Mapping):
                problems.append(FeedProblem(f"{where}: not a JSON object; skipped"))
                continue
            transcript = segment.get("Transcript")
            if transcript is None:
                continue  # Categories / summaries: nothing said, nothing to show
            if not isinstance(transcript, Mapping):
                problems.append(FeedProblem(f"{where}: 'Transcript' is not an object; skipped"))
                continue
            missing = [k for k in ("Id", "ParticipantRole", "Content") if k not in transcript]
            if missing:
                problems.append(
                    FeedProblem(f"{where}: 'Transcript' lacks {', '.join(missing)}; skipped")
                )
                continue
            # 'Sentiment' is ignored on purpose: agent-desk never infers or shows a customer's
            # emotions (docs/domain.md); only what was said, by whom and when is used.
            obj: dict[str, Any] = {
                "id": transcript.get("Id"),
                "speaker": transcript.get("ParticipantRole"),
                "text": transcript.get("Content"),
            }
            begin = transcript.get("BeginOffsetMillis")
            if isinstance(begin, int | float) and not isinstance(begin, bool):
                obj["t"] = begin / 1000
            elif begin is not None:
                obj["t"] = begin  # invalid: the parser reports it and uses 0
            for event in self.parser.parse_object(obj, where, "utterance"):
                (problems if isinstance(event, FeedProblem) else out).append(event)
        return out, problems


def _check_status(response: httpx.Response) -> None:
    status = response.status_code
    if status == 200:
        return
    reason = f"HTTP {status} {response.reason_phrase}".rstrip()
    if status in (401, 403):
        raise _Fatal(f"the token was refused ({reason})")
    if status in (404, 408, 425, 429) or status >= 500:
        # 404: Contact Lens may not have started analysing this contact yet.
        raise _PollFailed(reason)
    raise _Fatal(reason)


def _timeout_of(exc: httpx.TimeoutException, timeout: httpx.Timeout) -> float:
    if isinstance(exc, httpx.ConnectTimeout) and timeout.connect is not None:
        return timeout.connect
    return timeout.read if timeout.read is not None else 0.0
