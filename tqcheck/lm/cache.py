"""A bounded memory of the scorer's answers, keyed by exactly what was asked.

A warm process (the language server, the Python API, `fix`'s re-check passes) often asks the model
the same question again: the same text after an edit elsewhere was undone, the same article checked
twice, the same span's proposals in a pass that changed another sentence. The answer is reused
only when the whole question is the same (every text, context and option of the call), never per
window or per candidate: the model's numbers for one sequence depend, in their last bits, on the
batch it ran in (bfloat16 kernels pick their blocking by shape), so reusing part of a batch could
move a finding. Reused answers are therefore bit-for-bit what the model would compute again.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

T = TypeVar("T")

MAX_ENTRIES = 256  # answers kept, least recently used dropped first
MAX_BYTES = 256 << 20  # hidden states for the quality head are the large part: ~8 MB a 1,000-word text


def size_of(value: Any) -> int:
    """A rough size of an answer in bytes: arrays by their buffers, lists by their lengths."""
    if isinstance(value, list | tuple):
        return 64 + sum(size_of(v) for v in value)
    states = getattr(value, "states", None)
    spans = getattr(value, "spans", None)
    if spans is not None:  # TokenScores / TokenFeatures: a few floats and a span per token
        return 64 + 40 * len(spans) + int(getattr(states, "nbytes", 0) or 0)
    return 128


class AnswerCache:
    """Least-recently-used answers, bounded by count and by size; `limit=0` keeps nothing."""

    def __init__(self, limit: int = MAX_ENTRIES, max_bytes: int = MAX_BYTES) -> None:
        self.limit = limit
        self.max_bytes = max_bytes
        self._items: OrderedDict[Hashable, tuple[Any, int]] = OrderedDict()
        self._bytes = 0
        self.hits = 0
        self.misses = 0
        # The API may be called from threads: the bookkeeping is locked, the model's work is not.
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._items)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self._bytes = 0

    def get_or_compute(self, key: Hashable, compute: Callable[[], T]) -> T:
        """The answer stored under `key`, or `compute()`'s, stored. Callers treat it as read-only."""
        if self.limit <= 0:
            self.misses += 1
            return compute()
        with self._lock:
            found = self._items.get(key)
            if found is not None:
                self._items.move_to_end(key)
                self.hits += 1
                return found[0]
            self.misses += 1
        value = compute()
        size = size_of(value)
        if size > self.max_bytes:
            return value
        with self._lock:
            if key not in self._items:
                self._items[key] = (value, size)
                self._bytes += size
            while len(self._items) > self.limit or self._bytes > self.max_bytes:
                _, (_, dropped) = self._items.popitem(last=False)
                self._bytes -= dropped
        return value
