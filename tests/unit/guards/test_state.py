"""Building the session state from a conversation through the real NLP tracker."""

from __future__ import annotations

from guards.state import SessionBuilder, asks_something, state_from_conversation
from nlp.types import EventType, Utterance


def _turns(*pairs: tuple[str, str]) -> list[Utterance]:
    return [Utterance(id=f"u{i + 1}", speaker=s, text=t) for i, (s, t) in enumerate(pairs)]


def test_only_the_customers_own_current_events_are_current() -> None:
    st = state_from_conversation(
        _turns(
            ("agent", "Gecondoleerd met het overlijden van uw moeder."),
            ("customer", "Nee hoor, het is mijn zus die gaat scheiden, wij niet."),
        ),
        lang="nl",
    )
    assert EventType.BEREAVEMENT not in st.view.mentioned  # agent speech never counts
    assert EventType.SEPARATION in st.view.mentioned
    assert st.view.current == frozenset()
    assert st.lang == "nl"


def test_wishes_are_recorded_with_the_utterance_they_were_heard_in() -> None:
    st = state_from_conversation(
        _turns(("customer", "I'm moving next month. I don't want any offers, thanks.")),
        lang="en",
        customer={"opted_out_of_offers": True},
    )
    assert [(w.kind, w.utterance_id) for w in st.wishes] == [("no_offers", "u1")]
    assert st.opted_out_of_offers is True


def test_a_final_replaces_what_its_partial_said() -> None:
    builder = SessionBuilder(lang="en")
    builder.observe(
        Utterance(id="u1", speaker="customer", text="I don't want any offers", final=False)
    )
    builder.observe(Utterance(id="u1", speaker="customer", text="I don't want to wait long"))
    st = builder.state()
    assert st.wishes == ()
    assert st.utterance_count == 1


def test_question_open_heuristic() -> None:
    assert asks_something("Kunt u mijn pas blokkeren")
    assert asks_something("What happens with my mortgage if I lose my job?")
    assert not asks_something("Dank u wel, dat scheelt me een hoop.")
    builder = SessionBuilder(lang="nl")
    builder.observe(Utterance(id="u1", speaker="customer", text="Hoe werkt dat met sparen?"))
    assert builder.state().customer_question_open is True
    builder.observe(Utterance(id="u2", speaker="agent", text="Dat leg ik u uit."))
    assert builder.state().customer_question_open is False
    assert builder.state(customer_question_open=True).customer_question_open is True


def test_the_state_keeps_no_transcript_text() -> None:
    secret = "Mijn rekeningnummer is NL91ABNA0417164300 en ik woon op de Kerkstraat."
    st = state_from_conversation(_turns(("customer", secret)), lang="nl")
    assert "NL91ABNA0417164300" not in st.model_dump_json()
