"""Conversation feeds: every source of utterances behind one small interface (:class:`Feed`)."""
