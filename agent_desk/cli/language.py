"""The language a command-line command speaks to its user: the ``language`` setting."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from agent_desk.i18n import Lang

if TYPE_CHECKING:
    from pathlib import Path

    from agent_desk.library.conversation import Conversation
    from agent_desk.settings import SettingsError


def settings_language() -> Lang:
    """The configured UI language (``AGENT_DESK_LANGUAGE`` or the settings file); when the
    settings cannot be read (the command that needs them says why), ``AGENT_DESK_LANGUAGE`` if it
    names a language, else Dutch, the default."""
    import os

    from agent_desk.settings import SettingsError, load_settings

    try:
        return load_settings().language
    except SettingsError:
        asked = os.environ.get("AGENT_DESK_LANGUAGE", "").strip().lower()
        return "en" if asked == "en" else "nl"


def settings_error(exc: SettingsError, lang: Lang) -> str:
    """Why the settings cannot be read, one line per setting, in ``lang`` (the TOML parser's own
    words and the value as given stay as they are)."""
    from agent_desk.i18n import t
    from agent_desk.problems import problem_message

    if not exc.problems:
        return str(exc)
    lines = []
    for p in exc.problems:
        if p.code == "invalid_toml":
            lines.append(t("cli.settings.invalid_toml", lang, file=p.file, detail=p.detail))
            continue
        lines.append(
            t(
                "cli.settings.invalid",
                lang,
                file=p.file,
                env=f"AGENT_DESK_{p.field.upper()}",
                field=p.field,
                message=problem_message(p, lang),
                got=p.params.get("got", ""),
            )
        )
    return "\n".join(lines)


def option_language(option: str | None) -> Lang:
    """The ``--lang`` option when it is given, else the ``language`` setting
    (:func:`settings_language`): what a command with ``--lang`` speaks, also when it refuses."""
    if option in ("nl", "en"):
        return cast(Lang, option)
    return settings_language()


def refusal(exc: Exception, lang: Lang) -> str:
    """Why a command cannot start, in ``lang``: the settings (:func:`settings_error`), a feed or
    source that cannot be built (a missing setting or plugin), or every problem of a file (a
    rule set, a conversation) as ``file:line [field]: what``, one a line; anything else as it
    is."""
    from agent_desk.problems import problem_line
    from agent_desk.settings import SettingsError
    from agent_desk.wiring import WiringError
    from guards.yamlsrc import DataError

    if isinstance(exc, SettingsError):
        return settings_error(exc, lang)
    if isinstance(exc, WiringError):
        return exc.message(lang)
    if isinstance(exc, DataError) and exc.problems:
        return "\n".join(problem_line(p, lang) for p in exc.problems)
    return str(exc)


def find_conversation(ref: str | Path) -> Conversation:
    """:func:`~agent_desk.library.load.load_conversation`, with a code on its "no such file or
    library conversation" problem so that :func:`refusal` can say it in the user's language."""
    from dataclasses import replace

    from agent_desk.library.load import load_conversation, resolve_conversation
    from agent_desk.library.yamlio import DataFileError

    try:
        path = resolve_conversation(ref)
    except DataFileError as exc:
        coded = [replace(p, code="no_such_conversation") for p in exc.problems]
        raise DataFileError(coded) from exc
    return load_conversation(path)
