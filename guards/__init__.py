"""The ethics guard: pure judgement of next-best-action suggestions.

(conversation state, suggestion, rule set) -> decision with reasons. No UI. The public
types live in :mod:`guards.types`.
"""
