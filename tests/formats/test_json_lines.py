"""Reading JSON-lines files one line and one record at a time."""

from __future__ import annotations

import orjson
import pytest

from annotator.files import encoding
from annotator.files.encoding import decode_bytes, read_text_lines
from annotator.formats import common
from annotator.formats.common import Malformed, read_json_lines
from annotator.formats.reader import count_records, read_paths
from annotator.model.errors import InputFileError


def test_json_lines_are_parsed_as_they_are_read(tmp_path, monkeypatch):
    """The first record comes before the others are parsed: a file's records are never
    all held at once."""
    path = tmp_path / "tasks.jsonl"
    path.write_bytes(b"".join(orjson.dumps({"text": f"t{n}"}) + b"\n" for n in range(100)))
    parsed, loads = [], orjson.loads

    def counting_loads(line):
        parsed.append(line)
        return loads(line)

    monkeypatch.setattr(common.orjson, "loads", counting_loads)
    records = read_json_lines(path)
    assert next(records) == (1, {"text": "t0"})
    assert len(parsed) == 1
    assert sum(1 for _ in records) == 99


def test_json_lines_keep_line_numbers_and_go_on_after_a_bad_line(tmp_path):
    path = tmp_path / "tasks.jsonl"
    path.write_text('{"text": "a"}\n\n{"text": \n{"text": "c"}\n', encoding="utf-8")
    got = list(read_json_lines(path))
    assert [number for number, _ in got] == [1, 3, 4]
    assert isinstance(got[1][1], Malformed)
    assert got[2][1] == {"text": "c"}


def test_a_pretty_printed_file_is_read_as_a_stream_of_values(tmp_path):
    path = tmp_path / "tasks.jsonl"
    path.write_text('{\n  "text": "a"\n}\n{\n  "text": "b"\n}\n', encoding="utf-8")
    assert [value for _, value in read_json_lines(path)] == [{"text": "a"}, {"text": "b"}]


def _lines(path):
    return list(read_text_lines(path))


@pytest.mark.parametrize(
    ("data", "lines"),
    [
        (b"a\nb\n", ["a", "b", ""]),
        (b"a\nb", ["a", "b"]),
        (b"\xef\xbb\xbfa\r\nb", ["a\r", "b"]),  # BOM dropped; only \n ends a line
        ("a\u2028b\u0085c\nd".encode(), ["a\u2028b\u0085c", "d"]),
        ("a\nb".encode("utf-16"), ["a", "b"]),
    ],
)
def test_text_lines_split_as_the_whole_text_would(tmp_path, data, lines):
    path = tmp_path / "f.jsonl"
    path.write_bytes(data)
    assert _lines(path) == lines == decode_bytes(data, path).split("\n")


def test_text_lines_refuse_a_bad_byte_far_in_before_the_first_line(tmp_path, monkeypatch):
    """A bad byte after the first chunk read is refused with the message and byte offset
    of a whole-file decode, before any line is given."""
    monkeypatch.setattr(encoding, "_CHUNK", 64)
    data = b"x" + "é".encode() * 100 + b"\xff" + b"x\n" * 10  # characters cut by chunks
    path = tmp_path / "f.jsonl"
    path.write_bytes(data)
    with pytest.raises(InputFileError) as whole:
        decode_bytes(data, path)
    lines = read_text_lines(path)
    with pytest.raises(InputFileError) as streamed:
        next(lines)
    assert str(streamed.value) == str(whole.value)
    assert "at byte offset 201" in str(streamed.value)


def test_text_lines_refuse_nul_bytes(tmp_path):
    path = tmp_path / "f.jsonl"
    path.write_bytes(b"a\n" * 10 + b"\x00")
    with pytest.raises(InputFileError, match="binary file"):
        next(read_text_lines(path))


def test_count_records_counts_lines_and_files(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "tasks.jsonl").write_bytes(
        b"".join(orjson.dumps({"text": "t"}) + b"\n" * 1 for _ in range(7))
    )
    (folder / "a.txt").write_text("One article.")
    (folder / "b.txt").write_text("Another article.")
    assert count_records([folder], "auto") == 9
    assert count_records([folder / "tasks.jsonl"], "auto") == sum(
        1 for _ in read_paths([folder / "tasks.jsonl"], "auto", [])
    )
