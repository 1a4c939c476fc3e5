"""The language a command-line command speaks to its user: the ``language`` setting."""

from __future__ import annotations

from agent_desk.i18n import Lang


def settings_language() -> Lang:
    """The configured UI language (``AGENT_DESK_LANGUAGE`` or the settings file); Dutch, the
    default, when the settings cannot be read (the command that needs them says why)."""
    from agent_desk.settings import SettingsError, load_settings

    try:
        return load_settings().language
    except SettingsError:
        return "nl"
