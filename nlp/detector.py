"""The detector: text in, life events and customer wishes out, Dutch or English.

Pipelines are built lazily, once per language, and reused (spaCy blank pipeline, a sentencizer,
lookup lemmatizer, then :mod:`nlp.components`). Building one takes about a second: callers with a
UI build it in a worker thread (``get_detector().warm_up()``) and never on the UI thread.
``detect``/``detect_many`` are safe to call from several threads.

Bad input never raises: empty or binary text gives an empty result, text beyond
:data:`MAX_CHARS` is not looked at (``Detection.truncated`` says so).
"""

from __future__ import annotations

import operator
import threading
import unicodedata
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, Field

from nlp import options
from nlp.langid import identify, other_language
from nlp.tokenizer import JOINED
from nlp.types import CustomerWish, EventType, Lang, LifeEvent
from nlp.veto import MODELS_DIR as VETO_MODELS_DIR
from nlp.veto import Veto

if TYPE_CHECKING:
    # spaCy is imported when the first pipeline is built, not when this module is: importing it
    # costs about a second, and the call screen must show before that (the pipelines warm up in
    # a worker thread).
    from spacy.language import Language
    from spacy.tokens import Doc

    from nlp.components import EventHit, FastPath, LifeEventMatcher, WishHit
    from nlp.model import LifeEventModel

MAX_CHARS = 20_000
LANGS: tuple[Lang, ...] = ("nl", "en")
#: Whether a Detector uses the trained model (:mod:`nlp.model`) unless told otherwise; decided by
#: the cross-validation in :mod:`nlp.train_model` (see docs/quality.md).
USE_MODEL = False
#: Share of control/unprintable characters above which text is treated as binary junk.
_JUNK_SHARE = 0.2

__all__ = ["LANGS", "MAX_CHARS", "Detection", "Detector", "build_pipeline", "get_detector"]


class Detection(BaseModel):
    """What one utterance says: life events with context, and the customer's wishes."""

    model_config = ConfigDict(frozen=True)

    lang: Lang
    # A factory, not ``= []``: pydantic deep-copies a mutable default for every instance,
    # which cost more than the rest of building an empty Detection.
    events: list[LifeEvent] = Field(default_factory=list)
    wishes: list[CustomerWish] = Field(default_factory=list)
    #: True when the text was longer than MAX_CHARS: only its start was read.
    truncated: bool = False
    #: The utterance carries a correction cue ("nee, ik bedoel ...", "no, it's my sister").
    correction: bool = False
    #: Asserted events the classifier's second opinion (:mod:`nlp.veto`) judged look-alikes: not in
    #: ``events``, kept here so a screen or a log can still say what the rules heard.
    set_aside: list[LifeEvent] = Field(default_factory=list)

    @property
    def asserted(self) -> list[LifeEvent]:
        return [e for e in self.events if e.asserted]


def _is_junk(text: str) -> bool:
    if "\x00" in text:
        return True
    sample = text[:2_000]
    if sample.isprintable() and "\ufffd" not in sample:
        return False  # the usual case, checked in C
    bad = sum(
        1
        for ch in sample
        if ch == "\ufffd" or (unicodedata.category(ch) in ("Cc", "Cs", "Co") and ch not in "\t\n\r")
    )
    return bad > _JUNK_SHARE * len(sample)


def closed(text: str) -> str:
    """The text the pipeline reads: an utterance is a whole turn, so one that ends on a word (as
    speech-to-text lines do) gets a full stop after it. Patterns that need a mark after their
    words ("we're struggling" + "," or ".") then hear the same words at the end of an
    unpunctuated line. Only appended: every offset into ``text`` stays the same."""
    end = len(text.rstrip())
    return text + " ." if end and text[end - 1].isalnum() else text


def _clean(text: str) -> tuple[str, bool]:
    truncated = len(text) > MAX_CHARS
    return (text[:MAX_CHARS] if truncated else text), truncated


class Detector:
    """Life-event detection for Dutch and English; one reusable pipeline per language."""

    def __init__(
        self,
        data_dir: Path | None = None,
        *,
        prefilter: bool = True,
        model: bool | Path = USE_MODEL,
        veto: bool | Path | None = None,
    ) -> None:
        self._data_dir = str(data_dir) if data_dir else ""
        #: Skip the pipeline for utterances that contain no pattern's anchor word (same results,
        #: several times faster on ordinary call turns); off only to check exactly that.
        self.prefilter = prefilter
        #: The trained second opinion (:mod:`nlp.model`): True for the shipped model, a folder
        #: for another one, False for the rules alone.
        self._model = "" if model is False else ("shipped" if model is True else str(model))
        self._pipelines: dict[str, Language] = {}
        self._lock = threading.Lock()
        #: The classifier veto (:mod:`nlp.veto`): None follows ``nlp.options``, True uses the
        #: shipped models, a folder holding ``veto-<lang>/`` others, False the rules alone.
        if veto is None:
            veto = options.veto_enabled()
        self._veto_dir: Path | None = (
            None if veto is False else (VETO_MODELS_DIR if veto is True else Path(veto))
        )
        self._vetoes: dict[str, Veto | None] = {}

    def pipeline(self, lang: Lang) -> Language:
        """The spaCy pipeline for ``lang``, built on first use (about a second)."""
        nlp_ = self._pipelines.get(lang)
        if nlp_ is None:
            with self._lock:
                nlp_ = self._pipelines.get(lang)
                if nlp_ is None:
                    nlp_ = build_pipeline(lang, self._data_dir, model=self._model)
                    self._pipelines[lang] = nlp_
        return nlp_

    def warm_up(self, langs: Iterable[Lang] = LANGS) -> None:
        """Build the pipelines now (call it from a worker thread, not the UI thread)."""
        for lang in langs:
            self.pipeline(lang).make_doc("warm up")
            self._veto(lang)

    def _veto(self, lang: Lang) -> Veto | None:
        """The language's classifier veto, loaded on first use; None when off or not shipped."""
        if self._veto_dir is None:
            return None
        if lang not in self._vetoes:
            with self._lock:
                if lang not in self._vetoes:
                    self._vetoes[lang] = Veto.load(self._veto_dir / f"veto-{lang}")
        return self._vetoes[lang]

    def _apply_veto(
        self, lang: Lang, texts: list[str], found: list[Detection], docs: list[Doc]
    ) -> list[Detection]:
        """The classifier's second opinion (:mod:`nlp.veto`): per type, set aside the rules'
        asserted look-alikes and add what the rules did not hear. ``docs``: the rules' Doc of
        each text, which the classifier reads too."""
        veto = self._veto(lang)
        if veto is None or not found:
            return found
        out = []
        matcher = _matcher(self.pipeline(lang))

        def look_alikes(text: str) -> frozenset[EventType]:
            # Only for a type the classifier would add: a handful of sentences, not every turn.
            return matcher.look_alikes(self.pipeline(lang)(text)) if matcher else frozenset()

        reviewed = veto.review(texts, [d.events for d in found], look_alikes, docs)
        for ruled, (events, aside) in zip(found, reviewed, strict=True):
            changed = events != ruled.events or aside
            out.append(
                ruled.model_copy(update={"events": events, "set_aside": aside})
                if changed
                else ruled
            )
        return out

    def language_of(self, text: str, lang: str | None = None) -> Lang:
        if lang in LANGS:
            return lang
        return identify(text)

    def detect(self, text: str, lang: str | None = None) -> Detection:
        """Events and wishes in one utterance. ``lang`` (nl/en) wins over identification."""
        return self.detect_many([text], lang)[0]

    def detect_many(self, texts: Iterable[str], lang: str | None = None) -> list[Detection]:
        """Batch detection (``nlp.pipe`` per language); results in input order.

        Without ``lang``, a text clearly in another language (German, Turkish, Arabic script...)
        gets an empty result: Dutch patterns would only hear look-alikes in it. A caller's
        ``lang`` always wins (a call's language, set by the agent)."""
        items = [t if isinstance(t, str) else "" for t in texts]
        results: list[Detection | None] = [None] * len(items)
        groups: dict[Lang, list[tuple[int, str, bool]]] = {}
        #: Each text's Doc (the classifier reads the rules' tokens: no second tokenizing).
        doc_of: dict[int, Doc] = {}
        for i, raw in enumerate(items):
            text, truncated = _clean(raw)
            chosen = self.language_of(text, lang)
            if (
                not text.strip()
                or _is_junk(text)
                or (lang not in LANGS and other_language(text) is not None)
            ):
                results[i] = Detection(lang=chosen, truncated=truncated)
            else:
                groups.setdefault(chosen, []).append((i, text, truncated))
        for chosen, group in groups.items():
            pipe = self.pipeline(chosen)
            make_doc = _chunk_cache(pipe).make_doc
            fast = _fast_path(pipe)
            if fast is not None:
                for i, text, truncated in group:
                    read = closed(text)
                    doc = doc_of[i] = make_doc(read)
                    found = fast(doc, read, read.lower(), self.prefilter)
                    if found is None:
                        results[i] = Detection(lang=chosen, truncated=truncated)
                    else:
                        results[i] = _detection(found, doc, text, chosen, truncated)
                continue
            matcher = _matcher(pipe)
            model = _model_component(pipe)
            # The model listens for wording no pattern knows, so every utterance must reach it.
            use_prefilter = self.prefilter and model is None
            prefilter = matcher.prefilter if matcher is not None and use_prefilter else None
            speller = matcher.speller if matcher is not None else None
            todo: list[tuple[int, str, bool, Doc]] = []
            for i, text, truncated in group:
                read = closed(text)
                doc = doc_of[i] = make_doc(read)
                if speller is not None:
                    doc = speller(doc)  # first: a mistyped event word must pass the prefilter
                if prefilter is None or prefilter(doc, read.lower()):
                    todo.append((i, text, truncated, doc))
                else:
                    results[i] = Detection(lang=chosen, truncated=truncated)
            # The components are called directly: ``Language.pipe`` chains one generator per
            # component, which costs as much as the life-event matcher itself on short turns.
            components = [proc for _, proc in pipe.pipeline]
            if model is None:
                for i, text, truncated, bare in todo:
                    doc = bare
                    for proc in components:
                        doc = proc(doc)
                    results[i] = _to_detection(doc, text, chosen, truncated)
            else:
                # Same order, one component at a time over the batch: the model is much cheaper
                # per Doc on a batch than on one Doc at a time.
                docs = [bare for _, _, _, bare in todo]
                for proc in components:
                    docs = model.pipe_docs(docs) if proc is model else [proc(d) for d in docs]
                for (i, text, truncated, _), doc in zip(todo, docs, strict=True):
                    results[i] = _to_detection(doc, text, chosen, truncated)
        if self._veto_dir is not None:
            for chosen, group in groups.items():
                idx = [i for i, _, _ in group]
                vetted = self._apply_veto(
                    chosen,
                    [t for _, t, _ in group],
                    [results[i] for i in idx],  # type: ignore[misc]
                    [doc_of[i] for i in idx],
                )
                for i, d in zip(idx, vetted, strict=True):
                    results[i] = d
        return [r for r in results if r is not None]


def build_pipeline(lang: Lang, data_dir: str = "", *, model: str = "") -> Language:
    """A blank spaCy pipeline with sentencizer, lookup lemmatizer and the life-event components.

    ``model``: "" for the rules alone, "shipped" for ``nlp/models/<lang>``, or a model folder;
    the trained model then sits between the rule matcher and ConText (:mod:`nlp.model`).
    """
    if lang not in LANGS:
        raise ValueError(f"unsupported language {lang!r}; expected one of {', '.join(LANGS)}")
    from nlp import components  # noqa: F401 - registers the spaCy factories
    from nlp.tokenizer import spoken_blank

    pipe = spoken_blank(lang)
    pipe.add_pipe("array_sentencizer")
    pipe.add_pipe("lowercase_lookup_lemmatizer")
    pipe.add_pipe("life_events", config={"data_dir": data_dir})
    if model:
        from nlp import model as _model  # noqa: F401 - registers the model's factory

        path = "" if model == "shipped" else model
        pipe.add_pipe("life_event_model", config={"path": path})
    pipe.add_pipe("life_event_context", config={"data_dir": data_dir})
    pipe.initialize()
    return pipe


def _matcher(pipe: Language) -> LifeEventMatcher | None:
    from nlp.components import LifeEventMatcher

    matcher = pipe.get_pipe("life_events")
    return matcher if isinstance(matcher, LifeEventMatcher) else None


def _model_component(pipe: Language) -> LifeEventModel | None:
    if "life_event_model" not in pipe.pipe_names:
        return None
    from nlp.model import LifeEventModel

    component = pipe.get_pipe("life_event_model")
    return component if isinstance(component, LifeEventModel) else None


def _fast_path(pipe: Language) -> FastPath | None:
    """The pipeline's :class:`nlp.components.FastPath` (None unless its components are the
    standard ones), made once per set of components and kept with the pipeline."""
    procs = tuple(proc for _, proc in pipe.pipeline)
    kept: tuple[tuple[object, ...], FastPath | None] | None = getattr(
        pipe, "_life_events_fast", None
    )
    if kept is not None and len(kept[0]) == len(procs) and all(map(operator.is_, kept[0], procs)):
        return kept[1]
    from nlp.components import FastPath

    fast = FastPath.of(pipe)
    pipe._life_events_fast = (procs, fast)  # type: ignore[attr-defined]
    return fast


class _ChunkCache:
    """``make_doc`` with spaCy's tokenizer cache kept warm: the same Docs, made faster.

    The tokenizer splits a text on whitespace and remembers how it tokenised each chunk, except
    the chunks after a special case (English "I'm", "don't", "it's") in the same text: a flag
    for the whole text stops the caching from there on, so in English most chunks went through
    the prefix, suffix and infix regexes every time. Tokenising a chunk on its own the first
    time it is seen caches it as the tokenizer itself would have (its cache is what it uses
    for that chunk anywhere; a chunk holding a special case is not cached either way), so the
    result never depends on this, only the speed.
    """

    __slots__ = ("_limit", "_make_doc", "_seen", "_tokenizer")

    def __init__(self, pipe: Language) -> None:
        self._make_doc = pipe.make_doc
        self._tokenizer: Any = pipe.tokenizer
        #: Chunks tokenised alone once; bounded like the tokenizer's cache (which then stops
        #: caching anyway).
        self._seen: set[str] = set()
        self._limit = int(getattr(self._tokenizer, "max_cache_size", 10_000))

    @property
    def tokenizer(self) -> Any:
        """The tokenizer whose cache this keeps warm."""
        return self._tokenizer

    def make_doc(self, text: str) -> Doc:
        chunks = text.split()
        seen = self._seen
        if not seen.issuperset(chunks) and len(seen) < self._limit:
            tokenize = self._tokenizer
            for chunk in chunks:
                if chunk not in seen:
                    seen.add(chunk)
                    tokenize(chunk)
        return self._make_doc(text)


def _chunk_cache(pipe: Language) -> _ChunkCache:
    """The pipeline's :class:`_ChunkCache`, made on first use (and when the pipeline got
    another tokenizer) and kept with the pipeline."""
    kept: _ChunkCache | None = getattr(pipe, "_life_events_chunks", None)
    if kept is None or kept.tokenizer is not pipe.tokenizer:
        kept = _ChunkCache(pipe)
        pipe._life_events_chunks = kept  # type: ignore[attr-defined]
    return kept


def _to_detection(doc: Doc, text: str, lang: Lang, truncated: bool) -> Detection:
    return _detection(
        (doc._.life_events or [], doc._.customer_wishes or [], bool(doc._.correction)),
        doc,
        text,
        lang,
        truncated,
    )


def _offsets(doc: Doc, first: int, stop: int, text: str) -> tuple[int, int]:
    """Character offsets into ``text`` of tokens ``first..stop``; the full stop :func:`closed`
    appended is not part of the text, so evidence never reaches past its end. Evidence that
    ends on a word said in pieces ("over leden", "a o w") takes all of them."""
    joined = doc.user_data.get(JOINED)
    if joined:
        stop = joined.get(stop - 1, stop)
    last = doc[stop - 1]
    end = min(last.idx + len(last.text), len(text.rstrip()))
    return doc[first].idx, end


def _detection(
    found: tuple[list[EventHit], list[WishHit], bool],
    doc: Doc,
    text: str,
    lang: Lang,
    truncated: bool,
) -> Detection:
    hits, wish_hits, correction = found
    events = []
    for hit in hits:
        start, end = _offsets(doc, hit.start, hit.end, text)
        events.append(
            LifeEvent(
                type=hit.type,
                text=text[start:end],
                start=start,
                end=end,
                negated=hit.negated,
                hypothetical=hit.hypothetical,
                experiencer=hit.experiencer,
                historical=hit.historical,
            )
        )
    wishes = []
    for w in wish_hits:
        start, end = _offsets(doc, w.start, w.end, text)
        wishes.append(CustomerWish(kind=w.kind, text=text[start:end], start=start, end=end))
    return Detection(
        lang=lang,
        events=events,
        wishes=wishes,
        truncated=truncated,
        correction=correction,
    )


_detector: Detector | None = None
_detector_lock = threading.Lock()


def reset_detector() -> None:
    """Forget the shared detector: the next :func:`get_detector` builds one with the current
    :mod:`nlp.options`."""
    global _detector  # noqa: PLW0603 - the shared instance, see get_detector
    with _detector_lock:
        _detector = None


def get_detector() -> Detector:
    """The process-wide detector (pipelines still build lazily; see ``Detector.warm_up``)."""
    global _detector  # noqa: PLW0603 - one shared, lazily created instance is the point
    if _detector is None:
        with _detector_lock:
            if _detector is None:
                _detector = Detector()
    return _detector
