"""Validation problems from the guard layer said in plain Dutch and English: every problem a
supervisor or rule author can meet in a rule file carries a code and its parts, and
``agent_desk.problems`` turns them into a sentence in the UI language (the English ``str`` of a
problem stays as it was, for logs and the English-only commands)."""

from __future__ import annotations

import string
from pathlib import Path

import pytest
from pydantic import BaseModel, Field, ValidationError

from agent_desk.i18n import LANGS, Lang, catalog
from agent_desk.problems import problem_line, problem_message
from guards.rules import RuleSetError, load_rule_set_text
from guards.ruletests import load_rule_tests
from guards.yamlsrc import DataError, Problem, problems_from_validation, read_yaml

HEAD = 'id: t\nversion: "1"\nstatus: draft\nrules:\n'


def _rule(**fields: str) -> str:
    rule = {
        "id": "a",
        "dimension": "autonomy",
        "when": "{suggestion.commercial: true, event.current: bereavement}",
        "verdict": "hold",
        "explain": "{nl: Tekst, en: Text}",
    } | fields
    return "  - " + "\n    ".join(f"{k}: {v}" for k, v in rule.items() if v != "-") + "\n"


def _problems(text: str) -> list[Problem]:
    with pytest.raises(RuleSetError) as info:
        load_rule_set_text(text, "editor")
    return info.value.problems


def _said(text: str, lang: Lang) -> list[str]:
    return [problem_message(p, lang) for p in _problems(text)]


# (what is wrong in the rule file, in Dutch, in English)
CASES = [
    (
        HEAD + _rule(protectve="true"),
        "onbekend veld (controleer de spelling)",
        "unknown field (check the spelling)",
    ),
    (HEAD + _rule(verdict="-"), "verplicht veld ontbreekt", "required field is missing"),
    ("rules: []\n", "verplicht veld ontbreekt", "required field is missing"),
    (
        HEAD + _rule(verdict="halt"),
        "moet een van deze waarden zijn: 'show', 'guide', 'hold', 'block'",
        "must be one of these values: 'show', 'guide', 'hold', 'block'",
    ),
    (
        HEAD.replace("draft", "final"),
        "moet een van deze waarden zijn: 'draft', 'published'",
        "must be one of these values: 'draft', 'published'",
    ),
    (HEAD + _rule(dimension="[trust]"), "moet tekst zijn", "must be text"),
    (HEAD + _rule(protective="maybe"), "moet true of false zijn", "must be true or false"),
    (HEAD + _rule(explain="{nl: '', en: x}"), "mag niet leeg zijn", "must not be empty"),
    (
        HEAD + _rule(description="'" + "x" * 1001 + "'"),
        "mag hoogstens 1.000 tekens lang zijn",
        "may be at most 1,000 characters long",
    ),
    (
        HEAD + _rule(explain="Tekst"),
        "moet uit velden bestaan (naam: waarde)",
        "must be fields (name: value)",
    ),
    ("id: t\nrules: x\n", "moet een lijst zijn", "must be a list"),
    (
        HEAD + _rule(id="'Mijn Regel'"),
        "een id bestaat uit kleine letters, cijfers, punten, streepjes en liggende streepjes, en "
        "begint met een letter of cijfer",
        "an id is lower-case letters, digits, dots, hyphens and underscores, and starts with a "
        "letter or digit",
    ),
    (
        HEAD + _rule(dimension="autonomie"),
        "onbekende dimensie 'autonomie' (bedoelt u 'autonomy'?)",
        "unknown dimension 'autonomie' (did you mean 'autonomy'?)",
    ),
    (
        HEAD + _rule(when="{event.curent: bereavement}"),
        "onbekende voorwaarde 'event.curent' (bedoelt u 'event.current'?)",
        "unknown condition 'event.curent' (did you mean 'event.current'?)",
    ),
    (
        HEAD + _rule(when="{suggestion.kind: [salez]}"),
        "suggestion.kind: onbekende waarde 'salez' (bedoelt u 'sales'?)",
        "suggestion.kind: unknown value 'salez' (did you mean 'sales'?)",
    ),
    (
        HEAD + _rule(when="{customer.postcode: '1234'}"),
        "'customer.postcode' is een beschermd kenmerk (postcode, een aanwijzing voor herkomst en "
        "inkomen). Een regel mag alleen kijken naar de situatie die de klant ons vertelde, nooit "
        "naar wie iemand is: gelijke behandeling (denk aan de toeslagenaffaire)",
        "'customer.postcode' is a protected attribute (postcode, a proxy for origin and income). "
        "A rule may only look at the situation the customer told us about, never at who they "
        "are: equal treatment (remember the childcare-benefits scandal)",
    ),
    (
        HEAD + _rule(when="{brake: yes-please}"),
        "brake verwacht true of false, niet 'yes-please'",
        "brake takes true or false, not 'yes-please'",
    ),
    (
        HEAD + _rule(when="{value.org: big}"),
        "value.org verwacht een vergelijking zoals \"< 0.3\", niet 'big'",
        "value.org takes a comparison such as \"< 0.3\", not 'big'",
    ),
    (
        HEAD + _rule(when="{any: []}"),
        "'any' heeft een lijst met minstens één voorwaarde nodig",
        "'any' needs a list of at least one condition",
    ),
    (
        HEAD + _rule() + _rule(),
        "regel-id 'a' komt twee keer voor",
        "rule id 'a' is used twice",
    ),
    (
        HEAD + _rule(explain="{nl: 'Hallo {naam}', en: Hi}"),
        "onbekende invulplek {naam}; toegestaan: {event}, {kind}, {wish}, {title}, {group}, "
        "{purpose}",
        "unknown placeholder {naam}; allowed: {event}, {kind}, {wish}, {title}, {group}, {purpose}",
    ),
    (
        HEAD + _rule(verdict="show"),
        "een regel kan niet 'show' zeggen: de guard toont al uit zichzelf, en niets mag het "
        "bezwaar van een andere regel opheffen. Gebruik guide, hold of block",
        "a rule cannot say 'show': the guard shows by default, and nothing may outweigh another "
        "rule's objection. Use guide, hold or block",
    ),
    (
        HEAD + _rule(unless="{value.org: '> 0.9'}"),
        "een uitzondering (unless) mag niet afhangen van value.org: geen zakelijk belang weegt "
        "zwaarder dan een regel over waarden (waarden gaan altijd voor)",
        "an exception (unless) may not depend on value.org: no business value outweighs a "
        "values rule (values always come first)",
    ),
    (
        HEAD + _rule(when="{suggestion.commercial: true, event.current: new_child}"),
        "deze regel zou een passend, waardevol aanbod op 'hold' zetten vanwege gezinsuitbreiding "
        "(new_child): positieve en neutrale levensgebeurtenissen houden passende aanbiedingen "
        "niet tegen, en een guard die alles tegenhoudt, werkt niet (niet betuttelen)",
        "this rule would put a relevant, valuable offer on 'hold' because of new child "
        "(new_child): positive and neutral life events do not suppress relevant offers, and a "
        "guard that blocks everything is broken (anti-paternalism)",
    ),
    (
        HEAD.replace("rules:", "extends: base.yaml\nrules:") + _rule(),
        "een opgeslagen regelset kan niet naar andere bestanden verwijzen (base.yaml); "
        "importeer de samengevoegde regelset",
        "a stored rule set cannot refer to other files (base.yaml); import the merged rule "
        "set instead",
    ),
    (
        "- a\n",
        "een regelset bestaat uit de velden id, version, status en rules",
        "a rule set is a mapping with the fields id, version, status and rules",
    ),
]


@pytest.mark.parametrize(("text", "nl", "en"), CASES, ids=[en[:40] for _, _, en in CASES])
def test_a_rule_file_problem_is_said_in_plain_dutch_and_english(
    text: str, nl: str, en: str
) -> None:
    assert nl in _said(text, "nl")
    assert en in _said(text, "en")


def test_the_english_str_of_a_problem_is_unchanged() -> None:
    (problem,) = _problems(HEAD + _rule(verdict="halt"))
    assert str(problem) == "editor:8 [rules[a].verdict]: Input should be 'show', 'guide', " \
        "'hold' or 'block'"  # fmt: skip
    assert problem.code == "one_of"
    assert hash(problem) == hash(problem)  # still a plain frozen value


def test_every_rule_problem_has_a_code_said_in_both_languages() -> None:
    """No sentence from the guard layer falls through untranslated or half filled in."""
    for text, _, _ in CASES:
        for problem in _problems(text):
            assert problem.code, problem
            for lang in LANGS:
                template = catalog(lang)[f"problem.{problem.code}"]
                said = problem_message(problem, lang)
                assert said != problem.message or lang == "en", said
                for _, name, _, _ in string.Formatter().parse(template):
                    assert not name or "{" + name + "}" not in said, (template, said)


def test_file_problems_are_said_in_dutch_with_dutch_numbers(tmp_path: Path) -> None:
    big = tmp_path / "big.yaml"
    big.write_text("# " + "x" * 30, encoding="utf-8")
    with pytest.raises(DataError) as info:
        read_yaml(big, max_bytes=10)
    (problem,) = info.value.problems
    assert problem_message(problem, "nl") == "het bestand is 32 bytes; de grens is 10 bytes"

    huge = HEAD + "# " + "x" * 1_000_000 + "\n"
    (problem,) = _problems(huge)
    assert len(huge) == 1_000_043
    assert (
        problem_message(problem, "nl") == "de tekst is 1.000.043 bytes; de grens is 1.000.000 bytes"
    )
    assert (
        problem_message(problem, "en")
        == "the text is 1,000,043 bytes; the limit is 1,000,000 bytes"
    )

    latin = tmp_path / "latin.yaml"
    latin.write_bytes(b"id: t\nexplain: caf\xe9\n")
    with pytest.raises(DataError) as info:
        read_yaml(latin)
    (problem,) = info.value.problems
    assert problem.line == 2
    assert problem_line(problem, "nl") == (
        f"{latin}:2: dit is geen geldige UTF-8-tekst (sla het bestand op als UTF-8)"
    )

    for path, nl, en in [
        (tmp_path / "gone.yaml", "het bestand bestaat niet", "the file does not exist"),
        (tmp_path, "dit is een map, geen bestand", "this is a folder, not a file"),
    ]:
        with pytest.raises(DataError) as info:
            read_yaml(path)
        (problem,) = info.value.problems
        assert (problem_message(problem, "nl"), problem_message(problem, "en")) == (nl, en)
        assert str(problem).startswith(f"{path}: cannot read file: ")


def test_rule_test_problems_are_said_in_dutch(tmp_path: Path) -> None:
    tests = tmp_path / "r.tests.yaml"
    tests.write_text(
        "cases:\n  - id: c1\n    lang: nl\n    conversation:\n      - klant: Hallo\n"
        "    suggestion: {id: s1, title: T, kind: sales, customer_value: 2, org_value: x}\n"
        "    expect: hold\n",
        encoding="utf-8",
    )
    with pytest.raises(DataError) as info:
        load_rule_tests(tests)
    said = {p.field: problem_message(p, "nl") for p in info.value.problems}
    assert said == {
        "cases.0.conversation": "elke beurt staat op één rij: `- customer: ...` of `- agent: ...`",
        "cases.0.suggestion.customer_value": "mag hoogstens 1 zijn",
        "cases.0.suggestion.org_value": "moet een getal zijn",
    }
    tests.write_text("cases: []\n", encoding="utf-8")
    with pytest.raises(DataError) as info:
        load_rule_tests(tests)
    (problem,) = info.value.problems
    assert problem_message(problem, "nl") == "moet minstens 1 item(s) bevatten"
    tests.write_text("- c1\n", encoding="utf-8")
    with pytest.raises(DataError) as info:
        load_rule_tests(tests)
    (problem,) = info.value.problems
    assert problem_message(problem, "nl") == (
        "een bestand met regeltests bestaat uit velden, met de testgevallen onder cases"
    )


class _Odd(BaseModel):
    count: int
    step: int = Field(multiple_of=5)
    ratio: float = Field(gt=0)


@pytest.mark.parametrize(
    ("data", "nl", "en"),
    [
        (
            {"count": "veel", "step": 5, "ratio": 1},
            "moet een geheel getal zijn",
            "must be a whole number",
        ),
        ({"count": 1, "step": 5, "ratio": 0}, "moet groter zijn dan 0", "must be greater than 0"),
        # A type without a sentence of its own: the value and what was expected, not a guess.
        (
            {"count": 1, "step": 7, "ratio": 1},
            "ongeldige waarde 7 (multiple_of: 5)",
            "invalid value 7 (multiple_of: 5)",
        ),
    ],
)
def test_pydantic_errors_are_translated_or_said_generically(
    data: dict[str, object], nl: str, en: str
) -> None:
    with pytest.raises(ValidationError) as info:
        _Odd.model_validate(data)
    (problem,) = problems_from_validation("f.yaml", info.value, None)
    assert (problem_message(problem, "nl"), problem_message(problem, "en")) == (nl, en)


def test_a_validator_s_own_words_get_a_translated_lead_in() -> None:
    from pydantic import field_validator

    class Checked(BaseModel):
        name: str

        @field_validator("name")
        @classmethod
        def _no_x(cls, v: str) -> str:
            if "x" in v:
                raise ValueError("no x, please")
            return v

    with pytest.raises(ValidationError) as info:
        Checked.model_validate({"name": "xx"})
    (problem,) = problems_from_validation("f.yaml", info.value, None)
    assert problem_message(problem, "nl") == "ongeldig: no x, please"


def test_a_problem_without_a_known_code_is_shown_as_it_is() -> None:
    plain = Problem("f.yaml", 3, "id", "something the library said")
    assert problem_message(plain, "nl") == "something the library said"
    unknown = Problem("f.yaml", 3, "id", "said by a newer guard", "not_known_here")
    assert problem_message(unknown, "nl") == "said by a newer guard"
