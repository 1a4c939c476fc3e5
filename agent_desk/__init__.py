"""agent-desk: the product around the NLP layer and the ethics guard.

Textual app (screens, widgets), CLI, conversation feeds, next-best-action sources,
settings and persistence. May import :mod:`guards` and :mod:`nlp`; they never import it.
"""

__version__ = "0.1.0"
