"""NLP cost in instructions, for comparing two versions when wall time is too noisy.

``python -m bench.instructions_nlp [--texts 600] [--out-dir DIR]`` runs, under valgrind's
callgrind, the detector on the first N Dutch and N English corpus texts, three passes after
warm-up on a settled heap (as the app runs it), and the same script on no texts; it prints one
JSON document with the instructions of one pass (the difference, divided by three). ASLR is
off and the hash seed fixed, so a rerun agrees to a few tenths of a percent. Run it in each
checkout with the same corpus files; docs/benchmarks.md records the results. Needs valgrind
and ``setarch`` (util-linux); takes a few minutes.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

PASSES = 3


def workload(n: int, warm: int) -> None:
    """What runs under callgrind: warm-up on ``warm`` texts per language, settle, then
    ``PASSES`` passes over the first ``n`` of them (none when ``n`` is 0: that run, with the same
    warm-up, is the baseline to subtract)."""
    from agent_desk import heap
    from bench.bench_nlp import LANGS, _texts
    from nlp.detector import Detector

    # bench_nlp's input, corpus lines first: the first ``warm`` texts are corpus lines
    texts = {lang: _texts(lang)[:warm] for lang in LANGS}
    detector = Detector(veto=False)
    detector.warm_up()
    for lang, batch in texts.items():
        detector.detect_many(batch, lang)  # the measured passes are the steady state
    heap.settle()
    for _ in range(PASSES if n else 0):
        for lang, batch in texts.items():
            detector.detect_many(batch[:n], lang)


def _instructions(n: int, warm: int, out: Path) -> int:
    cmd = [
        "setarch",
        platform.machine(),
        "-R",
        "valgrind",
        "--tool=callgrind",
        f"--callgrind-out-file={out}",
        sys.executable,
        "-m",
        "bench.instructions_nlp",
        "--workload",
        str(n),
        "--texts",
        str(warm),
    ]
    env = {**os.environ, "PYTHONHASHSEED": "0"}
    subprocess.run(cmd, check=True, env=env, capture_output=True)
    for line in out.read_text().splitlines():
        if line.startswith("summary:"):
            return int(line.split()[1])
    raise RuntimeError(f"{out}: no 'summary:' line in callgrind's output")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--texts", type=int, default=600, help="texts per language")
    parser.add_argument("--out-dir", type=Path, default=None, help="keep callgrind's files here")
    parser.add_argument("--workload", type=int, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.workload is not None:
        workload(args.workload, args.texts)
        return 0
    missing = [tool for tool in ("valgrind", "setarch") if shutil.which(tool) is None]
    if missing:
        print(f"bench.instructions_nlp needs {' and '.join(missing)} on PATH", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as tmp:
        folder = args.out_dir or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        base = _instructions(0, args.texts, folder / "callgrind.0")
        total = _instructions(args.texts, args.texts, folder / f"callgrind.{args.texts}")
    doc = {
        "texts_per_language": args.texts,
        "passes": PASSES,
        "instructions_per_pass": (total - base) // PASSES,
        "instructions_baseline": base,
    }
    print(json.dumps(doc, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
