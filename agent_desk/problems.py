"""Problems and rule-test failures from the library layers, said in the user's language.

``guards`` and ``nlp`` know no languages (and may not import :mod:`agent_desk`): their messages
are English, and the ones a supervisor meets also carry a code and their parts. This is the edge
where those are translated (texts in ``i18n/<lang>.problems.yaml``). Anything without a code, or
with a code this layer does not know, is shown as it is.
"""

from __future__ import annotations

from agent_desk.i18n import Lang, catalog, t
from guards.ruletests import CaseFailure
from guards.yamlsrc import Problem

#: Thousands separators: 1,000,000 bytes in English, 1.000.000 in Dutch.
_THOUSANDS = {"nl": ".", "en": ","}


def _number(value: int, lang: Lang) -> str:
    return f"{value:,}".replace(",", _THOUSANDS[lang])


def _parts(problem: Problem, lang: Lang) -> dict[str, object]:
    """The problem's parts as the message shows them in ``lang``."""
    parts: dict[str, object] = {"detail": problem.detail}
    for key, value in problem.params.items():
        parts[key] = _number(value, lang) if isinstance(value, int) else value
    suggestion = problem.params.get("suggestion")
    parts["did_you_mean"] = (
        t("problem.did_you_mean", lang, suggestion=f"'{suggestion}'") if suggestion else ""
    )
    attribute = problem.params.get("attribute")
    if attribute:
        parts["attribute"] = t(f"problem.attribute.{attribute}", lang)
    event = problem.params.get("event")
    if event:
        label = t(f"event.{event}", lang)
        # The name the UI uses, and the one the rule file uses.
        parts["event"] = f"{label.lower()} ({event})" if label != f"event.{event}" else event
    return parts


def problem_message(problem: Problem, lang: Lang) -> str:
    """What is wrong, without where. Words that are not ours (the YAML parser's, the system's)
    stay English, with a translated lead-in."""
    if problem.code == "invalid_yaml":
        if problem.stop_line is not None:
            # Said after the line it starts on: "Ln 1: ... (starts here; ... gave up on line 6)".
            return t(
                "problem.invalid_yaml_stop", lang, detail=problem.detail, stop=problem.stop_line
            )
        return t("problem.invalid_yaml", lang, detail=problem.detail)
    if problem.code == "invalid":
        # A pydantic error type without a sentence of its own: the value and what pydantic
        # says it expected, under a plain lead-in; never another type's sentence.
        value = str(problem.params.get("value", ""))
        context = str(problem.params.get("context", ""))
        text = (
            t("problem.invalid_value", lang, value=value) if value else t("problem.invalid", lang)
        )
        return f"{text} ({context})" if context else text
    key = f"problem.{problem.code}"
    if not problem.code or key not in catalog(lang):
        return problem.message
    return t(key, lang, **_parts(problem, lang))


def problem_line(problem: Problem, lang: Lang) -> str:
    """``file:line [field]: message``, as a compiler says it, for the command line."""
    where = f"{problem.file}:{problem.line}" if problem.line else problem.file
    field = f" [{problem.field}]" if problem.field else ""
    return f"{where}{field}: {problem_message(problem, lang)}"


def case_failure(failure: CaseFailure, lang: Lang) -> str:
    """Why a rule-test case failed."""
    if failure.code == "verdict":
        expected = t("ruletest.or", lang).join(failure.expected)
        return t("ruletest.verdict", lang, expected=expected, got=failure.got)
    if failure.code in ("not_fired", "fired"):
        return t(f"ruletest.{failure.code}", lang, rule=failure.rule)
    return str(failure)
