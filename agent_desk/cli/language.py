"""The language a command-line command speaks to its user: the ``language`` setting."""

from __future__ import annotations

from typing import TYPE_CHECKING

from agent_desk.i18n import Lang

if TYPE_CHECKING:
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
