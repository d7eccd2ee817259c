"""Annotator: offline desktop annotation of news articles.

The package is split the Anki way: a headless library (``core``, ``store``, ``nlp``,
``formats``, ``quality``, ``factcheck``) under a thin Qt front end (``gui``). Nothing
outside ``gui`` imports Qt.
"""

__version__ = "0.1.0"
