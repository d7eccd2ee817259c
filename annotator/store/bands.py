"""Near-duplicate documents, as storage: word 5-shingles, a MinHash signature of 160
values by one-permutation hashing (each shingle hashed once into one of 160 bins, empty
bins filled from the next full one) banded for locality-sensitive hashing (20 bands of
8) in ``document_bands``. Two texts with Jaccard similarity 0.8 share a band with
probability 0.975 (0.85: 0.998), two at 0.3 with 0.0013, so articles that share a
sentence or two with thousands of others (wire copy, boilerplate) do not flood the
comparison. Candidates are confirmed with the exact Jaccard of their shingles (at most 50
per new document, most shared bands first) and flagged at 0.8 and above, on import.

Texts are shingled and signed 500 at a time with whole-array numpy work (no Python loop
per word or per permutation): that is what keeps the check a small part of an import."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from functools import lru_cache
from itertools import groupby
from operator import itemgetter
from typing import TYPE_CHECKING

import numpy as np
import orjson

from annotator.store import queries
from annotator.store.bulk import small_cache
from annotator.text.words import WORDS

if TYPE_CHECKING:
    from annotator.store.lean import Database

_PIECE = 250_000
"""Code points shingled in one array at most (a longer text is cut at a space)."""
_SPACE = re.compile(r"\s")
SHINGLE = 5


BANDS = 20
ROWS = 8


BINS = BANDS * ROWS
SCHEME = f"oph-{BINS}x{BANDS}x{ROWS}-shingle{SHINGLE}-key31"
"""Stored with the bands (project value ``near_duplicate_scheme``): bands made another way
are rebuilt before they are compared."""


NEAR_DUPLICATE = 0.8
MAX_CANDIDATES = 50
"""Exact comparisons per new document at most, most shared bands first."""


# All hashing is uint64 arithmetic, which numpy wraps modulo 2^64 by itself. A word's hash
# is the polynomial sum of its code points times powers of _BASE, read off prefix sums of
# the whole array (multiplying by powers of _INVERSE moves a word back to position 0).
_BASE = np.uint64(0x9E3779B97F4A7C15)  # odd, so it has an inverse modulo 2^64
_INVERSE = np.uint64(pow(0x9E3779B97F4A7C15, -1, 2**64))
_ROLL = np.uint64(1_000_003)
_EMPTY = np.iinfo(np.uint64).max
_STEP = np.uint64(0x2545F4914F6CDD1D)  # added per bin a filled bin lies from its source


def _mix(values: np.ndarray, seed: int) -> np.ndarray:
    """splitmix64's finaliser of ``values + seed``: every input bit moves every output bit."""
    x = values + np.uint64(seed)
    x ^= x >> np.uint64(30)
    x *= np.uint64(0xBF58476D1CE4E5B9)
    x ^= x >> np.uint64(27)
    x *= np.uint64(0x94D049BB133111EB)
    x ^= x >> np.uint64(31)
    return x


@lru_cache(maxsize=1)
def _word_characters() -> np.ndarray:
    """For each code point of the Basic Multilingual Plane, whether ``\\w`` matches it."""
    everything = "".join(map(chr, range(0x10000))).replace("\x00", " ")
    table = np.zeros(0x10000, dtype=bool)
    for match in WORDS.finditer(everything):
        table[match.start() : match.end()] = True
    return table


def _is_word(points: np.ndarray) -> np.ndarray:
    if len(points) == 0 or points.max() <= 0xFFFF:
        return _word_characters()[points]
    high = points > 0xFFFF
    word = _word_characters()[np.where(high, 0, points)]
    for place in np.flatnonzero(high):  # beyond the table (rare): ask the regex
        word[place] = WORDS.match(chr(points[place])) is not None
    return word


def _compute_powers(count: int) -> tuple[np.ndarray, np.ndarray]:
    """``_BASE^(j+1)`` and ``_INVERSE^(j+1)`` for j below ``count`` (the common factor
    ``_BASE`` cancels against ``_INVERSE``)."""
    powers = np.full(count, _BASE, dtype=np.uint64)
    np.cumprod(powers, out=powers)
    inverses = np.full(count, _INVERSE, dtype=np.uint64)
    np.cumprod(inverses, out=inverses)
    return powers, inverses


@lru_cache(maxsize=1)
def _power_table() -> tuple[np.ndarray, np.ndarray]:
    return _compute_powers(2 * _PIECE + 1)


def _powers(count: int) -> tuple[np.ndarray, np.ndarray]:
    """The powers for an array of ``count`` code points: a slice of the table kept for
    ``_PIECE``-sized arrays, or made for a longer one (a text without spaces)."""
    powers, inverses = _power_table()
    if count > len(powers):
        return _compute_powers(count)
    return powers[:count], inverses[:count]


def _pieces(texts: Sequence[str]) -> Iterator[tuple[int, str]]:
    """``(text index, piece)`` of the case-folded texts, each piece at most ``_PIECE``
    code points unless no space allows a cut (a cut at a space never splits a word)."""
    for index, text in enumerate(texts):
        folded, start = text.casefold(), 0
        while start < len(folded):
            space = _SPACE.search(folded, min(start + _PIECE, len(folded)))
            end = space.start() if space else len(folded)
            yield index, folded[start:end]
            start = end + 1


def _batches(texts: Sequence[str]) -> Iterator[tuple[list[str], list[int]]]:
    """The pieces of the texts (with the index of the text of each) gathered into arrays
    of at most ``_PIECE`` code points (a longer piece alone)."""
    pieces: list[str] = []
    owners: list[int] = []
    size = 0
    for index, piece in _pieces(texts):
        if pieces and size + len(piece) > _PIECE:
            yield pieces, owners
            pieces, owners, size = [], [], 0
        pieces.append(piece)
        owners.append(index)
        size += len(piece) + 1
    if pieces:
        yield pieces, owners


def _hash_words(pieces: list[str], owners: list[int]) -> tuple[np.ndarray, np.ndarray]:
    """The hash of every word of the pieces, in order, and the owner of each word."""
    joined = "\x00".join(pieces)  # NUL is no word character: words never join
    points = np.frombuffer(joined.encode("utf-32-le"), dtype=np.uint32)
    edges = np.diff(_is_word(points).view(np.int8), prepend=0, append=0)
    starts, ends = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)
    powers, inverses = _powers(len(points))
    sums = np.zeros(len(points) + 1, dtype=np.uint64)
    np.cumsum(points.astype(np.uint64) * powers, out=sums[1:])
    words = _mix((sums[ends] - sums[starts]) * inverses[starts], seed=1)
    piece_starts = np.cumsum([0] + [len(p) + 1 for p in pieces[:-1]])
    owner = np.asarray(owners, dtype=np.int64)[np.searchsorted(piece_starts, starts, "right") - 1]
    return words, owner


def shingle_many(texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """The word 5-shingle hashes of each text (case-folded words; a text of fewer than five
    words has its words instead), text after text, with ``len(texts) + 1`` offsets: text
    ``i`` has ``hashes[bounds[i]:bounds[i + 1]]`` (repeats kept: a signature ignores them)."""
    parts = [_hash_words(pieces, owners) for pieces, owners in _batches(texts)]
    words = np.concatenate([w for w, _ in parts]) if parts else np.zeros(0, dtype=np.uint64)
    owner = np.concatenate([o for _, o in parts]) if parts else np.zeros(0, dtype=np.int64)
    counts = np.bincount(owner, minlength=len(texts))
    last = len(words) - SHINGLE + 1
    mixed = np.zeros(max(last, 0), dtype=np.uint64)
    for k in range(SHINGLE):  # a rolling polynomial of five word hashes
        mixed = mixed * _ROLL + words[k : k + len(mixed)]
    whole = owner[: len(mixed)] == owner[SHINGLE - 1 : SHINGLE - 1 + len(mixed)]
    short = counts[owner] < SHINGLE
    hashes = np.concatenate([mixed[whole], words[short]])
    order = np.argsort(np.concatenate([owner[: len(mixed)][whole], owner[short]]), kind="stable")
    sizes = np.where(counts < SHINGLE, counts, np.maximum(counts - SHINGLE + 1, 0))
    return hashes[order], np.concatenate([[0], np.cumsum(sizes)])


def shingles(text: str) -> np.ndarray:
    """The distinct word 5-shingle hashes of one text (see :func:`shingle_many`)."""
    hashes, _ = shingle_many([text])
    return np.unique(hashes)


def signatures(hashes: np.ndarray, bounds: np.ndarray) -> np.ndarray:
    """One MinHash signature (``BINS`` values) per text of :func:`shingle_many`'s output,
    by one-permutation hashing: each shingle is hashed once, its top bits choose a bin,
    each bin keeps its smallest hash; an empty bin takes the next full bin's value (to
    the right, wrapping) plus ``_STEP`` per bin between them, so two texts agree on a bin
    with probability their Jaccard similarity. A text without shingles gets zeros."""
    count = len(bounds) - 1
    owner = np.repeat(np.arange(count), np.diff(bounds))
    mixed = _mix(hashes, seed=2)
    bins = ((mixed >> np.uint64(32)) * np.uint64(BINS)) >> np.uint64(32)
    signature = np.full(count * BINS, _EMPTY, dtype=np.uint64)
    np.minimum.at(signature, owner * BINS + bins.astype(np.int64), mixed)
    signature = signature.reshape(count, BINS)
    twice = np.concatenate([signature, signature], axis=1)
    columns = np.arange(2 * BINS)
    full_at = np.where(twice != _EMPTY, columns, 2 * BINS - 1)
    source = np.minimum.accumulate(full_at[:, ::-1], axis=1)[:, ::-1][:, :BINS]
    filled = np.take_along_axis(twice, source, axis=1)
    filled += (source - columns[:BINS]).astype(np.uint64) * _STEP
    filled[np.diff(bounds) == 0] = 0
    return filled


def band_keys(signature_rows: np.ndarray) -> np.ndarray:
    """``BANDS`` keys per signature (a row each), as 31-bit integers. Band ``b`` holds
    bins ``b, b + BANDS, b + 2·BANDS …``: bins filled from one neighbour lie in different
    bands, so a sparse text's bands stay independent. 31 bits keep the band rows small
    (SQLite stores them in 4 bytes, not 8): two unrelated texts share a key by chance
    once in two billion, and such a pair is only compared exactly, never flagged."""
    rows = signature_rows.reshape(len(signature_rows), ROWS, BANDS)
    key = np.zeros((len(signature_rows), BANDS), dtype=np.uint64)
    for r in range(ROWS):
        key = key * _ROLL + rows[:, r, :]
    return (_mix(key, seed=3) >> np.uint64(33)).astype(np.int64)


def stored_bands(db: Database, document_ids: list[int]) -> dict[int, tuple[int, ...]]:
    """The band keys (one per band, in band order) stored for each of ``document_ids``
    that has them, if they were made by this :data:`SCHEME` (else none: they would be
    made again)."""
    if queries.project_value(db, "near_duplicate_scheme") != SCHEME:
        return {}
    sql = "SELECT document_id, keys FROM document_band_keys WHERE document_id IN ({})"
    rows = db.execute(sql.format(",".join("?" * len(document_ids))), document_ids)
    return {d: tuple(orjson.loads(keys)) for d, keys in rows}


def jaccard(a: np.ndarray | frozenset[int], b: np.ndarray | frozenset[int]) -> float:
    """Exact Jaccard similarity of two shingle sets."""
    if len(a) == 0 and len(b) == 0:
        return 1.0
    if not isinstance(a, frozenset):
        a = frozenset(a.tolist())
    if not isinstance(b, frozenset):
        b = frozenset(b.tolist())
    common = len(a & b)  # set intersection beats np.intersect1d at a few hundred shingles
    return common / (len(a) + len(b) - common)


def flag_near_duplicates(db: Database, first_new: int) -> list[tuple[int, int, float]]:
    """Band the documents an import created (every document from ``first_new`` up) that
    have no band keys yet (a merge may have copied theirs, the import's helper made
    them), write the band rows of all of them, and flag each that is almost an earlier
    one; returns ``(new, other, similarity)``. Call inside the import's transaction.

    Keys are made 500 documents at a time; the band rows of every new document are
    written by one statement in key order (:func:`_write_band_rows`), and the candidates
    of every new document come from one query that walks the new rows in key order
    (:func:`_candidates`), so memory stays flat in the number of documents; the texts of
    candidate pairs are read again for the exact comparison, through a small cache."""
    first_unindexed = first_new
    if queries.project_value(db, "near_duplicate_scheme") != SCHEME:
        _rebuild_bands(db, first_new)
        first_unindexed = 0
    ids = queries.documents_without_bands(db, first_new)  # (too short to band: again)
    for i in range(0, len(ids), 500):
        _band(db, ids[i : i + 500])
    _write_band_rows(db, first_unindexed)

    @lru_cache(maxsize=1024)
    def stored_set(document_id: int) -> frozenset[int]:
        sql = "SELECT text FROM document_texts WHERE document_id = ?"
        return frozenset(shingles(db.execute(sql, [document_id]).fetchone()[0]).tolist())

    found = []
    for document_id, candidates in _candidates(db, first_new):
        mine = stored_set(document_id)
        for other in candidates:
            similarity = jaccard(mine, stored_set(other))
            if similarity >= NEAR_DUPLICATE:
                found.append((document_id, other, similarity))
    db.conn.executemany("INSERT OR REPLACE INTO near_duplicates VALUES (?, ?, ?)", found)
    return found


def insert_bands(db: Database, keys_of: Iterable[tuple[int, Sequence[int]]]) -> None:
    """Store the band keys of documents, ``(document_id, keys)`` pairs with :data:`BANDS`
    keys each, for documents that have none stored (their ``document_band_keys`` rows;
    :func:`flag_near_duplicates` writes the band rows of all of an import's documents
    at once).

    :raises sqlite3.IntegrityError: a document already has keys, or does not exist."""
    db.conn.executemany(
        "INSERT INTO document_band_keys VALUES (?, ?)",
        ((document_id, orjson.dumps(list(keys)).decode()) for document_id, keys in keys_of),
    )


def _write_band_rows(db: Database, first: int) -> None:
    """The ``document_bands`` rows of every document from ``first`` up (which have none
    yet), from their keys, in one statement in key order: one walk through the primary
    key (a batch at a time, each batch's rows would land all over it, more of it as
    it grows: twice the time at 100,000 documents)."""
    with small_cache(db):
        db.execute(
            """INSERT INTO document_bands
               SELECT j.key, j.value, k.document_id
               FROM document_band_keys k, json_each(k.keys) j
               WHERE k.document_id >= ? ORDER BY 1, 2, 3""",
            [first],
        )


def _band(db: Database, document_ids: list[int]) -> None:
    """Store the bands of these documents (at most 500)."""
    if not document_ids:
        return
    sql = "SELECT document_id, text FROM document_texts WHERE document_id IN ({})"
    ids, texts = [], []
    for document_id, text in db.execute(
        sql.format(",".join("?" * len(document_ids))), document_ids
    ):
        ids.append(document_id)
        texts.append(text)
    found = text_band_keys(texts)
    insert_bands(db, [(ids[i], keys) for i, keys in enumerate(found) if keys is not None])


def text_band_keys(texts: Sequence[str]) -> list[list[int] | None]:
    """The :data:`BANDS` keys of each text as :func:`flag_near_duplicates` would store
    them (``None`` for a text with too few shingles to band), for a process that has the
    texts but not the database (an import's helper)."""
    hashes, bounds = shingle_many(texts)
    enough = np.flatnonzero(np.diff(bounds) >= 3)  # fewer shingles say nothing
    keys = band_keys(signatures(hashes, bounds)[enough])
    found: list[list[int] | None] = [None] * len(texts)
    for row, index in enumerate(enough.tolist()):
        found[index] = keys[row].tolist()
    return found


def _rebuild_bands(db: Database, first_new: int) -> None:
    """Bands stored by another scheme (or none): band again every document stored before
    the import (ids below ``first_new``, the lowest id it created: new ids are always
    higher); their band rows are written with the new documents'. The import's own
    documents were banded by this scheme (by a copy from a project that uses it, or by
    the import's helper) or are banded next."""
    db.execute("DELETE FROM document_bands WHERE document_id < ?", [first_new])  # all at once
    db.execute("DELETE FROM document_band_keys WHERE document_id < ?", [first_new])
    sql = "SELECT id FROM documents WHERE id < ? ORDER BY id"
    others = [row[0] for row in db.execute(sql, [first_new])]
    for i in range(0, len(others), 500):
        _band(db, others[i : i + 500])
    db.execute(
        "INSERT OR REPLACE INTO project (key, value) VALUES ('near_duplicate_scheme', ?)",
        [SCHEME],
    )


def _candidates(db: Database, first_new: int) -> Iterator[tuple[int, list[int]]]:
    """For each document from ``first_new`` up (an import's), the earlier documents that
    share a band with it, most shared bands first, at most ``MAX_CANDIDATES``.

    One query: the new documents' band rows, in key order (:func:`_new_bands`), are
    joined to the table's primary key, so its pages are read in order instead of at
    random (three times faster than 500 documents a query at 100,000 documents); pairs
    come out grouped by new document and are read as they come."""
    rows = db.execute(
        f"""WITH mine AS MATERIALIZED ({_new_bands(db, first_new)})
            SELECT mine, other FROM (
                SELECT mine.document_id AS mine, other.document_id AS other,
                       row_number() OVER (
                           PARTITION BY mine.document_id
                           ORDER BY count(*) DESC, other.document_id) AS rank
                FROM mine
                JOIN document_bands other
                  ON other.band = mine.band AND other.hash = mine.hash
                 AND other.document_id < mine.document_id
                GROUP BY mine.document_id, other.document_id)
            WHERE rank <= {MAX_CANDIDATES} ORDER BY mine, rank""",
        [first_new],
    )
    for mine, pairs in groupby(rows, key=itemgetter(0)):
        yield mine, [other for _, other in pairs]


def _new_bands(db: Database, first_new: int) -> str:
    """The query of the ``(band, hash, document_id)`` rows of the documents from
    ``first_new`` up, in key order. The band rows have no index by document: when the
    new documents' ids are a quarter of the project's or more, the table is read whole
    in its own order (no sort); else their keys rows, a range of their primary key, are
    unpacked and sorted (a scan would cost a one-article import 70 ms at 100,000
    documents, the sort 1 s more to an import of all of them)."""
    last = db.execute("SELECT coalesce(max(document_id), 0) FROM document_band_keys").fetchone()[0]
    if (last - first_new + 1) * 4 >= last:
        return "SELECT band, hash, document_id FROM document_bands WHERE document_id >= ?"
    return """SELECT j.key AS band, j.value AS hash, k.document_id
              FROM document_band_keys k, json_each(k.keys) j
              WHERE k.document_id >= ? ORDER BY band, hash"""
