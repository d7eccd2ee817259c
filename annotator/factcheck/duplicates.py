"""Duplicates a fact-checker must not check twice.

- **Repeated passages** inside one article: sentences (spaCy's sentencizer) whose text,
  with spacing and case ignored, appears more than once.
- **Near-duplicate documents**: word 5-shingles, MinHash signatures (64 permutations)
  banded for locality-sensitive hashing (16 bands of 4) in ``document_bands``; documents
  sharing two bands or more are compared exactly (Jaccard of their shingles, at most 50
  per new document, most shared bands first) and flagged at 0.8 and above. Done on
  import for the new documents.
- **Similar claims across articles**: claims sharing enough content words (Jaccard of
  their word sets, stop words left out) are suggested as the same claim for a person to
  confirm or reject; a rejected pair is not suggested again.
"""

from __future__ import annotations

import re
import zlib
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np
from sqlite_utils import Database

from annotator.core.model import Change, RowChange
from annotator.core.project import Project, now
from annotator.store import queries

_WORDS = re.compile(r"\w+", re.UNICODE)
SHINGLE = 5
PERMUTATIONS = 64
BANDS = 16
ROWS = PERMUTATIONS // BANDS
NEAR_DUPLICATE = 0.8
MAX_CANDIDATES = 50
ESTIMATE_FLOOR = 0.6
"""Below this MinHash estimate a pair is not compared exactly (4 standard errors under 0.8)."""
"""Exact comparisons per new document, most shared bands first."""
_PRIME = np.uint64((1 << 31) - 1)  # values below 2^31: products stay within 64 bits
_rng = np.random.default_rng(20241008)  # fixed: signatures are stored and compared later
_A = _rng.integers(1, int(_PRIME), PERMUTATIONS, dtype=np.uint64)
_B = _rng.integers(0, int(_PRIME), PERMUTATIONS, dtype=np.uint64)
_STOP = """a an the and or but of to in on at by for with from as that this these those is are
was were be been being it its he she they them his her their we our you your i me my not no
has have had do does did will would can could may might should also said says say"""
STOP_WORDS = frozenset(_STOP.split())


# -- repeated passages ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RepeatedPassage:
    text: str
    occurrences: tuple[tuple[int, int], ...]


def repeated_passages(
    project: Project, document_id: int, min_chars: int = 30
) -> list[RepeatedPassage]:
    """Sentences that occur more than once in a document (spacing and case ignored)."""
    text, _ = project.text_and_lang(document_id)
    bounds = project.sentence_bounds(document_id)
    groups: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for start, end in zip(bounds.starts, bounds.ends, strict=True):
        key = " ".join(text[start:end].split()).casefold()
        if len(key) >= min_chars:
            groups[key].append((start, end))
    return [
        RepeatedPassage(text[places[0][0] : places[0][1]], tuple(places))
        for places in groups.values()
        if len(places) > 1
    ]


# -- near-duplicate documents -----------------------------------------------------------


def shingles(text: str) -> np.ndarray:
    """Hashes of the word 5-shingles of a text (case-folded words)."""
    words = np.fromiter(  # one word at a time: no list of millions of strings
        (zlib.crc32(m.group().encode("utf-8")) for m in _WORDS.finditer(text.casefold())),
        dtype=np.uint64,
    )
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
        values = (part[None, :] % _PRIME) * _A[:, None] % _PRIME
        np.minimum(signature, ((values + _B[:, None]) % _PRIME).min(axis=1), out=signature)
    return signature


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


def flag_near_duplicates(db: Database, document_ids: list[int]) -> list[tuple[int, int, float]]:
    """Band the new documents and flag each that is almost another one; returns
    ``(new, other, similarity)``. Call inside the import's transaction.

    Memory stays flat in the number of documents: texts are read 500 at a time and only
    the signatures (512 bytes a document) are kept; exact comparisons re-read texts
    through a small cache."""
    signatures: dict[int, np.ndarray] = {}
    for i in range(0, len(document_ids), 500):
        chunk = document_ids[i : i + 500]
        sql = "SELECT document_id, text FROM document_texts WHERE document_id IN ({})"
        for document_id, text in db.execute(sql.format(",".join("?" * len(chunk))), chunk):
            hashes = shingles(text)
            if len(hashes) >= 3:
                signatures[document_id] = minhash(hashes)
        rows = [
            (band, key, d)
            for d in chunk
            if d in signatures
            for band, key in enumerate(band_keys(signatures[d]))
        ]
        db.conn.executemany("INSERT OR IGNORE INTO document_bands VALUES (?, ?, ?)", rows)

    @lru_cache(maxsize=4096)
    def shingle_set(document_id: int) -> frozenset[int]:
        sql = "SELECT text FROM document_texts WHERE document_id = ?"
        return frozenset(shingles(db.execute(sql, [document_id]).fetchone()[0]).tolist())

    found = []
    for document_id, candidates in _candidates(db, sorted(signatures)).items():
        for other in candidates:
            if other in signatures and (
                estimated_jaccard(signatures[document_id], signatures[other]) < ESTIMATE_FLOOR
            ):
                continue  # both imported now: the signatures rule it out
            similarity = jaccard(shingle_set(document_id), shingle_set(other))
            if similarity >= NEAR_DUPLICATE:
                found.append((document_id, other, similarity))
    db.conn.executemany("INSERT OR REPLACE INTO near_duplicates VALUES (?, ?, ?)", found)
    return found


def _candidates(db: Database, document_ids: list[int]) -> dict[int, list[int]]:
    """For each new document, the earlier documents sharing two bands or more with it,
    most shared bands first, at most ``MAX_CANDIDATES``.

    Two shared bands: a pair at Jaccard 0.8 shares two with probability 0.997, one at 0.3
    with 0.008, so articles that share a sentence or two with many others (wire copy) do
    not each cost an exact comparison."""
    found: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for i in range(0, len(document_ids), 500):
        chunk = document_ids[i : i + 500]
        rows = db.execute(
            f"""SELECT mine.document_id, other.document_id, count(*) FROM document_bands mine
                JOIN document_bands other
                  ON other.band = mine.band AND other.hash = mine.hash
                 AND other.document_id < mine.document_id
                WHERE mine.document_id IN ({",".join("?" * len(chunk))})
                GROUP BY mine.document_id, other.document_id HAVING count(*) >= 2""",
            chunk,
        )
        for mine, other, shared in rows:
            found[mine].append((-shared, other))
    return {
        mine: sorted(other for _, other in sorted(pairs)[:MAX_CANDIDATES])
        for mine, pairs in sorted(found.items())
    }


def near_duplicates(project: Project) -> list[dict[str, Any]]:
    return list(
        project.db.query(
            """SELECT n.document_id, a.title, n.other_id, b.title AS other_title, n.similarity
           FROM near_duplicates n JOIN documents a ON a.id = n.document_id
           JOIN documents b ON b.id = n.other_id ORDER BY n.similarity DESC"""
        )
    )


# -- similar claims ---------------------------------------------------------------------------


def content_words(text: str) -> frozenset[str]:
    words = _WORDS.findall(text.casefold())
    return frozenset(w for w in words if w not in STOP_WORDS and len(w) > 1)


def similar_claims(project: Project, threshold: float = 0.6) -> list[tuple[int, int, float]]:
    """``(main, other, similarity)`` for claims that look the same and are not matched yet
    (in any state: a rejected pair stays rejected). The earlier claim is the main one."""
    claims = queries.claim_texts(project.db)
    words = {span_id: content_words(text) for span_id, _, text in claims}
    index: dict[str, list[int]] = defaultdict(list)
    for span_id, _, _ in claims:
        for word in words[span_id]:
            index[word].append(span_id)
    known = queries.matched_pairs(project.db)
    pairs: dict[tuple[int, int], float] = {}
    for span_id, _, _ in claims:
        mine = words[span_id]
        if len(mine) < 2:
            continue
        counts: dict[int, int] = defaultdict(int)
        for word in mine:
            for other in index[word]:
                if other < span_id:
                    counts[other] += 1
        for other, common in counts.items():
            similarity = common / len(mine | words[other])
            if similarity >= threshold and (other, span_id) not in known:
                pairs[(other, span_id)] = similarity
    return sorted(((a, b, s) for (a, b), s in pairs.items()), key=lambda p: -p[2])


def suggested_matches(project: Project) -> list[dict[str, Any]]:
    """Suggested matches waiting for a decision (``main_span_id``, ``other_span_id``,
    ``similarity``), most similar first."""
    return queries.suggested_matches(project.db)


def suggest_claim_matches(project: Project, threshold: float = 0.6) -> Change:
    """Store the similar claims as suggested matches (one undoable change)."""
    with project._writing():
        stamp = now()
        rows = [
            RowChange(
                "claim_matches",
                (None,),
                None,
                {
                    "main_span_id": main,
                    "other_span_id": other,
                    "similarity": round(score, 4),
                    "state": "suggested",
                    "annotator": project.annotator,
                    "updated": stamp,
                },
            )
            for main, other, score in similar_claims(project, threshold)
        ]
        if not rows:
            return Change("suggest_matches", "Suggest same claims", ())
        return project._apply("suggest_matches", f"Suggest {len(rows)} same claim(s)", rows)
