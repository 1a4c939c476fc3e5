"""Action catalogues: what a next-best-action engine can propose, per organisation.

Pega-style hierarchy: issue (why the organisation cares) / group (product family) / action.
Titles and scripts in Dutch and English; values between 0 and 1 for customer and organisation.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from guards.types import Suggestion, SuggestionKind
from nlp.types import EventType, Lang


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Bilingual(Strict):
    nl: str = Field(min_length=1, max_length=2000)
    en: str = Field(min_length=1, max_length=2000)

    def get(self, lang: Lang) -> str:
        return self.nl if lang == "nl" else self.en


class Triggers(Strict):
    """When the local NBA source proposes the action."""

    #: Life events (asserted) that make the action relevant.
    events: tuple[EventType, ...] = ()
    #: Lower-case keywords in the customer's speech (either language) that make it relevant.
    topics: tuple[str, ...] = ()
    #: Proposed in any call (the engine's generic "next best offer").
    always: bool = False


class Action(Strict):
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9.-]*$", max_length=80)
    issue: str = Field(min_length=1)
    group: str = Field(min_length=1)
    kind: SuggestionKind
    title: Bilingual
    script: Bilingual
    customer_value: float = Field(ge=0, le=1)
    org_value: float = Field(ge=0, le=1)
    credit: bool = False
    uses_inferred_data: bool = False
    triggers: Triggers = Triggers()

    def to_suggestion(self, lang: Lang, suggestion_id: str | None = None) -> Suggestion:
        return Suggestion(
            id=suggestion_id or self.id,
            title=self.title.get(lang),
            kind=self.kind,
            script=self.script.get(lang),
            customer_value=self.customer_value,
            org_value=self.org_value,
            uses_inferred_data=self.uses_inferred_data,
            credit=self.credit,
            action_id=self.id,
            group=self.group,
            for_events=self.triggers.events,
        )


class Catalog(Strict):
    org: Literal["bank", "insurer", "municipality"]
    name: str
    actions: tuple[Action, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique_ids(self) -> Catalog:
        seen: set[str] = set()
        for a in self.actions:
            if a.id in seen:
                raise ValueError(f"action id {a.id!r} is used twice")
            seen.add(a.id)
        return self


def load_catalogs(directory: Path) -> dict[str, Action]:
    """All actions of all catalogues in a folder, by id. Raises DataFileError on a bad file."""
    from agent_desk.library.yamlio import DataFileError, Problem, load_model

    actions: dict[str, Action] = {}
    problems: list[Problem] = []
    for path in sorted(directory.glob("*.yaml")):
        try:
            catalog, _ = load_model(path, Catalog)
        except DataFileError as exc:
            problems.extend(exc.problems)
            continue
        for action in catalog.actions:
            if action.id in actions:
                problems.append(Problem(str(path), None, action.id, "action id used in two files"))
            actions[action.id] = action
    if problems:
        raise DataFileError(problems)
    return actions
