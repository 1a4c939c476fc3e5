"""The shipped compact lemma tables: the same entries as spacy-lookups-data, a fraction of the
memory. If spacy-lookups-data is upgraded, this fails until ``python -m nlp.lemmas`` is run."""

from __future__ import annotations

import pytest

from nlp.lemmas import LANGS, from_lookups_data, lemma_table


@pytest.mark.parametrize("lang", LANGS)
def test_shipped_table_matches_spacy_lookups_data(lang: str) -> None:
    shipped, reference = lemma_table(lang), from_lookups_data(lang)
    assert len(shipped) == len(reference) > 10_000
    assert dict(shipped.items()) == dict(reference.items()), "run: python -m nlp.lemmas"


def test_lookup_by_form_or_hash_like_spacy_tables() -> None:
    nl = lemma_table("nl")
    assert nl.get("overleed") == "overlijden"
    assert nl["liep"] == "lopen"
    assert "liep" in nl
    assert "qqqxyz" not in nl
    assert nl.get("qqqxyz", "qqqxyz") == "qqqxyz"
    key = next(iter(nl.items()))[0]
    assert nl.get(key) is not None  # a string hash works as a key, as in spaCy's Table
    with pytest.raises(KeyError):
        nl["qqqxyz"]


def test_forms_of_a_lemma_and_every_known_word_without_unpacking_the_table() -> None:
    from spacy.strings import get_string_id

    nl = lemma_table("nl")
    forms = nl.forms_of({"overlijden", "lopen", "qqqxyz"})
    assert get_string_id("overleed") in forms["overlijden"]
    for lemma in ("overlijden", "lopen"):  # the same as reading every entry
        assert forms[lemma] == {key for key, value in nl.items() if value == lemma}
    assert forms["qqqxyz"] == set()
    known = nl.hashes()
    assert bool((known[:-1] < known[1:]).all())  # sorted, each once
    for word in ("overleed", "overlijden", "liep", "lopen"):
        assert get_string_id(word) in set(known.tolist())
    assert get_string_id("qqqxyz") not in set(known.tolist())
