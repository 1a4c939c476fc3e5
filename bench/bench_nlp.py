"""NLP speed: batch throughput of ``detect_many`` against the bare spaCy tokenizer (the floor) on
the same input in the same run, and single-utterance latency after warm-up, per language.

Input: the labelled corpus (``fixtures/nlp-corpus``) plus every utterance of the fixture
conversations, repeated until there are enough. Targets (docs/benchmarks.md): >= 5,000
utterances/s, >= 0.25 of the tokenizer's rate, p99 <= 5 ms.

The detector runs as it does in the app: after warm-up the loaded heap is settled
(:func:`agent_desk.heap.settle`, which the app does once its pipelines are built). The batch
rate on an unsettled heap is measured beside it (``detect_many_unsettled_utt_per_s``).
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path

from spacy.language import Language

from agent_desk import heap
from agent_desk.paths import conversations_dir, fixtures_dir
from nlp.detector import Detector
from nlp.types import Lang

LANGS: tuple[Lang, ...] = ("nl", "en")


def _texts(lang: Lang) -> list[str]:
    from agent_desk.library.load import load_conversation

    texts: list[str] = []
    corpus = fixtures_dir() / "nlp-corpus" / f"{lang}.jsonl"
    if corpus.exists():
        for line in corpus.read_text(encoding="utf-8").splitlines():
            if line.strip():
                texts.append(str(json.loads(line)["text"]))
    for path in sorted(Path(conversations_dir()).glob("*.yaml")):
        conv = load_conversation(path)
        if conv.lang == lang:
            texts.extend(u.text for u in conv.utterances)
    return texts


def _repeat(texts: list[str], n: int) -> list[str]:
    if not texts:
        return []
    return (texts * (n // len(texts) + 1))[:n]


def _rate(n: int, seconds: float) -> float:
    return round(n / seconds, 1) if seconds > 0 else 0.0


def _percentile(sorted_ns: list[int], q: float) -> float:
    i = min(len(sorted_ns) - 1, round(q * (len(sorted_ns) - 1)))
    return round(sorted_ns[i] / 1e6, 3)


def run(quick: bool = False) -> dict[str, object]:
    n_batch = 1_000 if quick else 6_000
    n_latency = 300 if quick else 2_000
    detector = Detector(veto=False)
    detector.warm_up()
    # The classifier's second opinion (nlp/veto.py, on by default), beside the rules alone.
    vetoed = Detector(veto=True)
    vetoed.warm_up()
    out: dict[str, object] = {"utterances_per_language": n_batch}
    for lang in LANGS:
        base = _texts(lang)
        batch = _repeat(base, n_batch)
        if not batch:
            out[lang] = {"skipped": "no input texts"}
            continue
        pipe = detector.pipeline(lang)
        detector.detect_many(batch[:200], lang)  # warm caches
        # Best of three: the machine is shared, the minimum is the least disturbed run.
        tok_s = min(_timed(_tokenize, pipe, batch) for _ in range(3))
        unsettled_s = min(_timed(detector.detect_many, batch, lang) for _ in range(3))
        heap.settle()
        try:
            det_s = min(_timed(detector.detect_many, batch, lang) for _ in range(3))
            auto_s, latencies, veto_s, veto_latencies = _rest(
                detector, vetoed, base=base, batch=batch, lang=lang, n_latency=n_latency
            )
        finally:
            heap.unsettle()
        tok_rate = _rate(len(batch), tok_s)
        det_rate = _rate(len(batch), det_s)
        out[lang] = {
            "distinct_texts": len(base),
            "mean_chars": round(sum(map(len, batch)) / len(batch), 1),
            "tokenizer_utt_per_s": tok_rate,
            "detect_many_utt_per_s": det_rate,
            "detect_many_unsettled_utt_per_s": _rate(len(batch), unsettled_s),
            "detect_many_langid_utt_per_s": _rate(len(batch), auto_s),
            "ratio_to_tokenizer": round(det_rate / tok_rate, 3) if tok_rate else None,
            "latency_ms_p50": _percentile(latencies, 0.50),
            "latency_ms_p99": _percentile(latencies, 0.99),
            "latency_ms_max": round(latencies[-1] / 1e6, 3),
            "veto_detect_many_utt_per_s": _rate(len(batch), veto_s),
            "veto_ratio_to_rules": round(det_s / veto_s, 3) if veto_s else None,
            "veto_latency_ms_p99": _percentile(veto_latencies, 0.99),
        }
    return out


def _rest(
    detector: Detector,
    vetoed: Detector,
    *,
    base: list[str],
    batch: list[str],
    lang: Lang,
    n_latency: int,
) -> tuple[float, list[int], float, list[int]]:
    """Language identification, latency and the veto, on the settled heap."""
    auto_s = _timed(detector.detect_many, batch)
    latencies = _latencies(detector, _repeat(base, n_latency), lang)
    vetoed.detect_many(batch[:200], lang)
    veto_s = min(_timed(vetoed.detect_many, batch, lang) for _ in range(3))
    veto_latencies = _latencies(vetoed, _repeat(base, n_latency), lang)
    return auto_s, latencies, veto_s, veto_latencies


def _latencies(detector: Detector, texts: list[str], lang: Lang) -> list[int]:
    """Sorted nanoseconds per single-utterance ``detect`` call."""
    out: list[int] = []
    for text in texts:
        t0 = time.perf_counter_ns()
        detector.detect(text, lang)
        out.append(time.perf_counter_ns() - t0)
    out.sort()
    return out


def _tokenize(pipe: Language, texts: list[str]) -> None:
    for _ in pipe.tokenizer.pipe(texts):
        pass


def _timed(fn: Callable[..., object], *args: object) -> float:
    t0 = time.perf_counter()
    fn(*args)
    return time.perf_counter() - t0


if __name__ == "__main__":
    print(json.dumps(run(), indent=2))
