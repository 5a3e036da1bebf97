"""Streaming ZIPs onto a forward-only, part-by-part sink (the shape of an S3 multipart upload)."""

from __future__ import annotations

import io
import os
import zipfile

import pytest

from chalicelib.exports.zipstream import (
    MIN_PART_SIZE,
    MiB,
    MultipartWriter,
    add_bytes,
    add_stream,
    entry_info,
    open_archive,
    unique_name,
)


class FakeSink:
    """Keeps parts in order and checks S3's rules: numbered from 1, only the last under 5 MiB."""

    def __init__(self, fail_on_complete: bool = False) -> None:
        self.parts: list[tuple[int, bytes]] = []
        self.completed = 0
        self.aborted = 0
        self.fail_on_complete = fail_on_complete

    def upload_part(self, number: int, data: bytearray) -> None:
        assert number == len(self.parts) + 1
        self.parts.append((number, bytes(data)))

    def complete(self) -> None:
        if self.fail_on_complete:
            raise RuntimeError("complete failed")
        self.completed += 1

    def abort(self) -> None:
        self.aborted += 1

    def blob(self) -> bytes:
        return b"".join(data for _, data in self.parts)


def _chunks(data: bytes, size: int = MiB) -> list[bytes]:
    return [data[i : i + size] for i in range(0, len(data), size)]


def _write_archive(sink: FakeSink, entries: dict[str, bytes]) -> None:
    with MultipartWriter(sink, MIN_PART_SIZE) as out:
        archive = open_archive(out)
        for name, data in entries.items():
            add_stream(archive, entry_info(name), _chunks(data), len(data))
        archive.close()


def test_a_zip_written_part_by_part_is_valid_and_holds_every_entry():
    entries = {
        "images/a.png": os.urandom(7 * MiB),
        "images/b.png": os.urandom(4 * MiB),
        "notes.txt": b"hi" * 99,
    }
    sink = FakeSink()
    _write_archive(sink, entries)
    archive = zipfile.ZipFile(io.BytesIO(sink.blob()))
    assert archive.testzip() is None
    assert {name: archive.read(name) for name in archive.namelist()} == entries


def test_every_part_but_the_last_is_at_least_5_mib_and_the_upload_completes_once():
    sink = FakeSink()
    _write_archive(sink, {"big.bin": os.urandom(12 * MiB)})
    sizes = [len(data) for _, data in sink.parts]
    assert len(sizes) == 3
    assert all(size >= MIN_PART_SIZE for size in sizes[:-1])
    assert 0 < sizes[-1] < MIN_PART_SIZE
    assert (sink.completed, sink.aborted) == (1, 0)


def test_the_zip_is_written_without_seeking_so_entries_carry_data_descriptors():
    writer = MultipartWriter(FakeSink(), MIN_PART_SIZE)
    assert not writer.seekable() and not hasattr(writer, "seek")
    sink = FakeSink()
    _write_archive(sink, {"a.txt": b"abc"})
    (info,) = zipfile.ZipFile(io.BytesIO(sink.blob())).infolist()
    assert info.flag_bits & 0x08  # sizes and CRC follow the data


def test_parts_leave_as_they_fill_not_at_the_end():
    sink = FakeSink()
    with MultipartWriter(sink, MIN_PART_SIZE) as out:
        for chunk in _chunks(os.urandom(2 * MIN_PART_SIZE + 10)):
            out.write(chunk)
        assert len(sink.parts) == 2  # two full parts gone while writing; memory holds at most one
        assert sink.completed == 0
    assert [len(data) for _, data in sink.parts] == [MIN_PART_SIZE, MIN_PART_SIZE, 10]


def test_an_entry_of_unknown_size_is_written_as_zip64_and_still_reads_back():
    sink = FakeSink()
    with MultipartWriter(sink, MIN_PART_SIZE) as out:
        archive = open_archive(out)
        add_stream(archive, entry_info("x.bin"), iter([b"a" * 1000, b"b" * 1000]))
        add_bytes(archive, entry_info("y.txt"), b"known size")
        archive.close()
    archive = zipfile.ZipFile(io.BytesIO(sink.blob()))
    assert archive.read("x.bin") == b"a" * 1000 + b"b" * 1000
    assert archive.read("y.txt") == b"known size"


def test_already_compressed_files_are_stored_and_text_is_deflated():
    assert entry_info("images/a.png").compress_type == zipfile.ZIP_STORED
    assert entry_info("job.xlsx").compress_type == zipfile.ZIP_STORED
    assert entry_info("summary.txt").compress_type == zipfile.ZIP_DEFLATED


def test_an_error_while_writing_aborts_the_upload_and_later_writes_are_dropped():
    sink = FakeSink()
    with pytest.raises(RuntimeError), MultipartWriter(sink, MIN_PART_SIZE) as out:
        out.write(os.urandom(MIN_PART_SIZE + 1))
        raise RuntimeError("boom")
    assert (sink.completed, sink.aborted) == (0, 1)
    assert out.write(b"late central directory") == 22  # e.g. a ZipFile closed by the GC
    assert len(sink.parts) == 1


def test_a_failing_completion_aborts_the_upload():
    sink = FakeSink(fail_on_complete=True)
    with pytest.raises(RuntimeError), MultipartWriter(sink, MIN_PART_SIZE) as out:
        out.write(b"x")
    assert sink.aborted == 1


def test_an_empty_upload_still_sends_one_part():
    sink = FakeSink()
    with MultipartWriter(sink, MIN_PART_SIZE):
        pass
    assert [data for _, data in sink.parts] == [b""] and sink.completed == 1


def test_parts_smaller_than_s3_allows_are_refused():
    with pytest.raises(ValueError):
        MultipartWriter(FakeSink(), MIN_PART_SIZE - 1)


def test_duplicate_entry_names_get_a_number_before_the_extension():
    taken: set[str] = set()
    names = [unique_name(name, taken) for name in ["a.png", "a.png", "A.PNG", "b.png", "a.png", "README"]]
    assert names == ["a.png", "a_2.png", "A_3.PNG", "b.png", "a_4.png", "README"]
    assert unique_name("README", taken) == "README_2"
