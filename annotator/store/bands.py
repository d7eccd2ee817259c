"""Near-duplicate documents, as storage: word 5-shingles, MinHash signatures (160
permutations) banded for locality-sensitive hashing (20 bands of 8) in
``document_bands``. Two texts with Jaccard similarity 0.8 share a band with probability
0.975 (0.85: 0.998), two at 0.3 with 0.0013, so articles that share a sentence or two
with thousands of others (wire copy, boilerplate) do not flood the comparison.
Candidates are confirmed with the exact Jaccard of their shingles (at most 50 per new
document, most shared bands first) and flagged at 0.8 and above, on import."""

from __future__ import annotations

import re
import zlib
from collections import defaultdict
from collections.abc import Iterator
from functools import lru_cache

import numpy as np
from sqlite_utils import Database

from annotator.store import queries

_PIECE = 1_000_000
_SPACE = re.compile(r"\s")
WORDS = re.compile(r"\w+", re.UNICODE)
SHINGLE = 5


BANDS = 20
ROWS = 8


PERMUTATIONS = BANDS * ROWS
SCHEME = f"minhash-ms-{PERMUTATIONS}x{BANDS}x{ROWS}-shingle{SHINGLE}"
"""Stored with the bands (project value ``near_duplicate_scheme``): bands made another way
are rebuilt before they are compared."""


NEAR_DUPLICATE = 0.8
MAX_CANDIDATES = 50
"""Exact comparisons per new document at most, most shared bands first."""


ESTIMATE_FLOOR = 0.6
"""Below this MinHash estimate a pair is not compared exactly (4 standard errors under 0.8)."""
_rng = np.random.default_rng(20241008)  # fixed: signatures are stored and compared later


# Multiply-shift hashing: (a·x + b) mod 2^64, top 32 bits, a odd. numpy's uint64
# arithmetic wraps mod 2^64 by itself, so a permutation costs a multiply, an add, a shift.
_A = _rng.integers(0, 2**63, PERMUTATIONS, dtype=np.uint64) * np.uint64(2) + np.uint64(1)
_B = _rng.integers(0, 2**63, PERMUTATIONS, dtype=np.uint64)


_SHIFT = np.uint64(32)


def _word_hashes(folded: str) -> np.ndarray:
    """CRC-32 of each word, a million characters at a time (cut at a space), so a 20 MB
    article never holds millions of word strings at once."""
    parts, start = [], 0
    while start < len(folded):
        space = _SPACE.search(folded, min(start + _PIECE, len(folded)))
        end = space.start() if space else len(folded)
        words = WORDS.findall(folded, start, end)
        parts.append(np.array([zlib.crc32(w.encode("utf-8")) for w in words], dtype=np.uint64))
        start = end + 1
    return np.concatenate(parts) if parts else np.zeros(0, dtype=np.uint64)


def shingles(text: str) -> np.ndarray:
    """Hashes of the word 5-shingles of a text (case-folded words)."""
    words = _word_hashes(text.casefold())
    if len(words) < SHINGLE:
        return words
    mixed = np.zeros(len(words) - SHINGLE + 1, dtype=np.uint64)
    for k in range(SHINGLE):  # a rolling polynomial of the word hashes, mod 2^64
        mixed = mixed * np.uint64(1_000_003) + words[k : len(words) - SHINGLE + 1 + k]
    return np.unique(mixed)


def minhash(hashes: np.ndarray, block: int = 65_536) -> np.ndarray:
    """The MinHash signature (``PERMUTATIONS`` values) of a set of shingle hashes.

    Works through the hashes a block at a time, so a 20 MB article needs a few tens of
    megabytes, not ``PERMUTATIONS`` times its shingles."""
    signature = np.full(PERMUTATIONS, np.iinfo(np.uint64).max, dtype=np.uint64)
    if len(hashes) == 0:
        return np.zeros(PERMUTATIONS, dtype=np.uint64)
    for first in range(0, len(hashes), block):
        part = hashes[first : first + block]
        values = np.multiply.outer(_A, part)  # in place from here: no temporaries
        values += _B[:, None]
        values >>= _SHIFT
        np.minimum(signature, values.min(axis=1), out=signature)
    return signature


def stored_bands(db: Database, document_ids: list[int]) -> dict[int, tuple[tuple[int, int], ...]]:
    """The ``(band, hash)`` pairs stored for each of ``document_ids`` that has them, if
    they were made by this :data:`SCHEME` (else none: they would be made again)."""
    if queries.project_value(db, "near_duplicate_scheme") != SCHEME:
        return {}
    found: dict[int, list[tuple[int, int]]] = {}
    sql = "SELECT document_id, band, hash FROM document_bands WHERE document_id IN ({})"
    for document_id, band, key in db.execute(
        sql.format(",".join("?" * len(document_ids))), document_ids
    ):
        found.setdefault(document_id, []).append((band, key))
    return {d: tuple(sorted(pairs)) for d, pairs in found.items()}


def band_keys(signature: np.ndarray) -> list[int]:
    return [zlib.crc32(signature[b * ROWS : (b + 1) * ROWS].tobytes()) for b in range(BANDS)]


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


def estimated_jaccard(a: np.ndarray, b: np.ndarray) -> float:
    """Jaccard similarity estimated from two MinHash signatures (±0.05 at 0.8)."""
    return float(np.count_nonzero(a == b)) / len(a)


def flag_near_duplicates(
    db: Database, document_ids: list[int], banded: set[int] | frozenset[int] = frozenset()
) -> list[tuple[int, int, float]]:
    """Band the new documents (but those in ``banded``, whose bands a merge copied) and
    flag each that is almost another one; returns ``(new, other, similarity)``. Call
    inside the import's transaction.

    Works 500 documents at a time (band them, then compare them with their candidates),
    so memory stays flat in the number of documents; texts of earlier documents are read
    again for exact comparisons through a small cache, and MinHash estimates rule pairs
    out only within a chunk."""
    if queries.project_value(db, "near_duplicate_scheme") != SCHEME:
        _rebuild_bands(db, set(document_ids))  # copied bands are gone too: band them again
        banded = frozenset()

    @lru_cache(maxsize=1024)
    def stored_set(document_id: int) -> frozenset[int]:
        sql = "SELECT text FROM document_texts WHERE document_id = ?"
        return frozenset(shingles(db.execute(sql, [document_id]).fetchone()[0]).tolist())

    found = []
    ids = sorted(document_ids)
    for i in range(0, len(ids), 500):
        chunk = ids[i : i + 500]
        signatures: dict[int, np.ndarray] = {}  # of this chunk only: memory stays flat
        chunk_sets = _band(db, [d for d in chunk if d not in banded], signatures)
        with_bands = sorted({*chunk_sets, *(d for d in chunk if d in banded)})
        for document_id, candidates in _candidates(db, with_bands):
            mine = None
            for other in candidates:
                if (
                    other in signatures
                    and document_id in signatures
                    and (
                        estimated_jaccard(signatures[document_id], signatures[other])
                        < ESTIMATE_FLOOR
                    )
                ):
                    continue  # both in this chunk: the signatures rule it out
                if mine is None:
                    computed = chunk_sets.get(document_id)
                    mine = (
                        stored_set(document_id)
                        if computed is None
                        else frozenset(computed.tolist())
                    )
                theirs = chunk_sets[other] if other in chunk_sets else stored_set(other)
                similarity = jaccard(mine, theirs)
                if similarity >= NEAR_DUPLICATE:
                    found.append((document_id, other, similarity))
    db.conn.executemany("INSERT OR REPLACE INTO near_duplicates VALUES (?, ?, ?)", found)
    return found


def _band(
    db: Database, document_ids: list[int], signatures: dict[int, np.ndarray] | None = None
) -> dict[int, np.ndarray]:
    """Store the bands of these documents (at most 500); returns their shingle sets and
    adds their signatures to ``signatures``."""
    signatures = {} if signatures is None else signatures
    sets: dict[int, np.ndarray] = {}  # a set only when compared (most never are)
    if not document_ids:
        return sets
    sql = "SELECT document_id, text FROM document_texts WHERE document_id IN ({})"
    for document_id, text in db.execute(
        sql.format(",".join("?" * len(document_ids))), document_ids
    ):
        hashes = shingles(text)
        if len(hashes) >= 3:
            signatures[document_id] = minhash(hashes)
            sets[document_id] = hashes
    rows = [
        (band, key, d)
        for d in document_ids
        if d in sets
        for band, key in enumerate(band_keys(signatures[d]))
    ]
    db.conn.executemany("INSERT OR IGNORE INTO document_bands VALUES (?, ?, ?)", rows)
    return sets


def _rebuild_bands(db: Database, skip: set[int]) -> None:
    """Bands stored by another scheme (or none): band every document again, except
    ``skip`` (banded by the caller)."""
    db.execute("DELETE FROM document_bands")
    others = [row[0] for row in db.execute("SELECT id FROM documents ORDER BY id")]
    others = [d for d in others if d not in skip]
    for i in range(0, len(others), 500):
        _band(db, others[i : i + 500])
    db.execute(
        "INSERT OR REPLACE INTO project (key, value) VALUES ('near_duplicate_scheme', ?)",
        [SCHEME],
    )


def _candidates(db: Database, document_ids: list[int]) -> Iterator[tuple[int, list[int]]]:
    """For each new document, the earlier documents sharing a band with it, most shared
    bands first, at most ``MAX_CANDIDATES``; 500 documents at a time."""
    for i in range(0, len(document_ids), 500):
        chunk = document_ids[i : i + 500]
        rows = db.execute(
            f"""SELECT mine, other FROM (
                    SELECT mine.document_id AS mine, other.document_id AS other,
                           row_number() OVER (
                               PARTITION BY mine.document_id
                               ORDER BY count(*) DESC, other.document_id) AS rank
                    FROM document_bands mine
                    JOIN document_bands other
                      ON other.band = mine.band AND other.hash = mine.hash
                     AND other.document_id < mine.document_id
                    WHERE mine.document_id IN ({",".join("?" * len(chunk))})
                    GROUP BY mine.document_id, other.document_id)
                WHERE rank <= {MAX_CANDIDATES} ORDER BY mine, rank""",
            chunk,
        )
        found: dict[int, list[int]] = defaultdict(list)
        for mine, other in rows:
            found[mine].append(other)
        yield from sorted(found.items())
