"""The desk's C-allocator setting (agent_desk/heap.py): a big block freed after the models
have loaded goes back to the operating system instead of staying resident."""

from __future__ import annotations

import platform
import subprocess
import sys

import pytest

from agent_desk import heap

# In a fresh interpreter: free a 16 MB buffer (as loading a model does), then use and free an
# 8 MB one, and print how much of it is still resident afterwards (MB).
_SCRIPT = """
import sys
from pathlib import Path
from agent_desk import heap

def resident_mb():
    return int(Path("/proc/self/statm").read_text().split()[1]) * 4096 / 2**20

if sys.argv[1] == "set":
    assert heap.return_big_blocks()
loaded = bytearray(16 << 20)
del loaded
before = resident_mb()
buffer = bytearray(8 << 20)
del buffer
print(round(resident_mb() - before, 1))
"""

glibc = pytest.mark.skipif(
    sys.platform != "linux" or platform.libc_ver()[0] != "glibc", reason="glibc only"
)


def _kept_mb(mode: str) -> float:
    run = subprocess.run(
        [sys.executable, "-c", _SCRIPT, mode], capture_output=True, text=True, check=True
    )
    return float(run.stdout.strip())


@glibc
def test_a_freed_big_block_goes_back_to_the_system() -> None:
    assert _kept_mb("set") < 2
    # What the setting prevents: glibc keeps the block once a bigger one has been freed.
    assert _kept_mb("default") > 6


def test_elsewhere_nothing_is_changed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(heap.sys, "platform", "darwin")
    assert heap.return_big_blocks() is False
