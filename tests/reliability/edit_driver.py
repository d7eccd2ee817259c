"""Drives the real window in a child process: a stream of edits through the same paths a
user's keys take (select + label, Delete, Ctrl+Z), printing each one once it is done.

    python edit_driver.py DB SEED ANNOTATOR [COUNT]

Lines: ``READY``; ``TRY ADD|DEL start end label`` before an edit; ``ADD start end label``
and ``DEL start end label`` once it has committed, ``NOP`` if it was refused; ``ERR
message``; ``END``.
"""

import os
import random
import sys

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtWidgets import QApplication

from annotator.gui import open_window

LABELS = ["claim", "source", "actor", "hedge"]


def main() -> None:
    db, seed, annotator = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    count = int(sys.argv[4]) if len(sys.argv) > 4 else 10**9
    window = open_window(db, annotator)
    app = QApplication.instance()
    rng = random.Random(seed)
    offsets = window.project.token_offsets(window.document_id)
    print("READY", flush=True)
    for _ in range(count):
        action = rng.random()
        if action < 0.75 or not window.span_model.rowCount():
            first = rng.randrange(len(offsets) - 4)
            last = first + rng.randrange(3)
            label = rng.choice(LABELS)
            window.view.select(offsets.starts[first], offsets.ends[last])
            start, end = window.project.snap(window.document_id, *window.view.selection())
            print(f"TRY ADD {start} {end} {label}", flush=True)
            change = window.annotate.apply_label(label)
            if change is None or not change.spans_added:
                print("NOP", flush=True)  # refused (a duplicate): nothing was written
            for span in change.spans_added if change else []:
                print(f"ADD {span.start} {span.end} {span.label}", flush=True)
        elif action < 0.9:
            span = window.span_model.row_at(rng.randrange(window.span_model.rowCount()))
            print(f"TRY DEL {span.start} {span.end} {span.label}", flush=True)
            window.select_span(span.id)
            change = window.annotate.delete_selected_span()
            for gone in change.spans_removed if change else []:
                print(f"DEL {gone.start} {gone.end} {gone.label}", flush=True)
        elif window.undo_stack.canUndo():
            command = window.undo_stack.command(window.undo_stack.index() - 1)
            change = command._change
            for span in change.spans_added:
                print(f"TRY DEL {span.start} {span.end} {span.label}", flush=True)
            for span in change.spans_removed:
                print(f"TRY ADD {span.start} {span.end} {span.label}", flush=True)
            window.undo_stack.undo()
            for span in change.spans_added:
                print(f"DEL {span.start} {span.end} {span.label}", flush=True)
            for span in change.spans_removed:
                print(f"ADD {span.start} {span.end} {span.label}", flush=True)
        message = window.statusBar().currentMessage()
        if "locked" in message or "read-only" in message or "Something went wrong" in message:
            print(f"ERR {message}", flush=True)
        app.processEvents()
    print("END", flush=True)


if __name__ == "__main__":
    main()
