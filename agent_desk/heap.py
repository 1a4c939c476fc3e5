"""A long-running process's loaded heap: CPython's cyclic garbage collector and the C allocator.

Once the spaCy pipelines, lookup tables and the UI are loaded, they are hundreds of thousands
of objects that live as long as the process. Every full collection walked them all: it stalled
the screen for 200-450 ms a few times a minute during a call (bench/bench_app.py) and cost the
detector about 5 % of its throughput (bench/bench_nlp.py). :func:`settle` moves them out of the
collector's sight (``gc.freeze``); a full collection then looks only at what came since.

Loading the models frees big buffers (a classifier's 12 MB of weights is read whole before it
is unpacked). glibc then raises the size from which it maps blocks straight from the operating
system, and keeps up to twice that free inside the process: after a long call, 30 MB more
resident memory than the desk uses. :func:`return_big_blocks` fixes that size, as the
``MALLOC_MMAP_THRESHOLD_`` environment variable would at start-up.
"""

from __future__ import annotations

import ctypes
import gc
import platform
import sys

#: Blocks of at least this size are mapped from the operating system and returned when freed.
MMAP_THRESHOLD = 1 << 20
_M_MMAP_THRESHOLD = -3  # glibc's <malloc.h>


def return_big_blocks() -> bool:
    """Have glibc give freed blocks of :data:`MMAP_THRESHOLD` or more back to the operating
    system, whatever was freed before; False where the C library is not glibc (nothing done)."""
    if sys.platform != "linux" or platform.libc_ver()[0] != "glibc":
        return False
    try:
        return bool(ctypes.CDLL(None).mallopt(_M_MMAP_THRESHOLD, MMAP_THRESHOLD))
    except (OSError, AttributeError):
        return False


#: Middle-generation collections between two full ones once the heap is settled (CPython: 10).
FULL_COLLECTION_EVERY = 100
_DEFAULT_FULL_EVERY = 10


def settle() -> None:
    """Freeze what is loaded by now and make full collections rarer.

    With so little left to watch, CPython's rule for a full collection (a quarter more
    long-lived objects than last time) fires every few dozen utterances at 40-90 ms each; ten
    times fewer full collections keep that out of the render latency. Young objects are still
    collected as often as before.
    """
    gc.freeze()
    young, middle, _ = gc.get_threshold()
    gc.set_threshold(young, middle, FULL_COLLECTION_EVERY)


def unsettle() -> None:
    """Undo :func:`settle`: a process that runs on (tests run many apps in one) leaves nothing
    uncollectable behind."""
    gc.unfreeze()
    young, middle, _ = gc.get_threshold()
    gc.set_threshold(young, middle, _DEFAULT_FULL_EVERY)
