"""Roles and what each may do, enforced in the app and the CLI alike.

Four roles (issue 6): an **agent** handles calls; a **trainer** replays and scores; a **supervisor**
owns the rules and reviews overrides and brakes; an **ombudsman** reviews but changes no rules.
Who is who lives in the ``app_user`` table (``agent-desk users``). A desk whose user is not in the
table is an agent: the least privilege, never more.
"""

from __future__ import annotations

from enum import StrEnum

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from agent_desk.db.models import UserRecord
from agent_desk.i18n import Lang, t


class Role(StrEnum):
    AGENT = "agent"
    TRAINER = "trainer"
    SUPERVISOR = "supervisor"
    OMBUDSMAN = "ombudsman"


class Permission(StrEnum):
    HANDLE_CALLS = "handle_calls"
    TRAIN = "train"
    EDIT_RULES = "edit_rules"
    PUBLISH_RULES = "publish_rules"
    APPROVE_RULES = "approve_rules"
    REVIEW_CASES = "review_cases"
    READ_KPIS = "read_kpis"
    EXPORT_DATA = "export_data"
    PURGE_DATA = "purge_data"
    MANAGE_USERS = "manage_users"


PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.AGENT: frozenset({Permission.HANDLE_CALLS}),
    Role.TRAINER: frozenset({Permission.HANDLE_CALLS, Permission.TRAIN}),
    Role.SUPERVISOR: frozenset(
        {
            Permission.HANDLE_CALLS,
            Permission.TRAIN,
            Permission.EDIT_RULES,
            Permission.PUBLISH_RULES,
            Permission.APPROVE_RULES,
            Permission.REVIEW_CASES,
            Permission.READ_KPIS,
            Permission.EXPORT_DATA,
            Permission.PURGE_DATA,
            Permission.MANAGE_USERS,
        }
    ),
    # Independent oversight: sees and closes cases, reads KPIs, answers access requests,
    # but does not change what the guard does.
    Role.OMBUDSMAN: frozenset(
        {Permission.REVIEW_CASES, Permission.READ_KPIS, Permission.EXPORT_DATA}
    ),
}


class PermissionDenied(PermissionError):
    """The user's role does not allow this; the message names user, role and permission.

    ``str()`` is English (logs); :meth:`describe` says the same in the user's language."""

    def __init__(self, user: str, role: Role, permission: Permission) -> None:
        self.user = user
        self.role = role
        self.permission = permission
        super().__init__(f"{user!r} ({role.value}) may not {permission.value.replace('_', ' ')}")

    def describe(self, lang: Lang) -> str:
        return t(
            f"auth.denied.{self.permission.value}",
            lang,
            user=repr(self.user),
            role=t(f"auth.role.{self.role.value}", lang),
        )


def role_of(engine: Engine, user: str) -> Role:
    """The user's role; unknown or inactive users are agents."""
    with Session(engine) as session:
        row = session.exec(select(UserRecord).where(UserRecord.name == user)).first()
    if row is None or not row.active:
        return Role.AGENT
    return Role(row.role)


def can(role: Role, permission: Permission) -> bool:
    return permission in PERMISSIONS[role]


def require(engine: Engine, user: str, permission: Permission) -> Role:
    """Raise :class:`PermissionDenied` unless ``user`` may do ``permission``; returns the role."""
    role = role_of(engine, user)
    if not can(role, permission):
        raise PermissionDenied(user, role, permission)
    return role
