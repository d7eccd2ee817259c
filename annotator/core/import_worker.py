"""Tokenising and banding in a second process while an import writes in the first.

Tokenising is the largest part of importing articles, and spaCy's tokenizer keeps the
interpreter busy, so no thread can share it: the rest of an import (checking records,
writing rows) waits behind it on one core. An :class:`ImportWorker` is one helper process
that loads the same tokenizer and returns, for batches of texts, their token offsets and
their near-duplicate band keys (the numpy half of :mod:`annotator.store.bands`); the
importer sends a batch off, writes everything else of it, and stores tokens and bands
when they come back. spaCy's own ``nlp.pipe(n_process=…)`` was measured first: it
sends whole ``Doc`` objects back and was four times slower than one process on 10,000
articles.

The helper is this module run with ``python -m`` and spoken to through its standard input
and output, one pickled request and one pickled answer at a time, by one thread of the
importing process (a :class:`~concurrent.futures.ThreadPoolExecutor`: it gives the
futures, and lets the importer take back texts the helper has not begun). Unlike
``multiprocessing``, that never runs the caller's own script again in the helper (a
script without a ``__main__`` guard would import twice), is safe from a window's worker
thread, and ends with the importer however it ends: a killed import closes the helper's
input, and the helper exits at its end.

The tokens and bands are exactly those the importing process would make: the helper
calls the same functions. Starting the helper costs about a second (it
imports spaCy), so an import starts it only once it has met more than :data:`WORKER_FROM`
texts to tokenise, and only where there is a second core to run it on.
"""

from __future__ import annotations

import os
import pickle
import sys
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

if TYPE_CHECKING:
    import subprocess
    from concurrent.futures import Future, ThreadPoolExecutor

Made = tuple[bytes, bytes, "list[int] | None"]
"""What the helper makes of one text: its token starts and ends (the stored blobs) and its
band keys (:func:`annotator.store.bands.text_band_keys`)."""

WORKER_FROM = 1000
"""An import starts the helper once it has met more texts to tokenise than this (in its
second batch: an import of one batch would only wait for it to load; most imports are
smaller and never start it)."""

_READY, _MADE, _BANDS = "ready", "made", "bands"  # what a request asks for


def cores() -> int:
    """The processor cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


class ImportWorker:
    """A helper process that tokenises and bands batches of texts; started by
    :meth:`start`, stopped by :meth:`close`. Nothing is shared with it but texts going out
    and what it made of them coming back, one request at a time in the order sent."""

    def __init__(self) -> None:
        self._process: subprocess.Popen[bytes] | None = None
        self._talk: ThreadPoolExecutor | None = None
        self._loaded: Future[object] | None = None

    def start(self, lang: str) -> bool:
        """Start the helper and have it load the tokenizer for ``lang``; returns whether
        it started (not with one core, nor where processes cannot be made)."""
        if self._process is not None or cores() < 2:
            return self._process is not None
        import subprocess
        from concurrent.futures import ThreadPoolExecutor

        root = str(Path(__file__).resolve().parents[2])  # this copy of the package
        paths = os.environ.get("PYTHONPATH")
        env = {**os.environ, "PYTHONPATH": root + (os.pathsep + paths if paths else "")}
        try:
            self._process = subprocess.Popen(
                [sys.executable, "-m", __name__],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
                env=env,
            )
        except OSError:  # no processes here: tokenise in place
            return False
        self._talk = ThreadPoolExecutor(1, thread_name_prefix="token-worker")
        self._loaded = self._talk.submit(self._ask, (_READY, [], lang))
        return True

    @property
    def running(self) -> bool:
        """Whether the helper was started and is not known to have failed (it may still
        be loading: texts sent meanwhile wait for it, or the caller takes them back)."""
        loaded = self._loaded
        return loaded is not None and not (loaded.done() and loaded.exception() is not None)

    def submit(self, texts: list[str], lang: str) -> Future[list[Made]]:
        """Send ``texts`` off; the future gives each text's ``(starts, ends, band_keys)``
        (:data:`Made`), or raises what went wrong (``EOFError`` or ``OSError`` if the
        helper died)."""
        return self._send((_MADE, texts, lang))

    def submit_bands(self, texts: list[str]) -> Future[list[list[int] | None]]:
        """Send off ``texts`` tokenised elsewhere; the future gives each text's band keys
        (``None`` for a text too short to band)."""
        return self._send((_BANDS, texts, ""))

    def _send(self, request: tuple[str, list[str], str]) -> Future[Any]:
        if self._talk is None:
            raise RuntimeError("the token worker is not running")
        return self._talk.submit(self._ask, request)

    def close(self) -> None:
        """Stop the helper at once (what it was making is dropped)."""
        if self._process is not None:
            self._process.kill()
            self._process.wait()
        if self._talk is not None:
            self._talk.shutdown(wait=False, cancel_futures=True)
        self._process = self._talk = self._loaded = None

    def _ask(self, request: tuple[str, list[str], str]) -> Any:
        """In the talking thread: one request out, its answer back."""
        process = self._process
        if process is None or process.stdin is None or process.stdout is None:
            raise EOFError("the token worker has stopped")
        pickle.dump(request, process.stdin, protocol=pickle.HIGHEST_PROTOCOL)
        process.stdin.flush()
        answer = pickle.load(process.stdout)
        if isinstance(answer, BaseException):
            raise answer
        return answer


def serve(requests: IO[bytes], answers: IO[bytes]) -> None:
    """The helper: answer each ``(kind, texts, lang)`` request until the input ends (the
    importer is done or gone). ``ready`` loads the tokenizer for ``lang``; ``made`` gives
    each text's token boundaries and near-duplicate band keys (:data:`Made`); ``bands``
    gives the band keys alone."""
    from annotator.store.bands import text_band_keys
    from annotator.text.tokens import get_nlp, tokenize_many

    while True:
        try:
            kind, texts, lang = pickle.load(requests)
        except EOFError:
            return
        try:
            if kind == _READY:
                answer: object = get_nlp(lang).lang
            elif kind == _BANDS:
                answer = text_band_keys(texts)
            else:
                tokens = [offsets.to_blobs() for offsets in tokenize_many(texts, lang)]
                bands = text_band_keys(texts)
                answer = [(*blobs, keys) for blobs, keys in zip(tokens, bands, strict=True)]
        except Exception as exc:  # sent back, raised by the importer
            answer = RuntimeError(f"{type(exc).__name__}: {exc}")
        pickle.dump(answer, answers, protocol=pickle.HIGHEST_PROTOCOL)
        answers.flush()


if __name__ == "__main__":
    protocol_out = sys.stdout.buffer
    sys.stdout = sys.stderr  # nothing but answers on the way back
    serve(sys.stdin.buffer, protocol_out)
