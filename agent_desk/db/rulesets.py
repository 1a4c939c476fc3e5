"""The rule store: versions of an organisation's guard rule set, from draft to published.

A version is the YAML a supervisor wrote, validated with :mod:`guards.rules` on every import and
save. Life cycle: ``draft`` -> (``pending_approval``) -> ``published`` -> ``retired``; one version
per organisation is published (the database holds that with a partial unique index), and
publishing retires the one before. Every step leaves a :class:`RuleChange` (who, what, when).

Saves are optimistic: a save names the revision it edited and is refused with
:class:`ConcurrentEdit` when someone saved in between, so nothing is silently overwritten.

Publishing checks, all at once so the supervisor sees every reason:
- the user may publish (:data:`Permission.PUBLISH_RULES`);
- the rule tests pass (those stored with the version, else the shipped ``default.tests.yaml``);
- a draft that loosens a protective rule (removes it, switches it to warn/dry-run, gives it a
  milder verdict, or changes its conditions) has a dry run on record for this revision against
  the version now in force, and is approved by a second supervisor who neither wrote nor last
  saved it. Until then such a draft is ``pending_approval``.
When nothing is published yet, the version in force is the shipped default rule set.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import ValidationError
from sqlalchemy import update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from agent_desk.auth import Permission, require
from agent_desk.db.models import (
    MAX_SUMMARY_CHARS,
    RuleChange,
    RuleChangeRecord,
    RuleDryRunRecord,
    RuleVersionPublic,
    RuleVersionRecord,
    utcnow,
)
from agent_desk.i18n import Lang, t
from agent_desk.paths import default_rules
from agent_desk.problems import case_failure, problem_line
from guards.rules import RuleSet, RuleSetError, load_rule_set, load_rule_set_text
from guards.ruletests import (
    RuleTestCase,
    RuleTestFile,
    default_tests_path,
    load_rule_tests,
    not_a_test_file,
)
from guards.yamlsrc import (
    DataError,
    parse_yaml,
    problems_from_validation,
    yaml_problem,
)

__all__ = [
    "ConcurrentEdit",
    "PublishRefused",
    "RuleChange",
    "RuleRepository",
    "RuleStoreError",
    "RuleVersionPublic",
    "change_note",
    "compile_version",
    "rule_diff",
]

EDITABLE = ("draft", "pending_approval")
#: How strongly a rule is enforced; lower is looser.
_STRENGTH = {"enforce": 2, "warn": 1, "dry_run": 0}


class RuleStoreError(Exception):
    """Something about a rule-set version is wrong; the message names what."""


class ConcurrentEdit(RuleStoreError):
    """The draft changed since you read it (revision mismatch); nothing was saved."""


class PublishRefused(RuleStoreError):
    """Publishing was refused; ``reasons`` lists every reason, one line each."""

    def __init__(self, message: str, reasons: list[str]) -> None:
        self.reasons = reasons
        super().__init__(message + "\n" + "\n".join(f"- {r}" for r in reasons))


def _source(v: RuleVersionPublic | RuleVersionRecord) -> str:
    return f"db:{v.org}/{v.rule_set_id}@{v.version}#{v.id}"


@lru_cache(maxsize=32)
def _compile(text: str, source: str) -> RuleSet:
    # Validation runs the anti-paternalism checks (a fifth of a second); the workflow compiles
    # the same few texts again and again. A RuleSet is immutable, so sharing it is safe.
    return load_rule_set_text(text, source)


@lru_cache(maxsize=1)
def _shipped(path: Path, mtime_ns: int) -> RuleSet:
    return load_rule_set(path)


def shipped_rules() -> RuleSet:
    path = default_rules()
    return _shipped(path, path.stat().st_mtime_ns)


def compile_version(v: RuleVersionPublic) -> RuleSet:
    """The version as a rule set ready to judge; :class:`RuleSetError` if it no longer
    validates (e.g. a newer guard refuses a condition it used to accept)."""
    rule_set = _compile(v.yaml_text, _source(v))
    return replace(rule_set, status="published" if v.status == "published" else "draft")


def _rule_models(rule_set: RuleSet) -> dict[str, dict[str, Any]]:
    return {r.id: r.model.model_dump(mode="json", exclude_none=True) for r in rule_set.rules}


def rule_diff(before: RuleSet | None, after: RuleSet) -> tuple[list[str], list[str], list[str]]:
    """Rule ids (added, removed, changed) from ``before`` to ``after``."""
    old = _rule_models(before) if before is not None else {}
    new = _rule_models(after)
    added = [r for r in new if r not in old]
    removed = [r for r in old if r not in new]
    changed = [r for r in new if r in old and new[r] != old[r]]
    return added, removed, changed


def _diff_summary(before: RuleSet | None, after: RuleSet) -> str:
    added, removed, changed = rule_diff(before, after)
    parts = [
        f"{sign}{', '.join(ids)}"
        for sign, ids in (("+", added), ("-", removed), ("~", changed))
        if ids
    ]
    return "; ".join(parts) if parts else "="


def _clip(text: str, limit: int = MAX_SUMMARY_CHARS) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _tests_from_text(text: str, source: str) -> RuleTestFile:
    name = f"{source} (tests)"
    try:
        data, node = parse_yaml(text)
    except yaml.YAMLError as exc:
        raise RuleSetError([yaml_problem(name, exc)]) from None
    if not isinstance(data, dict):
        raise RuleSetError([not_a_test_file(name)])
    try:
        return RuleTestFile.model_validate(data)
    except ValidationError as exc:
        raise RuleSetError(problems_from_validation(name, exc, node)) from None


_STATUS_LINE = re.compile(r"^status:[^\n]*$", re.MULTILINE)

# The notes in the change history are stored in English, the same for every reader (and the
# same as in rows written before they were translated); :func:`change_note` says them in the
# reader's language. Each is written from its template and read back with its pattern.
_NOTE_CREATED = "from {source}; {rules} rules; {diff}"
_NOTE_DRY_RUN = "{changed} verdicts change, {loosened} loosened"
_NOTE_PUBLISHED = "replaces {label}"
_NOTE_SHIPPED = "the shipped default"
_NOTE_RETIRED = "replaced by {label}"
_NOTE_PATTERNS: dict[str, re.Pattern[str]] = {
    "created": re.compile(r"from (?P<source>.*); (?P<rules>\d+) rules; (?P<diff>.*)", re.DOTALL),
    "dry_run": re.compile(r"(?P<changed>\d+) verdicts change, (?P<loosened>\d+) loosened"),
    "published": re.compile(r"replaces (?P<label>.+)", re.DOTALL),
    "retired": re.compile(r"replaced by (?P<label>.+)", re.DOTALL),
}
#: Sources of a new draft that are no file name.
_SOURCES = {"<import>": "import", "editor": "editor"}


def change_note(change: RuleChange, lang: Lang) -> str:
    """A history note in ``lang``; a note in no known form is shown as stored."""
    pattern = _NOTE_PATTERNS.get(change.action)
    found = pattern.fullmatch(change.summary) if pattern else None
    if found is None:
        return change.summary
    parts = found.groupdict()
    if change.action == "created":
        source = parts["source"]
        if source in _SOURCES:
            parts["source"] = t(f"rulestore.note.source.{_SOURCES[source]}", lang)
        if parts["diff"] == "=":
            parts["diff"] = t("rulestore.note.no_diff", lang)
    if change.action == "published" and parts["label"] == _NOTE_SHIPPED:
        return t("rulestore.note.published_shipped", lang)
    return t(f"rulestore.note.{change.action}", lang, **parts)


class RuleRepository:
    """Rule-set versions of one organisation. User-facing messages in ``lang``."""

    def __init__(self, engine: Engine, org: str = "default", *, lang: Lang = "en") -> None:
        self.engine = engine
        self.org = org
        self.lang = lang

    def _t(self, key: str, **values: object) -> str:
        return t(f"rulestore.{key}", self.lang, **values)

    # -- reading -------------------------------------------------------------------------------
    def get(self, version_id: int) -> RuleVersionPublic:
        with Session(self.engine) as session:
            return RuleVersionPublic.model_validate(self._row(session, version_id))

    def drafts(self) -> list[RuleVersionPublic]:
        """Versions still being worked on (draft or pending approval), newest first."""
        return self._list(col(RuleVersionRecord.status).in_(EDITABLE))

    def versions(self) -> list[RuleVersionPublic]:
        """Every version of the organisation, newest first."""
        return self._list(None)

    def published(self) -> RuleVersionPublic | None:
        found = self._list(col(RuleVersionRecord.status) == "published")
        return found[0] if found else None

    def history(self, version_id: int | None = None) -> list[RuleChange]:
        """Who changed what when, newest first (optionally for one version)."""
        stmt = select(RuleChangeRecord).where(RuleChangeRecord.org == self.org)
        if version_id is not None:
            stmt = stmt.where(RuleChangeRecord.version_id == version_id)
        with Session(self.engine) as session:
            rows = session.exec(stmt.order_by(col(RuleChangeRecord.id).desc()))
            return [RuleChange.model_validate(r) for r in rows]

    def export_yaml(self, version_id: int) -> str:
        """The YAML as written (comments kept), its ``status`` line saying where it stands."""
        v = self.get(version_id)
        status = "published" if v.status == "published" else "draft"
        text, n = _STATUS_LINE.subn(f"status: {status}", v.yaml_text, count=1)
        return text if n else f"status: {status}\n{text}"

    def in_force(self) -> tuple[RuleSet, RuleVersionPublic | None]:
        """The rule set desks use now: the published version, else the shipped default."""
        published = self.published()
        if published is None:
            return shipped_rules(), None
        return compile_version(published), published

    # -- writing -------------------------------------------------------------------------------
    def import_yaml(
        self, text: str, author: str, source: str = "<import>", tests_yaml: str | None = None
    ) -> RuleVersionPublic:
        """A new draft from rule-set YAML (:class:`RuleSetError` listing every problem)."""
        require(self.engine, author, Permission.EDIT_RULES)
        rule_set = _compile(text, source)
        if tests_yaml is not None:
            _tests_from_text(tests_yaml, source)
        baseline, _ = self._baseline()
        row = RuleVersionRecord(
            org=self.org,
            rule_set_id=rule_set.id,
            version=rule_set.version,
            status="draft",
            yaml_text=text,
            digest=rule_set.digest,
            author=author,
            updated_by=author,
            tests_yaml=tests_yaml,
        )

        def write(session: Session) -> RuleVersionRecord:
            session.add(row)
            session.flush()
            summary = _NOTE_CREATED.format(
                source=source, rules=len(rule_set.rules), diff=_diff_summary(baseline, rule_set)
            )
            self._log(session, row, "created", author, summary)
            return row

        return self._commit(write, label=f"{rule_set.id}@{rule_set.version}")

    def save_draft(
        self, version_id: int, text: str, author: str, expected_revision: int
    ) -> RuleVersionPublic:
        """Replace a draft's YAML. ``expected_revision`` is the revision you edited; when
        someone saved after it, :class:`ConcurrentEdit` says who and when and nothing is
        saved. A save clears approval and dry run: they were about the old text."""
        require(self.engine, author, Permission.EDIT_RULES)
        with Session(self.engine) as session:
            current = self._row(session, version_id)
            self._check_editable(current)
            self._check_revision(current, expected_revision)
            old_text, old_source = current.yaml_text, _source(current)
        rule_set = _compile(text, _source(current))
        try:
            before: RuleSet | None = _compile(old_text, old_source)
        except RuleSetError:
            before = None

        def write(session: Session) -> RuleVersionRecord:
            # Only the revision that was read may be replaced: a save in between wins the race
            # and this one is told, instead of overwriting it.
            result = session.execute(
                update(RuleVersionRecord)
                .where(col(RuleVersionRecord.id) == version_id)
                .where(col(RuleVersionRecord.revision) == expected_revision)
                .where(col(RuleVersionRecord.status).in_(EDITABLE))
                .values(
                    yaml_text=text,
                    rule_set_id=rule_set.id,
                    version=rule_set.version,
                    digest=rule_set.digest,
                    revision=expected_revision + 1,
                    updated_by=author,
                    updated_at=utcnow(),
                    status="draft",
                    approved_by=None,
                    approved_revision=None,
                    approved_at=None,
                    dry_run_summary=None,
                )
            )
            if result.rowcount != 1:  # type: ignore[attr-defined]
                session.rollback()
                latest = self._row(session, version_id)
                self._check_editable(latest)
                self._check_revision(latest, expected_revision)
                raise ConcurrentEdit(self._t("concurrent_unknown"))
            row = self._row(session, version_id)
            session.refresh(row)
            self._log(session, row, "saved", author, _diff_summary(before, rule_set))
            return row

        return self._commit(write, label=f"{rule_set.id}@{rule_set.version}")

    def record_dry_run(
        self,
        version_id: int,
        summary: str,
        changed: int,
        loosened: int,
        author: str,
        *,
        revision: int | None = None,
    ) -> None:
        """Put a dry run of the draft's current revision on record (against the version in
        force now); a loosening draft then waits for a second supervisor's approval.
        ``revision``: the revision that was replayed (refused if the draft moved on since)."""
        require(self.engine, author, Permission.EDIT_RULES)
        _, against = self._baseline()

        def write(session: Session) -> RuleVersionRecord:
            row = self._row(session, version_id)
            self._check_editable(row)
            if revision is not None:
                self._check_revision(row, revision)
            session.add(
                RuleDryRunRecord(
                    version_id=version_id,
                    revision=row.revision,
                    against_version_id=against.id if against else None,
                    summary=_clip(summary, 100_000),
                    changed=changed,
                    loosened=loosened,
                    author=author,
                )
            )
            row.dry_run_summary = _clip(summary)
            session.add(row)
            note = _NOTE_DRY_RUN.format(changed=changed, loosened=loosened)
            self._log(session, row, "dry_run", author, note)
            return row

        self._commit(write)
        self._refresh_status(version_id)

    def loosening(self, version_id: int) -> list[str]:
        """Protective rules of the version in force that this version removes, disables
        (warn/dry run), weakens (milder verdict), unmarks, or whose conditions change."""
        draft = compile_version(self.get(version_id))
        baseline, _ = self._baseline()
        found: list[str] = []
        for old in baseline.rules:
            if not old.protective:
                continue
            new = draft.by_id.get(old.id)
            if new is None:
                found.append(self._t("loosen.removed", rule=old.id))
                continue
            if _STRENGTH[new.enforcement] < _STRENGTH[old.enforcement]:
                found.append(
                    self._t("loosen.disabled", rule=old.id, old=old.enforcement,
                            new=new.enforcement)
                )  # fmt: skip
            if new.verdict.severity < old.verdict.severity:
                found.append(
                    self._t("loosen.verdict", rule=old.id, old=old.verdict.value,
                            new=new.verdict.value)
                )  # fmt: skip
            if (new.model.when, new.model.unless) != (old.model.when, old.model.unless):
                found.append(self._t("loosen.conditions", rule=old.id))
            if not new.protective:
                found.append(self._t("loosen.unmarked", rule=old.id))
        return found

    def approve(
        self, version_id: int, approver: str, expected_revision: int | None = None
    ) -> RuleVersionPublic:
        """A second supervisor approves the draft's current revision (``expected_revision``:
        the one they reviewed). Not the author, not whoever saved it last; a loosening draft
        needs its dry run on record first, so the approver sees what changes."""
        require(self.engine, approver, Permission.APPROVE_RULES)
        v = self.get(version_id)
        self._check_editable(v)
        if expected_revision is not None:
            self._check_revision(v, expected_revision)
        if approver in (v.author, v.updated_by):
            raise RuleStoreError(
                self._t("approve_own", user=approver, label=v.label, author=v.author,
                        editor=v.updated_by)
            )  # fmt: skip
        if self.loosening(version_id) and not self._dry_run_current(v):
            raise RuleStoreError(self._t("approve_needs_dry_run", label=v.label))

        def write(session: Session) -> RuleVersionRecord:
            result = session.execute(
                update(RuleVersionRecord)
                .where(col(RuleVersionRecord.id) == version_id)
                .where(col(RuleVersionRecord.revision) == v.revision)
                .values(approved_by=approver, approved_revision=v.revision, approved_at=utcnow())
            )
            if result.rowcount != 1:  # type: ignore[attr-defined]
                session.rollback()
                self._check_revision(self._row(session, version_id), v.revision)
            row = self._row(session, version_id)
            session.refresh(row)
            self._log(session, row, "approved", approver, "")
            return row

        self._commit(write)
        return self._refresh_status(version_id)

    def publish(self, version_id: int, user: str) -> RuleVersionPublic:
        """Publish the version and retire the one before, or refuse with every reason."""
        require(self.engine, user, Permission.PUBLISH_RULES)
        v = self.get(version_id)
        if v.status not in EDITABLE:
            raise RuleStoreError(self._t("not_publishable", label=v.label, status=v.status))
        reasons: list[str] = []
        try:
            rule_set = compile_version(v)
        except RuleSetError as exc:
            reasons += [problem_line(p, self.lang) for p in exc.problems]
            raise PublishRefused(self._t("refused", label=v.label), reasons) from None
        reasons += self._failing_tests(v, rule_set)
        loosened = self.loosening(version_id)
        baseline_id = self._published_id()
        if loosened:
            if not self._dry_run_current(v):
                reasons.append(self._t("needs_dry_run", rules=", ".join(self._rule_ids(loosened))))
            if v.approved_by is None or v.approved_revision != v.revision:
                reasons.append(self._t("needs_approval", author=v.author))
        if reasons:
            self._refresh_status(version_id)
            raise PublishRefused(self._t("refused", label=v.label), reasons)

        def write(session: Session) -> RuleVersionRecord:
            previous = session.exec(
                select(RuleVersionRecord)
                .where(RuleVersionRecord.org == self.org)
                .where(RuleVersionRecord.status == "published")
            ).first()
            if (previous.id if previous else None) != baseline_id:
                raise RuleStoreError(self._t("published_meanwhile"))
            now = utcnow()
            if previous is not None:
                previous.status = "retired"
                previous.updated_at = now
                session.add(previous)
                session.flush()  # the partial unique index sees one published version at a time
                self._log(session, previous, "retired", user, _NOTE_RETIRED.format(label=v.label))
            result = session.execute(
                update(RuleVersionRecord)
                .where(col(RuleVersionRecord.id) == version_id)
                .where(col(RuleVersionRecord.revision) == v.revision)
                .where(col(RuleVersionRecord.status).in_(EDITABLE))
                .values(status="published", published_by=user, published_at=now, updated_at=now)
            )
            if result.rowcount != 1:  # type: ignore[attr-defined]
                raise ConcurrentEdit(self._t("changed_while_publishing", label=v.label))
            row = self._row(session, version_id)
            session.refresh(row)
            before = f"{previous.rule_set_id}@{previous.version}" if previous else _NOTE_SHIPPED
            self._log(session, row, "published", user, _NOTE_PUBLISHED.format(label=before))
            return row

        return self._commit(write)

    # -- helpers -------------------------------------------------------------------------------
    def _list(self, where: Any) -> list[RuleVersionPublic]:
        stmt = select(RuleVersionRecord).where(RuleVersionRecord.org == self.org)
        if where is not None:
            stmt = stmt.where(where)
        with Session(self.engine) as session:
            rows = session.exec(stmt.order_by(col(RuleVersionRecord.id).desc()))
            return [RuleVersionPublic.model_validate(r) for r in rows]

    def _row(self, session: Session, version_id: int) -> RuleVersionRecord:
        row = session.get(RuleVersionRecord, version_id)
        if row is None or row.org != self.org:
            raise RuleStoreError(self._t("not_found", id=version_id, org=self.org))
        return row

    def _published_id(self) -> int | None:
        published = self.published()
        return published.id if published else None

    def _baseline(self) -> tuple[RuleSet, RuleVersionPublic | None]:
        """What a draft is compared with: the version in force (published or shipped)."""
        return self.in_force()

    def _check_editable(self, v: RuleVersionRecord | RuleVersionPublic) -> None:
        if v.status not in EDITABLE:
            raise RuleStoreError(
                self._t("not_editable", label=f"{v.rule_set_id}@{v.version}", status=v.status)
            )

    def _check_revision(self, v: RuleVersionRecord | RuleVersionPublic, expected: int) -> None:
        if v.revision != expected:
            raise ConcurrentEdit(
                self._t("concurrent", label=f"{v.rule_set_id}@{v.version}", user=v.updated_by,
                        at=f"{v.updated_at:%Y-%m-%d %H:%M:%S}", revision=v.revision,
                        expected=expected)
            )  # fmt: skip

    def _dry_run_current(self, v: RuleVersionPublic) -> bool:
        """A dry run of exactly this revision, against the version in force now."""
        with Session(self.engine) as session:
            latest = session.exec(
                select(RuleDryRunRecord)
                .where(RuleDryRunRecord.version_id == v.id)
                .where(RuleDryRunRecord.revision == v.revision)
                .order_by(col(RuleDryRunRecord.id).desc())
            ).first()
        return latest is not None and latest.against_version_id == self._published_id()

    def _failing_tests(self, v: RuleVersionPublic, rule_set: RuleSet) -> list[str]:
        from guards.ruletests import run_rule_tests

        cases: list[RuleTestCase]
        try:
            if v.tests_yaml is not None:
                cases = _tests_from_text(v.tests_yaml, _source(v)).cases
            else:
                cases = load_rule_tests(default_tests_path(default_rules())).cases
        except DataError as exc:
            return [self._t("tests_unreadable", problem=problem_line(exc.problems[0], self.lang))]
        report = run_rule_tests(rule_set, cases)
        return [
            self._t(
                "test_failed",
                case=r.case.id,
                problems="; ".join(case_failure(f, self.lang) for f in r.failures),
            )
            for r in report.failed
        ]

    @staticmethod
    def _rule_ids(lines: list[str]) -> list[str]:
        return sorted({line.split(":", 1)[0] for line in lines})

    def _refresh_status(self, version_id: int) -> RuleVersionPublic:
        """``pending_approval`` while a loosening draft with its dry run on record waits for a
        second supervisor; ``draft`` otherwise."""
        v = self.get(version_id)
        if v.status not in EDITABLE:
            return v
        waiting = (
            bool(self.loosening(version_id))
            and self._dry_run_current(v)
            and (v.approved_by is None or v.approved_revision != v.revision)
        )
        status = "pending_approval" if waiting else "draft"
        if status == v.status:
            return v
        with Session(self.engine) as session:
            session.execute(
                update(RuleVersionRecord)
                .where(col(RuleVersionRecord.id) == version_id)
                .where(col(RuleVersionRecord.revision) == v.revision)
                .where(col(RuleVersionRecord.status).in_(EDITABLE))
                .values(status=status)
            )
            session.commit()
        return self.get(version_id)

    def _log(
        self,
        session: Session,
        row: RuleVersionRecord,
        action: Literal["created", "saved", "dry_run", "approved", "published", "retired"],
        actor: str,
        summary: str,
    ) -> None:
        assert row.id is not None
        session.add(
            RuleChangeRecord(
                org=self.org,
                version_id=row.id,
                label=f"{row.rule_set_id}@{row.version}"[:150],
                action=action,
                actor=actor,
                revision=row.revision,
                summary=_clip(summary),
            )
        )

    def _commit(
        self, write: Callable[[Session], RuleVersionRecord], label: str = ""
    ) -> RuleVersionPublic:
        with self._session() as session:
            try:
                row = write(session)
                session.commit()
            except IntegrityError as exc:
                session.rollback()
                raise RuleStoreError(self._integrity_message(exc, label)) from None
            session.refresh(row)
            return RuleVersionPublic.model_validate(row)

    def _integrity_message(self, exc: IntegrityError, label: str) -> str:
        text = str(exc.orig)
        if "uq_rule_set_version_label" in text or "rule_set_id" in text:
            return self._t("label_taken", label=label, org=self.org)
        return self._t("published_meanwhile")

    @contextmanager
    def _session(self) -> Iterator[Session]:
        with Session(self.engine, expire_on_commit=False) as session:
            yield session
