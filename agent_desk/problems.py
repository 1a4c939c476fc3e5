"""Problems and rule-test failures from the library layers, said in the user's language.

``guards`` and ``nlp`` know no languages (and may not import :mod:`agent_desk`): their messages
are English, and the ones a supervisor meets also carry a code and their parts. This is the edge
where those are translated. Anything without a code is shown as it is.
"""

from __future__ import annotations

from agent_desk.i18n import Lang, t
from guards.ruletests import CaseFailure
from guards.yamlsrc import Problem


def problem_message(problem: Problem, lang: Lang) -> str:
    """What is wrong, without where. The YAML parser's own words stay English, with a
    translated lead-in."""
    if problem.code == "invalid_yaml":
        if problem.stop_line is not None:
            # Said after the line it starts on: "Ln 1: ... (starts here; ... gave up on line 6)".
            return t(
                "problem.invalid_yaml_stop", lang, detail=problem.detail, stop=problem.stop_line
            )
        return t("problem.invalid_yaml", lang, detail=problem.detail)
    return problem.message


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
