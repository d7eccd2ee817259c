"""Long work off the GUI thread, with a progress dialog and Cancel.

A job is a function ``work(job)`` run in a ``QThread``; it reports with
``job.stage(text, total)`` and ``job.step(done)`` and checks ``job.cancelled()``. Core
operations raise :class:`~annotator.core.ingest.Cancelled` when asked to stop, and their
transaction rolls back: a cancelled job changes nothing. Jobs open their own
``Project`` (an SQLite connection belongs to one thread).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QEventLoop, QObject, Qt, QThread, Signal, Slot
from PySide6.QtWidgets import QProgressDialog, QWidget

from annotator.model.errors import AnnotatorError, Cancelled


class Job(QObject):
    staged = Signal(str, int)
    stepped = Signal(int)
    done = Signal(object)
    failed = Signal(object)

    def __init__(self, work: Callable[[Job], Any]):
        super().__init__()
        self._work = work
        self._cancel = threading.Event()

    def stage(self, text: str, total: int = 0) -> None:
        """A new phase: ``total`` steps, or 0 when the length is unknown (busy bar)."""
        self.staged.emit(text, total)

    def step(self, done: int) -> None:
        self.stepped.emit(done)

    def cancel(self) -> None:
        self._cancel.set()

    def cancelled(self) -> bool:
        return self._cancel.is_set()

    def run(self) -> None:
        try:
            result = self._work(self)
        except BaseException as exc:  # reported on the GUI thread, never lost in a thread
            self.failed.emit(exc)
        else:
            self.done.emit(result)


class JobDialog(QProgressDialog):
    """The progress dialog of one job, on the GUI thread. The job's signals arrive at its
    slots: a slot of an object on the GUI thread is called there (queued), whereas a
    plain function connected to the job would run on the worker thread and touch the
    dialog's timers from it."""

    def __init__(self, title: str, parent: QWidget):
        super().__init__(title, "Cancel", 0, 0, parent)
        self.setObjectName("job_progress")
        self.setWindowTitle(title)
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.setMinimumDuration(300)
        self.setAutoClose(False)
        self.setAutoReset(False)
        self.outcome: dict[str, Any] = {}
        self.text, self.started, self.shown_at = title, time.monotonic(), 0.0
        self.loop = QEventLoop(self)

    @Slot(str, int)
    def stage(self, text: str, total: int) -> None:
        self.text, self.started, self.shown_at = text, time.monotonic(), 0.0
        self.setLabelText(text)
        self.setRange(0, total)
        self.setValue(0)

    @Slot(int)
    def step(self, done: int) -> None:
        self.setValue(min(done, self.maximum()))
        now = time.monotonic()
        if self.maximum() and done and now - self.shown_at >= 0.5:  # a steady label
            self.shown_at = now
            self.setLabelText(f"{self.text}\n{time_left(done, self.maximum(), now - self.started)}")

    @Slot(object)
    def succeed(self, value: Any) -> None:
        self.outcome["result"] = value
        self.loop.quit()

    @Slot(object)
    def fail(self, exc: BaseException) -> None:
        self.outcome["error"] = exc
        self.loop.quit()


def time_left(done: int, total: int, elapsed: float) -> str:
    """``12,000 of 100,000 · about 02:13 left``: the rate so far, applied to the rest
    (tqdm's estimate, in tqdm's notation)."""
    from tqdm import tqdm

    rest = max(total - done, 0) * elapsed / done
    return f"{done:,} of {total:,} · about {tqdm.format_interval(rest)} left"


def run_job(parent: QWidget, title: str, work: Callable[[Job], Any]) -> Any:
    """Run ``work`` in a thread behind a modal progress dialog; returns its result.

    :raises Cancelled: the user pressed Cancel (the work rolled back).
    :raises Exception: whatever ``work`` raised, re-raised here on the GUI thread.
    """
    job = Job(work)
    thread = QThread(parent)
    job.moveToThread(thread)
    dialog = JobDialog(title, parent)
    job.staged.connect(dialog.stage)
    job.stepped.connect(dialog.step)
    job.done.connect(dialog.succeed)
    job.failed.connect(dialog.fail)
    # A lambda runs in the GUI thread at once; a slot of ``job`` would be queued to the
    # worker thread, which is busy running the job and would never see it.
    dialog.canceled.connect(lambda: job.cancel())
    thread.started.connect(job.run)
    thread.start()
    dialog.loop.exec()
    thread.quit()
    thread.wait()
    # The dialog shows itself a moment after the first progress it is given: a job done
    # before that moment must not leave the timer running. A dialog that did show took
    # the window's activation; give it back, or the window's shortcuts stay dead until
    # the user clicks it (some platforms do not hand it back by themselves).
    shown = dialog.isVisible()
    dialog.reset()
    dialog.close()
    if shown:
        parent.window().activateWindow()
    dialog.deleteLater()
    job.deleteLater()
    outcome = dialog.outcome
    if "error" in outcome:
        raise outcome["error"]
    if job.cancelled() and outcome.get("result") is None:
        raise Cancelled()
    return outcome.get("result")


def user_error(exc: BaseException) -> str | None:
    """The message to show for an error the user caused, else ``None`` (a bug)."""
    return str(exc) if isinstance(exc, AnnotatorError) else None
