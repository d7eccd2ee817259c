"""Users' files, read and written safely: encodings (``encoding``), what may be read or
replaced (``safety``), and outputs that appear whole or not at all (``output``)."""
