"""Plugins through real entry points: a third-party package installed on the path (a dist-info
directory, as pip writes it), with a working feed, a working NBA source and broken ones."""

from __future__ import annotations

import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

from agent_desk.feeds.base import Feed, UtteranceReceived
from agent_desk.feeds.sse import SSEFeed
from agent_desk.nba.http import HttpNBASource
from agent_desk.plugins import discover_feeds, discover_nba_sources, main

PLUGIN = '''
"""A third party's feed and source."""
from agent_desk.feeds.base import Feed, UtteranceReceived
from agent_desk.nba.base import NBASource
from nlp.types import Utterance


class EchoFeed(Feed):
    name = "echo"

    def __init__(self, lines):
        self.lines = lines

    async def events(self):
        for i, line in enumerate(self.lines):
            yield UtteranceReceived(Utterance(id=f"e{i}", speaker="customer", text=line))


class QuietSource(NBASource):
    name = "quiet"

    async def propose(self, context):
        return []


class NotAFeed:
    pass
'''

ENTRY_POINTS = """
[agent_desk.feeds]
echo = acme_desk_plugin:EchoFeed
sse = acme_desk_plugin:EchoFeed
missing = acme_desk_nowhere:Feed
wrong = acme_desk_plugin:NotAFeed

[agent_desk.nba_sources]
quiet = acme_desk_plugin:QuietSource
"""


@pytest.fixture
def installed_plugin(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    (tmp_path / "acme_desk_plugin.py").write_text(textwrap.dedent(PLUGIN), encoding="utf-8")
    dist = tmp_path / "acme_desk_plugin-1.0.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: acme-desk-plugin\nVersion: 1.0\n", encoding="utf-8"
    )
    (dist / "entry_points.txt").write_text(ENTRY_POINTS, encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    yield
    sys.modules.pop("acme_desk_plugin", None)


def test_builtins_are_registered_like_plugins() -> None:
    feeds = discover_feeds()
    assert {"replay", "sse", "stdin", "connect"} <= set(feeds.classes)
    assert feeds.get("sse") is SSEFeed
    assert feeds.origins["sse"] == "built-in"
    assert discover_nba_sources().get("http") is HttpNBASource
    with pytest.raises(KeyError, match=r"no agent_desk\.feeds plugin named 'fax'"):
        feeds.get("fax")


@pytest.mark.usefixtures("installed_plugin")
async def test_a_third_party_feed_is_found_and_broken_ones_are_reported() -> None:
    feeds = discover_feeds()
    echo = feeds.get("echo")
    assert issubclass(echo, Feed)
    assert feeds.origins["echo"] == "acme-desk-plugin"
    feed = echo(["hallo"])  # type: ignore[call-arg]
    events = [e async for e in feed.events()]
    assert isinstance(events[0], UtteranceReceived)
    assert events[0].utterance.text == "hallo"

    problems = {p.name: p.message for p in feeds.problems}
    assert problems["sse"] == "name already taken by built-in; ignored"
    assert feeds.get("sse") is SSEFeed
    assert problems["missing"].startswith("cannot load: ModuleNotFoundError")
    assert problems["wrong"] == "is not a subclass of Feed"
    assert "missing" not in feeds.classes

    sources = discover_nba_sources()
    assert sources.get("quiet").__name__ == "QuietSource"
    assert sources.problems == []


@pytest.mark.usefixtures("installed_plugin")
def test_the_listing_shows_plugins_and_problems(capsys: pytest.CaptureFixture[str]) -> None:
    assert main() == 0
    out = capsys.readouterr().out
    assert "echo       acme_desk_plugin.EchoFeed  [acme-desk-plugin]" in out
    assert "! agent_desk.feeds plugin 'wrong' (acme_desk_plugin:NotAFeed): is not a subclass" in out
