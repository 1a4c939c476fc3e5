"""Side by side with medspaCy's ConText (issue #3): the same English trigger terms, two engines.

medspaCy is the reference design for our context flags. It pins an older spaCy (< 3.8 on Python
3.11), so it runs in its own virtualenv, ``.venv-medspacy`` beside the project's, created here
on first use from the package registry (``medspacy==1.3.1`` and the lemma tables of
``spacy-lookups-data``). ``bench/medspacy_side.py`` runs there and imports nothing of ours.

Both engines get the same English data from ``nlp/data/en``: event patterns and look-alike
vetoes (compiled to spaCy ``Matcher`` patterns by ``nlp.patterns``), ConText triggers with
their category, direction and scope, pseudo-triggers, terminators, and the person words (as
medspaCy's experiencer category, except where that person is the customer's household for the
event type). What medspaCy's design has no place for is left out on its side: our one-typo
speller, pronouns taking the role of the person named before them, corrections, "moving in with
my parents" (a person after a preposition is a place), and wishes.

Accuracy is scored by ``nlp.evaluation`` on the English test split (aggregates only) and the dev
split; speed on the ``bench_nlp`` input, each engine against its own spaCy tokenizer in the same
run, and ours against medspaCy's.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from agent_desk.cli.eval import load_corpus
from agent_desk.paths import fixtures_dir
from bench.bench_nlp import _percentile, _rate, _repeat, _texts, _timed, _tokenize
from nlp.detector import Detection, Detector
from nlp.evaluation import evaluate
from nlp.patterns import compile_pattern, load_language
from nlp.types import LifeEvent

ROOT = Path(__file__).resolve().parent.parent
VENV = Path(os.environ.get("AGENT_DESK_MEDSPACY_VENV", ROOT / ".venv-medspacy"))
#: The versions compared in docs/benchmarks.md; medspaCy brings its own spaCy (3.7.x).
REQUIREMENTS = ("medspacy==1.3.1", "spacy-lookups-data==1.0.5")
SIDE = Path(__file__).resolve().parent / "medspacy_side.py"


def export_rules() -> dict[str, Any]:
    """Our English pattern data as plain spaCy Matcher patterns, for the medspaCy side."""
    events, context = load_language("en")

    def compiled(patterns: list[str]) -> list[list[dict[str, Any]]]:
        return [compile_pattern(p) for p in patterns]

    return {
        "events": [
            {"id": e.id, "type": e.type.value, "patterns": compiled(e.patterns)}
            for e in events.events
        ],
        "vetoes": [
            {"id": v.id, "types": [t.value for t in v.types], "patterns": compiled(v.patterns)}
            for v in events.vetoes
        ],
        "triggers": [
            {
                "id": t.id,
                "category": t.category.value,
                "direction": t.direction.value,
                "max_scope": t.max_scope,
                "patterns": compiled(t.patterns),
            }
            for t in context.triggers
        ],
        "terminators": compiled(context.terminators),
        "persons": [
            {"id": p.id, "role": p.role.value, "patterns": compiled(p.patterns)}
            for p in context.persons
        ],
        "customer_roles": {
            t.value: [r.value for r in roles] for t, roles in context.customer_roles.items()
        },
    }


def ensure_venv() -> Path | str:
    """The medspaCy interpreter, creating its virtualenv on first use; or why it is missing."""
    python = VENV / "bin" / "python"
    stamp = VENV / ".installed"
    if stamp.exists() and stamp.read_text() == "\n".join(REQUIREMENTS):
        return python
    print(f"bench_medspacy: installing {' '.join(REQUIREMENTS)} in {VENV}", file=sys.stderr)
    steps = [
        [sys.executable, "-m", "venv", str(VENV)],
        [str(python), "-m", "pip", "install", "--quiet", *REQUIREMENTS],
    ]
    for cmd in steps:
        done = subprocess.run(cmd, capture_output=True, text=True, check=False)
        if done.returncode:
            return f"{' '.join(cmd[:4])} failed: {done.stderr.strip()[-300:]}"
    stamp.write_text("\n".join(REQUIREMENTS))
    return python


def _detections(predictions: list[list[dict[str, Any]]], texts: list[str]) -> list[Detection]:
    return [
        Detection(
            lang="en",
            events=[LifeEvent(text=text[e["start"] : e["end"]], **e) for e in events],
        )
        for events, text in zip(predictions, texts, strict=True)
    ]


def _summary(report: Any) -> dict[str, Any]:
    d = report.to_dict()
    return {
        "utterances": d["utterances"],
        "micro": d["micro"],
        "per_type_f1": {t: s["f1"] for t, s in d["per_type"].items()},
        "flags": d["flags"],
        "matched_events": d["matched_events"],
        "gold_events": d["gold_events"],
        "hard_negative_fp_rate": d["hard_negative_fp_rate"],
    }


def run(quick: bool = False) -> dict[str, object]:
    python = ensure_venv()
    if isinstance(python, str):
        return {"skipped": python}
    n_batch = 1_000 if quick else 6_000
    n_latency = 300 if quick else 2_000
    corpus = fixtures_dir() / "nlp-corpus"
    splits = {split: load_corpus(corpus, split).get("en", []) for split in ("test", "dev")}
    texts = [i.text for items in splits.values() for i in items]
    base = _texts("en")
    bench_texts = _repeat(base, n_batch)
    job = {
        "rules": export_rules(),
        "texts": texts,
        "bench_texts": bench_texts,
        "latency_texts": _repeat(base, n_latency),
    }
    started = time.perf_counter()
    done = subprocess.run(
        [str(python), str(SIDE)],
        input=json.dumps(job),
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode:
        return {"error": f"medspaCy side failed: {done.stderr.strip()[-800:]}"}
    side = json.loads(done.stdout)
    side_wall = time.perf_counter() - started

    detector = Detector(veto=False)  # the rules and ConText: what medspaCy's side runs
    detector.warm_up()
    pipe = detector.pipeline("en")
    detector.detect_many(bench_texts[:200], "en")
    ours_tok_s = min(_timed(_tokenize, pipe, bench_texts) for _ in range(3))
    ours_s = min(_timed(detector.detect_many, bench_texts, "en") for _ in range(3))
    latencies: list[int] = []
    for text in job["latency_texts"]:
        t0 = time.perf_counter_ns()
        detector.detect(text, "en")
        latencies.append(time.perf_counter_ns() - t0)
    latencies.sort()

    accuracy: dict[str, Any] = {}
    offset = 0
    for split, items in splits.items():
        chunk = side["predictions"][offset : offset + len(items)]
        offset += len(items)
        item_texts = [i.text for i in items]
        accuracy[split] = {
            "medspacy_context": _summary(evaluate(items, _detections(chunk, item_texts))),
            "agent_desk": _summary(evaluate(items, detector.detect_many(item_texts, "en"))),
        }

    ours_rate = _rate(len(bench_texts), ours_s)
    side_rate = _rate(len(bench_texts), side["pipeline_s"])
    return {
        "versions": {"medspacy": side["medspacy"], "spacy_medspacy_side": side["spacy"]},
        "rules": {"target": side["target_rules"], "context": side["context_rules"]},
        "utterances": len(bench_texts),
        "medspacy_context": {
            "tokenizer_utt_per_s": _rate(len(bench_texts), side["tokenizer_s"]),
            "utt_per_s": side_rate,
            "ratio_to_tokenizer": round(side["tokenizer_s"] / side["pipeline_s"], 3),
            "latency_ms_p50": _percentile(side["latencies_ns"], 0.50),
            "latency_ms_p99": _percentile(side["latencies_ns"], 0.99),
            "component_utt_per_s": {
                name: _rate(len(bench_texts), secs) for name, secs in side["component_s"].items()
            },
            "side_wall_s": round(side_wall, 1),
        },
        "agent_desk": {
            "tokenizer_utt_per_s": _rate(len(bench_texts), ours_tok_s),
            "utt_per_s": ours_rate,
            "ratio_to_tokenizer": round(ours_tok_s / ours_s, 3),
            "latency_ms_p50": _percentile(latencies, 0.50),
            "latency_ms_p99": _percentile(latencies, 0.99),
        },
        "throughput_ratio_agent_desk_to_medspacy": round(ours_rate / side_rate, 2)
        if side_rate
        else None,
        "accuracy": accuracy,
    }


if __name__ == "__main__":
    print(json.dumps(run(), indent=2))
