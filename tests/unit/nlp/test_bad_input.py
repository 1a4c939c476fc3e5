"""Bad input never crashes: empty, huge, binary, control characters, wrong types."""

from __future__ import annotations

from nlp.detector import MAX_CHARS, Detector


def test_empty_and_blank_text_give_no_events(detector: Detector) -> None:
    for text in ("", "   ", "\n\t"):
        detection = detector.detect(text)
        assert detection.events == []
        assert detection.wishes == []


def test_huge_text_is_truncated_and_says_so(detector: Detector) -> None:
    filler = "Ik bel even over mijn rekening. " * 4_000  # about 128,000 characters
    text = "Mijn moeder is overleden. " + filler + "Ik ben ontslagen."
    detection = detector.detect(text, "nl")
    assert detection.truncated
    assert [e.type.value for e in detection.events] == ["bereavement"]
    assert all(e.end <= MAX_CHARS for e in detection.events)


def test_text_within_the_limit_is_not_truncated(detector: Detector) -> None:
    assert not detector.detect("Mijn moeder is overleden.", "nl").truncated


def test_binary_junk_gives_an_empty_result(detector: Detector) -> None:
    junk = bytes(range(256)).decode("latin-1") * 10
    detection = detector.detect(junk)
    assert detection.events == []
    assert detector.detect("\x00\x01\x02 overleden \x00").events == []


def test_replacement_characters_are_junk(detector: Detector) -> None:
    assert detector.detect("\ufffd" * 50 + " overleden").events == []


def test_non_string_in_a_batch_is_treated_as_empty(detector: Detector) -> None:
    results = detector.detect_many(["Mijn moeder is overleden.", None, 42], "nl")  # type: ignore[list-item]
    assert [len(r.events) for r in results] == [1, 0, 0]


def test_detect_many_keeps_order_across_languages(detector: Detector) -> None:
    texts = ["Mijn vader is overleden.", "I was let go.", "Hallo.", "We gaan verhuizen."]
    results = detector.detect_many(texts)
    assert [r.lang for r in results] == ["nl", "en", "nl", "nl"]
    assert [[e.type.value for e in r.events] for r in results] == [
        ["bereavement"],
        ["job_loss"],
        [],
        ["moving"],
    ]


def test_markup_and_emoji_do_not_break_offsets(detector: Detector) -> None:
    text = "[b]Mijn[/b] 😢 moeder is [0] overleden 🙏"
    (event,) = detector.detect(text, "nl").events
    assert text[event.start : event.end] == event.text == "overleden"
