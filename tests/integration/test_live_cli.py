"""`agent-desk live --stdin`: any platform can pipe a transcript through the guard."""

from __future__ import annotations

import json
import subprocess
import sys

LINES = [
    {"id": "u1", "speaker": "agent", "text": "Goedemorgen, waarmee kan ik u helpen?"},
    {"id": "u2", "speaker": "customer",
     "text": "Mijn man is vorige maand overleden en ik kan de huur niet meer betalen."},
    "this line is not json",
    {"id": "u3", "speaker": "customer", "text": "Kunt u mijn nieuwe adres noteren?"},
]  # fmt: skip


def test_stdin_call_is_judged_line_by_line_and_bad_lines_do_not_stop_it() -> None:
    stdin = "\n".join(x if isinstance(x, str) else json.dumps(x) for x in LINES) + "\n"
    proc = subprocess.run(
        [sys.executable, "-m", "agent_desk", "live", "--stdin"],
        input=stdin.encode(), capture_output=True, timeout=120, check=False,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    out = [json.loads(line) for line in proc.stdout.decode().splitlines()]
    assert [o["id"] for o in out] == ["u1", "u2", "u3"]
    assert "line 3" in proc.stderr.decode()
    after_disclosure = {d["action"]: d["verdict"] for d in out[1]["decisions"]}
    assert after_disclosure["bank.sales.credit-card"] == "block"
    assert after_disclosure["bank.collections.payment-arrangement"] in {"show", "guide"}
    assert after_disclosure["bank.referral.debt-help"] in {"show", "guide"}
    assert {e["type"] for e in out[1]["events"]} >= {"bereavement", "financial_difficulty"}
    # Nothing unjudged: every suggestion in the timeline carries a verdict.
    assert all(d["verdict"] for o in out for d in o["decisions"])


def test_live_without_a_source_says_what_to_name() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "agent_desk", "live"],
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert proc.returncode == 2
    assert "--stdin" in proc.stderr
    assert "Traceback" not in proc.stderr
