"""Settings: a TOML file in the platform config dir, overridden by ``AGENT_DESK_*`` variables.

Precedence (highest first): constructor arguments, environment variables, the TOML file
(``AGENT_DESK_CONFIG_FILE`` or ``<user config dir>/agent-desk/config.toml``), defaults.
Each setting is documented where it is declared; ``agent-desk config`` prints the effective values.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from platformdirs import user_config_dir, user_data_dir
from pydantic import Field, SecretStr, field_validator
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

if TYPE_CHECKING:
    # Only an unreadable settings file needs it (it imports YAML): not on every start-up.
    from guards.yamlsrc import Problem

APP_NAME = "agent-desk"


def config_file() -> Path:
    """The TOML file settings are read from (it need not exist)."""
    override = os.environ.get("AGENT_DESK_CONFIG_FILE")
    if override:
        return Path(override)
    return Path(user_config_dir(APP_NAME)) / "config.toml"


def data_dir() -> Path:
    override = os.environ.get("AGENT_DESK_DATA_DIR")
    return Path(override) if override else Path(user_data_dir(APP_NAME))


def default_database_url() -> str:
    return f"sqlite:///{data_dir() / 'agent-desk.db'}"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="AGENT_DESK_",
        extra="forbid",
        validate_default=True,
    )

    database_url: str = Field(default_factory=default_database_url)
    """SQLAlchemy URL. SQLite in the user data dir by default; ``postgresql+psycopg://...`` lets
    several desks share one rule store and one decision log."""

    language: Literal["nl", "en"] = "nl"
    """UI language (and the language of guard reasons shown to the agent)."""

    feed: str = Field(default="replay", min_length=1, max_length=64)
    """Where the conversation comes from: ``replay`` (a library conversation, the embedded
    default), ``sse`` (a live Server-Sent Events stream), ``stdin`` (JSON Lines), ``connect``
    (Amazon Connect Contact Lens), or the name of a feed plugin (docs/plugins.md)."""

    feed_url: str | None = None
    """URL of the live SSE stream (``feed = "sse"``) or Contact Lens endpoint."""

    connect_instance_id: str | None = None
    """Amazon Connect instance id (``feed = "connect"``)."""

    connect_contact_id: str | None = None
    """Amazon Connect contact id of the call to follow (``feed = "connect"``)."""

    connect_token: SecretStr | None = None
    """Bearer token for the Contact Lens endpoint or its signing proxy (see docs/feeds.md)."""

    org: Literal["bank", "insurer", "municipality"] = "bank"
    """Which catalogue in ``fixtures/catalog`` the local NBA source proposes from on live calls."""

    replay_speed: float = Field(default=1.0, gt=0, le=64)
    """Replay clock: 1.0 is real time, 4.0 four times as fast."""

    nba_source: str = Field(default="catalog", min_length=1, max_length=64)
    """Next-best-action source: ``catalog`` (the local catalogue; a replay uses the suggestions
    its recorded engine made), ``http`` (a decisioning service), or a plugin's name."""

    nba_url: str | None = None
    """Base URL of the HTTP decisioning service (``nba_source = "http"``)."""

    nba_timeout_s: float = Field(default=0.5, gt=0, le=30)
    """Time budget per utterance for the decisioning service (retries included); when it runs
    out the agent is told in one line and nothing unjudged is shown."""

    nba_retries: int = Field(default=1, ge=0, le=5)
    """Retries for 5xx/connection errors within the time budget."""

    nba_send_text: bool = False
    """Send the customer's words to the decisioning service. Off by default (minimum data):
    the service gets event types and ids only."""

    rules_file: Path | None = None
    """A rule-set YAML to use instead of the published one (mainly for trying a draft)."""

    show_qualified_events: bool = True
    """Show negated / hypothetical / someone else's / long-ago life events (dimmed) on the call
    screen. Off hides them; the guard ignores them either way."""

    nlp_veto: bool = True
    """Let the trained classifier (``nlp/veto.py``) give the rules a second opinion per life-event
    type: set aside what the rules hear in a look-alike ("die deal is dood"), and add an event
    the rules did not hear when it is confident, with its sentence as the evidence. On by
    default since round 18 (docs/quality.md): on the blind batch 13 it raised F1 by 3-4 points
    in both languages and recall by 0.7-2.9, and it cut the false alarms on hard negatives by
    more than half. On the small frozen test it lost 2 points of Dutch recall. False turns it
    off: the rules alone. Set-aside events stay on the detection (``set_aside``) but the guard
    does not count them; the decision log records their types apart (``set_aside_types``)."""

    desk_id: str = Field(default="desk-1", max_length=64)
    """Identifies this desk in shared decision logs."""

    user: str = Field(default="agent", min_length=1, max_length=64)
    """Who works at this desk (a login name in the ``app_user`` table, see ``agent-desk users``).
    What they may do follows from their role (agent, supervisor, trainer, ombudsman)."""

    @field_validator("database_url")
    @classmethod
    def _known_scheme(cls, v: str) -> str:
        if not v.startswith(("sqlite:", "postgresql")):
            raise ValueError("must start with sqlite:/// or postgresql+psycopg://")
        return v

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        return (
            init_settings,
            env_settings,
            TomlConfigSettingsSource(settings_cls, toml_file=config_file()),
        )


class SettingsError(Exception):
    """The settings file or environment is invalid; the message names file and field (in
    English). ``problems`` says it for translation (``agent_desk.cli.language.settings_error``):
    one per setting (``field``, with ``got`` among its params), or one ``invalid_toml``."""

    def __init__(self, message: str, problems: Sequence[Problem] = ()) -> None:
        super().__init__(message)
        self.problems = tuple(problems)


def load_settings(**overrides: object) -> Settings:
    """Load settings, turning every validation problem into one readable line."""
    import tomllib

    from pydantic import ValidationError

    path = config_file()
    try:
        settings = Settings(**overrides)  # type: ignore[arg-type]
    except tomllib.TOMLDecodeError as exc:
        from guards.yamlsrc import Problem

        toml = Problem(str(path), None, "", f"invalid TOML: {exc}", "invalid_toml", str(exc))
        raise SettingsError(f"{path}: invalid TOML: {exc}", [toml]) from exc
    except ValidationError as exc:
        from guards.yamlsrc import Problem, pydantic_parts

        lines = []
        problems = []
        for err in exc.errors(include_url=False):
            field = ".".join(str(p) for p in err["loc"])
            unknown = err["type"] == "extra_forbidden"
            msg = "unknown setting" if unknown else err["msg"]
            got = repr(err.get("input"))
            lines.append(f"{path} or AGENT_DESK_{field.upper()}: [{field}] {msg} (got {got})")
            code, params, detail = pydantic_parts(err)
            code = "unknown_setting" if unknown else code
            params = {**params, "got": got}
            problems.append(Problem(str(path), None, field, msg, code, detail, params=params))
        raise SettingsError("\n".join(lines), problems) from exc
    # The shared detector follows the settings (nlp.options is light: no spaCy import here).
    from nlp import options

    options.configure(veto=settings.nlp_veto)
    return settings
