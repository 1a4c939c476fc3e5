"""Embed agent-desk's judgement in another desktop: feed utterances, get events and verdicts.

Run: python examples/embed_session.py
"""

from __future__ import annotations

import asyncio

from agent_desk.library.catalog import load_catalogs
from agent_desk.nba.base import Reaction
from agent_desk.nba.catalog import CatalogSource
from agent_desk.paths import catalog_dir, default_rules
from agent_desk.session import CallSession
from guards.rules import load_rule_set
from nlp.types import Utterance


async def main() -> None:
    session = CallSession(
        rule_set=load_rule_set(default_rules()),
        nba=CatalogSource(load_catalogs(catalog_dir()), org="bank"),
        lang="en",
    )
    turns = [
        ("agent", "Good morning, how can I help?"),
        ("customer", "I was made redundant last month and I'm behind on my mortgage."),
    ]
    for i, (speaker, text) in enumerate(turns):
        utterance = Utterance(id=f"u{i}", speaker=speaker, text=text)  # type: ignore[arg-type]
        step = await session.process(utterance)
        for event in step.events:
            print(f"heard: {event.type.value} ({event.text!r})")
    for judged in step.judged:
        print(f"{judged.decision.verdict.value:5}  {judged.suggestion.title}")
    # Tell the guard and the source what the agent did.
    first = step.judged[0].suggestion.id
    await session.report(Reaction(session.call_id, first, "dismissed", "customer_declined"))


if __name__ == "__main__":
    asyncio.run(main())
