"""The documented embedding example runs and gives the verdicts the docs promise."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def test_embed_example_runs_and_protects_a_customer_in_trouble() -> None:
    proc = subprocess.run(
        [sys.executable, str(REPO / "examples" / "embed_session.py")],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert "heard: job_loss ('made redundant')" in lines
    verdicts = {line[7:]: line[:5].strip() for line in lines if not line.startswith("heard")}
    assert verdicts["Offer a credit card"] == "block"
    assert verdicts["Agree a payment arrangement"] in {"show", "guide"}
    assert verdicts["Refer to free debt help (Geldfit)"] in {"show", "guide"}
