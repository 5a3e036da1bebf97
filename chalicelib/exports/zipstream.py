"""ZIP archives written front to back onto a sink that only takes fixed-size parts.

An S3 multipart upload takes parts of at least 5 MiB (all but the last) and cannot go back, so
the archive is written as a stream: `zipfile` sees a file object without `seek` and switches to
data descriptors (sizes and CRC after each entry's data). Only one part is ever buffered, and
entries are fed in chunks, so memory stays flat however big the archive grows.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from types import TracebackType
from typing import IO, Protocol

MiB = 1024 * 1024
MIN_PART_SIZE = 5 * MiB  # S3's floor for every part but the last
DEFAULT_PART_SIZE = 8 * MiB
CHUNK_SIZE = 1 * MiB

# Formats that are compressed already: deflating them again costs time for nothing.
STORED_EXTENSIONS = {"png", "jpg", "jpeg", "webp", "gif", "xlsx", "zip"}


class PartSink(Protocol):
    """Where finished parts go (an S3 multipart upload, or a fake in tests)."""

    def upload_part(self, number: int, data: bytearray) -> None: ...

    def complete(self) -> None: ...

    def abort(self) -> None: ...


class MultipartWriter:
    """A write-only, forward-only file object that hands `part_size` parts to a sink.

    Use it as a context manager: leaving normally sends the last (possibly short) part and
    completes the upload; an exception aborts it, so no half-written object ever appears. After
    an abort, writes are dropped: a ZipFile closed late (by the garbage collector) has nowhere to
    go and must not raise again.
    """

    def __init__(self, sink: PartSink, part_size: int = DEFAULT_PART_SIZE) -> None:
        if part_size < MIN_PART_SIZE:
            raise ValueError(f"part_size must be at least {MIN_PART_SIZE} bytes")
        self._sink = sink
        self._part_size = part_size
        self._buffer = bytearray()
        self._parts = 0
        self._position = 0
        self.closed = False
        self.aborted = False

    # What zipfile asks of its file object: tell() works, seek() does not exist.
    def writable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return False

    def tell(self) -> int:
        return self._position

    def write(self, data: bytes | bytearray | memoryview) -> int:
        size = len(data)
        if self.aborted:
            return size
        if self.closed:
            raise ValueError("write to a closed MultipartWriter")
        self._position += size
        view = memoryview(data).cast("B")
        while len(view):
            room = self._part_size - len(self._buffer)
            self._buffer += view[:room]
            view = view[room:]
            if len(self._buffer) == self._part_size:
                part, self._buffer = self._buffer, bytearray()  # handed over, not copied
                self._send(part)
        return size

    def flush(self) -> None:
        """Parts leave only when full: flushing a short part would break S3's 5 MiB floor."""

    def close(self) -> None:
        """Send the last part and complete the upload (an upload failing here is aborted)."""
        if self.closed:
            return
        try:
            if self._buffer or not self._parts:  # the last part may be short, never an extra empty one
                part, self._buffer = self._buffer, bytearray()
                self._send(part)
            self._sink.complete()
        except BaseException:
            self.abort()
            raise
        self.closed = True

    def abort(self) -> None:
        if self.closed:
            return
        self.closed = self.aborted = True
        self._buffer = bytearray()
        self._sink.abort()

    @property
    def parts(self) -> int:
        return self._parts

    def _send(self, data: bytearray) -> None:
        self._parts += 1
        self._sink.upload_part(self._parts, data)

    def __enter__(self) -> MultipartWriter:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        if kind is None:
            self.close()
        else:
            self.abort()


def open_archive(stream: MultipartWriter | IO[bytes]) -> zipfile.ZipFile:
    """A ZIP being written onto `stream`; on a non-seekable one entries get data descriptors."""
    return zipfile.ZipFile(stream, "w", allowZip64=True)  # type: ignore[arg-type]


def entry_info(name: str, when: datetime | None = None) -> zipfile.ZipInfo:
    year, month, day, hour, minute, second = (when or datetime.now(UTC)).timetuple()[:6]
    stamp = max((year, month, day, hour, minute, second), (1980, 1, 1, 0, 0, 0))  # ZIP's epoch
    info = zipfile.ZipInfo(name, date_time=stamp)
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    info.compress_type = zipfile.ZIP_STORED if extension in STORED_EXTENSIONS else zipfile.ZIP_DEFLATED
    info.external_attr = 0o644 << 16
    return info


def add_stream(
    archive: zipfile.ZipFile, info: zipfile.ZipInfo, chunks: Iterable[bytes], size: int | None = None
) -> int:
    """Write one entry from chunks; returns its size.

    With `size` known (S3's ContentLength, a spooled file's length) the entry is an ordinary one
    that needs Zip64 only past 4 GiB; unknown, it is written as Zip64 so that any size fits.
    """
    if size is not None:
        info.file_size = size
    written = 0
    with archive.open(info, "w", force_zip64=size is None) as entry:
        for chunk in chunks:
            entry.write(chunk)
            written += len(chunk)
    return written


def add_bytes(archive: zipfile.ZipFile, info: zipfile.ZipInfo, data: bytes) -> int:
    return add_stream(archive, info, [data], len(data))


def file_size(handle: IO[bytes]) -> int:
    handle.seek(0, 2)
    size = handle.tell()
    handle.seek(0)
    return size


def file_chunks(handle: IO[bytes], chunk_size: int = CHUNK_SIZE) -> Iterator[bytes]:
    handle.seek(0)
    while chunk := handle.read(chunk_size):
        yield chunk


def unique_name(name: str, taken: set[str]) -> str:
    """`name`, or `name_2.ext`, `name_3.ext`… when an earlier entry has it already (the desktop's
    rule for images of the same file name; compared ignoring case, as Windows and macOS do).
    The name returned is added to `taken`."""
    stem, dot, extension = name.rpartition(".")
    if not dot or not stem:
        stem, extension = name, ""
    candidate, number = name, 1
    while candidate.lower() in taken:
        number += 1
        candidate = f"{stem}_{number}.{extension}" if extension else f"{stem}_{number}"
    taken.add(candidate.lower())
    return candidate
