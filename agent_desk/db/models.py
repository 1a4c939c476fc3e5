"""Tables. Decision records keep kinds, ids and rule ids, never raw transcript text.

SQLModel families in the FastAPI-template shape: ``*Base`` (shared fields), the ``table=True``
class, and ``*Public`` for what leaves the process (exports, APIs).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Literal

from pydantic import field_validator
from sqlalchemy import JSON, Column, DateTime, Index, Text, UniqueConstraint, text
from sqlmodel import Field, SQLModel


def utcnow() -> datetime:
    return datetime.now(UTC)


class DecisionBase(SQLModel):
    decision_id: str = Field(index=True, max_length=64)
    call_ref: str = Field(index=True, max_length=80)
    desk_id: str = Field(max_length=64)
    rule_set_version: str = Field(max_length=64)
    suggestion_id: str = Field(max_length=200)
    action_id: str | None = Field(default=None, max_length=80)
    kind: str = Field(max_length=20)
    verdict: str = Field(index=True, max_length=10)
    #: Ids of the rules that fired (no message text: that is derivable from the rule set version).
    rules: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    #: Life-event types current at decision time (types only, no evidence text).
    event_types: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    #: Life-event types the rules heard and the classifier veto (setting ``nlp_veto``) set aside
    #: as look-alikes, kept apart: never among ``event_types``, never counted by the KPIs. Types
    #: only, like ``event_types``; empty for rows logged before migration 0003.
    set_aside_types: list[str] = Field(
        default_factory=list,
        sa_column=Column(JSON, nullable=False, server_default=text("'[]'")),
    )


class DecisionRecord(DecisionBase, table=True):
    __tablename__ = "decision"

    id: int | None = Field(default=None, primary_key=True)
    created_at: datetime = Field(default_factory=utcnow, index=True)


class DecisionPublic(DecisionBase):
    id: int
    created_at: datetime


# -- oversight: what supervisors review (issue 6). Free text is redacted before it gets here. ---

#: Longest reason or note kept; agents write a sentence, not a transcript.
MAX_NOTE_CHARS = 500


def _tz_column(*, nullable: bool = False, index: bool = False) -> Column[datetime]:
    """A timezone-aware timestamp (PostgreSQL ``timestamptz``), so desks in any zone agree."""
    return Column(DateTime(timezone=True), nullable=nullable, index=index)


def as_utc(value: datetime | None) -> datetime | None:
    """SQLite hands timestamps back without a zone; they were written in UTC."""
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value


class OverrideBase(SQLModel):
    """The agent revealed a held suggestion: which decision, which rules, and why."""

    decision_id: str = Field(index=True, max_length=64)
    call_ref: str = Field(index=True, max_length=80)
    desk_id: str = Field(max_length=64)
    rule_set_version: str = Field(max_length=64)
    suggestion_id: str = Field(max_length=200)
    action_id: str | None = Field(default=None, max_length=80)
    kind: str = Field(max_length=20)
    #: The rules whose hold the agent overrode (supervisors count overrides per rule).
    rules: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    #: Life-event types current at the time (types only, no evidence text).
    event_types: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    #: The agent's reason, redacted (no BSN, IBAN, phone, e-mail address or card number).
    reason: str = Field(max_length=MAX_NOTE_CHARS)
    #: ``open`` until a supervisor (or ombudsman) reviews it and closes it with a note.
    status: str = Field(default="open", index=True, max_length=10)
    closed_at: datetime | None = Field(default=None, sa_column=_tz_column(nullable=True))
    closed_by: str | None = Field(default=None, max_length=64)
    #: The reviewer's note, redacted.
    closing_note: str | None = Field(default=None, max_length=MAX_NOTE_CHARS)


class OverrideRecord(OverrideBase, table=True):
    __tablename__ = "override_log"

    id: int | None = Field(default=None, primary_key=True)
    created_at: datetime = Field(default_factory=utcnow, sa_column=_tz_column(index=True))


class OverridePublic(OverrideBase):
    id: int
    created_at: datetime

    _utc = field_validator("created_at", "closed_at")(as_utc)


class BrakeBase(SQLModel):
    """The agent pulled the emergency brake: a case for a supervisor until it is closed."""

    call_ref: str = Field(index=True, max_length=80)
    desk_id: str = Field(max_length=64)
    rule_set_version: str = Field(max_length=64)
    event_types: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    #: The agent's reason, redacted.
    reason: str = Field(max_length=MAX_NOTE_CHARS)
    #: ``open`` until a supervisor (or ombudsman) closes the case with a note.
    status: str = Field(default="open", index=True, max_length=10)
    closed_at: datetime | None = Field(default=None, sa_column=_tz_column(nullable=True))
    closed_by: str | None = Field(default=None, max_length=64)
    #: The closing note, redacted.
    closing_note: str | None = Field(default=None, max_length=MAX_NOTE_CHARS)


class BrakeRecord(BrakeBase, table=True):
    __tablename__ = "brake_case"

    id: int | None = Field(default=None, primary_key=True)
    created_at: datetime = Field(default_factory=utcnow, sa_column=_tz_column(index=True))


class BrakePublic(BrakeBase):
    id: int
    created_at: datetime

    _utc = field_validator("created_at", "closed_at")(as_utc)


class ConsentBase(SQLModel):
    """The customer consented to noting a life event: the event type only, never their words."""

    call_ref: str = Field(index=True, max_length=80)
    desk_id: str = Field(max_length=64)
    event_type: str = Field(max_length=40)
    consented_at: datetime = Field(default_factory=utcnow, sa_column=_tz_column())
    #: After this moment the record must be purged (``agent-desk purge``).
    retain_until: datetime = Field(sa_column=_tz_column(index=True))
    #: The agent's optional note from the TEXAS "Ask" step, redacted.
    note: str = Field(default="", max_length=MAX_NOTE_CHARS)


class ConsentRecord(ConsentBase, table=True):
    __tablename__ = "consent"

    id: int | None = Field(default=None, primary_key=True)


class ConsentPublic(ConsentBase):
    id: int

    _utc = field_validator("consented_at", "retain_until")(as_utc)


# -- people and what they may do (issue 6). Enforced by :mod:`agent_desk.auth`. -------------------


class UserBase(SQLModel):
    #: The login name the desk runs as (setting ``user``); no real names needed.
    name: str = Field(index=True, unique=True, max_length=64)
    #: One of :class:`agent_desk.auth.Role`.
    role: str = Field(max_length=20)
    active: bool = True


class UserRecord(UserBase, table=True):
    __tablename__ = "app_user"

    id: int | None = Field(default=None, primary_key=True)
    created_at: datetime = Field(default_factory=utcnow, sa_column=_tz_column())


class UserPublic(UserBase):
    id: int
    created_at: datetime

    _utc = field_validator("created_at")(as_utc)


# -- the agent's reactions to shown suggestions (humane KPIs: help offered and accepted). -------


class ReactionBase(SQLModel):
    """Accepted or dismissed: codes only. A free-text dismissal reason is not kept here."""

    decision_id: str = Field(index=True, max_length=64)
    call_ref: str = Field(index=True, max_length=80)
    desk_id: str = Field(max_length=64)
    suggestion_id: str = Field(max_length=200)
    action_id: str | None = Field(default=None, max_length=80)
    kind: str = Field(max_length=20)
    #: ``accepted`` | ``dismissed`` | ``overridden``
    reaction: str = Field(index=True, max_length=12)
    #: For dismissals: ``not_relevant`` | ``customer_declined`` | ``not_now`` | ``other``.
    reason_code: str | None = Field(default=None, max_length=24)


class ReactionRecord(ReactionBase, table=True):
    __tablename__ = "reaction"

    id: int | None = Field(default=None, primary_key=True)
    created_at: datetime = Field(default_factory=utcnow, sa_column=_tz_column(index=True))


class ReactionPublic(ReactionBase):
    id: int
    created_at: datetime

    _utc = field_validator("created_at")(as_utc)


# -- versioned guard rule sets (issue 6): draft -> (pending_approval) -> published -> retired. ---

RuleVersionStatus = Literal["draft", "pending_approval", "published", "retired"]
#: Longest summary kept with a change or dry run (the full dry-run diff is a JSON file).
MAX_SUMMARY_CHARS = 4_000


class RuleVersionBase(SQLModel):
    """One version of an organisation's rule set: the YAML as the supervisor wrote it."""

    #: The organisation (tenant) that owns the rule set; one published version per org.
    org: str = Field(index=True, max_length=64)
    #: ``id`` and ``version`` from the YAML; ``version`` is what decision records name.
    rule_set_id: str = Field(max_length=80)
    version: str = Field(max_length=64)
    status: str = Field(default="draft", index=True, max_length=20)
    yaml_text: str = Field(sa_column=Column(Text, nullable=False))
    #: The rule set's digest (:attr:`guards.rules.RuleSet.digest`) of this text.
    digest: str = Field(max_length=64)
    #: Bumped by every save; a save must name the revision it edited (optimistic locking).
    revision: int = 1
    author: str = Field(max_length=64)
    updated_by: str = Field(max_length=64)
    published_by: str | None = Field(default=None, max_length=64)
    #: The second supervisor who approved ``approved_revision`` (cleared by the next save).
    approved_by: str | None = Field(default=None, max_length=64)
    approved_revision: int | None = None
    #: The latest dry run's summary for this revision (cleared by the next save).
    dry_run_summary: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    #: Rule tests stored with the version; none means the shipped ``default.tests.yaml``.
    tests_yaml: str | None = Field(default=None, sa_column=Column(Text, nullable=True))


class RuleVersionRecord(RuleVersionBase, table=True):
    __tablename__ = "rule_set_version"
    __table_args__ = (
        UniqueConstraint("org", "rule_set_id", "version", name="uq_rule_set_version_label"),
        # The database itself holds "one published version per organisation", also when two
        # supervisors publish at the same moment from different desks.
        Index(
            "uq_rule_set_version_one_published",
            "org",
            unique=True,
            sqlite_where=text("status = 'published'"),
            postgresql_where=text("status = 'published'"),
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    created_at: datetime = Field(default_factory=utcnow, sa_column=_tz_column())
    updated_at: datetime = Field(default_factory=utcnow, sa_column=_tz_column())
    published_at: datetime | None = Field(default=None, sa_column=_tz_column(nullable=True))
    approved_at: datetime | None = Field(default=None, sa_column=_tz_column(nullable=True))


class RuleVersionPublic(RuleVersionBase):
    id: int
    status: RuleVersionStatus
    created_at: datetime
    updated_at: datetime
    published_at: datetime | None = None
    approved_at: datetime | None = None

    _utc = field_validator("created_at", "updated_at", "published_at", "approved_at")(as_utc)

    @property
    def label(self) -> str:
        """``rule_set_id@version``, how people name a version."""
        return f"{self.rule_set_id}@{self.version}"

    @property
    def is_editable(self) -> bool:
        """Still a draft (possibly waiting for approval): it can be saved, approved, published."""
        return self.status in ("draft", "pending_approval")

    @property
    def is_approved(self) -> bool:
        """A draft whose current revision a second supervisor approved (a save clears that)."""
        return (
            self.is_editable
            and self.approved_by is not None
            and self.approved_revision == self.revision
        )


class RuleChangeBase(SQLModel):
    """Who did what to which rule-set version, and when (the audit trail)."""

    org: str = Field(index=True, max_length=64)
    version_id: int = Field(foreign_key="rule_set_version.id", index=True)
    #: ``rule_set_id@version`` at the time of the change.
    label: str = Field(max_length=150)
    #: ``created`` | ``saved`` | ``dry_run`` | ``approved`` | ``published`` | ``retired``
    action: str = Field(max_length=20)
    #: Who did it (a login name).
    actor: str = Field(max_length=64)
    revision: int
    #: A short summary: rule ids added/removed/changed, a dry run's counts, what was retired.
    summary: str = Field(default="", max_length=MAX_SUMMARY_CHARS)


class RuleChangeRecord(RuleChangeBase, table=True):
    __tablename__ = "rule_change"

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=utcnow, sa_column=_tz_column(index=True))


class RuleChange(RuleChangeBase):
    id: int
    at: datetime

    _utc = field_validator("at")(as_utc)


class RuleDryRunBase(SQLModel):
    """A dry run on record: the draft revision replayed against the then published version."""

    version_id: int = Field(foreign_key="rule_set_version.id", index=True)
    revision: int
    #: The published version it was compared with (None: the shipped default rules).
    against_version_id: int | None = Field(default=None)
    summary: str = Field(sa_column=Column(Text, nullable=False))
    changed: int
    loosened: int
    author: str = Field(max_length=64)


class RuleDryRunRecord(RuleDryRunBase, table=True):
    __tablename__ = "rule_dry_run"

    id: int | None = Field(default=None, primary_key=True)
    created_at: datetime = Field(default_factory=utcnow, sa_column=_tz_column())


class RuleDryRunPublic(RuleDryRunBase):
    id: int
    created_at: datetime

    _utc = field_validator("created_at")(as_utc)
