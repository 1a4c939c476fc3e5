"""The lemma lookup tables, held compactly.

spaCy's lookup lemmatizer reads ``lemma_lookup`` from spacy-lookups-data: for Dutch 213,000
word forms, unpacked from JSON into a Python dict. That costs about 70 MB resident per desk (and
more at its peak while parsing), the largest single part of the call screen's memory. The same
table is shipped here as two arrays (form hashes, sorted; lemma numbers) and the distinct lemma
strings: ``nlp/data/<lang>/lemmas.npz``, a few MB, loaded in milliseconds.

``python -m nlp.lemmas`` rebuilds the files from the installed spacy-lookups-data (MIT licence,
Explosion AI); ``tests/unit/nlp/test_lemmas.py`` checks that they still match it entry for entry.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache
from pathlib import Path

import numpy
from spacy.strings import get_string_id

from nlp.types import Lang

DATA_DIR = Path(__file__).resolve().parent / "data"
LANGS: tuple[Lang, ...] = ("nl", "en")


def table_path(lang: str) -> Path:
    return DATA_DIR / lang / "lemmas.npz"


def _key(word: str | int) -> int:
    return get_string_id(word)  # a string's hash, as spaCy's StringStore; an int as it is


class LemmaTable:
    """Lower-cased word form -> lemma, read-only; the part of spaCy's ``Table`` the pipeline
    uses (``get``, ``in``, ``[]``, ``keys``, ``values``, ``items``), keyed by the form or its
    string hash like spaCy's."""

    def __init__(self, keys: numpy.ndarray, values: numpy.ndarray, lemmas: list[str]) -> None:
        if len(keys) > 1 and not bool(numpy.all(keys[:-1] <= keys[1:])):  # saved files are sorted
            order = numpy.argsort(keys, kind="stable")
            keys, values = keys[order], values[order]
        self._keys = numpy.ascontiguousarray(keys, dtype=numpy.uint64)
        self._values = numpy.ascontiguousarray(values, dtype=numpy.uint32)
        # The distinct lemmas as one UTF-8 string and where each starts: 100,000 Python strings
        # cost 7 MB per desk, this a fraction of it; a lemma is decoded when it is looked up.
        encoded = [lemma.encode("utf-8") for lemma in lemmas]
        self._blob = b"".join(encoded)
        self._starts = numpy.zeros(len(encoded) + 1, dtype=numpy.uint32)
        numpy.cumsum([len(b) for b in encoded], out=self._starts[1:])

    @classmethod
    def from_mapping(cls, items: Iterator[tuple[int, str]]) -> LemmaTable:
        numbers: dict[str, int] = {}
        keys: list[int] = []
        values: list[int] = []
        for key, lemma in items:
            keys.append(key)
            values.append(numbers.setdefault(lemma, len(numbers)))
        return cls(
            numpy.asarray(keys, dtype=numpy.uint64),
            numpy.asarray(values, dtype=numpy.uint32),
            list(numbers),
        )

    @classmethod
    def load(cls, path: Path) -> LemmaTable:
        with numpy.load(path) as data:
            lemmas = bytes(data["lemmas"]).decode("utf-8").split("\n")
            return cls(data["keys"], data["values"], lemmas)

    def save(self, path: Path) -> None:
        blob = numpy.frombuffer("\n".join(self.values()).encode("utf-8"), dtype=numpy.uint8)
        numpy.savez_compressed(path, keys=self._keys, values=self._values, lemmas=blob)

    def _index(self, word: str | int) -> int:
        key = _key(word)
        i = int(numpy.searchsorted(self._keys, numpy.uint64(key)))
        return i if i < len(self._keys) and int(self._keys[i]) == key else -1

    def _lemma(self, number: int) -> str:
        starts = self._starts
        return self._blob[starts[number] : starts[number + 1]].decode("utf-8")

    def _lemmas(self) -> Iterator[tuple[int, str]]:
        for n in range(len(self._starts) - 1):
            yield n, self._lemma(n)

    def get(self, word: str | int, default: str | None = None) -> str | None:
        i = self._index(word)
        return self._lemma(int(self._values[i])) if i >= 0 else default

    def __contains__(self, word: object) -> bool:
        return isinstance(word, str | int) and self._index(word) >= 0

    def __getitem__(self, word: str | int) -> str:
        lemma = self.get(word)
        if lemma is None:
            raise KeyError(word)
        return lemma

    def __len__(self) -> int:
        return len(self._keys)

    def keys(self) -> list[int]:
        """The forms' string hashes."""
        return self._keys.tolist()  # type: ignore[no-any-return]

    def values(self) -> list[str]:
        """The distinct lemmas (each once)."""
        return [lemma for _, lemma in self._lemmas()]

    def items(self) -> Iterator[tuple[int, str]]:
        lemmas = self.values()
        for key, value in zip(self._keys.tolist(), self._values.tolist(), strict=True):
            yield key, lemmas[value]

    def forms_of(self, lemmas: set[str]) -> dict[str, set[int]]:
        """For each of ``lemmas``, the string hashes of the forms the table gives it (without
        unpacking the table into Python objects)."""
        # One lemma string at a time: unpacking all 100,000 at once left 20 MB behind.
        wanted = {lemma: n for n, lemma in self._lemmas() if lemma in lemmas}
        forms: dict[str, set[int]] = {lemma: set() for lemma in lemmas}
        if not wanted:
            return forms
        hit = numpy.isin(self._values, list(wanted.values()))
        by_number: dict[int, set[int]] = {}
        for key, number in zip(self._keys[hit].tolist(), self._values[hit].tolist(), strict=True):
            by_number.setdefault(number, set()).add(key)
        for lemma, number in wanted.items():
            forms[lemma] = by_number.get(number, set())
        return forms

    def hashes(self) -> numpy.ndarray:
        """Every word the table knows, as a sorted array of string hashes: its forms and its
        lemmas (a lemma is a word too, whether or not it is also listed as a form)."""
        lemmas = numpy.fromiter(
            (get_string_id(lemma) for _, lemma in self._lemmas()), dtype=numpy.uint64
        )
        return numpy.union1d(self._keys, lemmas)


@cache
def lemma_table(lang: str) -> LemmaTable:
    """The shipped table for ``lang`` (an empty one for a language without a file)."""
    path = table_path(lang)
    if not path.exists():
        return LemmaTable.from_mapping(iter(()))
    return LemmaTable.load(path)


def from_lookups_data(lang: str) -> LemmaTable:
    """The table as spacy-lookups-data has it (big: used to build and check the shipped file)."""
    from spacy.lookups import load_lookups

    table = load_lookups(lang, ["lemma_lookup"]).get_table("lemma_lookup")
    return LemmaTable.from_mapping(iter(table.items()))


def main() -> None:
    for lang in LANGS:
        table = from_lookups_data(lang)
        table.save(table_path(lang))
        print(f"{table_path(lang)}: {len(table):,} forms, {len(table.values()):,} lemmas")


if __name__ == "__main__":
    main()
