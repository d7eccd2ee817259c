"""``make interop``: do real outside tools accept what Annotator writes?

Builds a project with hard content (``tests/interop/content.py``: the sample article
and a text with emoji and other astral characters, overlapping spans, links, three
annotators), exports it with the ``annotator`` command and hands each file to the tool
that reads it:

- **Label Studio** (the server, in its own virtual environment): a project with a
  matching labelling configuration, our file imported through the API, exported again
  (``exportType=JSON``), that export imported into a fresh Annotator project; spans
  (annotator, label, start, end), links and done/skipped statuses must come back
  exactly.
- **spaCy** ``python -m spacy convert -c ner`` on our CoNLL (both layouts): exactly our
  tokens and, from the last column, our entities; **seqeval** (strict IOB2) on every
  tag column.
- **brat** readers: bratly and brat-peek on our brat folder (entities with offsets and
  text, relations).
- **doccano**'s own import pipeline (parsers and label makers, in a second virtual
  environment) on our doccano JSONL.
- **Hugging Face** ``datasets.load_dataset`` (offline) on our ``hf`` folder: every span
  (annotator, label, start, end) back exactly; then a 10,000-article export loaded in a
  fresh process, with its time and peak memory.

Prints the figures of each check and exits with status 1 on any mismatch. The virtual
environments live in ``.interop-venv/`` (made on first use; a few minutes); Label
Studio runs on 127.0.0.1 on a free port with a throw-away data folder and is stopped
at the end, also on failure. Needs the package index the first time only.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from annotator.core.ingest import import_documents  # noqa: E402
from annotator.core.project import Project  # noqa: E402
from annotator.formats.export import select_layers  # noqa: E402
from annotator.formats.labelstudio import label_config  # noqa: E402
from tests.interop import checks  # noqa: E402
from tests.interop.content import link_keys, span_keys, status_keys, tricky_records  # noqa: E402

VENVS = ROOT / ".interop-venv"
PACKAGES = {
    "labelstudio": ["label-studio"],
    # doccano 1.8.4 predates marshmallow 4 (environs) and NumPy 2 (its pandas 1.5);
    # brat-peek imports unidecode and seaborn (with matplotlib) without declaring them
    "readers": ["doccano", "marshmallow<4", "numpy<2", "brat-peek", "unidecode", "seaborn"],
}
ANNOTATOR = [str(Path(sys.executable).parent / "annotator")]  # the installed command


class Results:
    """Figures per check and the mismatches, printed at the end."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.failures: list[str] = []

    def say(self, line: str) -> None:
        self.lines.append(line)
        print(line, flush=True)

    def expect(self, name: str, wanted: object, got: object) -> int:
        """Compare two collections; each difference is a mismatch. Returns their number."""
        if wanted == got:
            return 0
        if isinstance(wanted, set) and isinstance(got, set):
            missing, extra = sorted(wanted - got, key=repr), sorted(got - wanted, key=repr)
            for item in missing[:5]:
                self.failures.append(f"{name}: missing {item!r}")
            for item in extra[:5]:
                self.failures.append(f"{name}: unexpected {item!r}")
            return len(missing) + len(extra)
        self.failures.append(f"{name}: expected {wanted!r}, got {got!r}")
        return 1


def venv(name: str) -> Path:
    """The Python of ``.interop-venv/NAME``, created and filled on first use (and filled
    again when the package list below changes)."""
    folder = VENVS / name
    python = folder / "bin" / "python"
    stamp = folder / ".installed"
    wanted = " ".join(PACKAGES[name]) + "\n"
    if not stamp.exists() or stamp.read_text() != wanted:
        print(f"setting up {folder} ({wanted.strip()}); this takes a while", flush=True)
        if not python.exists():
            subprocess.run([sys.executable, "-m", "venv", str(folder)], check=True)
        pip = [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
        subprocess.run([*pip, "--upgrade", "pip"], check=True)
        subprocess.run([*pip, *PACKAGES[name]], check=True)
        stamp.write_text(wanted)
    return python


def annotator(db: Path, *args: str) -> None:
    """Run the ``annotator`` command; a failure stops the check run."""
    result = subprocess.run(
        [*ANNOTATOR, *args, "--db", str(db)], capture_output=True, text=True, check=False
    )
    if result.returncode:
        raise RuntimeError(f"annotator {' '.join(args)}: {result.stderr.strip()}")


# -- Label Studio ------------------------------------------------------------------------


class LabelStudio:
    """A Label Studio server on 127.0.0.1 for the length of a ``with`` block."""

    def __init__(self, python: Path, data: Path) -> None:
        self.python, self.data = python, data
        self.token = secrets.token_hex(20)
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.base = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen | None = None

    def __enter__(self) -> LabelStudio:
        command = [
            str(self.python.parent / "label-studio"),
            "start",
            "--no-browser",
            "--host",
            self.base,
            "--internal-host",
            "127.0.0.1",
            "-p",
            str(self.port),
            "--data-dir",
            str(self.data),
            "--username",
            "interop@example.org",
            "--password",
            secrets.token_urlsafe(16),
            "--user-token",
            self.token,
            "--enable-legacy-api-token",
        ]
        env = {**os.environ, "LABEL_STUDIO_BASE_DATA_DIR": str(self.data)}
        log = (self.data / "label-studio.log").open("wb")
        self.process = subprocess.Popen(
            command, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"Label Studio stopped at start; see {log.name}")
            try:
                self.call("GET", "/api/projects")
                return self
            except (OSError, RuntimeError):
                time.sleep(2)
        raise RuntimeError("Label Studio did not answer within 300 s")

    def __exit__(self, *exc: object) -> None:
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)  # its own session: the server only
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()

    def call(self, method: str, path: str, body: object = None, file: Path | None = None):
        """One API request; the answer's JSON. HTTP errors raise ``RuntimeError``."""
        return json.loads(self.fetch(method, path, body, file) or b"null")

    def fetch(self, method: str, path: str, body: object = None, file: Path | None = None):
        """One API request; the answer's bytes."""
        headers = {"Authorization": f"Token {self.token}"}
        data = None
        if file is not None:
            boundary = uuid.uuid4().hex
            data = (
                (
                    f'--{boundary}\r\nContent-Disposition: form-data; name="file"; '
                    f'filename="{file.name}"\r\nContent-Type: application/json\r\n\r\n'
                ).encode()
                + file.read_bytes()
                + f"\r\n--{boundary}--\r\n".encode()
            )
            headers["Content-Type"] = f"multipart/form-data; boundary={boundary}"
        elif body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        request = urllib.request.Request(self.base + path, data, headers, method=method)
        try:
            with urllib.request.urlopen(request, timeout=120) as answer:
                return answer.read()
        except urllib.error.HTTPError as exc:
            raise RuntimeError(f"{method} {path}: HTTP {exc.code} {exc.read()[:500]!r}") from None


def check_labelstudio(work: Path, source: Project, db: Path, results: Results) -> None:
    python = venv("labelstudio")
    ours = work / "ours-labelstudio.json"
    annotator(db, "export", "--format", "labelstudio", "-o", str(ours))
    sent = json.loads(ours.read_text("utf-8"))
    data = work / "label-studio-data"
    data.mkdir()
    started = time.monotonic()
    with LabelStudio(python, data) as server:
        ready = time.monotonic() - started
        version = server.call("GET", "/api/version").get("release", "?")
        created = server.call(
            "POST",
            "/api/projects",
            {"title": "Annotator interop", "label_config": label_config(source.schema)},
        )
        imported = server.call("POST", f"/api/projects/{created['id']}/import", file=ours)
        answer = server.fetch("GET", f"/api/projects/{created['id']}/export?exportType=JSON")
    back = work / "back-from-labelstudio.json"
    back.write_bytes(answer)  # as Label Studio wrote it
    exported = json.loads(answer)
    again_db = work / "again-labelstudio.db"
    annotator(again_db, "import", str(back))
    again = Project.open(again_db, annotator="interop")
    mismatches = results.expect("Label Studio spans", span_keys(source), span_keys(again))
    mismatches += results.expect("Label Studio links", link_keys(source), link_keys(again))
    mismatches += results.expect("Label Studio statuses", status_keys(source), status_keys(again))
    results.say(
        f"Label Studio {version}: ready after {ready:.0f} s; tasks sent {len(sent)}, imported "
        f"{imported['task_count']} with {imported['annotation_count']} annotations, "
        f"exported {len(exported)}; spans sent {len(span_keys(source))}, received "
        f"{len(span_keys(again))}; links sent {len(link_keys(source))}, received "
        f"{len(link_keys(again))}; annotators back: "
        f"{', '.join(sorted({k[1] for k in status_keys(again)}))}; mismatches {mismatches}; "
        f"{time.monotonic() - started:.0f} s"
    )
    again.close()


# -- CoNLL, brat, doccano ---------------------------------------------------------------


def check_conll(work: Path, source: Project, db: Path, results: Results) -> None:
    started = time.monotonic()
    inputs = work / "conll-for-spacy"
    inputs.mkdir()
    annotator(db, "export", "--format", "conll", "-o", str(inputs / "columns.ner"))
    annotator(db, "export", "--format", "conll", "--conll-layout", "files", "-o", str(work / "bio"))
    for file in sorted((work / "bio").iterdir()):  # spaCy walks a folder for *ner files only
        (inputs / f"{file.stem}.ner").write_bytes(file.read_bytes())
    converted = work / "converted"
    converted.mkdir()
    subprocess.run(
        [sys.executable, "-m", "spacy", "convert", str(inputs), str(converted), "-c", "ner"],
        check=True,
        capture_output=True,
    )
    mismatches = tokens = entities = 0
    for file in sorted(inputs.iterdir()):
        labels = None if file.stem == "columns" else [file.stem]
        words, wanted = checks.expected_conll(source, labels, last_only=True)
        got_words, got = checks.spacy_converted(converted / f"{file.stem}.spacy")
        mismatches += results.expect(f"spacy convert {file.name} tokens", words, got_words)
        mismatches += results.expect(f"spacy convert {file.name} entities", wanted, got)
        tokens += sum(len(w) for w in got_words)
        entities += len(got)
        _, every_column = checks.expected_conll(source, labels)
        strict, lenient = checks.seqeval_entities(file)
        mismatches += results.expect(f"seqeval strict {file.name}", every_column, strict)
        mismatches += results.expect(f"seqeval lenient {file.name}", every_column, lenient)
    results.say(
        f"spaCy convert -c ner: {len(list(inputs.iterdir()))} files (columns layout and one "
        f"per label), {tokens} tokens, {entities} entities; seqeval (strict IOB2 and "
        f"lenient) on every tag column; mismatches {mismatches}; "
        f"{time.monotonic() - started:.0f} s"
    )


def check_brat(work: Path, source: Project, db: Path, results: Results) -> None:
    started = time.monotonic()
    folder = work / "brat"
    annotator(db, "export", "--format", "brat", "-o", str(folder))
    wanted_entities, wanted_relations = checks.expected_brat(source)
    mismatches = 0
    peek = _run_reader("brat-peek", folder)
    for remark in peek["remarks"]:
        results.say(f"  brat-peek says: {remark}")
    for reader, documents in (
        ("bratly", checks.bratly_documents(folder)),
        ("brat-peek", peek["documents"]),
    ):
        got_entities, got_relations = checks.brat_from_reader(folder, documents)
        mismatches += results.expect(f"{reader} entities", wanted_entities, got_entities)
        mismatches += results.expect(f"{reader} relations", wanted_relations, got_relations)
    pairs = len(list(folder.glob("*.ann")))
    results.say(
        f"brat: {pairs} file pairs, {len(wanted_entities)} entities, "
        f"{len(wanted_relations)} relations, read by bratly and brat-peek; mismatches "
        f"{mismatches}; {time.monotonic() - started:.0f} s"
    )


def check_doccano(work: Path, source: Project, db: Path, results: Results) -> None:
    started = time.monotonic()
    file = work / "ours-doccano.jsonl"
    annotator(db, "export", "--format", "doccano", "-o", str(file))
    parsed = _run_reader("doccano", file)
    wanted_spans, wanted_links = checks.expected_doccano(source)
    got_spans, got_links = checks.doccano_from_reader(parsed)
    mismatches = results.expect("doccano errors", [], parsed["errors"])
    mismatches += results.expect("doccano spans", wanted_spans, got_spans)
    mismatches += results.expect("doccano links", wanted_links, got_links)
    texts = [layer.document.text for layer in select_layers(source, None)]
    mismatches += results.expect("doccano texts", texts, [r["text"] for r in parsed["records"]])
    results.say(
        f"doccano 1.8 import pipeline: {len(parsed['records'])} records, {len(got_spans)} "
        f"spans, {len(got_links)} relations; mismatches {mismatches}; "
        f"{time.monotonic() - started:.0f} s"
    )


def _run_reader(kind: str, target: Path) -> dict:
    python = venv("readers")
    result = subprocess.run(
        [str(python), str(ROOT / "scripts" / "interop_readers.py"), kind, str(target)],
        capture_output=True,
        check=False,
        env={**os.environ, "PYTHONUTF8": "1"},
        cwd=target.parent,
    )
    if result.returncode:
        raise RuntimeError(f"{kind} reader failed: {result.stderr.decode()[-2000:]}")
    return json.loads(result.stdout)


LOAD_DATASET = """
import os, resource, sys, time
os.environ["HF_DATASETS_OFFLINE"] = "1"
started = time.perf_counter()
import datasets
found = datasets.load_dataset(sys.argv[1], cache_dir=sys.argv[2])
rows = sum(len(split) for split in found.values())
spans = sum(len(row["spans"]) for split in found.values() for row in split)
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(rows, spans, round(time.perf_counter() - started, 1), round(peak))
"""


def _load_dataset(folder: Path, cache: Path) -> list[str]:
    out = subprocess.run(
        [sys.executable, "-c", LOAD_DATASET, str(folder), str(cache)],
        capture_output=True,
        text=True,
        check=True,
    )
    return out.stdout.split()


def check_huggingface(work: Path, source: Project, db: Path, results: Results) -> None:
    import datasets

    started = time.monotonic()
    folder = work / "hf"
    annotator(db, "export", "--format", "hf", "-o", str(folder))
    found = datasets.load_dataset(str(folder), cache_dir=str(work / "hf-cache"))
    got = set()
    for split in found.values():
        names = split.features["spans"].feature["label"].names
        for row in split:
            got |= {
                (row["text"], row["annotator"], names[s["label"]], s["start"], s["end"])
                for s in row["spans"]
            }
    mismatches = results.expect("datasets spans", span_keys(source), got)
    big = work / "big.db"
    with Project.open(big, annotator="interop") as project:
        import_documents(project, checks.news_records(10_000))
    annotator(big, "export", "--format", "hf", "-o", str(work / "hf-big"))
    rows, spans, seconds, peak = _load_dataset(work / "hf-big", work / "hf-cache")
    results.say(
        f"datasets.load_dataset: {sum(len(s) for s in found.values())} rows, {len(got)} spans; "
        f"mismatches {mismatches}; 10,000 articles: {rows} rows, {spans} spans loaded in "
        f"{seconds} s, peak {peak} MB; {time.monotonic() - started:.0f} s"
    )


CHECKS: dict[str, Callable[[Path, Project, Path, Results], None]] = {
    "labelstudio": check_labelstudio,
    "conll": check_conll,
    "brat": check_brat,
    "doccano": check_doccano,
    "huggingface": check_huggingface,
}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("checks", nargs="*", metavar="CHECK", help="any of: " + ", ".join(CHECKS))
    parser.add_argument("--keep", type=Path, help="keep the files in this folder")
    args = parser.parse_args()
    unknown = sorted(set(args.checks) - set(CHECKS))
    if unknown:
        parser.error(f"unknown check {', '.join(unknown)}; choose from {', '.join(CHECKS)}")
    results = Results()
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="annotator-interop-") as tmp:
        work = args.keep or Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        db = work / "source.db"
        source = Project.open(db, annotator="interop")
        import_documents(source, tricky_records())
        results.say(
            f"project: {len(source.documents())} documents, {len(span_keys(source))} spans, "
            f"{len(link_keys(source))} links, {len(status_keys(source))} done/skipped layers"
        )
        for name in args.checks or CHECKS:
            try:
                CHECKS[name](work, source, db, results)
            except (RuntimeError, subprocess.CalledProcessError, KeyError, ValueError) as exc:
                results.failures.append(f"{name}: {exc}")
                results.say(f"{name}: FAILED: {exc}")
        source.close()
    for failure in results.failures:
        print(f"MISMATCH {failure}")
    verdict = "FAILED" if results.failures else "all exact"
    elapsed = time.monotonic() - started
    print(f"interop: {verdict}, {len(results.failures)} problem(s), {elapsed:.0f} s")
    return 1 if results.failures else 0


if __name__ == "__main__":
    sys.exit(main())
