"""Process-wide defaults for the detector that a host application sets from its settings.

Kept apart from :mod:`nlp.detector` so that reading settings never imports spaCy. The
application calls :func:`configure` when it loads its settings (``agent_desk.settings``);
:func:`nlp.detector.get_detector` builds the shared detector with these values.
"""

from __future__ import annotations

_veto = True


def veto_enabled() -> bool:
    """Whether the shared detector uses the classifier (:mod:`nlp.veto`); on by default."""
    return _veto


def configure(*, veto: bool) -> None:
    """Set the defaults; a shared detector built with other values is rebuilt on next use."""
    global _veto  # noqa: PLW0603 - process-wide defaults are the point of this module
    changed = veto != _veto
    _veto = veto
    if changed:
        from nlp.detector import reset_detector

        reset_detector()
