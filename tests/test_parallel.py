"""Both cores: the parallel pipeline gives byte-for-byte the output of one process."""

import subprocess
import sys

from conftest import FIXTURES, ROOT


def _run(*args):
    return subprocess.run([sys.executable, "-m", "hotline_cli", *map(str, args)], capture_output=True, text=True,
                          cwd=ROOT)


def test_parallel_output_equals_serial(tmp_path):
    lines = []
    for p in sorted((FIXTURES / "audit").glob("*.json")):
        lines.append(p.read_text(encoding="utf-8").replace("\n", " "))
    lines += (FIXTURES / "export.jsonl").read_text(encoding="utf-8").splitlines()
    big = tmp_path / "big.jsonl"
    # each copy its own case ids: no case is given twice (the older copy would leave the summary)
    copies = ["\n".join(line.replace('"case_id": "', f'"case_id": "{k}-') for line in lines) for k in range(60)]
    big.write_text("\n".join(copies) + "\n", encoding="utf-8")
    from hotline_cli.io.sources import read_blocks
    from hotline_cli.run.batch import RANGE_BYTES, RANGE_SHARE, RANGE_SMALLEST

    pieces = list(read_blocks([str(big)], size=RANGE_BYTES, ranged=True, share=RANGE_SHARE * 2,
                              smallest=RANGE_SMALLEST))
    assert len(pieces) >= 3 and len({p.length for p in pieces}) >= 3  # the two workers read pieces of sizes
    for fmt in ("jsonl", "text", "csv", "json", "statistics"):
        how = ["--statistics", "--format", "json"] if fmt == "statistics" else ["--format", fmt]
        one = _run("audit", big, "--today", "2025-11-20", *how, "--jobs", "1")
        two = _run("audit", big, "--today", "2025-11-20", *how, "--jobs", "2")
        assert one.returncode == two.returncode == 2
        assert one.stdout == two.stdout and one.stdout
        assert one.stderr == two.stderr
    # the 25 worst cases: many tie (the same copies repeat); the earlier is kept whoever read it
    import json

    worst = json.loads(two.stdout)["worst"]
    assert len(worst) == 25
    assert [int(w["source"].rsplit(":", 1)[1]) for w in worst if w["errors"] == worst[-1]["errors"]] == sorted(
        int(w["source"].rsplit(":", 1)[1]) for w in worst if w["errors"] == worst[-1]["errors"])


def _flat(items):
    """read_blocks' items as the records a worker makes of them."""
    from hotline_cli.io.sources import Block, block_records

    out = []
    for item in items:
        recs = block_records(item) if isinstance(item, Block) else [item]
        out += [(r.source, r.raw, r.error.message if r.error else None) for r in recs]
    return out


BLOCK_CASES = {
    "bom_crlf_blank.jsonl": b'\xef\xbb\xbf{"a": 1}\r\n\r\n   \n{"b": 2}\r\n\n{"c": "\\u00e9"}',
    "long_line.jsonl": b'{"x": "' + b"y" * 300 + b'"}\n{"z": 1}\n',
    "only_bom.jsonl": b"\xef\xbb\xbf\n",
    "only_blank.jsonl": b"\n \r\n\t\n",
    "empty.jsonl": b"",
    "no_final_newline.jsonl": b'{"a": 1}\n{"b": 2}',
    "bom_not_first.jsonl": b'{"a": 1}\n\xef\xbb\xbf{"b": 2}\n',
}


def test_blocks_give_the_records_of_the_line_reader(tmp_path):
    from hotline_cli.io.sources import Block, read_blocks, read_raw

    for name, data in BLOCK_CASES.items():
        p = tmp_path / name
        p.write_bytes(data)
        expected = _flat(read_raw([str(p)]))
        for size in (1, 7, 64, 1 << 18):  # a block ends at a line's end, whatever the size
            assert _flat(read_blocks([str(p)], size=size)) == expected, (name, size)
            # a worker's own read of each block's bytes, by offset and length, gives the same records
            ranged = list(read_blocks([str(p)], size=size, ranged=True))
            assert all(not b.data for b in ranged if isinstance(b, Block))
            assert _flat(ranged) == expected, (name, size, "ranged")
    # by hand: line numbers count blank lines, a BOM goes only on line 1, \r\n is stripped
    assert _flat(read_blocks([str(tmp_path / "bom_crlf_blank.jsonl")], size=5)) == [
        (f"{tmp_path / 'bom_crlf_blank.jsonl'}:1", b'{"a": 1}', None),
        (f"{tmp_path / 'bom_crlf_blank.jsonl'}:4", b'{"b": 2}', None),
        (f"{tmp_path / 'bom_crlf_blank.jsonl'}:6", b'{"c": "\\u00e9"}', None)]
    assert _flat(read_blocks([str(tmp_path / "only_bom.jsonl")])) == [
        (str(tmp_path / "only_bom.jsonl"), None, "пустой файл: нет ни одного дела")]


def test_a_file_cut_short_under_a_worker_is_said_not_dropped(tmp_path):
    """The bytes a block names are gone when the worker reads them (the file was cut in between):
    the block is one record's error that says so, with its first line."""
    from hotline_cli.io.sources import block_records, read_blocks

    p = tmp_path / "cut.jsonl"
    p.write_bytes(b'{"a": 1}\n{"b": 2}\n')
    [block] = read_blocks([str(p)], ranged=True)
    p.write_bytes(b'{"a": 1}\n')
    [rec] = block_records(block)
    assert (rec.source, rec.error.message) == (
        f"{p}:1", "ошибка чтения файла: файл изменился во время проверки (стал короче)")


def test_parallel_mixed_inputs_equal_serial(tmp_path):
    """Blocks (.jsonl), records (.json, a folder, a missing file) and errors, in input order."""
    d = tmp_path / "cases"
    d.mkdir()
    for name, data in BLOCK_CASES.items():
        (d / name).write_bytes(data)
    (d / "one.json").write_text((FIXTURES / "cases" / "r2_fault_gone.json").read_text(encoding="utf-8"),
                                encoding="utf-8")
    args = [d, FIXTURES / "export.jsonl", tmp_path / "missing.jsonl", FIXTURES / "cases"]
    for fmt in ("jsonl", "text"):
        one = _run("audit", *args, "--today", "2025-11-20", "--format", fmt, "--jobs", "1")
        two = _run("audit", *args, "--today", "2025-11-20", "--format", fmt, "--jobs", "2")
        assert one.returncode == two.returncode == 2
        assert one.stdout == two.stdout and one.stdout
        assert one.stderr == two.stderr


def test_staged_pipeline_equals_record_by_record():
    """Pipeline.many in stages gives what it gives record by record, for every command."""
    from datetime import date

    from hotline_cli.io.sources import read_raw
    from hotline_cli.procedure.settings import DEFAULT
    from hotline_cli.run.pipeline import Job, Pipeline

    inputs = [str(FIXTURES / "audit"), str(FIXTURES / "export.jsonl"), str(FIXTURES / "cases")]
    for command in ("triage", "followup", "escalate", "summarize", "audit"):
        options = {"select": (), "ignore": ()} if command == "audit" else {}
        job = Job(command, "jsonl", date(2025, 11, 20), DEFAULT, options, mask_pii=command == "triage")
        one = list(Pipeline(job).many(read_raw(inputs), staged=False))
        staged = list(Pipeline(job).many(read_raw(inputs), staged=True))
        assert len(one) > 40 and staged == one, command


def test_sink_blocks_write_what_fragments_write():
    """A worker's joined block, written as UTF-8 bytes or through a text stream, gives the
    bytes that writing its fragments one by one gives, in every format's framing."""
    import io

    from hotline_cli.io import writers as render
    from hotline_cli.run import commands

    spec = commands.COMMANDS["audit"].view
    frags = {"json": ['{"a": "ё"}', '{"b": 2}', '{"c": "\\u2028"}'], "text": ["один\n", "", "два\n", "три\n"],
             "jsonl": ['{"a": 1}\n', '{"b": "щ"}\n'], "csv": ["x,y\n", "'=1,z\n"]}
    for fmt, parts in frags.items():
        def stream(encoding="utf-8"):
            return io.TextIOWrapper(io.BytesIO(), encoding=encoding, errors="backslashreplace", newline="")

        one = stream()
        sink = render.Sink(one, fmt, spec)
        for f in parts:
            sink.write(f)
        sink.close()
        one.flush()
        expected = one.buffer.getvalue()
        for out in (stream(), io.StringIO()):  # UTF-8 with a byte stream; text only
            sink = render.Sink(out, fmt, spec)
            for block in (parts[:1], [], parts[1:]):
                data, n = render.join(block, fmt)
                sink.write_block(data.encode("utf-8"), n)
            sink.close()
            out.flush()
            got = out.getvalue().encode("utf-8") if isinstance(out, io.StringIO) else out.buffer.getvalue()
            assert got == expected, (fmt, type(out))


def test_a_folder_of_many_files_keeps_one_open_per_worker(tmp_path):
    """Workers read their blocks by offset, file after file: each keeps one file open, so that a
    folder of 200 files audits under a limit of 64 open files as it does in one process."""
    import resource

    d = tmp_path / "many"
    d.mkdir()
    case = (FIXTURES / "cases" / "r2_fault_gone.json").read_text(encoding="utf-8").replace("\n", " ")
    for k in range(200):
        (d / f"{k:03d}.jsonl").write_text(case.replace('"case_id": "', f'"case_id": "{k}-') + "\n", encoding="utf-8")

    def limited():
        resource.setrlimit(resource.RLIMIT_NOFILE, (64, 64))

    runs = [subprocess.run([sys.executable, "-m", "hotline_cli", "audit", str(d), "--today", "2025-11-20",
                            "--format", "jsonl", "--jobs", jobs], capture_output=True, text=True, cwd=ROOT,
                           preexec_fn=limited) for jobs in ("1", "2")]
    assert runs[0].stderr == runs[1].stderr == ""
    assert runs[0].stdout == runs[1].stdout and runs[0].stdout.count("\n") == 200


def test_pieces_are_large_first_and_small_at_the_end(tmp_path):
    """A worker's piece is 1/share of what is left of the file, between `smallest` and `size`: worked
    out by hand for a file of 100 lines of 1 000 bytes (100 000 bytes), size 16 000, smallest 4 000,
    share 4 — a piece ends at the end of the line its bytes reach into."""
    from hotline_cli.io.sources import read_blocks

    p = tmp_path / "lines.jsonl"
    p.write_bytes((b"x" * 999 + b"\n") * 100)
    pieces = list(read_blocks([str(p)], size=16_000, ranged=True, share=4, smallest=4_000))
    # left 100 000 → 16 000 (capped); 84 000 → 16 000; 68 000 → 16 000; 52 000 → 13 000; 39 000 → 9 750,
    # read to the line's end: 10 000; 29 000 → 7 250 → 8 000; 21 000 → 5 250 → 6 000; 15 000 → 4 000
    # (the smallest); 11 000 → 4 000; 7 000 → 4 000; 3 000 left → 3 000
    assert [b.length for b in pieces] == [16_000, 16_000, 16_000, 13_000, 10_000, 8_000, 6_000, 4_000, 4_000,
                                          4_000, 3_000]
    assert [b.first_line for b in pieces] == [1, 17, 33, 49, 62, 72, 80, 86, 90, 94, 98]
