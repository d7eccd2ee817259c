"""Reading JSON-lines files one record at a time."""

from __future__ import annotations

import orjson

from annotator.formats import common
from annotator.formats.common import Malformed, read_json_lines


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
