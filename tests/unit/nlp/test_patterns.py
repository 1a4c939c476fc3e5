"""The pattern notation and the data files: valid files load, broken ones say file and entry."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from nlp.detector import Detector
from nlp.patterns import (
    DATA_DIR,
    ContextFile,
    EventsFile,
    PatternFileError,
    PatternSyntaxError,
    compile_pattern,
    load_file,
    load_language,
)


def test_shipped_files_are_valid() -> None:
    for lang in ("nl", "en"):
        events, context = load_language(lang)
        assert events.lang == context.lang == lang
        assert {e.type for e in events.events} == set(context.customer_roles)


def test_notation_compiles_to_matcher_patterns() -> None:
    assert compile_pattern("uit elkaar") == [{"NORM": "uit"}, {"NORM": "elkaar"}]
    assert compile_pattern("@verliezen|verloor") == [{"LEMMA": {"IN": ["verliezen", "verloor"]}}]
    gap = compile_pattern("baan ...3 kwijt")[1]
    assert gap["OP"] == "{0,3}"
    assert compile_pattern("de? dood")[0] == {"NORM": "de", "OP": "?"}
    assert compile_pattern("re:kanker$") == [{"LOWER": {"REGEX": "kanker$"}}]
    assert compile_pattern("~overleden") == [{"LOWER": {"FUZZY1": "overleden"}}]


def test_words_then_a_regex_is_one_token() -> None:
    # "vijftig|re:^[0-9]+$": the words or the regex (round 22: before, the regex was read as
    # the literal word "re:^[0-9]+$", so "34 jaar geleden" was never long ago)
    (token,) = compile_pattern("vijftig|zestig|re:^([2-9]|[1-9][0-9])$")
    assert token == {"LOWER": {"REGEX": "^(?:vijftig|zestig)$|^([2-9]|[1-9][0-9])$"}}
    pipe = Detector(veto=False).pipeline("nl")
    from spacy.matcher import Matcher

    matcher = Matcher(pipe.vocab)
    matcher.add("n", [[token, {"NORM": "jaar"}]])
    for text, found in (("34 jaar", True), ("zestig jaar", True), ("zestigste jaar", False)):
        assert bool(matcher(pipe.make_doc(text))) is found, text


@pytest.mark.parametrize(
    "bad",
    [
        "",
        "... overleden",
        "overleden ...",
        "a||b",
        "re:(",
        "Overleden",
        "baan ...99 kwijt",
        "x? y?",
        # an operator inside a list of words is read as a word: refused, not silently unmatched
        "nederland|#cap",
        "!de|een|re:^[0-9]",
        "twee|re:(",
    ],
)
def test_bad_notation_is_refused(bad: str) -> None:
    with pytest.raises(PatternSyntaxError):
        compile_pattern(bad)


def _copy_data(tmp_path: Path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(DATA_DIR, target)
    return target


def test_broken_pattern_names_file_and_entry(tmp_path: Path) -> None:
    data = _copy_data(tmp_path)
    path = data / "nl" / "events.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace('"heengegaan|', '"heengegaan||', 1),
        encoding="utf-8",
    )
    with pytest.raises(PatternFileError) as info:
        load_file(path, EventsFile)
    message = str(info.value)
    assert str(path) in message
    assert "bereavement-overlijden" in message
    assert "empty alternative" in message


def test_unknown_event_type_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "events.yaml"
    path.write_text(
        "lang: nl\nevents:\n  - id: x\n    type: lottery_win\n    patterns: [loterij]\n",
        encoding="utf-8",
    )
    with pytest.raises(PatternFileError) as info:
        load_file(path, EventsFile)
    assert "entry 'x'" in str(info.value)
    assert "type" in str(info.value)


def test_unknown_field_and_duplicate_ids_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "context.yaml"
    path.write_text(
        "lang: en\ntriggers:\n"
        "  - {id: a, category: negated, patterns: [not], scope: 3}\n"
        "  - {id: a, category: negated, patterns: [never]}\n",
        encoding="utf-8",
    )
    with pytest.raises(PatternFileError) as info:
        load_file(path, ContextFile)
    assert "scope" in str(info.value)


def test_a_pseudo_trigger_cannot_be_limited_to_types(tmp_path: Path) -> None:
    path = tmp_path / "context.yaml"
    path.write_text(
        "lang: en\ntriggers:\n"
        "  - {id: p, category: pseudo, patterns: [no doubt], types: [illness]}\n",
        encoding="utf-8",
    )
    with pytest.raises(PatternFileError, match=r"entry 'p'.*cannot have types"):
        load_file(path, ContextFile)


@pytest.mark.parametrize(
    ("pattern", "why"),
    [
        # a phrase written inside an alternation: "died|passed" then a required "away"
        ("died|passed|passed away", "lists passed twice"),
        # "in" then "de|tijdens" then "de": "tijdens de oorlog" can never match
        ("in de|tijdens de ...1 oorlog", "'de|tijdens' and 'de'.*both have de"),
    ],
)
def test_phrase_inside_an_alternation_is_refused(tmp_path: Path, pattern: str, why: str) -> None:
    path = tmp_path / "events.yaml"
    path.write_text(
        f'lang: en\nevents:\n  - id: x\n    type: illness\n    patterns: ["{pattern}"]\n',
        encoding="utf-8",
    )
    with pytest.raises(PatternFileError, match=rf"entry 'x'.*{why}"):
        load_file(path, EventsFile)


def test_repeated_not_tokens_are_allowed(tmp_path: Path) -> None:
    path = tmp_path / "events.yaml"
    path.write_text(
        "lang: nl\nevents:\n  - id: x\n    type: job_loss\n"
        '    patterns: ["ww !niet|geen? !niet|geen? aangevraagd"]\n',
        encoding="utf-8",
    )
    assert load_file(path, EventsFile).events[0].patterns


def test_unknown_macro_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "events.yaml"
    path.write_text(
        "lang: nl\nevents:\n  - id: x\n    type: illness\n    patterns: [$ziektes]\n",
        encoding="utf-8",
    )
    with pytest.raises(PatternFileError, match=r"entry 'x'.*unknown macro \$ziektes"):
        load_file(path, EventsFile)


def test_invalid_yaml_and_wrong_language_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "events.yaml"
    path.write_text("lang: [nl\n", encoding="utf-8")
    with pytest.raises(PatternFileError, match="invalid YAML"):
        load_file(path, EventsFile)
    data = _copy_data(tmp_path)
    shutil.copy(data / "en" / "events.yaml", data / "nl" / "events.yaml")
    with pytest.raises(PatternFileError, match="lang is 'en'"):
        load_language("nl", data)


def test_detector_reports_a_broken_file_when_it_builds(tmp_path: Path) -> None:
    data = _copy_data(tmp_path)
    (data / "en" / "context.yaml").write_text("lang: en\ntriggers: []\n", encoding="utf-8")
    with pytest.raises(PatternFileError, match="triggers"):
        Detector(data).detect("My husband died.", "en")
