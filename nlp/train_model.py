"""Reproducible training and cross-validation of the life-event model (:mod:`nlp.model`).

    python -m nlp.train_model                  # 5-fold CV on dev, then train on all dev and ship
    python -m nlp.train_model --cv-only        # measure only, write nothing
    python -m nlp.train_model --lang nl --folds 5 --epochs 20
    python -m nlp.train_model --measure b11    # leave batch b11 out, train, score it; write nothing

Data: the dev split of ``fixtures/nlp-corpus/<lang>.jsonl`` and the customer turns of the
fixture conversations (turns with gold events, and every turn of a conversation without any).
The frozen test split (id number % 5 == 0) is skipped on its id before the line is parsed: it
is never read, printed or trained on. Only aggregate numbers are printed, never corpus text.

Cross-validation: dev is cut into ``--folds`` folds; for each, a model is trained on the other
folds (+ fixtures) and the rules, the model alone and rules+model are scored on the held-out
fold with :func:`nlp.evaluation.evaluate`, pooled over folds. The rules were tuned on all of
dev, so their CV numbers are optimistic and the room the model has to add is understated.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import yaml
from spacy.language import Language
from spacy.tokens import Doc, Span
from spacy.training import Example
from thinc.api import fix_random_seed

from nlp.detector import Detection, _to_detection, build_pipeline, closed
from nlp.evaluation import GoldItem, Report, evaluate, gold_event, split_of
from nlp.model import MODELS_DIR, SPANS_KEY, EventModel, ModelSettings, SpanScore, combine
from nlp.types import EventType, Lang

ROOT = Path(__file__).resolve().parent.parent
CORPUS_DIR = ROOT / "fixtures" / "nlp-corpus"
CONVERSATIONS_DIR = ROOT / "fixtures" / "conversations"
SEED = 7
BATCH = 16
#: Span lengths the model considers (tokens); 90 % of the gold evidence is at most this long.
NGRAM_SIZES = [1, 2, 3, 4]
THRESHOLDS = (0.05, 0.1, 0.2, 0.3, 0.5, 0.7, 0.9)
VETOES: tuple[float | None, ...] = (None, 0.02, 0.05, 0.1)
_ID = re.compile(r'"id"\s*:\s*"([^"]+)"')


# --- data -------------------------------------------------------------------------------------


def load_dev(lang: Lang, corpus_dir: Path = CORPUS_DIR) -> list[GoldItem]:
    """The dev lines of one language; a test line is dropped on its id, before it is parsed."""
    items: list[GoldItem] = []
    path = corpus_dir / f"{lang}.jsonl"
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            m = _ID.search(line)
            if m is None or split_of(m.group(1)) != "dev":
                continue
            raw = json.loads(line)
            text = str(raw["text"])
            events = tuple(gold_event(text, e) for e in raw.get("events", []))
            items.append(GoldItem(str(raw["id"]), lang, text, str(raw.get("category", "")), events))
    return items


def load_fixture_turns(lang: Lang, folder: Path = CONVERSATIONS_DIR) -> list[GoldItem]:
    """Customer turns of the shipped conversations usable as training data.

    Annotators mark a disclosure once per call, so an unmarked turn in a call with events may
    still mention one ("de WW loopt nog niet"): only turns with gold events are kept from such
    calls, and every customer turn of a call without any event (true negatives).
    """
    items: list[GoldItem] = []
    for path in sorted(folder.glob("*.yaml")):
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        if not isinstance(raw, dict) or raw.get("lang") != lang:
            continue
        turns = [u for u in raw.get("utterances") or [] if u.get("speaker") == "customer"]
        any_events = any(u.get("events") for u in turns)
        for u in turns:
            text = str(u.get("text", ""))
            events = tuple(gold_event(text, e) for e in u.get("events") or [])
            if events or not any_events:
                items.append(GoldItem(f"{raw.get('id')}/{u.get('id')}", lang, text, "", events))
    return items


def folds_of(items: Sequence[GoldItem], k: int) -> list[int]:
    """Fold number per item: round-robin over the id order (categories are spread by id)."""
    return [i % k for i in range(len(items))]


# --- docs and training ------------------------------------------------------------------------


@dataclass
class Prepared:
    """An item's Doc after the rule pipeline up to (not including) ConText, and the rule hits."""

    item: GoldItem
    doc: Doc
    rule_hits: list[Any]


def prepare(pipe: Language, items: Sequence[GoldItem]) -> list[Prepared]:
    components = [(name, proc) for name, proc in pipe.pipeline if name != "life_event_context"]
    out = []
    for item in items:
        doc = pipe.make_doc(closed(item.text))
        for _, proc in components:
            doc = proc(doc)
        out.append(Prepared(item, doc, list(doc._.life_events or ())))
    return out


def new_model(lang: Lang) -> Language:
    """An untrained spancat pipeline: hash embeddings of words, lemmas and affixes, a small CNN."""
    import spacy

    nlp = spacy.blank(lang)
    tok2vec = {
        "@architectures": "spacy.Tok2Vec.v2",
        "embed": {
            "@architectures": "spacy.MultiHashEmbed.v2",
            "width": 64,
            "attrs": ["NORM", "LEMMA", "PREFIX", "SUFFIX"],
            "rows": [4000, 3000, 1000, 2000],
            "include_static_vectors": False,
        },
        "encode": {
            "@architectures": "spacy.MaxoutWindowEncoder.v2",
            "width": 64,
            "window_size": 1,
            "maxout_pieces": 3,
            "depth": 2,
        },
    }
    nlp.add_pipe(
        "spancat",
        config={
            "spans_key": SPANS_KEY,
            "threshold": 0.5,
            "suggester": {"@misc": "spacy.ngram_suggester.v1", "sizes": NGRAM_SIZES},
            "model": {
                "@architectures": "spacy.SpanCategorizer.v1",
                "tok2vec": tok2vec,
                "reducer": {"@layers": "spacy.mean_max_reducer.v1", "hidden_size": 64},
                "scorer": {"@layers": "spacy.LinearLogistic.v1"},
            },
        },
    )
    return nlp


def example(p: Prepared) -> Example:
    doc = p.doc
    ref = Doc(doc.vocab, words=[t.text for t in doc], spaces=[bool(t.whitespace_) for t in doc])
    spans: dict[tuple[int, int, str], Span] = {}
    for g in p.item.events:
        if g.end <= g.start:
            continue
        span = ref.char_span(g.start, g.end, alignment_mode="expand")
        if span is not None:
            spans[(span.start, span.end, g.type.value)] = Span(
                ref, span.start, span.end, label=g.type.value
            )
    ref.spans[SPANS_KEY] = list(spans.values())
    return Example(doc, ref)


def train(lang: Lang, data: Sequence[Prepared], epochs: int, seed: int = SEED) -> EventModel:
    fix_random_seed(seed)
    nlp = new_model(lang)
    examples = [example(p) for p in data]
    spancat: Any = nlp.get_pipe("spancat")
    for t in EventType:
        spancat.add_label(t.value)
    optimizer = nlp.initialize(lambda: examples)
    rng = random.Random(seed)
    for _ in range(epochs):
        rng.shuffle(examples)
        for at in range(0, len(examples), BATCH):
            nlp.update(examples[at : at + BATCH], drop=0.2, sgd=optimizer)
    return EventModel(nlp)


# --- scoring ----------------------------------------------------------------------------------


def detections(
    pipe: Language,
    prepared: Sequence[Prepared],
    best: Sequence[dict[EventType, SpanScore]] | None,
    settings: ModelSettings | None,
    *,
    rules: bool = True,
) -> list[Detection]:
    """Detections after ConText for rules only (``best`` None), rules+model, or the model alone."""
    context = pipe.get_pipe("life_event_context")
    out = []
    for i, p in enumerate(prepared):
        hits = [replace(h) for h in p.rule_hits] if rules else []
        if best is not None and settings is not None:
            hits = combine(p.doc, hits, best[i], settings)
        p.doc._.life_events = hits
        doc = context(p.doc)
        out.append(_to_detection(doc, p.item.text, p.item.lang, False))  # type: ignore[arg-type]
    return out


def _line(name: str, r: Report) -> str:
    m = r.micro
    hn = r.hard_negative_rate
    flags = "/".join(f"{r.flag_accuracy(f) or 0:.3f}" for f in ("negated", "hypothetical"))
    flags += "/" + "/".join(f"{r.flag_accuracy(f) or 0:.3f}" for f in ("experiencer", "historical"))
    return (
        f"  {name:<26} F1 {m.f1:.3f}  P {m.precision:.3f}  R {m.recall:.3f}"
        f"  hardneg {0 if hn is None else hn:.3f} ({r.hard_negative_hits}/{r.hard_negatives})"
        f"  flags {flags}"
    )


def _per_type(reports: dict[str, Report]) -> list[str]:
    names = list(reports)
    lines = ["  " + f"{'type':<22}" + "".join(f"{n:>16}" for n in names)]
    for t in sorted(EventType, key=lambda e: e.value):
        cells = []
        for n in names:
            s = reports[n].per_type.get(t)
            cells.append(f"{'-' if s is None else f'{s.f1:.3f}':>16}")
        lines.append(f"  {t.value:<22}" + "".join(cells))
    return lines


def cross_validate(lang: Lang, k: int, epochs: int) -> dict[str, Any]:
    pipe = build_pipeline(lang)
    dev = load_dev(lang)
    fixtures = prepare(pipe, load_fixture_turns(lang))
    prepared = prepare(pipe, dev)
    fold = folds_of(dev, k)
    best: list[dict[EventType, SpanScore]] = [{} for _ in dev]
    t0 = time.perf_counter()
    for f in range(k):
        train_set = [p for p, g in zip(prepared, fold, strict=True) if g != f] + fixtures
        held = [i for i, g in enumerate(fold) if g == f]
        model = train(lang, train_set, epochs)
        scores = model.best_spans([prepared[i].doc for i in held])
        for i, found in zip(held, scores, strict=True):
            best[i] = found
        print(f"  fold {f + 1}/{k} trained ({time.perf_counter() - t0:.0f} s)", file=sys.stderr)
    items = [p.item for p in prepared]
    reports: dict[str, Report] = {"rules": evaluate(items, detections(pipe, prepared, None, None))}
    print(f"[{lang}] {k}-fold CV on dev ({len(dev)} utterances, fixtures in every train fold)")
    print(_line("rules only", reports["rules"]))
    for th in THRESHOLDS:
        only = evaluate(
            items, detections(pipe, prepared, best, ModelSettings(th, None), rules=False)
        )
        print(_line(f"model only @{th}", only))
        reports[f"model@{th}"] = only
    grid: dict[ModelSettings, Report] = {}
    for th in THRESHOLDS:
        for veto in VETOES:
            s = ModelSettings(th, veto)
            grid[s] = evaluate(items, detections(pipe, prepared, best, s))
            print(_line(f"rules+model @{th} veto {veto}", grid[s]))
    chosen = max(grid, key=lambda s: (round(grid[s].micro.f1, 4), s.threshold))
    reports[f"rules+model@{chosen.threshold}"] = grid[chosen]
    print(f"  chosen: threshold {chosen.threshold}, veto {chosen.veto}")
    for line in _per_type(
        {
            "rules": reports["rules"],
            "model only": reports[f"model@{chosen.threshold}"],
            "rules+model": grid[chosen],
        }
    ):
        print(line)
    return {
        "chosen": chosen,
        "rules": reports["rules"].to_dict(),
        "rules_model": grid[chosen].to_dict(),
        "model_only": reports[f"model@{chosen.threshold}"].to_dict(),
    }


def measure(lang: Lang, batch: str, epochs: int) -> dict[str, Report]:
    """Leave one batch of dev out (``b11``), train on the rest, score the rules and rules+model
    on that batch at every threshold. Nothing is written; only aggregate numbers are printed."""
    pipe = build_pipeline(lang)
    marker = f"-{batch}-"
    dev = load_dev(lang)
    held = prepare(pipe, [i for i in dev if marker in i.id])
    if not held:
        raise SystemExit(f"no dev lines of batch {batch!r} in the {lang} corpus")
    kept = prepare(pipe, [i for i in dev if marker not in i.id])
    kept += prepare(pipe, load_fixture_turns(lang))
    t0 = time.perf_counter()
    model = train(lang, kept, epochs)
    print(
        f"[{lang}] trained on {len(kept)} utterances in {time.perf_counter() - t0:.0f} s;"
        f" scoring {len(held)} lines of {batch}",
        file=sys.stderr,
    )
    best = model.best_spans([p.doc for p in held])
    items = [p.item for p in held]
    reports = {"rules": evaluate(items, detections(pipe, held, None, None))}
    print(f"[{lang}] {batch} left out")
    print(_line("rules only", reports["rules"]))
    for th in THRESHOLDS:
        for veto in VETOES:
            name = f"rules+model @{th} veto {veto}"
            reports[name] = evaluate(items, detections(pipe, held, best, ModelSettings(th, veto)))
            print(_line(name, reports[name]))
    return reports


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m nlp.train_model", description=__doc__)
    parser.add_argument("--lang", choices=["nl", "en"], action="append")
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--epochs", type=int, default=30)
    parser.add_argument("--cv-only", action="store_true", help="measure, do not write a model")
    parser.add_argument("--no-cv", action="store_true", help="train and ship without measuring")
    parser.add_argument("--threshold", type=float, help="ship with this threshold (else CV's)")
    parser.add_argument("--veto", type=float, help="ship with this veto (else CV's)")
    parser.add_argument("--out", type=Path, default=MODELS_DIR)
    parser.add_argument("--measure", metavar="BATCH", help="leave a batch (b11) out and score it")
    args = parser.parse_args(argv)
    langs: list[Lang] = args.lang or ["nl", "en"]
    for lang in langs:
        if args.measure:
            measure(lang, args.measure, args.epochs)
            continue
        settings = ModelSettings()
        cv: dict[str, Any] = {}
        if not args.no_cv:
            cv = cross_validate(lang, args.folds, args.epochs)
            settings = cv.pop("chosen")
        if args.threshold is not None:
            settings = replace(settings, threshold=args.threshold)
        if args.veto is not None:
            settings = replace(settings, veto=args.veto)
        if args.cv_only:
            continue
        pipe = build_pipeline(lang)
        data = prepare(pipe, load_dev(lang)) + prepare(pipe, load_fixture_turns(lang))
        t0 = time.perf_counter()
        model = train(lang, data, args.epochs)
        seconds = time.perf_counter() - t0
        model.settings = settings
        out = args.out / lang
        model.save(
            out,
            {
                "trained_on": f"dev split + fixture turns ({len(data)} utterances)",
                "epochs": args.epochs,
                "seed": SEED,
                "train_seconds": round(seconds, 1),
                "cv": cv,
            },
        )
        print(f"[{lang}] trained on {len(data)} utterances in {seconds:.0f} s -> {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
