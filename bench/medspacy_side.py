"""The medspaCy side of ``bench_medspacy``: runs inside medspaCy's own virtualenv, not ours.

medspaCy 1.3.1 pins spaCy < 3.8 on Python 3.11, so it cannot share the project's environment.
This script imports nothing from the project. It reads one JSON document on stdin:

``rules``
    our English event patterns, vetoes, ConText triggers, terminators and person words, already
    compiled to spaCy ``Matcher`` token patterns by ``nlp.patterns`` (so both sides match the
    same words);
``texts``
    the utterances to label;
``bench_texts``, ``latency_texts``
    the speed inputs.

It builds ``spacy.blank("en")`` + sentencizer + a lower-cased lookup lemmatizer (the same table
as ours, from spacy-lookups-data) + medspaCy's ``TargetMatcher`` + a veto filter + medspaCy's
``ConText``. It writes one JSON document on stdout: the events per text with medspaCy's flags,
and the timings (tokenizer alone and the whole pipeline on the same input).
"""

from __future__ import annotations

import json
import sys
import time
from typing import Any

import medspacy  # registers medspaCy's factories (and gives its version)
import spacy
from medspacy.context import ConTextRule
from medspacy.target_matcher import TargetRule
from spacy.language import Language
from spacy.matcher import Matcher
from spacy.tokens import Doc

#: Our context categories -> medspaCy's default categories (and thus its default span
#: attributes: is_negated, is_hypothetical, is_historical, is_family). medspaCy's experiencer
#: category is FAMILY; ours is "someone other than the customer's household".
CATEGORY = {
    "negated": "NEGATED_EXISTENCE",
    "hypothetical": "HYPOTHETICAL",
    "historical": "HISTORICAL",
    "other": "FAMILY",
}


def lower_lookup_lemmas() -> Any:
    """Our lemmatizer's behaviour: spaCy's lookup table, keyed on the lower-cased word."""
    table = spacy.lookups.load_lookups("en", ["lemma_lookup"]).get_table("lemma_lookup")

    def lemmatize(doc: Doc) -> Doc:
        for tok in doc:
            low = tok.lower_
            tok.lemma_ = table.get(low, low)
        return doc

    return lemmatize


class VetoFilter:
    """Drops a target that overlaps a look-alike match (the same rule as ours)."""

    def __init__(self, nlp: Language, vetoes: list[dict[str, Any]]) -> None:
        self.matcher = Matcher(nlp.vocab)
        self.types: dict[str, set[str]] = {}
        for v in vetoes:
            self.matcher.add(v["id"], v["patterns"])
            self.types[v["id"]] = set(v["types"])

    def __call__(self, doc: Doc) -> Doc:
        spans = [(s, e, doc.vocab.strings[m]) for m, s, e in self.matcher(doc)]
        if spans:
            doc.ents = [
                ent
                for ent in doc.ents
                if not any(
                    s < ent.end
                    and ent.start < e
                    and (not self.types[v] or ent.label_ in self.types[v])
                    for s, e, v in spans
                )
            ]
        return doc


def build(rules: dict[str, Any]) -> Language:
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    Language.component("lower_lookup_lemmas", func=lower_lookup_lemmas())
    nlp.add_pipe("lower_lookup_lemmas")
    targets = nlp.add_pipe("medspacy_target_matcher")
    targets.add(
        [
            TargetRule(literal=f"{ev['id']}#{i}", category=ev["type"], pattern=p)
            for ev in rules["events"]
            for i, p in enumerate(ev["patterns"])
        ]
    )
    veto = VetoFilter(nlp, rules["vetoes"])
    Language.component("veto_filter", func=veto)
    nlp.add_pipe("veto_filter")
    context = nlp.add_pipe("medspacy_context", config={"rules": None})
    context_rules = []
    for trig in rules["triggers"]:
        if trig["category"] not in CATEGORY and trig["category"] != "pseudo":
            # ("household", since round 12: the relative lives with the customer, so the event
            # is the household's. medspaCy has no category that takes FAMILY back.)
            continue
        pseudo = trig["category"] == "pseudo"
        for i, p in enumerate(trig["patterns"]):
            context_rules.append(
                ConTextRule(
                    literal=f"{trig['id']}#{i}",
                    category="PSEUDO" if pseudo else CATEGORY[trig["category"]],
                    pattern=p,
                    direction="PSEUDO" if pseudo else trig["direction"].upper(),
                    max_scope=None if pseudo else trig["max_scope"],
                )
            )
    for i, p in enumerate(rules["terminators"]):
        context_rules.append(
            ConTextRule(
                literal=f"terminate#{i}", category="TERMINATE", pattern=p, direction="TERMINATE"
            )
        )
    # Person words: someone else's situation, except for the event types where that person
    # belongs to the customer's household (a partner's job loss, a parent's death).
    for person in rules["persons"]:
        role = person["role"]
        if role in ("self", "pronoun"):
            continue  # medspaCy has no antecedents; "self" is the default experiencer
        own = {t for t, roles in rules["customer_roles"].items() if role in roles}
        for i, p in enumerate(person["patterns"]):
            context_rules.append(
                ConTextRule(
                    literal=f"{person['id']}#{i}",
                    category="FAMILY",
                    pattern=p,
                    direction="FORWARD",
                    excluded_types=own or None,
                )
            )
    context.add(context_rules)
    return nlp


def events(doc: Doc) -> list[dict[str, Any]]:
    return [
        {
            "type": ent.label_,
            "start": ent.start_char,
            "end": ent.end_char,
            "negated": bool(ent._.is_negated),
            "hypothetical": bool(ent._.is_hypothetical),
            "historical": bool(ent._.is_historical),
            "experiencer": "other" if ent._.is_family else "customer",
        }
        for ent in doc.ents
    ]


def _timed_pipe(fn: Any, texts: list[str]) -> float:
    t0 = time.perf_counter()
    for _ in fn(texts):
        pass
    return time.perf_counter() - t0


def main() -> None:
    job = json.load(sys.stdin)
    nlp = build(job["rules"])
    out: dict[str, Any] = {
        "medspacy": medspacy.__version__,
        "spacy": spacy.__version__,
        "context_rules": len(nlp.get_pipe("medspacy_context").rules),
        "target_rules": len(nlp.get_pipe("medspacy_target_matcher").rules),
    }
    out["predictions"] = [events(doc) for doc in nlp.pipe(job["texts"])]
    bench = job["bench_texts"]
    list(nlp.pipe(bench[:200]))  # warm up
    out["tokenizer_s"] = min(_timed_pipe(nlp.tokenizer.pipe, bench) for _ in range(3))
    out["pipeline_s"] = min(_timed_pipe(nlp.pipe, bench) for _ in range(3))
    # Where medspaCy's time goes: each component over the same docs, in pipeline order.
    docs = [nlp.make_doc(t) for t in bench]
    out["component_s"] = {}
    for name, proc in nlp.pipeline:
        t0 = time.perf_counter()
        docs = [proc(d) for d in docs]
        out["component_s"][name] = time.perf_counter() - t0
    latencies = []
    for text in job["latency_texts"]:
        t0 = time.perf_counter_ns()
        nlp(text)
        latencies.append(time.perf_counter_ns() - t0)
    out["latencies_ns"] = sorted(latencies)
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
