"""`agent-desk train` and `agent-desk fixtures import` as an e-learning platform or a trainer uses
them: score answers headless, resume, report, list; bad answers files fail with file, line,
field and what was expected; transcripts become checked, redacted library conversations."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner, Result

from agent_desk.cli import main
from agent_desk.settings import data_dir
from agent_desk.training.report import render_html, render_markdown
from agent_desk.training.sessions import TrainingStore

DEMO = "nl-demo-bereavement"
GOOD = """\
trainee: Anna
conversation: nl-demo-bereavement
answers:
  - {at: u2, action: bank.care.bereavement-support, verdict: guide, events: [bereavement]}
  - {at: u8, action: bank.sales.credit-card, verdict: show, events: [bereavement, illness]}
"""


def _cli(*args: str, stdin: str | None = None) -> Result:
    return CliRunner().invoke(main, list(args), input=stdin, catch_exceptions=False)


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_run_scores_saves_and_reports(tmp_path: Path) -> None:
    answers = _write(tmp_path, "answers.yaml", GOOD)
    result = _cli("train", "run", DEMO, "--answers", str(answers), "--lang", "en", "--json")
    # A poor score is still a successful run.
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert out["trainee"] == "Anna"
    assert out["finished"] is True
    assert out["totals"] == {
        "questions": 3, "answered": 2, "verdicts_ok": 1, "agrees_with_guard": 1,
        "events_heard": ["bereavement"], "events_missed": [], "events_extra": ["illness"],
    }  # fmt: skip
    card = out["results"][1]
    assert (card["verdict"], card["guard_verdict"], card["verdict_ok"]) == ("show", "hold", False)
    assert "vulnerability.no-commercial" in card["guard_rules"]
    assert out["results"][2]["answered"] is False

    session_id = out["session"]
    assert (data_dir() / "training" / f"{session_id}.json").is_file()
    session = TrainingStore().load(session_id)

    md_file = tmp_path / "r.md"
    assert _cli("train", "report", session_id, "--format", "md", "-o", str(md_file)).exit_code == 0
    assert md_file.read_text(encoding="utf-8") == render_markdown(session, "en")
    html = _cli("train", "report", session_id, "--format", "html", "--lang", "nl")
    assert html.exit_code == 0
    assert html.stdout == render_html(session, "nl")

    listing = _cli("train", "sessions", "--lang", "en")
    assert f"{session_id}  Anna  {DEMO}  2/3  finished" in listing.stdout


def test_run_prints_a_readable_summary(tmp_path: Path) -> None:
    answers = _write(tmp_path, "answers.yaml", GOOD)
    result = _cli("train", "run", DEMO, "--answers", str(answers), "--trainee", "Bob")
    assert result.exit_code == 0, result.output
    assert "✘ u8 bank.sales.credit-card: jij tonen (show)" in result.stdout
    assert "2 van 3 beantwoord" in result.stdout
    assert "Genoemd maar niet in het gesprek: Ziekte" in result.stdout
    assert "(Bob, nl-demo-bereavement)" in result.stdout


def test_an_interrupted_headless_session_is_resumed(tmp_path: Path) -> None:
    first = _write(tmp_path, "first.json", json.dumps({"answers": [
        {"at": "u2", "action": "bank.care.bereavement-support", "verdict": "show",
         "events": ["bereavement"]}]}))  # fmt: skip
    out = json.loads(_cli("train", "run", DEMO, "--answers", str(first), "--keep-open",
                          "--json").stdout)  # fmt: skip
    assert out["finished"] is False
    assert out["position"] == "u2"
    assert len(out["results"]) == 1
    listing = _cli("train", "sessions", "--unfinished", "--lang", "en").stdout
    assert f"{out['session']}" in listing
    assert "1/3  open" in listing

    rest = _write(tmp_path, "rest.yaml", """\
answers:
  - {at: u8, action: bank.sales.credit-card, verdict: hold, events: [bereavement]}
  - {at: u8, action: bank.sales.savings-account, verdict: block, events: [bereavement]}
""")  # fmt: skip
    done = _cli("train", "run", DEMO, "--answers", str(rest), "--resume", out["session"], "--json")
    assert done.exit_code == 0, done.output
    final = json.loads(done.stdout)
    assert final["session"] == out["session"]
    assert final["finished"] is True
    assert [r["at"] for r in final["results"]] == ["u2", "u8", "u8"]
    assert final["totals"]["answered"] == 3
    assert final["totals"]["verdicts_ok"] == 3
    # A finished session cannot be resumed again.
    again = _cli("train", "run", DEMO, "--answers", str(rest), "--resume", out["session"])
    assert again.exit_code == 1
    assert "finished" in again.stderr or "afgerond" in again.stderr


@pytest.mark.parametrize(
    ("name", "text", "expected"),
    [
        ("verdict.yaml",
         "answers:\n  - {at: u2, action: bank.care.bereavement-support, verdict: maybe}\n",
         ["verdict.yaml:2 [answers.0.verdict]", "'show', 'guide', 'hold', 'block'"]),
        ("event.yaml",
         "answers:\n  - at: u2\n    action: bank.care.bereavement-support\n"
         "    verdict: show\n    events: [death]\n",
         ["event.yaml:5 [answers.0.events.0]", "'bereavement'"]),
        ("unknown.yaml",
         "answers:\n  - {at: u2, action: bank.care.bereavement-support, verdict: show}\n"
         "  - {at: u99, action: bank.sales.credit-card, verdict: hold}\n",
         ["unknown.yaml:3 [answers.1]", "u99", "bank.sales.credit-card",
          "nl-demo-bereavement", "u8/bank.sales.credit-card"]),
        ("twice.yaml",
         "answers:\n  - {at: u2, action: bank.care.bereavement-support, verdict: show}\n"
         "  - {at: u2, action: bank.care.bereavement-support, verdict: hold}\n",
         ["twice.yaml:3 [answers.1]", "twice"]),
        ("missing.json",
         '{"answers": [\n  {"at": "u2", "verdict": "show"}\n]}\n',
         ["missing.json:2 [answers.0.action]", "required field is missing"]),
        ("typo.yaml", "answer:\n  - {at: u2}\n", ["typo.yaml:1 [answer]", "unknown field"]),
        ("list.yaml", "- at: u2\n", ["list.yaml:1", "mapping with an 'answers' list"]),
        ("broken.yaml", "answers: [\n  {at: u2,\n", ["broken.yaml", "invalid YAML"]),
        ("other.yaml", "conversation: en-bank-job-loss-redundancy\nanswers: []\n",
         ["other.yaml:1 [conversation]", "en-bank-job-loss-redundancy"]),
    ],
)  # fmt: skip
def test_a_bad_answers_file_says_where_and_what_was_expected(
    tmp_path: Path, name: str, text: str, expected: list[str]
) -> None:
    path = _write(tmp_path, name, text)
    result = _cli("train", "run", DEMO, "--answers", str(path), "--lang", "en")
    assert result.exit_code == 2, result.output
    for fragment in expected:
        assert fragment in result.stderr
    assert "Traceback" not in result.output
    assert result.stdout == ""
    # Nothing was saved for a file that does not fit.
    assert TrainingStore().all() == []


def test_a_corrupt_session_gives_a_clear_error(tmp_path: Path) -> None:
    folder = data_dir() / "training"
    folder.mkdir(parents=True)
    (folder / "20250101-000000-abcdef.json").write_text("{not json", encoding="utf-8")
    result = _cli("train", "report", "20250101-000000-abcdef", "--lang", "en")
    assert result.exit_code == 1
    assert "20250101-000000-abcdef.json: corrupt training session" in result.stderr
    assert "Traceback" not in result.output
    listing = _cli("train", "sessions", "--lang", "en")
    assert listing.exit_code == 0
    assert "unreadable" in listing.stderr


NL_TRANSCRIPT = """\
[00:00] Medewerker (Sanne): Goedemiddag, u spreekt met Sanne van de bank.
[00:04] Klant: Ja hallo, mijn man is vorige maand overleden
en nu weet ik niet wat ik met zijn rekening moet.
[00:15] Medewerker: Gecondoleerd. Op welk rekeningnummer gaat het?
[00:19] Klant: NL91 ABNA 0417 1643 00. Belt u me terug op 06-12345678?
[00:30] Medewerker: Zeker, dat doe ik vandaag nog.
"""

EN_JSONL = "\n".join(
    json.dumps(x)
    for x in [
        {"id": "c1", "speaker": "agent", "text": "Good morning, how can I help?", "t": 0},
        {"id": "c2", "speaker": "customer", "t": 3.5,
         "text": "I got made redundant last month and money is really tight now."},
        {"id": "c3", "speaker": "agent", "text": "Can I take a number to call you back?", "t": 9},
        {"id": "c4", "speaker": "customer", "t": 14,
         "text": "Sure, it's +44 20 7946 0958. I look after my mum, she has dementia."},
    ]
)  # fmt: skip


def _check(path: Path) -> None:
    checked = CliRunner().invoke(
        main, ["fixtures", "check", str(path)], env={"AGENT_DESK_LANGUAGE": "en"}
    )
    assert checked.exit_code == 0, checked.output
    assert "ok: 1 file(s), 1 conversation(s)" in checked.stdout


def test_import_a_dutch_transcript_redacted_and_checked(tmp_path: Path) -> None:
    source = _write(tmp_path, "Gesprek Weduwe 12.txt", NL_TRANSCRIPT)
    out = tmp_path / "lib" / "nieuw.yaml"
    out.parent.mkdir()
    result = _cli("fixtures", "import", str(source), "-o", str(out), "--yes", "--org", "bank")
    assert result.exit_code == 0, result.output
    text = out.read_text(encoding="utf-8")
    assert "NL91" not in text
    assert "12345678" not in text
    assert "[IBAN]" in text
    assert "[TEL]" in text
    conv = yaml.safe_load(text)
    assert conv["id"] == "gesprek-weduwe-12"
    assert conv["lang"] == "nl"
    assert conv["suggestions"] == []
    assert "# Suggestions: what the next-best-action engine proposed" in text
    speakers = [u["speaker"] for u in conv["utterances"]]
    assert speakers == ["agent", "customer", "agent", "customer", "agent"]
    assert [u["t"] for u in conv["utterances"]] == [0.0, 4.0, 15.0, 19.0, 30.0]
    widow = conv["utterances"][1]
    # The wrapped line belongs to the customer's turn.
    assert widow["text"].endswith("wat ik met zijn rekening moet.")
    assert widow["events"] == [{"type": "bereavement", "text": "overleden"}]
    _check(out)
    # The file is not overwritten by accident.
    again = _cli("fixtures", "import", str(source), "-o", str(out), "--yes")
    assert again.exit_code == 1
    assert "--force" in again.output


def test_import_an_english_jsonl_export_with_guided_annotation(tmp_path: Path) -> None:
    source = _write(tmp_path, "call.jsonl", EN_JSONL)
    out = tmp_path / "en-import.yaml"
    # c2: keep job loss, drop payment trouble, add nothing; c4: keep what was heard, then add
    # caring by hand (the annotator's own judgement).
    c4_proposals = _proposals_for(source, "c4")
    answers = ["y", "n", "n", *(["y"] * c4_proposals), "y", "caring", "look after my mum",
               "n", "n", "n", "n", "n"]  # fmt: skip
    result = _cli("fixtures", "import", str(source), "-o", str(out), "--id", "en-imported",
                  "--org", "bank", stdin="\n".join(answers) + "\n")  # fmt: skip
    assert result.exit_code == 0, result.output
    # The annotator sees the whole call, in the desk's language (Dutch by default).
    assert "c1 Medewerker: Good morning" in result.stdout
    assert "c2 Klant: I got made redundant" in result.stdout
    conv = yaml.safe_load(out.read_text(encoding="utf-8"))
    assert conv["lang"] == "en"
    by_id = {u["id"]: u for u in conv["utterances"]}
    assert list(by_id) == ["c1", "c2", "c3", "c4"]
    assert by_id["c2"]["events"] == [{"type": "job_loss", "text": "made redundant"}]
    assert "[TEL]" in by_id["c4"]["text"]
    assert "7946" not in by_id["c4"]["text"]
    assert {"type": "caring", "text": "look after my mum"} in by_id["c4"]["events"]
    _check(out)


def _proposals_for(source: Path, ident: str) -> int:
    from agent_desk.training.importer import prepare, read_turns

    prepared = prepare(read_turns(source))
    return len(next(d for d in prepared.utterances if d.id == ident).proposed)


def _in(lang: str, *args: str) -> Result:
    """The command as a user whose ``language`` setting is ``lang`` runs it."""
    return CliRunner().invoke(main, list(args), env={"AGENT_DESK_LANGUAGE": lang})


def test_import_refuses_a_transcript_without_speakers(tmp_path: Path) -> None:
    source = _write(tmp_path, "notes.txt", "Dit is geen transcript.\nKlant: hallo\n")
    result = _in("en", "fixtures", "import", str(source), "-o", str(tmp_path / "x.yaml"), "--yes")
    assert result.exit_code == 1
    assert "notes.txt:1: no speaker label" in result.output
    assert not (tmp_path / "x.yaml").exists()


JSONL_WITH_PROBLEMS = "\n".join([
    json.dumps({"id": "u1", "speaker": "customer", "text": "Hallo"}),
    "{broken",
    json.dumps({"speaker": "robot", "text": "x"}),
    "[1]",
    json.dumps({"text": 5}),
    json.dumps({"text": "x", "t": "soon"}),
])  # fmt: skip


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("nl", [
            "Fout: {notes}:1: geen sprekerlabel; begin elke beurt met 'Klant:', 'Medewerker:', "
            "'Customer:' of 'Agent:'",
            "Fout: {jsonl}:2: geen geldige JSON: Expecting property name enclosed in double "
            "quotes in kolom 2",
            "{jsonl}:3: [speaker] verwacht customer, agent of system, niet 'robot'",
            "{jsonl}:4: verwacht een JSON-object",
            "{jsonl}:5: [text] moet tekst zijn",
            "{jsonl}:6: [t] verwacht het aantal seconden sinds het begin van het gesprek (een "
            "getal)",
            "Fout: {empty}: geen beurten gevonden",
            "Fout: {taken} bestaat al; kies een andere -o of voeg --force toe.",
        ]),
        ("en", [
            "Error: {notes}:1: no speaker label; start turns with 'Klant:', 'Medewerker:', "
            "'Customer:' or 'Agent:'",
            "Error: {jsonl}:2: invalid JSON: Expecting property name enclosed in double quotes "
            "at column 2",
            "{jsonl}:3: [speaker] expected customer, agent or system, got 'robot'",
            "{jsonl}:4: expected a JSON object",
            "{jsonl}:5: [text] expected a string",
            "{jsonl}:6: [t] expected seconds since the call started (a number)",
            "Error: {empty}: no turns found",
            "Error: {taken} exists; choose another -o or add --force.",
        ]),
    ],
)  # fmt: skip
def test_import_refusals_are_said_in_the_user_s_language(
    tmp_path: Path, lang: str, expected: list[str]
) -> None:
    files = {
        "notes": _write(tmp_path, "notes.txt", "Dit is geen transcript.\nKlant: hallo\n"),
        "jsonl": _write(tmp_path, "call.jsonl", JSONL_WITH_PROBLEMS),
        "empty": _write(tmp_path, "empty.txt", "\n"),
    }
    taken = _write(tmp_path, "taken.yaml", "id: taken\n")
    out = tmp_path / "x.yaml"
    said: list[str] = []
    for name in ("notes", "jsonl", "empty"):
        result = _in(lang, "fixtures", "import", str(files[name]), "-o", str(out), "--yes")
        assert result.exit_code == 1
        assert result.stdout == ""
        said += result.stderr.splitlines()
    result = _in(lang, "fixtures", "import", str(files["notes"]), "-o", str(taken), "--yes")
    assert result.exit_code == 1
    said += result.stderr.splitlines()
    assert said == [e.format(**files, taken=taken) for e in expected]
    assert not out.exists()


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("nl", [
            "{answers}:4 [answers.0.verdict]: moet een van deze waarden zijn: 'show', 'guide', "
            "'hold', 'block'",
            "{store}/20250101-000000-000000.json: deze trainingssessie bestaat niet",
            "'..' is geen id van een trainingssessie",
            "{store}/20250101-000000-bad000.json: beschadigde trainingssessie (trainee: verplicht "
            "veld ontbreekt)",
            "onleesbaar: {store}/20250101-000000-bad000.json: beschadigde trainingssessie "
            "(trainee: verplicht veld ontbreekt)",
            "onleesbaar: {store}/20250101-000000-dead00.json: beschadigde trainingssessie (geen "
            "geldige JSON op regel 1)",
            "geen-gesprek: er is geen bestand en geen gesprek in de bibliotheek met deze naam",
        ]),
        ("en", [
            "{answers}:4 [answers.0.verdict]: must be one of these values: 'show', 'guide', "
            "'hold', 'block'",
            "{store}/20250101-000000-000000.json: no such training session",
            "'..' is not a training session id",
            "{store}/20250101-000000-bad000.json: corrupt training session (trainee: required "
            "field is missing)",
            "unreadable: {store}/20250101-000000-bad000.json: corrupt training session (trainee: "
            "required field is missing)",
            "unreadable: {store}/20250101-000000-dead00.json: corrupt training session (invalid "
            "JSON at line 1)",
            "geen-gesprek: no such file or library conversation",
        ]),
    ],
)  # fmt: skip
def test_train_refusals_are_said_in_the_user_s_language(
    tmp_path: Path, lang: str, expected: list[str]
) -> None:
    answers = _write(tmp_path, "answers.yaml", GOOD.replace("verdict: guide", "verdict: maybe"))
    store = tmp_path / "store"
    store.mkdir()
    _write(store, "20250101-000000-dead00.json", '{"id": "20250101-000000-dead00", "tr')
    _write(store, "20250101-000000-bad000.json", '{"id": "20250101-000000-bad000"}')
    runs = [
        (2, ["train", "run", DEMO, "--answers", str(answers)]),
        (1, ["train", "report", "20250101-000000-000000", "--store", str(store)]),
        (1, ["train", "report", "..", "--store", str(store)]),
        (1, ["train", "report", "20250101-000000-bad000", "--store", str(store)]),
        (0, ["train", "sessions", "--store", str(store)]),
        (1, ["train", "run", "geen-gesprek", "--answers", str(answers)]),
    ]
    said: list[str] = []
    for status, args in runs:
        result = _in(lang, *args)
        assert result.exit_code == status, result.output
        said += result.stderr.splitlines()
    assert said == [e.format(answers=answers, store=store) for e in expected]


@pytest.mark.parametrize(
    ("lang", "line"),
    [
        ("nl", "Fout: {file} of AGENT_DESK_COLOUR: [colour] onbekende instelling (gekregen: "
               "'blue')"),
        ("en", "Error: {file} or AGENT_DESK_COLOUR: [colour] unknown setting (got 'blue')"),
    ],
)  # fmt: skip
def test_train_says_why_the_settings_cannot_be_read_in_the_user_s_language(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, lang: str, line: str
) -> None:
    settings = _write(tmp_path, "settings.toml", 'colour = "blue"\n')
    monkeypatch.setenv("AGENT_DESK_CONFIG_FILE", str(settings))
    result = _in(lang, "train")
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [line.format(file=settings)]
