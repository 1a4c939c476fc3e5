"""Reading transcripts as people export them: labels with names, timestamps in several places,
wrapped lines, JSON Lines from `agent-desk detect` / replay timelines, and precise errors."""

from __future__ import annotations

import json

import pytest

from agent_desk.training.importer import (
    TranscriptError,
    parse_jsonl,
    parse_transcript,
    prepare,
    slug,
)


def test_speaker_labels_and_timestamps_as_exports_write_them() -> None:
    text = """\
00:00:02 Agent Sanne: Goedemorgen, met Sanne.
KLANT: Ja, goedemorgen. Nou: het zit zo.
Mijn vrouw en ik gaan uit elkaar.
Klant (01:05): En de en/of-rekening?
[1:10] Medewerker - Dat regelen we.
Customer 1: Thanks.
Caller: One more thing: my address.
[01:20]
Systeem: Het gesprek wordt opgenomen.
"""
    turns = parse_transcript(text, "t.txt")
    assert [(tn.speaker, tn.t) for tn in turns] == [
        ("agent", 2.0), ("customer", None), ("customer", 65.0), ("agent", 70.0),
        ("customer", None), ("customer", None), ("system", None),
    ]  # fmt: skip
    # A colon inside what was said is not a label; a wrapped line continues the turn.
    assert turns[1].text == "Ja, goedemorgen. Nou: het zit zo. Mijn vrouw en ik gaan uit elkaar."
    assert turns[5].text == "One more thing: my address."


def test_control_characters_never_reach_the_library() -> None:
    [turn] = parse_transcript("Klant: hallo\x1b[31m rood\x07 daar", "t.txt")
    assert "\x1b" not in turn.text
    assert "\x07" not in turn.text


def test_jsonl_problems_name_line_and_field() -> None:
    lines = [
        json.dumps({"id": "u1", "speaker": "customer", "text": "Hallo", "t": 1}),
        "{broken",
        json.dumps({"id": "u3", "speaker": "robot", "text": "x"}),
        json.dumps({"id": "u4", "speaker": "agent", "text": 5}),
        json.dumps({"id": "u5", "speaker": "agent", "text": "x", "t": "soon"}),
    ]
    with pytest.raises(TranscriptError) as info:
        parse_jsonl("\n".join(lines), "x.jsonl")
    problems = [str(p) for p in info.value.problems]
    assert problems[0].startswith("x.jsonl:2: invalid JSON")
    assert problems[1].startswith("x.jsonl:3: [speaker]")
    assert problems[2].startswith("x.jsonl:4: [text]")
    assert problems[3].startswith("x.jsonl:5: [t]")


def test_replay_timeline_lines_are_accepted_as_they_are() -> None:
    line = {"id": "u2", "t": 4.5, "speaker": "customer", "text": "Mijn moeder is overleden.",
            "lang": "nl", "events": [], "decisions": []}  # fmt: skip
    [turn] = parse_jsonl(json.dumps(line), "timeline.jsonl")
    assert (turn.id, turn.t, turn.speaker) == ("u2", 4.5, "customer")


def test_prepare_redacts_numbers_and_keeps_time_moving_forward() -> None:
    turns = parse_transcript(
        "[00:10] Klant: Mijn rekening is NL91ABNA0417164300, bel 0612345678.\n"
        "[00:05] Medewerker: Dank u.\n"
        "Klant: Mijn moeder is vorige week overleden.\n",
        "t.txt",
    )
    prepared = prepare(turns)
    texts = [d.text for d in prepared.utterances]
    assert texts[0] == "Mijn rekening is [IBAN], bel [TEL]."
    assert prepared.redactions == 2
    times = [d.t for d in prepared.utterances]
    assert times[0] == 10.0
    assert times == sorted(times)
    assert times[2] > times[1]
    assert prepared.lang == "nl"
    assert [e.type.value for e in prepared.utterances[2].proposed] == ["bereavement"]


def test_ids_from_file_names() -> None:
    assert slug("Gesprek Weduwe – 12 maart") == "gesprek-weduwe-12-maart"
    assert slug("Überweisung") == "uberweisung"
    assert slug("!!!") == "imported"
