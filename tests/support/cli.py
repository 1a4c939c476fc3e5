"""Running the ``agent-desk`` command as a user does, in a child process."""

from __future__ import annotations

import subprocess
import sys


def run_agent_desk(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """``python -m agent_desk ARGS`` with no input, its output captured, two minutes at most."""
    return subprocess.run(
        [sys.executable, "-m", "agent_desk", *args],
        stdin=subprocess.DEVNULL, capture_output=True, text=True, env=env, timeout=120,
        check=False,
    )  # fmt: skip
