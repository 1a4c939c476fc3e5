"""Life-event detection for Dutch and English customer speech.

Pure: text in, life events out. Depends on spaCy only; no UI, no database, no network.
The public types live in :mod:`nlp.types`.
"""
