"""`agent-desk eval nlp`: life-event detection quality per language, on the labelled corpus and on
the gold annotations of the shipped fixture conversations.

The corpus is ``fixtures/nlp-corpus/{nl,en}.jsonl``; ids whose number is a multiple of 5 form the
frozen test split (:func:`nlp.evaluation.split_of`). Only aggregate numbers are printed: corpus
lines are never echoed, except dev-split mistakes when ``--show-errors`` is asked for explicitly.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from agent_desk.paths import conversations_dir, fixtures_dir
from nlp.evaluation import FLAGS, GoldItem, Report, evaluate, gold_event, split_of


@click.group("eval")
def eval_group() -> None:
    """Measure quality: `agent-desk eval nlp`."""


def load_corpus(folder: Path, split: str) -> dict[str, list[GoldItem]]:
    """The corpus items of one split, per language. Malformed lines are counted, not shown."""
    out: dict[str, list[GoldItem]] = {}
    for lang in ("nl", "en"):
        path = folder / f"{lang}.jsonl"
        if not path.exists():
            continue
        items = []
        bad = 0
        with path.open(encoding="utf-8") as fh:
            for line in fh:
                if not line.strip():
                    continue
                try:
                    raw = json.loads(line)
                    item_id = str(raw["id"])
                    if split_of(item_id) != split:
                        continue
                    text = str(raw["text"])
                    items.append(
                        GoldItem(
                            id=item_id,
                            lang=str(raw.get("lang", lang)),
                            text=text,
                            category=str(raw.get("category", "")),
                            events=tuple(gold_event(text, e) for e in raw.get("events", [])),
                        )
                    )
                except (ValueError, KeyError, TypeError):
                    bad += 1
        if bad:
            click.echo(f"warning: {path.name}: {bad} malformed line(s) skipped", err=True)
        out[lang] = items
    return out


def load_fixture_items() -> dict[str, list[GoldItem]]:
    """Customer utterances of the shipped conversations, with their gold events, per language."""
    from agent_desk.library.load import load_conversation
    from agent_desk.library.yamlio import DataFileError

    out: dict[str, list[GoldItem]] = {}
    for path in sorted(conversations_dir().glob("*.yaml")):
        try:
            conv = load_conversation(path)
        except DataFileError:
            click.echo(f"warning: {path.name} does not load; skipped", err=True)
            continue
        for u in conv.utterances:
            if u.speaker != "customer":
                continue
            events = tuple(gold_event(u.text, ev.model_dump(mode="json")) for ev in u.events)
            category = "" if events else "no_event"
            out.setdefault(conv.lang, []).append(
                GoldItem(f"{conv.id}/{u.id}", conv.lang, u.text, category, events)
            )
    return out


def _score(
    items: list[GoldItem], lang: str, model: bool = False, veto: bool = True
) -> tuple[Report, list[Any]]:
    from nlp.detector import Detector

    # What ships (rules + classifier) unless told otherwise, whatever this machine's settings
    # say: an evaluation names what it measures.
    detector = Detector(model=model, veto=veto)
    detections = detector.detect_many([i.text for i in items], lang)
    return evaluate(items, detections), detections


def _fmt(x: float | None) -> str:
    return "  n/a" if x is None else f"{x:5.3f}"


def _print_report(title: str, report: Report) -> None:
    click.echo(f"{title}: {report.utterances} utterances")
    click.echo(f"  {'asserted type':<22}{'P':>7}{'R':>7}{'F1':>7}{'n':>6}")
    for t, s in sorted(report.per_type.items()):
        click.echo(
            f"  {t.value:<22}{_fmt(s.precision):>7}{_fmt(s.recall):>7}{_fmt(s.f1):>7}{s.support:>6}"
        )
    m = report.micro
    click.echo(f"  {'micro':<22}{_fmt(m.precision):>7}{_fmt(m.recall):>7}{_fmt(m.f1):>7}")
    flags = "  ".join(f"{f} {_fmt(report.flag_accuracy(f))}" for f in FLAGS)
    click.echo(f"  flags: {flags}  (matched {report.matched}/{report.gold_events} gold events)")
    if report.hard_negatives:
        click.echo(
            f"  hard negatives with an asserted event: {_fmt(report.hard_negative_rate)}"
            f" ({report.hard_negative_hits}/{report.hard_negatives})"
        )


def _print_errors(items: list[GoldItem], detections: list[Any]) -> None:
    from nlp.evaluation import error_kinds

    for item, det in zip(items, detections, strict=True):
        kinds = error_kinds(item, det)
        if kinds:
            click.echo(f"    {item.id} {'; '.join(kinds)} :: {item.text}")


@eval_group.command("nlp")
@click.option("--split", type=click.Choice(["dev", "test"]), default="dev", show_default=True)
@click.option("--json", "as_json", is_flag=True, help="One JSON document instead of tables.")
@click.option(
    "--corpus",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Corpus folder (default: the shipped fixtures/nlp-corpus).",
)
@click.option(
    "--show-errors",
    is_flag=True,
    help="Dev split only: list each mistake with its utterance, to improve patterns.",
)
@click.option(
    "--model",
    is_flag=True,
    help="Rules plus the trained spaCy model (nlp/models; off in the product, see "
    "docs/quality.md) instead of the rules alone.",
)
@click.option(
    "--veto/--no-veto",
    default=True,
    show_default=True,
    help="The rules with the classifier's second opinion (nlp/veto.py), as the product runs by "
    "default (setting nlp_veto), or the rules alone.",
)
def nlp_cmd(
    *, split: str, as_json: bool, corpus: Path | None, show_errors: bool, model: bool, veto: bool
) -> None:
    """Precision/recall/F1 per event type, context-flag accuracy, hard negatives; per language."""
    if show_errors and split != "dev":
        raise click.UsageError("--show-errors is for the dev split only; the test split is frozen")
    folder = corpus or fixtures_dir() / "nlp-corpus"
    measured = " + ".join(
        ["rules", *(["spancat model"] if model else []), *(["classifier"] if veto else [])]
    )
    result: dict[str, Any] = {
        "split": split,
        "model": model,
        "veto": veto,
        "corpus": {},
        "fixtures": {},
    }
    for lang, items in load_corpus(folder, split).items():
        if not items:
            continue
        report, detections = _score(items, lang, model, veto)
        result["corpus"][lang] = report.to_dict()
        if not as_json:
            _print_report(f"[{lang}] corpus, {split} split, {measured}", report)
        if show_errors:
            _print_errors(items, detections)
    for lang, items in load_fixture_items().items():
        report, detections = _score(items, lang, model, veto)
        result["fixtures"][lang] = report.to_dict()
        if not as_json:
            _print_report(f"[{lang}] fixture conversations (customer turns), {measured}", report)
        if show_errors:
            _print_errors(items, detections)
    if as_json:
        click.echo(json.dumps(result, indent=2))
    elif not result["corpus"]:
        click.echo(f"no corpus found in {folder}", err=True)
