"""The spaCy components of the life-event pipeline, registered with ``@Language.factory``.

* ``lowercase_lookup_lemmatizer``: spaCy's lookup lemmatizer on spacy-lookups-data's tables (as
  shipped compactly by :mod:`nlp.lemmas`), keyed on the lower-cased word so "Overleed" at the
  start of a sentence still lemmatises.
* ``array_sentencizer``: spaCy's rule sentencizer (a sentence starts after ``.``/``!``/``?``),
  computed on the Doc's arrays instead of one Python Token object per word.
* ``life_events``: matches the event, look-alike (veto) and customer-wish patterns of
  ``data/<lang>/events.yaml``; writes ``doc._.life_events`` and ``doc._.customer_wishes``.
* ``life_event_context``: ConText-style context from ``data/<lang>/context.yaml``: triggers with
  a direction and a scope bounded by the sentence and by terminators, pseudo-triggers that
  swallow look-alike triggers, and who the event is about (person words near the event).

Everything a component finds is token-based (:class:`EventHit`); :mod:`nlp.detector` turns it
into the public, character-offset types. :class:`FastPath` runs all of them on one doc with the
token columns read once (what :mod:`nlp.detector` uses); it gives exactly what they give one by
one.
"""

from __future__ import annotations

import itertools
import operator
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import numpy
from spacy.attrs import IS_PUNCT, LEMMA, LOWER, NORM, ORTH, SENT_START
from spacy.language import Language
from spacy.lookups import Lookups
from spacy.matcher import Matcher, PhraseMatcher
from spacy.matcher.levenshtein import levenshtein_compare
from spacy.pipeline import Lemmatizer, Sentencizer
from spacy.strings import get_string_id
from spacy.tokens import Doc, Span, Token

from nlp.lemmas import LemmaTable, lemma_table
from nlp.patterns import (
    DATA_DIR,
    Category,
    ContextFile,
    Direction,
    EventsFile,
    PatternFileError,
    Role,
    TokenPattern,
    compile_pattern,
    is_gap,
    load_file,
)
from nlp.tokenizer import JOINED
from nlp.types import EventType, Experiencer, WishKind

#: How far (in tokens) before an event a person word may govern it.
PERSON_REACH_BEFORE = 12
#: Dutch inversion puts the subject after the verb ("vorige week overleed mijn vader").
PERSON_REACH_AFTER = 3


@dataclass
class EventHit:
    """One life event found in a Doc, in token offsets, with its context flags."""

    type: EventType
    start: int
    end: int
    #: Token indices that are evidence (not gap words); triggers on these are part of the event.
    literal: tuple[int, ...]
    negated: bool = False
    hypothetical: bool = False
    historical: bool = False
    experiencer: Experiencer = "customer"
    #: Set by the context component when the event is about a pet, a celebrity, fiction.
    dropped: bool = False


@dataclass
class WishHit:
    kind: WishKind
    start: int
    end: int


@dataclass(slots=True)
class _Trigger:
    start: int
    end: int
    category: Category
    direction: Direction
    max_scope: int
    #: The event types it applies to; empty: every type.
    types: frozenset[EventType]
    #: Reaches over terminators and clause breaks (historical triggers always do).
    across_clauses: bool = False


@dataclass(slots=True)
class _Mention:
    start: int
    end: int
    role: Role
    #: After a preposition ("bij mijn ouders", "with my mum"): a place or an object, not the
    #: person the event is about.
    prep: bool = False
    #: Right after a genitive ("de kraamzorg van mijn schoonzus", "the funeral of my
    #: neighbour"): the person whose event the word before names.
    of: bool = False
    #: Right after a subordinator ("from when I lived in Leeds", "die ik al jaren ken"): the
    #: subject of a clause inside the phrase, not of the event after it.
    sub: bool = False
    #: A preposition or the customer and a verb, then a possessive and at most two describing
    #: words before it ("for my elderly neighbour", "voor mijn oude buurman", "I help my
    #: neighbour"): whom the customer does something for.
    #: Only care reads it so; "I'm calling for my friend, she's moving" is about the friend.
    for_whom: bool = False
    #: A possessive word ("his", "their", "haar"): right before care ("his carer") it is the
    #: person cared for.
    owner: bool = False
    #: The customer as a subject ("ik", "I", "we"): right after an event it opens a new clause.
    subject: bool = False
    #: A relative clause follows ("voor mijn opa die parkinson heeft", "my mum who has
    #: dementia"): the person is that clause's subject, after a preposition too.
    rel: bool = False


Gate = tuple[tuple[str, frozenset[str]], ...]
#: Requirements ready to test: (word hashes, or substrings when no hashes).
_Rest = tuple[tuple[frozenset[int], frozenset[str]], ...]
#: The same, split for speed: per required word its hashes; per required text its forms;
#: and the pattern's regex and typo tokens, tested on the doc's words.
_Needs = tuple[tuple[frozenset[int], ...], tuple[frozenset[str], ...], tuple["_TokenTest", ...]]

_WORD_KEYS = ("NORM", "LEMMA")
_GATE_ATTRS = [NORM, LEMMA]
#: A plain pattern expands to at most this many phrases for the PhraseMatcher.
_MAX_PHRASES = 5_000


def _requirements(tp: list[TokenPattern], stop_words: set[str]) -> list[tuple[str, frozenset[str]]]:
    """Necessary conditions for ``tp`` to match, rarest first: ("word", one of these occurs as
    a token's norm or lemma) or ("sub", this text occurs in the lower-cased doc)."""
    found: list[tuple[tuple[int, int], tuple[str, frozenset[str]]]] = []
    for tok in tp:
        if tok.get("OP"):
            continue
        for key in _WORD_KEYS:
            spec = tok.get(key)
            words: frozenset[str] | None = None
            if isinstance(spec, str):
                words = frozenset({spec})
            elif isinstance(spec, dict) and "IN" in spec:
                words = frozenset(spec["IN"])
            if words:
                rank = (sum(1 for w in words if w in stop_words), len(words))
                found.append((rank, ("word", words)))
        lower = tok.get("LOWER")
        if isinstance(lower, dict) and "FUZZY1" in lower:
            # One edit leaves the first or the last four letters intact.
            word = str(lower["FUZZY1"])
            if len(word) >= 8:
                found.append(((0, 1_000), ("sub", frozenset({word[:4], word[-4:]}))))
        elif isinstance(lower, dict) and "REGEX" in lower:
            subs = _regex_substrings(str(lower["REGEX"]))
            if subs:
                found.append(((0, 2_000), ("sub", subs)))
    found.sort(key=lambda f: f[0])
    return [req for _, req in found]


_PLAIN_REGEX = re.compile(r"^[^|()\\]*\(([a-zà-ÿ|]+)\)[^|()?*{\\]*$")
_LETTER_RUN = re.compile(r"[a-zà-ÿ]{3,}")


def _regex_substrings(expr: str) -> frozenset[str] | None:
    """Texts of which any match of ``expr`` contains at least one, or None if unsure.

    Two shapes are understood, which is what the pattern files use: no groups at all
    ("^scheidings", "^[a-z]+kanker$": its longest required letter run is in every match) and
    one group of plain alternatives ("^[a-z]+(tumor|infarct|breuk)$": one of them is).
    """
    group = _PLAIN_REGEX.match(expr)
    if group:
        alts = group.group(1).split("|")
        return frozenset(alts) if all(len(a) >= 3 for a in alts) else None
    if any(c in expr for c in "|()\\"):
        return None
    runs = _LETTER_RUN.findall(_strip_optional(expr))
    return frozenset({max(runs, key=len)}) if runs else None


def _strip_optional(expr: str) -> str:
    """Drop the letter (or class) before ``?``/``*``/``{0,`` so it does not count as required."""
    return re.sub(r"(\[[^\]]*\]|.)(\?|\*|\{0,\d*\})", " ", expr)


def _reach(tp: list[TokenPattern]) -> int:
    """The most tokens ``tp`` can match."""
    total = 0
    for tok in tp:
        op = str(tok.get("OP", ""))
        if op.startswith("{"):
            total += int(op.strip("{}").split(",")[-1])
        elif op in ("*", "+"):
            return 10_000
        else:
            total += 1
    return total


def _phrases(tp: list[TokenPattern]) -> list[tuple[str, ...]] | None:
    """The word sequences a gap-free, norm-only pattern stands for; None if it is not one."""
    slots: list[list[str]] = []
    total = 1
    for tok in tp:
        if set(tok) != {"NORM"}:
            return None
        spec = tok["NORM"]
        if isinstance(spec, str):
            slots.append([spec])
        elif isinstance(spec, dict) and set(spec) == {"IN"}:
            slots.append(list(spec["IN"]))
        else:
            return None
        total *= len(slots[-1])
    if total > _MAX_PHRASES:
        return None
    return list(itertools.product(*slots))


class _Group:
    """Matcher patterns that share their gate: run only when the doc meets every requirement."""

    __slots__ = (
        "after",
        "aligned",
        "before",
        "gate_tests",
        "gate_words",
        "lemmas",
        "matcher",
        "patterns",
        "reach",
        "rest",
    )

    def __init__(self, matcher: Matcher, rest: _Rest, gate_words: frozenset[int]) -> None:
        self.matcher = matcher
        #: The gate's further requirement, which every pattern has.
        self.rest = _needs(rest, ())
        #: The hashes of the first gate word (empty when the gate is not a word).
        self.gate_words = gate_words
        #: Per pattern, all its required words (beyond the gate): the matcher runs only when
        #: one pattern has them all, which saves most calls that would find nothing.
        self.patterns: list[_Needs] = []
        #: The most tokens one of its patterns can span: matches lie this close to the gate.
        self.reach = 0
        #: The most tokens a match can have before and after the token that holds the first
        #: gate word: a tighter window than ``reach`` on either side. None when a pattern ends
        #: in an optional token: spaCy's Matcher reports such a match at the end of what it is
        #: given, so the window's end would change the order of the matches.
        self.before: int | None = 0
        self.after: int | None = 0
        #: When the gate is a text: the regex or typo token of each pattern it comes from,
        #: whose matching words are where the matches lie (empty: no window).
        self.gate_tests: list[_TokenTest] | None = None if gate_words else []
        #: Whether a pattern has more than one token of variable length (two gaps, a gap and
        #: an optional word), so that which tokens matched its gap only spaCy's alignments
        #: tell. They double a Matcher call's cost; with at most one such token the
        #: alignment follows from the match's length (:func:`_gap_alignment`).
        self.aligned = False
        #: Whether a pattern tests lemmas (the doc's lemmas must be set before it runs).
        self.lemmas = False

    def add_window(
        self,
        tp: list[TokenPattern],
        gate: tuple[str, frozenset[str]] | None,
        tests: dict[int, _TokenTest],
    ) -> None:
        """Widen :attr:`before`/:attr:`after` for one more pattern (``tests``: its regex and
        typo tokens by place)."""
        self.reach = max(self.reach, _reach(tp))
        if self.before is None or self.after is None:
            return
        at = None
        if gate is not None:
            at = next((k for k, tok in enumerate(tp) if _requirement(tok) == gate), None)
        if self.gate_tests is not None:
            test = tests.get(at) if at is not None else None
            if test is None:
                at = None
            elif test not in self.gate_tests:
                self.gate_tests.append(test)
        if at is None or tp[-1].get("OP"):
            self.before = self.after = None
            return
        self.before = max(self.before, _reach(tp[:at]))
        self.after = max(self.after, _reach(tp[at + 1 :]))


def _requirement(tok: TokenPattern) -> tuple[str, frozenset[str]] | None:
    """The first requirement :func:`_requirements` takes from one token, or None."""
    found = _requirements([tok], set())
    return found[0] if len(found) == 1 else None


class _TokenTest:
    """A regex or typo (FUZZY1) token tested on a word's lower-cased form just as spaCy's
    Matcher tests it, with the answer remembered per word."""

    __slots__ = ("_no", "_strings", "_test", "_yes")

    def __init__(self, strings: Any, test: Callable[[str], bool]) -> None:
        self._strings = strings
        self._test = test
        self._yes: set[int] = set()
        self._no: set[int] = set()

    @classmethod
    def of(cls, strings: Any, tok: TokenPattern) -> _TokenTest | None:
        lower = tok.get("LOWER")
        if tok.get("OP") or not isinstance(lower, dict) or len(tok) != 1 or len(lower) != 1:
            return None
        if "REGEX" in lower:
            search = re.compile(str(lower["REGEX"])).search
            return cls(strings, lambda word: search(word) is not None)
        if "FUZZY1" in lower:
            target = str(lower["FUZZY1"])
            return cls(
                strings, lambda word: word == target or bool(levenshtein_compare(word, target, 1))
            )
        return None

    def passes(self, lower: int) -> bool:
        """Whether the word whose lower-cased form has hash ``lower`` matches the token."""
        if lower in self._yes:
            return True
        if lower in self._no:
            return False
        ok = self._test(self._strings[lower])
        if len(self._yes) + len(self._no) < _LEMMA_CACHE_SIZE:
            (self._yes if ok else self._no).add(lower)
        return ok

    def any_of(self, lowers: set[int]) -> bool:
        """Whether one of the words (hashes of lower-cased forms) matches the token."""
        if not self._yes.isdisjoint(lowers):
            return True
        return any(self.passes(h) for h in lowers.difference(self._no))


class _Compiled:
    """Pattern strings compiled for speed, with what each match key means.

    Gap-free word patterns (most of them) expand into phrases for one ``PhraseMatcher`` over
    NORM: a hash lookup per token. The rest (gaps, optional words, lemmas, regexes, typos) go
    to spaCy ``Matcher``s grouped by their two rarest required words; a doc runs only the
    groups whose words it contains. spaCy's Matcher tests every pattern against every token,
    so one Matcher with hundreds of patterns costs milliseconds per utterance; gated, it costs
    a few dozen microseconds, with the same matches.
    """

    def __init__(self, vocab: Any, stop_words: set[str], *, alignments: bool = True) -> None:
        self.vocab = vocab
        #: Whether a match needs which pattern token each of its tokens matched (spaCy's
        #: alignments, to tell gap words from evidence); without, every token is listed as
        #: matching its own place. Asking spaCy for them doubles a Matcher call's cost.
        self.alignments = alignments
        self.strings = vocab.strings
        self.stop_words = stop_words
        self.meta: dict[int, tuple[str, Any, tuple[bool, ...]]] = {}
        self._phrase_matcher = PhraseMatcher(vocab, attr="NORM")
        self._groups: dict[Gate, _Group] = {}
        #: Groups by the hash of their first required word, so a doc is checked on its arrays.
        self._by_word: dict[int, list[_Group]] = {}
        self._by_sub: list[tuple[frozenset[str], _Group]] = []
        self._always: list[_Group] = []
        #: The keys of ``_by_word``, to intersect with a doc's words in one set operation.
        self._word_keys: frozenset[int] = frozenset()
        #: ``_by_word`` split by each group's second gate word: per first gate word, the groups
        #: without a second one (or whose second requirement is a text), the second gate words
        #: of the others, and those groups by second gate word. A doc picks the groups it has
        #: both gate words of with one set operation per first word it has (``seconds &
        #: words``) instead of a test per group: a common first word ("wonen", "geld") has up
        #: to 17 groups, nearly all of which the doc lacks the second word of.
        self._by_first: dict[int, _FirstWord] = {}
        #: Every text of ``_by_sub`` with the place of its group there.
        self._subs: list[tuple[str, int]] = []
        #: Every compiled pattern as (match key, kind, token pattern), for :class:`Prefilter`.
        self.compiled: list[tuple[str, str, list[TokenPattern]]] = []
        self._tests: dict[str, _TokenTest | None] = {}
        #: Patterns with one gap and no other token of variable length, by match key: (the
        #: gap's place, the pattern's length), to align their matches without spaCy.
        self._one_gap: dict[int, tuple[int, int]] = {}
        #: Equal word lists and their hashes held once (see :meth:`_hashes`).
        self._word_sets: dict[frozenset[str], frozenset[str]] = {}
        self._hash_sets: dict[frozenset[str], frozenset[int]] = {}

    def _group_for(self, reqs: list[tuple[str, frozenset[str]]]) -> _Group:
        gate: Gate = tuple(reqs[:2])
        group = self._groups.get(gate)
        if group is None:
            gate_words = self._hashes(gate[0][1]) if gate and gate[0][0] == "word" else frozenset()
            group = _Group(Matcher(self.vocab, validate=True), self._rest(gate[1:]), gate_words)
            self._groups[gate] = group
            if not gate:
                self._always.append(group)
            elif gate[0][0] == "word":
                second = group.rest[0][0] if group.rest[0] else frozenset()
                for w in gate[0][1]:
                    h = self.strings.add(w)
                    self._by_word.setdefault(h, []).append(group)
                    # Entries are replaced, never changed: :meth:`share_index` shares them.
                    alone, seconds, by_second = self._by_first.get(h) or ((), frozenset(), {})
                    if second:
                        seconds = seconds | second
                        by_second = {**by_second}
                        for h2 in second:
                            by_second[h2] = (*by_second.get(h2, ()), group)
                    else:
                        alone = (*alone, group)
                    self._by_first[h] = (alone, seconds, by_second)
                self._word_keys = frozenset(self._by_word)
            else:
                self._subs.extend((w, len(self._by_sub)) for w in sorted(gate[0][1]))
                self._by_sub.append((gate[0][1], group))
        return group

    def share_index(self) -> None:
        """Hold one copy of each first word's entry in ``_by_first`` (call once every pattern
        is added): the words of one gate's list ("moeder|vader|zus|...") mostly have equal
        entries, thousands of small dicts and lists when each has its own. Saves some MB per
        desk; matching is unchanged."""
        shared: dict[Any, _FirstWord] = {}
        groups: dict[tuple[_Group, ...], tuple[_Group, ...]] = {}
        for h, (alone, seconds, by_second) in self._by_first.items():
            key = (alone, seconds, frozenset(by_second.items()))
            if key not in shared:
                held = {k: groups.setdefault(v, v) for k, v in by_second.items()}
                shared[key] = (groups.setdefault(alone, alone), seconds, held)
            self._by_first[h] = shared[key]

    def _test(self, tok: TokenPattern) -> _TokenTest | None:
        """The shared :class:`_TokenTest` of a regex or typo token (None for other tokens)."""
        lower = tok.get("LOWER")
        if not isinstance(lower, dict) or tok.get("OP"):
            return None
        key = repr(sorted(tok.items()))
        if key not in self._tests:
            self._tests[key] = _TokenTest.of(self.strings, tok)
        return self._tests[key]

    def _rest(self, reqs: list[tuple[str, frozenset[str]]] | Gate) -> _Rest:
        return tuple(
            (self._hashes(words) if kind == "word" else frozenset(), self._shared(words))
            for kind, words in reqs
        )

    def _hashes(self, words: frozenset[str]) -> frozenset[int]:
        """The hashes of ``words``, one frozenset shared by every pattern with that word list
        (a list of 50 relatives' names is in hundreds of patterns)."""
        hashes = self._hash_sets.get(words)
        if hashes is None:
            hashes = self._hash_sets[self._shared(words)] = frozenset(map(self.strings.add, words))
        return hashes

    def _shared(self, words: frozenset[str]) -> frozenset[str]:
        return self._word_sets.setdefault(words, words)

    def add(self, file: Path, entry: str, kind: str, payload: Any, patterns: list[str]) -> None:
        key = f"{kind}:{entry}"
        compiled: list[list[TokenPattern]] = [compile_pattern(p) for p in patterns]
        try:
            for i, tp in enumerate(compiled):
                sub = f"{key}:{i}"
                self.compiled.append((sub, kind, tp))
                self.meta[self.strings.add(sub)] = (kind, payload, tuple(is_gap(t) for t in tp))
                phrases = _phrases(tp)
                if phrases is not None:
                    docs = [Doc(self.vocab, words=list(words)) for words in phrases]
                    self._phrase_matcher.add(sub, docs)
                else:
                    reqs = _requirements(tp, self.stop_words)
                    group = self._group_for(reqs)
                    group.matcher.add(sub, [tp])
                    tests = {k: t for k, tok in enumerate(tp) if (t := self._test(tok))}
                    group.patterns.append(_needs(self._rest(reqs[1:]), tuple(tests.values())))
                    group.add_window(tp, reqs[0] if reqs else None, tests)
                    variable = [k for k, t in enumerate(tp) if t.get("OP")]
                    if self.alignments and len(variable) > 1 and any(map(is_gap, tp)):
                        group.aligned = True
                    elif self.alignments and len(variable) == 1 and is_gap(tp[variable[0]]):
                        self._one_gap[self.strings.add(sub)] = (variable[0], len(tp))
                    group.lemmas = group.lemmas or any("LEMMA" in t for t in tp)
        except (ValueError, KeyError) as exc:
            raise PatternFileError(file, [f"entry {entry!r}: {exc}"]) from exc

    def __call__(self, doc: Doc) -> list[_Match]:
        """Matches as (key, start, end, pattern index of each matched token)."""
        columns: Any = doc.to_array(_GATE_ATTRS).T.tolist() if len(doc) else ([], [])
        norm, lemma = columns
        return self.match(doc, norm, lemma, _lazy_lowered(doc))

    def match(
        self,
        doc: Doc,
        norm: list[int],
        lemma: list[int],
        lowered: Callable[[], str],
        *,
        lower: list[int] | None = None,
        set_lemmas: Callable[[], None] | None = None,
    ) -> list[_Match]:
        """:meth:`__call__` on the doc's NORM and LEMMA columns, already read; ``lowered`` gives
        a text holding every token's lower-cased form (it only decides which groups run, so a
        text holding more, such as the lower-cased utterance, gives the same matches);
        ``lower``: the LOWER column, if at hand; ``set_lemmas``: sets the doc's lemmas, when
        they are not set yet (called before a Matcher that tests them runs)."""
        out: list[_Match] = [
            (m, start, end, list(range(end - start))) for m, start, end in self._phrase_matcher(doc)
        ]
        words: set[int] = set(norm)
        words.update(lemma)
        n = len(doc)
        doc_words = _DocWords(doc, words, lowered, lower)
        meets = doc_words.meets
        # (group, window start, window end), in the order the groups' first gate words occur
        # (a token's norm before its lemma), then the other groups.
        todo: list[tuple[_Group, int, int]] = []
        hit = words & self._word_keys
        if hit:
            by_word = self._by_word
            by_first = self._by_first
            # The groups with both gate words. Their order does not matter: ``ready`` is sorted
            # on where each is first met, and no two groups are first met at the same place.
            candidates: set[_Group] = set()
            for h in hit:
                alone, seconds, by_second = by_first[h]
                if alone:
                    candidates.update(alone)
                for h2 in seconds & words:
                    candidates.update(by_second[h2])
            ready = [(_first_spot(g, norm, lemma, by_word), g) for g in candidates if meets(g)]
            if len(ready) > 1:
                ready.sort(key=lambda r: r[0])
            for (first, _, _), g in ready:
                last = _last_spot(g.gate_words, norm, lemma)
                if g.before is not None and g.after is not None:
                    # spaCy's Matcher walks every token of what it is given in Python; a
                    # window around the gate words holds every possible match.
                    todo.append((g, max(0, first - g.before), min(n, last + g.after + 1)))
                else:
                    todo.append((g, max(0, first - g.reach), min(n, last + g.reach + 1)))
        for g in self._always:
            if meets(g):
                todo.append((g, 0, n))
        if self._subs:
            text = lowered()
            places = sorted({at for w, at in self._subs if w in text})
            for at in places:
                g = self._by_sub[at][1]
                if meets(g):
                    if g.gate_tests and g.before is not None and g.after is not None:
                        # Matches lie around the words that match a pattern's gate token.
                        spots = doc_words.spots(g.gate_tests)
                        start = max(0, spots[0] - g.before)
                        todo.append((g, start, min(n, spots[-1] + g.after + 1)))
                    else:
                        todo.append((g, 0, n))
        meets_in = doc_words.meets_in
        for g, start, end in todo:
            if end - start < n and not meets_in(g, norm, lemma, start, end):
                continue  # what one of its patterns needs is outside the window: no match
            if g.lemmas and set_lemmas is not None:
                set_lemmas()
            # ``Span(doc, start, end)`` is ``doc[start:end]`` without spaCy's Python-level
            # slice normalising (0 <= start < end <= n here).
            span = Span(doc, start, end) if end - start < n else doc
            # ``allow_missing``: the lemmas are set just above when a pattern tests them, so
            # spaCy's check for them (a walk over the whole doc per call) is not needed.
            if g.aligned:
                found: Any = g.matcher(span, with_alignments=True, allow_missing=True)
                out.extend((m, a + start, b + start, al) for m, a, b, al in found)
            else:
                out.extend(self._aligned(g.matcher(span, allow_missing=True), start))
        return out

    def _aligned(self, found: list[tuple[int, int, int]], start: int) -> list[_Match]:
        """Matches found without spaCy's alignments, moved by ``start``, with them: each
        matched token matched its own place, but for a gap's tokens."""
        one_gap = self._one_gap
        out: list[_Match] = []
        for m, a, b in found:
            shape = one_gap.get(m)
            align = list(range(b - a)) if shape is None else _gap_alignment(shape, b - a)
            out.append((m, a + start, b + start, align))
        return out


class _DocWords:
    """What the gates of one doc are tested on: its words (norms and lemmas), its
    lower-cased text and its lower-cased words, the last two read when first needed."""

    __slots__ = ("_doc", "_lower", "_lower_set", "_lowered", "words")

    def __init__(
        self,
        doc: Doc,
        words: set[int],
        lowered: Callable[[], str],
        lower: list[int] | None,
    ) -> None:
        self._doc = doc
        self.words = words
        self._lowered = lowered
        self._lower = lower
        self._lower_set: set[int] | None = None

    def _lowers(self) -> list[int]:
        if self._lower is None:
            self._lower = self._doc.to_array(LOWER).tolist() if len(self._doc) else []
        return self._lower

    def _lower_words(self) -> set[int]:
        if self._lower_set is None:
            self._lower_set = set(self._lowers())
        return self._lower_set

    def meets(self, g: _Group) -> bool:
        """Whether one of the patterns of ``g`` has all its required words (as a norm or
        lemma), texts (in the lower-cased text) and regex or typo tokens (some word matches
        each): without that, its Matcher cannot find anything."""
        words = self.words
        hashes, texts, _ = g.rest
        if hashes and any(map(words.isdisjoint, hashes)):
            return False  # the word every pattern of the group needs
        if texts and not self._has_texts(texts):
            return False
        for hashes, texts, tests in g.patterns:
            if any(map(words.isdisjoint, hashes)):
                continue
            if texts and not self._has_texts(texts):
                continue
            if tests and not all(t.any_of(self._lower_words()) for t in tests):
                continue
            return True
        return False

    def meets_in(self, g: _Group, norm: list[int], lemma: list[int], start: int, end: int) -> bool:
        """:meth:`meets` for the tokens ``start``..``end - 1`` only (a window around the gate
        words, which holds every match): whether one of the patterns of ``g`` has all its
        required words and regex or typo tokens there. Often not, when the doc has them
        elsewhere, and a Matcher call that cannot find anything is skipped. The texts were
        checked on the whole doc by :meth:`meets` (a window's text is not at hand)."""
        words = set(norm[start:end])
        words.update(lemma[start:end])
        hashes = g.rest[0]
        if hashes and any(map(words.isdisjoint, hashes)):
            return False
        lowers: set[int] | None = None
        for hashes, _, tests in g.patterns:
            if any(map(words.isdisjoint, hashes)):
                continue
            if tests:
                if lowers is None:
                    lowers = set(self._lowers()[start:end])
                if not all(t.any_of(lowers) for t in tests):
                    continue
            return True
        return False

    def _has_texts(self, texts: tuple[frozenset[str], ...]) -> bool:
        lowered = self._lowered()
        return all(any(t in lowered for t in forms) for forms in texts)

    def spots(self, tests: list[_TokenTest]) -> list[int]:
        """The tokens whose word matches one of ``tests``."""
        return [i for i, h in enumerate(self._lowers()) if any(t.passes(h) for t in tests)]


def _needs(rest: _Rest, tests: tuple[_TokenTest, ...]) -> _Needs:
    return (
        tuple(hashes for hashes, _ in rest if hashes),
        tuple(texts for hashes, texts in rest if not hashes),
        tests,
    )


#: The groups of one first gate word (see ``_Compiled._by_first``): (groups without a second
#: gate word, the second gate words of the others, those groups by second gate word).
_FirstWord = tuple[tuple[_Group, ...], frozenset[int], dict[int, tuple[_Group, ...]]]


def _gap_alignment(shape: tuple[int, int], length: int) -> list[int]:
    """spaCy's alignment of a match ``length`` tokens long of a pattern with one gap and no
    other token of variable length (``shape``: the gap's place, the pattern's length): every
    other pattern token matches one token, so the gap has the rest and there is one way to
    align. (spaCy numbers the tokens of the pattern as written: a gap is one place.)"""
    at, size = shape
    return [*range(at), *[at] * (length - size + 1), *range(at + 1, size)]


#: One match: (key, start, end, pattern index of each matched token).
_Match = tuple[int, int, int, list[int]]


def _first_spot(
    g: _Group, norm: list[int], lemma: list[int], by_word: dict[int, list[_Group]]
) -> tuple[int, int, int]:
    """Where ``g`` is first met walking the doc's tokens (norm, then lemma) and the groups of
    each word in turn: (token, 0 for the norm or 1 for the lemma, place among the word's
    groups)."""
    words = g.gate_words
    for i, h in enumerate(norm):
        if h in words:
            return i, 0, by_word[h].index(g)
        h_lemma = lemma[i]
        if h_lemma in words:
            return i, 1, by_word[h_lemma].index(g)
    raise AssertionError("a group met by a word has that word")


def _last_spot(words: frozenset[int], norm: list[int], lemma: list[int]) -> int:
    """The last token whose norm or lemma is one of ``words``."""
    for i in range(len(norm) - 1, -1, -1):
        if norm[i] in words or lemma[i] in words:
            return i
    raise AssertionError("a group met by a word has that word")


def _lazy_lowered(doc: Doc) -> Callable[[], str]:
    """``_lowered_words(doc)``, worked out on the first call only."""
    memo: list[str] = []

    def get() -> str:
        if not memo:
            memo.append(_lowered_words(doc))
        return memo[0]

    return get


_Test = tuple[str, frozenset[str]]


def _tests(tp: list[TokenPattern], stop_words: set[str]) -> list[_Test]:
    """Necessary conditions of ``tp`` that a bare tokenised doc can be tested for, rarest
    first: ("norm", words), ("lemma", words) or ("sub", texts).

    Rarest: fewest stop words ("ik", "is", "the" are in nearly every turn), then a word test
    (a hash lookup) before a substring test, then fewest alternatives.
    """
    found: list[tuple[tuple[int, int, int], _Test]] = []
    for tok in tp:
        if tok.get("OP"):
            continue
        for key, kind in (("NORM", "norm"), ("LEMMA", "lemma")):
            spec = tok.get(key)
            words: frozenset[str] | None = None
            if isinstance(spec, str):
                words = frozenset({spec})
            elif isinstance(spec, dict) and "IN" in spec:
                words = frozenset(spec["IN"])
            if words:
                common = sum(1 for w in words if w in stop_words)
                found.append(((common, 0, len(words)), (kind, words)))
        lower = tok.get("LOWER")
        if isinstance(lower, dict) and "FUZZY1" in lower:
            word = str(lower["FUZZY1"])
            if len(word) >= 8:
                found.append(((0, 1, 2), ("sub", frozenset({word[:4], word[-4:]}))))
        elif isinstance(lower, dict) and "REGEX" in lower:
            subs = _regex_substrings(str(lower["REGEX"]))
            if subs:
                found.append(((0, 1, len(subs)), ("sub", subs)))
    found.sort(key=lambda f: f[0])
    return [t for _, t in found]


#: A compiled test: word hashes (NORM, or the lower-cased forms of a lemma), or texts.
_HashTest = tuple[frozenset[int], tuple[str, ...]]


class Prefilter:
    """Can this utterance carry an event or a wish at all? Asked of the bare tokenised doc.

    Built from the compiled pattern data (never a second, hand-kept word list): every event
    and wish pattern becomes the words (or texts) it cannot match without, indexed by its
    rarest one. A doc that meets all of no pattern's conditions is left alone, so the
    lemmatizer, the matchers and ConText never run on it. Exact by construction: a doc that
    could match a pattern always passes (a test compares detection with and without it).
    """

    def __init__(
        self,
        vocab: Any,
        patterns: list[list[TokenPattern]],
        lemmas: Any,
        stop_words: set[str],
    ) -> None:
        strings = vocab.strings
        per_pattern = [_tests(tp, stop_words) for tp in patterns]
        #: A pattern with no testable word: every doc must run.
        self.always = any(not tests for tests in per_pattern)
        forms = _lemma_forms(
            strings, lemmas, {w for ts in per_pattern for k, ws in ts if k == "lemma" for w in ws}
        )

        def compiled(test: _Test) -> _HashTest:
            kind, values = test
            if kind == "norm":
                return frozenset(strings.add(w) for w in values), ()
            if kind == "lemma":
                return frozenset(h for w in values for h in forms[w]), ()
            return frozenset(), tuple(sorted(values, key=len))

        #: Patterns by their rarest word: the further tests each still needs (words, texts).
        self._by_word: dict[int, list[_SplitTests]] = {}
        #: Patterns whose rarest condition is a text ("scheidings", "kanker").
        self._by_sub: list[tuple[tuple[str, ...], _SplitTests]] = []
        for tests in per_pattern:
            if not tests:
                continue
            first, *rest = (compiled(t) for t in tests)
            split = (
                tuple(words for words, _ in rest if words),
                tuple(subs for words, subs in rest if not words),
            )
            if first[0]:
                for h in first[0]:
                    self._by_word.setdefault(h, []).append(split)
            else:
                self._by_sub.append((first[1], split))
        self._word_keys = frozenset(self._by_word)
        #: The words that are enough on their own (a pattern needs nothing else: "overleden",
        #: "pregnant"): a doc with one passes after one set operation, which is most docs that
        #: pass, instead of after testing the patterns of its other words first.
        self._enough = frozenset(h for h, tests in self._by_word.items() if ((), ()) in tests)
        #: Every text of ``_by_sub`` with the place of its pattern there.
        self._subs = [(t, at) for at, (texts, _) in enumerate(self._by_sub) for t in texts]

    def __call__(self, doc: Doc, lowered: str) -> bool:
        """True when ``doc`` (tokenised, nothing else yet) may match; ``lowered`` is its text
        in lower case."""
        if self.always:
            return True
        columns: Any = doc.to_array(_PREFILTER_ATTRS).T.tolist() if len(doc) else ([], [])
        return self.passes(columns[0], columns[1], lowered)

    def passes(self, norm: list[int], lower: list[int], lowered: str) -> bool:
        """:meth:`__call__` on the doc's NORM and LOWER columns, already read."""
        if self.always:
            return True
        hashes: set[int] = set(norm)
        hashes.update(lower)
        if not hashes.isdisjoint(self._enough):
            return True
        by_word = self._by_word
        disjoint = hashes.isdisjoint
        for h in hashes & self._word_keys:
            for words, texts in by_word[h]:
                if any(map(disjoint, words)):
                    continue
                if texts and not all(any(t in lowered for t in forms) for forms in texts):
                    continue
                return True
        for at in {at for t, at in self._subs if t in lowered}:
            words, texts = self._by_sub[at][1]
            if any(map(disjoint, words)):
                continue
            if texts and not all(any(t in lowered for t in forms) for forms in texts):
                continue
            return True
        return False


#: A pattern's further prefilter tests: word hashes (one must occur), texts (one must occur).
_SplitTests = tuple[tuple[frozenset[int], ...], tuple[tuple[str, ...], ...]]


def _words_of(tp: list[TokenPattern]) -> set[str]:
    """The plain words (norms and lemmas) a token pattern names."""
    out: set[str] = set()
    for tok in tp:
        for key in ("NORM", "LEMMA"):
            spec = tok.get(key)
            if isinstance(spec, str):
                out.add(spec)
            elif isinstance(spec, dict):
                for k in ("IN", "NOT_IN"):
                    out.update(spec.get(k, ()))
    return out


def _lemma_forms(strings: Any, table: Any, lemmas: set[str]) -> dict[str, set[int]]:
    """For each lemma, the hashes of the lower-cased words the lemmatizer gives it: the
    table's forms with that lemma, and the lemma itself unless the table maps it elsewhere."""
    if isinstance(table, LemmaTable):
        forms = table.forms_of(lemmas)
    else:
        forms = {w: set() for w in lemmas}
        for key, lemma in table.items():
            if lemma in forms:
                forms[lemma].add(key)
    for w in lemmas:
        if w not in table or table[w] == w:
            forms[w].add(strings.add(w))
    return forms


def _fold(word: str) -> str:
    """Lower case without accents: "financiële" and "financiele" are the same word here."""
    if word.isascii():
        return word
    return "".join(c for c in unicodedata.normalize("NFD", word) if unicodedata.category(c) != "Mn")


def _deletions(word: str) -> set[str]:
    return {word[:i] + word[i + 1 :] for i in range(len(word))}


class Speller:
    """Reads a mistyped event word as the word it was meant to be: "overleeden", "pregant",
    "unemployement", "financiele" (no diaeresis), by giving the token that word as its NORM.

    Only for words the language does not know (not in the lemma table, not a stop word, not a
    word of the pattern files): a real word one letter away from an event word ("decreased" /
    "deceased", "overladen" / "overleden") is a different word, not a typo. One typo (a
    deletion, insertion, substitution or swap of neighbours: SymSpell's deletion index) is
    forgiven only in words of at least :data:`MIN_TYPO_LENGTH` letters that are evidence on
    their own (a one-word event pattern: "overleden", "pregnant"); a word that needs others
    ("verkocht" in "huis verkocht") is too often a different real word ("verzocht"). Missing
    accents are forgiven in every event word ("financiele problemen").
    """

    def __init__(
        self,
        vocab: Any,
        strong_words: set[str],
        event_words: set[str],
        words: set[int],
        table: numpy.ndarray,
    ) -> None:
        """``words``: the hashes of the pattern files' words and the stop words; ``table``: the
        lemma table's words, a sorted array of hashes (a Python set of them cost 27 MB for
        Dutch)."""
        self._strings = vocab.strings
        self._words = frozenset(words)
        self._table = table
        index: dict[str, set[str]] = {}
        for w in event_words | strong_words:
            if w.replace("-", "").isalpha():
                f = _fold(w)
                if f != w or w in strong_words:
                    index.setdefault(f, set()).add(w)
                if w in strong_words and len(w) >= MIN_TYPO_LENGTH:
                    for key in _deletions(f):
                        index.setdefault(key, set()).add(w)
        self._index = index
        self._cache: dict[int, int] = {}
        # Speech-to-text splits a compound it does not know ("over leden", "schuld sanering",
        # "deur waarder") and spells out an acronym ("a o w", "w w"): the first token of the
        # pieces gets the whole word as its NORM when that is an event word. Not when both
        # pieces are words the patterns or the stop words know: the patterns then read them
        # as two words ("eruit gegooid", "food bank", "stil geboren").
        add = vocab.strings.add
        self._joins: dict[tuple[int, int], int] = {}
        for w in event_words:
            if len(w) >= MIN_JOINED_LENGTH and w.isalpha():
                for k in range(MIN_PIECE_LENGTH, len(w) - MIN_PIECE_LENGTH + 1):
                    head, tail = add(w[:k]), add(w[k:])
                    if head not in self._words or tail not in self._words:
                        self._joins[head, tail] = add(w)
        self._heads = frozenset(a for a, _ in self._joins)
        self._letters = frozenset(add(c) for c in "abcdefghijklmnopqrstuvwxyz")
        #: word -> hash; looked up by the letters' string, so a letter run that spells
        #: nothing adds nothing to the StringStore.
        self._acronyms = {
            w: add(w) for w in event_words if 2 <= len(w) <= 5 and w.isalpha() and w.isascii()
        }

    def __call__(self, doc: Doc) -> Doc:
        if doc.user_data.get(_SPELLED):
            return doc
        doc.user_data[_SPELLED] = True
        lowers: Any = doc.to_array([LOWER]).tolist()
        self.correct(doc, lowers, None)
        return doc

    def correct(self, doc: Doc, lowers: list[int], norms: list[int] | None) -> None:
        """Give the mistyped tokens of ``doc`` (its LOWER column: ``lowers``) their event word
        as NORM, in the doc and in ``norms`` (its NORM column) when given."""
        # A set operation (it walks the doc's words, not the known ones), then the cache of
        # words seen before: most turns have no new word.
        cache = self._cache
        words = set(lowers).difference(self._words)
        new = [h for h in words if h not in cache]
        verdicts = dict(zip(new, self._in_table(new), strict=True)) if new else {}
        for h in words:
            fixed = cache.get(h)
            if fixed is None:
                fixed = 0 if verdicts[h] else self._correct(h)
                if len(cache) < _LEMMA_CACHE_SIZE:
                    cache[h] = fixed
            if fixed:
                word = self._strings[fixed]
                for i, lower in enumerate(lowers):
                    if lower == h:
                        doc[i].norm_ = word
                        if norms is not None:
                            norms[i] = fixed
        if not self._heads.isdisjoint(lowers):
            joins = self._joins
            for i in range(len(lowers) - 1):
                whole = joins.get((lowers[i], lowers[i + 1]))
                if whole:
                    self._set_norm(doc, norms, i, whole, i + 2)
        if not self._letters.isdisjoint(lowers):
            self._join_letters(doc, lowers, norms)

    def _join_letters(self, doc: Doc, lowers: list[int], norms: list[int] | None) -> None:
        """A run of single letters that spells an event word ("a o w") reads as that word."""
        letters = self._letters
        i, n = 0, len(lowers)
        while i < n:
            j = i
            while j < n and lowers[j] in letters:
                j += 1
            if j - i >= 2:
                spelled = self._acronyms.get("".join(self._strings[h] for h in lowers[i:j]))
                if spelled:
                    self._set_norm(doc, norms, i, spelled, j)
            i = j + 1

    def _set_norm(self, doc: Doc, norms: list[int] | None, i: int, word: int, stop: int) -> None:
        """Token ``i`` reads as ``word``, which was said as tokens ``i..stop``; evidence that
        ends on token ``i`` reaches to ``stop`` (:data:`JOINED`)."""
        doc[i].norm_ = self._strings[word]
        doc.user_data.setdefault(JOINED, {})[i] = stop
        if norms is not None:
            norms[i] = word

    def _in_table(self, hashes: list[int]) -> list[bool]:
        """Whether each word is one the lemma table knows."""
        table = self._table
        if not len(table):
            return [False] * len(hashes)
        wanted = numpy.asarray(hashes, dtype=numpy.uint64)
        at = numpy.minimum(numpy.searchsorted(table, wanted), len(table) - 1)
        return (table[at] == wanted).tolist()  # type: ignore[no-any-return]

    def _correct(self, lower_hash: int) -> int:
        """The hash of the event word ``lower_hash`` is a typo of, or 0."""
        word = self._strings[lower_hash]
        if len(word) < 3 or not word.replace("-", "").isalpha():
            return 0
        f = _fold(word)
        found: set[str] = set(self._index.get(f, ()))
        if not found and len(word) >= MIN_TYPO_LENGTH:
            for key in _deletions(f) | {f}:
                found.update(self._index.get(key, ()))
        # Two different event words one typo away: no way to tell which was meant.
        return self._strings.add(found.pop()) if len(found) == 1 else 0


def _hashes(table: Any) -> numpy.ndarray:
    """The words a lemma table knows (its forms and its lemmas) as a sorted array of string
    hashes; hashes only: adding 100,000 lemma strings to the StringStore cost 30 MB per desk."""
    if isinstance(table, LemmaTable):
        return table.hashes()
    known = set(table.keys()) | {get_string_id(v) for v in set(table.values())}
    return numpy.array(sorted(known), dtype=numpy.uint64)


#: Shorter words are too often another real word one letter away ("trouwe" / "trouwen").
MIN_TYPO_LENGTH = 7
#: A compound split in two is read whole only when it is this long and each piece has this
#: many letters ("over leden", "uit vaart"; not "be" + "graven").
MIN_JOINED_LENGTH = 8
MIN_PIECE_LENGTH = 3
_SPELLED = "life_events.spelled"


#: NORM for norm tests, LOWER for the forms of a lemma.
_PREFILTER_ATTRS = [NORM, LOWER]


def _lowered_words(doc: Doc) -> str:
    """The doc's distinct lower-cased words, space-separated (cheaper than ``doc.text``)."""
    strings = doc.vocab.strings
    return " ".join(strings[h] for h in set(doc.to_array([LOWER]).tolist()))


def _ensure_extensions() -> None:
    for name, default in (("life_events", None), ("customer_wishes", None), ("correction", False)):
        if not Doc.has_extension(name):
            Doc.set_extension(name, default=default)


def _folder(nlp: Language, data_dir: str) -> Path:
    return (Path(data_dir) if data_dir else DATA_DIR) / str(nlp.lang)


_File = TypeVar("_File", EventsFile, ContextFile)


def _pattern_file(
    nlp: Language, data_dir: str, name: str, model: type[_File]
) -> tuple[Path, _File]:
    """Load one of the pipeline language's pattern files; its ``lang`` must be the pipeline's."""
    path = _folder(nlp, data_dir) / name
    data = load_file(path, model)
    if data.lang != nlp.lang:
        raise PatternFileError(path, [f"lang is {data.lang!r}, pipeline is {nlp.lang!r}"])
    return path, data


def _longest_first(spans: list[Any]) -> list[Any]:
    """Keep the longest of overlapping spans (spaCy's filter_spans, for plain tuples)."""
    if len(spans) < 2:
        return list(spans)
    kept: list[Any] = []
    taken: set[int] = set()
    for s in sorted(spans, key=_length_then_start, reverse=True):
        covered = range(s.start, s.end)
        if taken.isdisjoint(covered):
            kept.append(s)
            taken.update(covered)
    kept.sort(key=_START)
    return kept


def _length_then_start(s: Any) -> tuple[int, int]:
    return s.end - s.start, -s.start


_START = operator.attrgetter("start")


#: Same-type evidence this close together is one event ("diagnose ... kanker", "diagnosed with
#: breast cancer"), not two.
MERGE_GAP = 2


def _merge_close(is_start: Callable[[int], bool], hits: list[EventHit]) -> list[EventHit]:
    merged: list[EventHit] = []
    for hit in hits:
        prev = merged[-1] if merged else None
        if (
            prev is not None
            and hit.start - prev.end <= MERGE_GAP
            and not any(is_start(i) for i in range(prev.end, hit.start + 1))
        ):
            prev.end = max(prev.end, hit.end)
            prev.literal = tuple(sorted({*prev.literal, *hit.literal}))
        else:
            merged.append(hit)
    return merged


class ArraySentencizer:
    """The same sentence starts as spaCy's ``sentencizer``, from the ORTH/IS_PUNCT arrays.

    spaCy's version walks every token as a Python object; here only the few sentence-final
    punctuation tokens are visited, which matters because most utterances are one sentence.
    """

    def __init__(self, nlp: Language) -> None:
        self._punct = frozenset(nlp.vocab.strings.add(c) for c in Sentencizer.default_punct_chars)

    def __call__(self, doc: Doc) -> Doc:
        if len(doc):
            # From the arrays: ``doc.text`` would build a Python Token per word.
            orth, punct = doc.to_array([ORTH, IS_PUNCT]).T.tolist()
            self.apply(doc, orth, punct)
        return doc

    def apply(self, doc: Doc, orth: list[int], punct: list[int]) -> list[int]:
        """Set the sentence starts of a non-empty ``doc`` from its ORTH and IS_PUNCT columns;
        return each token's sentence number."""
        starts, sent_of = self.starts(orth, punct)
        # SENT_START is signed (1 start, -1 not); from_array takes uint64, so -1 wraps.
        column: Any = numpy.full((len(orth), 1), _NOT_START, dtype=numpy.uint64)
        column[0, 0] = 1
        for i in starts:
            column[i, 0] = 1
        doc.from_array([SENT_START], column)
        return sent_of

    def starts(self, orth: list[int], punct: list[int]) -> tuple[list[int], list[int]]:
        """The tokens after the first that start a sentence, and each token's sentence number,
        from a non-empty doc's ORTH and IS_PUNCT columns."""
        n = len(orth)
        starts: list[int] = []
        punct_orths = self._punct
        if punct_orths.isdisjoint(orth):
            return starts, [0] * n
        ender = [o in punct_orths for o in orth]
        i = 0
        for p in [j for j, e in enumerate(ender) if e]:
            if p < i:
                continue
            i = p + 1
            while i < n and (punct[i] or ender[i]):
                i += 1
            if i < n:
                starts.append(i)
        sent_of = [0] * n
        if starts:
            number = 0
            at = 0
            for number, start in enumerate(starts, 1):
                sent_of[at:start] = [number - 1] * (start - at)
                at = start
            sent_of[at:] = [number] * (n - at)
        return starts, sent_of


_NOT_START = numpy.uint64(2**64 - 1)


@Language.factory("array_sentencizer", assigns=["token.is_sent_start"])
def make_array_sentencizer(nlp: Language, name: str) -> ArraySentencizer:
    return ArraySentencizer(nlp)


class LowercaseLookupLemmatizer(Lemmatizer):
    """spaCy's lookup lemmatizer, keyed on the lower-cased form (callers speak in any case).

    Works on the Doc's arrays with a per-word cache of hashes: the same table lookups as
    spaCy's, without creating a Token object per word.
    """

    def lookup_lemmatize(self, token: Token) -> list[str]:
        lower = token.lower_
        return [self._lookup_table.get(lower, lower)]

    def initialize(
        self,
        get_examples: Any = None,
        *,
        nlp: Language | None = None,
        lookups: Any = None,
    ) -> None:
        if lookups is None:
            # The shipped compact table (nlp.lemmas), not spacy-lookups-data's 70 MB dict;
            # spaCy's own initialisation only checks that the table is declared.
            lookups = Lookups()
            lookups.add_table("lemma_lookup")
            self._lookup_table: Any = lemma_table(self.vocab.lang)
        super().initialize(get_examples, nlp=nlp, lookups=lookups)
        if len(self.lookups.get_table("lemma_lookup")):  # a caller's own tables win
            self._lookup_table = self.lookups.get_table("lemma_lookup")
        self._cache: dict[int, int] = {}

    @property
    def lemma_table(self) -> Any:
        """The lookup table: lower-cased form (as a string hash) -> lemma."""
        return self._lookup_table

    def __call__(self, doc: Doc) -> Doc:
        if len(doc):
            lowers: Any = doc.to_array(LOWER).tolist()
            self.apply(doc, lowers)
        return doc

    def apply(self, doc: Doc, lowers: list[int]) -> list[int]:
        """Set the lemmas of a non-empty ``doc`` from its LOWER column; return them."""
        lemmas = self.lemmas(doc, lowers)
        self.write(doc, lemmas)
        return lemmas

    @staticmethod
    def write(doc: Doc, lemmas: list[int]) -> None:
        """Set the lemmas of a non-empty ``doc`` (from :meth:`lemmas`)."""
        column: Any = numpy.asarray(lemmas, dtype=numpy.uint64).reshape(-1, 1)
        doc.from_array([LEMMA], column)

    def lemmas(self, doc: Doc, lowers: list[int]) -> list[int]:
        """The lemma hashes of the words of ``doc`` (its LOWER column), not set in it."""
        cache = self._cache
        lemmas: list[Any] = list(map(cache.get, lowers))
        if None in lemmas:
            strings = doc.vocab.strings
            for i, known in enumerate(lemmas):
                if known is None:
                    h = lowers[i]
                    lower = strings[h]
                    lemma = strings.add(self._lookup_table.get(lower, lower))
                    if len(cache) < _LEMMA_CACHE_SIZE:
                        cache[h] = lemma
                    lemmas[i] = lemma
        return lemmas


#: Distinct words whose lemma hash is remembered; bounds memory on endless, varied input.
_LEMMA_CACHE_SIZE = 200_000


@Language.factory(
    "lowercase_lookup_lemmatizer",
    assigns=["token.lemma"],
    default_config={"overwrite": False},
)
def make_lemmatizer(nlp: Language, name: str, overwrite: bool) -> LowercaseLookupLemmatizer:
    return LowercaseLookupLemmatizer(nlp.vocab, None, name, mode="lookup", overwrite=overwrite)


class LifeEventMatcher:
    """Finds life events and customer wishes; drops look-alikes overlapping a veto pattern."""

    def __init__(self, nlp: Language, data_dir: str) -> None:
        _ensure_extensions()
        path, data = _pattern_file(nlp, data_dir, "events.yaml", EventsFile)
        self._c = _Compiled(nlp.vocab, set(nlp.Defaults.stop_words))
        for e in data.events:
            self._c.add(path, e.id, "event", e.type, e.patterns)
        for v in data.vetoes:
            self._c.add(path, v.id, "veto", frozenset(v.types), v.patterns)
        for w in data.wishes:
            self._c.add(path, w.id, "wish", w.kind, w.patterns)
        self._c.share_index()
        self._vocab = nlp.vocab
        #: Set by ``initialize`` (it needs the lemmatizer's tables); until then every doc runs.
        self.prefilter: Prefilter | None = None
        #: Also set by ``initialize``; runs before the prefilter (see :class:`Speller`).
        self.speller: Speller | None = None

    def initialize(self, get_examples: Any = None, *, nlp: Language | None = None) -> None:
        """Build the :class:`Prefilter` from this component's patterns and the lemma table."""
        lemmas: Any = {}
        for _, component in nlp.pipeline if nlp is not None else ():
            if isinstance(component, LowercaseLookupLemmatizer):
                lemmas = component.lemma_table
        patterns = [tp for _, kind, tp in self._c.compiled if kind in ("event", "wish")]
        self.prefilter = Prefilter(self._vocab, patterns, lemmas, self._c.stop_words)
        strings = self._vocab.strings
        every_word = {w for _, _, tp in self._c.compiled for w in _words_of(tp)}
        words = {strings.add(w) for w in every_word | self._c.stop_words}
        events = [tp for _, kind, tp in self._c.compiled if kind == "event"]
        event_words = {w for tp in events for w in _words_of(tp)}
        strong_words = {w for tp in events if len(tp) == 1 for w in _words_of(tp)}
        self.speller = Speller(self._vocab, strong_words, event_words, words, _hashes(lemmas))

    def __call__(self, doc: Doc) -> Doc:
        if self.speller is not None:
            doc = self.speller(doc)
        columns: Any = doc.to_array(_GATE_ATTRS).T.tolist() if len(doc) else ([], [])
        norm, lemma = columns
        starts: list[bool] = []

        def is_start(i: int) -> bool:
            if not starts:
                starts.extend(f == 1 for f in doc.to_array(SENT_START).tolist())
            return starts[i]

        events, wishes = self.apply(doc, norm, lemma, _lazy_lowered(doc), is_start=is_start)
        doc._.life_events = events
        doc._.customer_wishes = wishes
        return doc

    def look_alikes(self, doc: Doc) -> frozenset[EventType]:
        """The event types a veto pattern matches in ``doc`` (spelled, lemmatised), whether or
        not an event pattern matched too: the rules know those words as a look-alike."""
        meta = self._c.meta
        found: set[EventType] = set()
        for match_id, _, _, _ in self._c(doc):
            kind, payload, _ = meta[match_id]
            if kind == "veto":
                found.update(payload or EventType)
        return frozenset(found)

    def apply(
        self,
        doc: Doc,
        norm: list[int],
        lemma: list[int],
        lowered: Callable[[], str],
        *,
        is_start: Callable[[int], bool],
        lower: list[int] | None = None,
        set_lemmas: Callable[[], None] | None = None,
    ) -> tuple[list[EventHit], list[WishHit]]:
        """Events and wishes of ``doc`` (spelled, sentencised, lemmatised), from its NORM and
        LEMMA columns (and LOWER, if at hand); ``is_start(i)``: token ``i`` starts a
        sentence."""
        events: list[EventHit] = []
        wishes: list[WishHit] = []
        vetoes: list[tuple[int, int, frozenset[EventType]]] = []
        meta = self._c.meta
        for match_id, start, end, align in self._c.match(
            doc, norm, lemma, lowered, lower=lower, set_lemmas=set_lemmas
        ):
            kind, payload, gaps = meta[match_id]
            if kind == "event":
                literal = tuple(start + i for i, a in enumerate(align) if not gaps[a])
                events.append(EventHit(payload, start, end, literal))
            elif kind == "wish":
                wishes.append(WishHit(payload, start, end))
            else:
                vetoes.append((start, end, payload))
        if vetoes:
            events = [
                ev
                for ev in events
                if not any(
                    vs < ev.end and ev.start < ve and (not types or ev.type in types)
                    for vs, ve, types in vetoes
                )
            ]
        if len(events) > 1:
            by_type: dict[EventType, list[EventHit]] = {}
            for ev in events:
                by_type.setdefault(ev.type, []).append(ev)
            events = sorted(
                (
                    ev
                    for group in by_type.values()
                    for ev in _merge_close(is_start, _longest_first(group))
                ),
                key=lambda e: (e.start, e.end),
            )
        return events, _longest_first(wishes) if len(wishes) > 1 else wishes


@Language.factory("life_events", default_config={"data_dir": ""})
def make_life_events(nlp: Language, name: str, data_dir: str) -> LifeEventMatcher:
    return LifeEventMatcher(nlp, data_dir)


class EventContext:
    """ConText for life events: negated, hypothetical, historical, and whose event it is."""

    def __init__(self, nlp: Language, data_dir: str) -> None:
        _ensure_extensions()
        path, data = _pattern_file(nlp, data_dir, "context.yaml", ContextFile)
        # Where a trigger or a person was found is all that counts, not which of its words
        # stood in a gap.
        self._c = _Compiled(nlp.vocab, set(nlp.Defaults.stop_words), alignments=False)
        for t in data.triggers:
            payload = (t.category, t.direction, t.max_scope, frozenset(t.types), t.across_clauses)
            self._c.add(path, t.id, "trigger", payload, t.patterns)
        for p in data.persons:
            self._c.add(path, p.id, "person", p.role, p.patterns)
        if data.terminators:
            self._c.add(path, "terminators", "terminator", None, data.terminators)
        if data.clause_breaks:
            self._c.add(path, "clause_breaks", "terminator", "first", data.clause_breaks)
        if data.present:
            self._c.add(path, "present", "terminator", "present", data.present)
        if data.recent:
            self._c.add(path, "recent", "terminator", "recent", data.recent)
        if data.correction_cues:
            self._c.add(path, "correction_cues", "correction", None, data.correction_cues)
        self._c.share_index()
        self._prepositions = frozenset(data.prepositions)
        self._preposition_hashes = frozenset(nlp.vocab.strings.add(w) for w in self._prepositions)
        self._genitive_hashes = frozenset(nlp.vocab.strings.add(w) for w in data.genitives)
        self._not_genitive_hashes = frozenset(
            nlp.vocab.strings.add(w) for w in data.not_genitive_after
        )
        self._subordinator_hashes = frozenset(nlp.vocab.strings.add(w) for w in data.subordinators)
        self._subject_hashes = frozenset(nlp.vocab.strings.add(w) for w in data.subject_pronouns)
        self._estate_role_hashes = frozenset(nlp.vocab.strings.add(w) for w in data.estate_roles)
        self._stop_hashes = frozenset(nlp.vocab.strings.add(w) for w in nlp.Defaults.stop_words)
        self._comma = nlp.vocab.strings.add(",")
        self._possessive_hashes = frozenset(nlp.vocab.strings.add(w) for w in data.possessives)
        self._adversative_hashes = frozenset(nlp.vocab.strings.add(w) for w in data.adversatives)
        self._customer_roles: dict[EventType, frozenset[Role]] = {
            t: frozenset(r) for t, r in data.customer_roles.items()
        }

    def __call__(self, doc: Doc) -> Doc:
        events: list[EventHit] | None = doc._.life_events
        if not events:
            # Nothing to put in context: skip the matcher (most turns in a call carry no event).
            return doc
        norm, lemma = doc.to_array(_GATE_ATTRS).T.tolist()
        kept, correction = self.apply(
            doc, norm, lemma, _lazy_lowered(doc), sent_of=_sentence_index(doc), events=events
        )
        if correction:
            doc._.correction = True
        doc._.life_events = kept
        return doc

    def _mention(self, norm: list[int], start: int, end: int, role: Role) -> _Mention:
        """A person named at ``start:end``, with what the word before says about it: after a
        preposition it is a place or object ("bij mijn ouders"), after a genitive the owner
        ("van mijn schoonzus"; not "out of my parents' place")."""
        before = norm[start - 1] if start > 0 else None
        prep = before in self._preposition_hashes or (
            before in self._possessive_hashes
            and start > 1
            and norm[start - 2] in self._adversative_hashes
        )
        for_whom = False
        if role in _PERSONS_CARED_FOR and not self._relative_clause_at(norm, end):
            for at in range(start - 1, max(start - 4, 0), -1):
                if norm[at] in self._possessive_hashes:
                    # "for my neighbour", or the object of the customer's verb: "I help my ..."
                    for_whom = norm[at - 1] in self._preposition_hashes or (
                        at > 1 and norm[at - 2] in self._subject_hashes
                    )
                    break
                if norm[at] in self._stop_hashes:
                    break  # not a word that describes the person: "omdat", "and"
        complex_prep = (
            before in self._genitive_hashes
            and start > 1
            and norm[start - 2] in self._not_genitive_hashes
        )
        # "moved out of my parents' place", "because of my husband": a place or a cause
        prep = prep or complex_prep
        of = before in self._genitive_hashes and not complex_prep
        sub = before in self._subordinator_hashes
        owner = end - start == 1 and norm[start] in self._possessive_hashes
        subject = end - start == 1 and norm[start] in self._subject_hashes
        rel = prep and self._relative_clause_at(norm, end)
        return _Mention(start, end, role, prep, of, sub, for_whom, owner, subject, rel)

    def _relative_clause_at(self, norm: list[int], at: int) -> bool:
        """A relative clause starts at ``at`` ("my neighbour, who looks after ..."): the person
        before it is its subject."""
        if at < len(norm) and norm[at] == self._comma:
            at += 1
        return at < len(norm) and norm[at] in self._subordinator_hashes

    def apply(
        self,
        doc: Doc,
        norm: list[int],
        lemma: list[int],
        lowered: Callable[[], str],
        *,
        sent_of: list[int],
        events: list[EventHit],
        lower: list[int] | None = None,
        set_lemmas: Callable[[], None] | None = None,
    ) -> tuple[list[EventHit], bool]:
        """Set the context flags of ``events`` (not empty) in ``doc``, from its NORM and LEMMA
        columns (and LOWER, if at hand) and each token's sentence number; return the events
        that stay, and whether the doc carries a correction cue."""
        triggers: list[_Trigger] = []
        mentions: list[_Mention] = []
        terminators: set[int] = set()
        #: Clause starts: they end a trigger's scope, but a pronoun still looks back over them
        #: ("..., she fled her husband" is about the resident named before).
        breaks: set[int] = set()
        #: Present-time anchors: the only thing that ends a reach across clauses.
        present: set[int] = set()
        #: Recent times (present anchors too): an event right next to one is current.
        recent: set[int] = set()
        cues: list[tuple[int, int]] = []
        meta = self._c.meta
        for match_id, start, end, _ in self._c.match(
            doc, norm, lemma, lowered, lower=lower, set_lemmas=set_lemmas
        ):
            kind, payload, _ = meta[match_id]
            if kind == "trigger":
                triggers.append(_Trigger(start, end, *payload))
            elif kind == "person":
                mentions.append(self._mention(norm, start, end, payload))
            elif kind == "terminator":
                if payload == "first":
                    breaks.add(start)
                elif payload == "present":
                    present.update(range(start, end))
                elif payload == "recent":
                    present.update(range(start, end))
                    recent.update(range(start, end))
                else:
                    terminators.update(range(start, end))
            else:
                cues.append((start, end))
        correction = bool(cues)
        # A trigger for some types only must not hide another type's trigger: with typed
        # triggers about, overlaps are resolved per event type.
        typed = any(t.types for t in triggers)
        resolved = None if typed else _resolve_overlaps(triggers)
        mentions = _longest_first(mentions)
        scope_ends = terminators | breaks if breaks else terminators
        for ev in events:
            applicable = resolved
            if applicable is None:
                applicable = _resolve_overlaps(
                    [t for t in triggers if not t.types or ev.type in t.types]
                )
            applicable = _not_owned(applicable, ev, events)
            household = _flag(
                ev,
                applicable,
                mentions=mentions,
                scope_ends=scope_ends,
                sent_of=sent_of,
                present=present,
                recent=recent,
            )
            if ev.experiencer == "customer":
                role = _governing_role(ev, mentions, terminators, sent_of)
                if role in (Role.NONHUMAN, Role.PUBLIC):
                    ev.dropped = True
                elif role == Role.PROPERTY:
                    ev.dropped = role not in self._customer_roles.get(ev.type, frozenset())
                elif role == Role.OTHER or (
                    role in (Role.PARTNER, Role.FAMILY, Role.CHILD)
                    and role not in self._customer_roles.get(ev.type, frozenset())
                    and not household
                ):
                    ev.experiencer = "other"
        kept = [ev for ev in events if not ev.dropped]
        if self._estate_role_hashes:
            _roles_follow_the_death(kept, norm, self._estate_role_hashes)
        if cues:
            _retract(kept, cues)
        return kept, correction


def _roles_follow_the_death(events: list[EventHit], norm: list[int], roles: frozenset[int]) -> None:
    """An event told only by a role the customer took on (executor, heir) is about the death
    named beside it: "my aunt died and I'm the executor" is someone else's loss."""
    named = any(
        ev.type == EventType.BEREAVEMENT
        and ev.experiencer == "other"
        and not (ev.negated or ev.hypothetical)
        for ev in events
    )
    if not named:
        return
    for ev in events:
        if (
            ev.type == EventType.BEREAVEMENT
            and ev.experiencer == "customer"
            and ev.literal
            and all(norm[i] in roles for i in ev.literal)
        ):
            ev.experiencer = "other"


#: How close a cue must come before the customer's event to take it back ("niet ik ga
#: scheiden, mijn zus gaat scheiden"): one word between at most.
_RETRACT_BEFORE = 2


def _asserted(ev: EventHit) -> bool:
    return not (ev.negated or ev.hypothetical or ev.historical) and ev.experiencer == "customer"


def _retract(events: list[EventHit], cues: list[tuple[int, int]]) -> None:
    """Within one utterance, a correction of who: the customer's event is taken back when the
    same type follows about someone else and a correction cue stands between them ("ik zei dat
    mijn man ontslagen is, ik bedoel dat mijn zwager ontslagen is") or right before the
    customer's event ("niet ik ga scheiden, mijn zus gaat scheiden"). It becomes negated: the
    customer denies it. Across utterances the conversation does the same (nlp/conversation.py)."""
    for later in events:
        if later.experiencer != "other" or later.negated or later.hypothetical:
            continue
        for earlier in events:
            if earlier.type != later.type or earlier.start >= later.start or not _asserted(earlier):
                continue
            if any(
                (earlier.end <= c_start and c_end <= later.start)
                or 0 <= earlier.start - c_end < _RETRACT_BEFORE
                for c_start, c_end in cues
            ):
                earlier.negated = True


@Language.factory("life_event_context", default_config={"data_dir": ""})
def make_life_event_context(nlp: Language, name: str, data_dir: str) -> EventContext:
    return EventContext(nlp, data_dir)


def _resolve_overlaps(triggers: list[_Trigger]) -> list[_Trigger]:
    """Longest trigger wins an overlap; triggers on the very same words all count, unless one
    of them is a pseudo-trigger ("niet alleen"), which silences that stretch."""
    if len(triggers) > 1:
        spans = {(t.start, t.end) for t in _longest_first(triggers)}
        triggers = [t for t in triggers if (t.start, t.end) in spans]
    if any(t.category == Category.PSEUDO for t in triggers):
        silenced = {(t.start, t.end) for t in triggers if t.category == Category.PSEUDO}
        triggers = [t for t in triggers if (t.start, t.end) not in silenced]
    return triggers


def _sentence_index(doc: Doc) -> list[int]:
    out: list[int] = []
    n = -1
    for flag in doc.to_array([SENT_START]).tolist():
        if flag == 1 or n < 0:
            n += 1
        out.append(n)
    return out


def _not_owned(triggers: list[_Trigger], ev: EventHit, events: list[EventHit]) -> list[_Trigger]:
    """``triggers`` without the negations that belong to another event's evidence ("het lukt
    niet meer met de betalingen" does not deny the illness in "... sinds ik ziek ben"). Not
    when that event overlaps ``ev``: "we wonen niet meer samen" still denies living together."""
    owned = {
        i
        for other in events
        if other is not ev and (other.end <= ev.start or ev.end <= other.start)
        for i in (other.literal or (other.start,))
    }
    if not owned:
        return triggers
    return [
        t
        for t in triggers
        if t.category != Category.NEGATED or owned.isdisjoint(range(t.start, t.end))
    ]


def _clear(a: int, b: int, terminators: set[int]) -> bool:
    """No terminator among tokens a..b-1."""
    return terminators.isdisjoint(range(a, b))


def _in_scope(
    t: _Trigger,
    ev: EventHit,
    terminators: set[int],
    sent_of: list[int],
    *,
    present: set[int],
    recent: set[int],
) -> bool:
    lit = ev.literal or (ev.start,)
    if t.end - t.start == 1:
        if t.start in lit:
            return False  # the trigger word is part of the evidence ("ik kom niet rond")
    else:
        in_evidence = [i in lit for i in range(t.start, t.end)]
        if all(in_evidence) or (t.category == Category.NEGATED and any(in_evidence)):
            return False
    if t.category == Category.HISTORICAL and (lit[0] - 1 in recent or lit[-1] + 1 in recent):
        # An event with its own recent time next to it is now, whatever time frame the
        # utterance gives elsewhere: "he was ill for years and died on Monday", "mijn vader is
        # drie weken geleden overleden, hij was al jaren ziek".
        return False
    if t.category == Category.HISTORICAL or t.across_clauses:
        # "..., maar dat is twintig jaar geleden": a time frame reaches back over "maar", not
        # over a present-time anchor ("..., maar nu is zij overleden").
        terminators = present
    if t.direction != Direction.BACKWARD:
        if t.category == Category.HYPOTHETICAL and t.start < lit[0] < t.end:
            # A condition that reaches over its own clause ("als ik ziek word en ik ...") holds
            # what it spans, not only what follows it.
            return True
        after = [i for i in lit if i >= t.end]
        if after:
            target = after[0]
            if (
                target - t.end <= t.max_scope
                and sent_of[target] == sent_of[t.start]
                and _clear(t.end, target, terminators)
            ):
                return True
    if t.direction != Direction.FORWARD:
        before = [i for i in lit if i < t.start]
        if before:
            target = before[-1]
            if (
                t.start - target - 1 <= t.max_scope
                and sent_of[target] == sent_of[t.start]
                and _clear(target + 1, t.start, terminators)
            ):
                return True
    return False


_OUTSIDERS = (Role.OTHER, Role.PUBLIC, Role.NONHUMAN)
#: Whom the customer can look after; not the customer, a pronoun or a thing.
_PERSONS_CARED_FOR = (Role.PARTNER, Role.FAMILY, Role.CHILD, Role.OTHER)


def _flag(
    ev: EventHit,
    triggers: list[_Trigger],
    *,
    mentions: list[_Mention],
    scope_ends: set[int],
    sent_of: list[int],
    present: set[int],
    recent: set[int],
) -> bool:
    """Set the flags of ``ev`` from the triggers in whose scope it lies; return whether a
    household trigger covers it."""
    household = False
    lit = ev.literal or (ev.start,)
    # The evidence says "not" itself ("ik kan de huur niet betalen"): a "not" after it repeats
    # that for emphasis ("..., echt niet") and does not deny the event.
    denied_inside = any(
        t.category == Category.NEGATED and any(t.start <= i < t.end for i in lit) for t in triggers
    )
    for t in triggers:
        if denied_inside and t.category == Category.NEGATED and t.start > lit[-1]:
            continue
        # "me" in the evidence ("hij slaat me") is the customer, whoever else is named;
        # "ik ben werkloos, ... mijn zoon, die alleen woont": the customer said it of
        # themselves, whatever a later clause says of someone else
        if t.category == Category.OTHER and (
            _customer_in_evidence(ev, mentions)
            or (t.across_clauses and _said_of_self(ev, mentions))
        ):
            continue
        if _in_scope(t, ev, scope_ends, sent_of, present=present, recent=recent):
            if t.category == Category.HOUSEHOLD:
                household = True
            elif t.category == Category.NEGATED:
                ev.negated = True
            elif t.category == Category.HYPOTHETICAL:
                ev.hypothetical = True
            elif t.category == Category.HISTORICAL:
                ev.historical = True
            else:
                ev.experiencer = "other"
    return household


def _said_of_self(ev: EventHit, mentions: list[_Mention]) -> bool:
    """The customer is the subject right before the evidence ("ik ben werkloos", "I'm
    unemployed"): the nearest person, at most one word before it, is SELF."""
    near = [m for m in mentions if m.end <= ev.start and ev.start - m.end <= 1]
    return bool(near) and near[-1].role == Role.SELF


def _customer_in_evidence(ev: EventHit, mentions: list[_Mention]) -> bool:
    """The customer is named inside the evidence itself ("slaat me", "left me"). Not the "us"
    of a way to say someone died ("no longer with us", "van ons heengegaan", "taken from
    us"): who died is said before it ("my neighbour ... she is no longer with us")."""
    return any(
        m.role == Role.SELF
        and ev.start <= m.start
        and m.end <= ev.end
        and not ((m.prep or m.of) and ev.type == EventType.BEREAVEMENT)
        for m in mentions
    )


def _governing_role(
    ev: EventHit, mentions: list[_Mention], terminators: set[int], sent_of: list[int]
) -> Role | None:
    """The role of the person the event is about, or None when nothing says (the customer)."""
    if not mentions:
        return None
    sent = sent_of[ev.start]
    if _customer_in_evidence(ev, mentions):
        return None  # the customer is in the evidence itself: "slaat me", "left me"
    for m in mentions:
        if (
            (m.start <= ev.start and ev.end <= m.end)
            # not for care: whom "nursing my father" names is the one cared for
            # (not "ik" or "we": in run-on speech "mijn kat is dood ik wil ..." starts a clause;
            # "fired me" is the customer's)
            or (m.start == ev.end and not m.prep and ev.type != EventType.CARING and not m.subject)
            # "de uitvaart van mijn buurman", "the funeral of my neighbour"
            or (m.of and m.start == ev.end + 1 and ev.type != EventType.CARING)
            # a possessive pronoun right before the evidence owns it: "over hun
            # betalingsregeling", "their arrears" (a preposition before it does not matter);
            # not care: "his carer" is whom the customer cares for
            or (m.role == Role.PRONOUN and m.end == ev.start and ev.type != EventType.CARING)
        ):
            # The event sits inside or right before a person phrase: "mijn zieke moeder",
            # "een zieke vader", "my late husband": that person is whom it is about. A pronoun
            # there is whoever it stands for ("... getting divorced she asked me ...").
            owner = _antecedent(m, mentions) if m.role == Role.PRONOUN else m.role
            return None if owner == Role.SELF else owner
    before = [
        m
        for m in mentions
        # "zorg voor mijn opa die parkinson heeft": the relative clause's event is the person's
        if (not m.prep or (m.rel and ev.type != EventType.CARING))
        # "I cook for my elderly neighbour and help him shower", "being his carer": the carer
        # is the customer
        and not (ev.type == EventType.CARING and (m.for_whom or (m.owner and m.end == ev.start)))
        and m.end <= ev.start
        and sent_of[m.start] == sent
        # "my neighbour from when I lived in Leeds passed away": the customer is the subject
        # of the clause in between, not of the event ("who I look after": the event's own).
        # Care sits inside that clause ("een vader die ik elke dag verzorg"): the carer.
        and not (
            m.sub and m.role == Role.SELF and ev.start - m.end >= 2 and ev.type != EventType.CARING
        )
        and ev.start - m.end <= PERSON_REACH_BEFORE
        and _clear(m.end, ev.start, terminators)
    ]
    role: Role | None = None
    nearest: _Mention | None = None
    if before:
        nearest = before[-1]
        role = nearest.role
        if role in (Role.PARTNER, Role.FAMILY, Role.CHILD):
            # "mijn buurvrouw haar man", "my neighbour's husband": the outsider owns the relative.
            for m in reversed(before[:-1]):
                if m.role == Role.SELF:
                    break
                if m.role in _OUTSIDERS:
                    # a thing owns a relative only right before it ("de hond van de buren"),
                    # not from another clause ("geen idee, mijn vader ...")
                    if m.role == Role.NONHUMAN and nearest.start - m.end > 1:
                        continue
                    role = m.role
                    break
    else:
        after = [
            m
            for m in mentions
            if not m.prep
            and m.start >= ev.end
            # the person named after a birth is the baby: "een kleintje bijgekomen, een jongen"
            and not (ev.type == EventType.NEW_CHILD and m.role == Role.OTHER)
            and sent_of[m.start] == sent
            and m.start - ev.end <= PERSON_REACH_AFTER
            and _clear(ev.end, m.start, terminators)
        ]
        if after:
            nearest = after[0]
            role = nearest.role
    if role == Role.PRONOUN:
        role = _antecedent(nearest, mentions)
    if role == Role.SELF:
        return None
    return role


def _antecedent(pronoun: _Mention | None, mentions: list[_Mention]) -> Role | None:
    """The role of the last person named before a pronoun; None (the customer) if nobody was."""
    if pronoun is None:
        return None
    owned = {m.end for m in mentions if m.role == Role.PRONOUN}
    for m in reversed(mentions):
        if m.end <= pronoun.start and m.role not in (Role.PRONOUN, Role.SELF):
            # "living in his car since his divorce": a thing with an owner is not who "his" is;
            # nor is an account or a card ("about my dads account he died last tuesday")
            if (m.role == Role.NONHUMAN and m.start in owned) or m.role == Role.PROPERTY:
                continue
            return m.role
    return None


#: The columns the fast path reads once per doc.
_FAST_ATTRS = [LOWER, NORM, ORTH, IS_PUNCT]


class FastPath:
    """The whole rule pipeline (speller, prefilter, sentencizer, lemmatizer, matcher, ConText)
    on one doc, with the token columns read once and shared: each ``doc.to_array`` and each
    ``doc._`` lookup costs microseconds, as much as the work itself on a short turn. Gives
    exactly what calling the components one by one gives; :mod:`nlp.detector` uses it when the
    pipeline is the standard one (:meth:`of`)."""

    def __init__(
        self,
        sentencizer: ArraySentencizer,
        lemmatizer: LowercaseLookupLemmatizer,
        matcher: LifeEventMatcher,
        context: EventContext,
    ) -> None:
        assert matcher.prefilter is not None
        assert matcher.speller is not None
        self._sentencizer = sentencizer
        self._lemmatizer = lemmatizer
        self._matcher = matcher
        self._context = context
        self._prefilter = matcher.prefilter
        self._speller = matcher.speller

    @classmethod
    def of(cls, nlp: Language) -> FastPath | None:
        """The fast path for ``nlp`` if its components are exactly the standard ones, else None."""
        procs = [proc for _, proc in nlp.pipeline]
        if len(procs) != 4:
            return None
        sentencizer, lemmatizer, matcher, context = procs
        if not (
            type(sentencizer) is ArraySentencizer
            and type(lemmatizer) is LowercaseLookupLemmatizer
            and type(matcher) is LifeEventMatcher
            and type(context) is EventContext
            and matcher.prefilter is not None
            and matcher.speller is not None
        ):
            return None
        return cls(sentencizer, lemmatizer, matcher, context)

    def __call__(
        self, doc: Doc, text: str, lowered: str, prefilter: bool = True
    ) -> tuple[list[EventHit], list[WishHit], bool] | None:
        """Events, wishes and whether there is a correction cue in ``doc`` (just tokenised from
        ``text``; ``lowered`` is ``text.lower()``), or None when the prefilter (if asked for)
        says it cannot carry any."""
        n = len(doc)
        lower, norm, orth, punct = doc.to_array(_FAST_ATTRS).T.tolist() if n else ([],) * 4
        self._speller.correct(doc, lower, norm)
        if prefilter and not self._prefilter.passes(norm, lower, lowered):
            return None
        if not n:
            return [], [], False
        # Only the starts: spaCy's Matcher (the one reader of the doc's sentence starts here)
        # tests ``sent_start == 1``, and the first token has it already.
        starts, sent_of = self._sentencizer.starts(orth, punct)
        for i in starts:
            doc[i].is_sent_start = True
        lemma = self._lemmatizer.lemmas(doc, lower)
        # Set in the doc only when a Matcher that tests lemmas runs (the gates and the phrase
        # matcher read the list).
        lemmas_set: list[bool] = []

        def set_lemmas() -> None:
            if not lemmas_set:
                lemmas_set.append(True)
                self._lemmatizer.write(doc, lemma)

        # The lower-cased text holds every token's lower-cased form (Python lower-cases
        # character by character, but for the Greek final sigma).
        if "Σ" in text:
            words = _lazy_lowered(doc)
        else:

            def words() -> str:
                return lowered

        events, wishes = self._matcher.apply(
            doc,
            norm,
            lemma,
            words,
            is_start=lambda i: i == 0 or sent_of[i] != sent_of[i - 1],
            lower=lower,
            set_lemmas=set_lemmas,
        )
        correction = False
        if events:
            events, correction = self._context.apply(
                doc,
                norm,
                lemma,
                words,
                sent_of=sent_of,
                events=events,
                lower=lower,
                set_lemmas=set_lemmas,
            )
        return events, wishes, correction
