"""Read members of an untrusted ZIP archive held in memory, within fixed budgets.

A ZIP declares each member's inflated size, but nothing makes the declaration
true: a few megabytes of DEFLATE can inflate to gigabytes. ``SafeZip`` never
trusts ``ZipInfo.file_size``; it inflates a member in chunks of ``CHUNK``
bytes through ``ZipFile.open`` and counts the bytes actually produced.

Invariants:

* At most ``max_entries`` entries are ever parsed. Before ``ZipFile`` reads
  the central directory, the central-directory signatures in the raw bytes
  are counted; every entry ``zipfile`` accepts starts with one, so the count
  bounds the entries (and the memory their ``ZipInfo`` records take).
* A read inflates at most ``CHUNK`` bytes beyond what it has yielded
  (``ZipExtFile.read(n)`` bounds DEFLATE's output by ``n``; ``read()`` with
  no size would inflate the whole member at once) and stops with
  ``UnsafeZipError`` as soon as the member passes its ``limit`` or the reads
  together pass ``max_total_bytes``. At most ``max_reads`` members are read.
* Only members stored or DEFLATE-compressed are read (``zipfile`` inflates
  bzip2 and LZMA without an output bound); encrypted members are refused.
* Member names with ``..`` segments, absolute paths, backslashes, drive
  letters or NUL bytes are refused when looked up. Nothing is written to
  disk.

Pure: no web or database imports. Errors are ``UnsafeZipError`` (not a ZIP,
too many entries, a member missing, encrypted or unreadable) or its subclass
``ZipBudgetExceeded`` (over a size limit), with a readable message.
"""

from __future__ import annotations

import io
import re
import zipfile
import zlib
from collections.abc import Generator
from types import TracebackType

CHUNK = 64 * 1024
MAX_ENTRIES = 2_000
_CENTRAL_SIGNATURE = b"PK\x01\x02"
_READABLE = frozenset({zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED})
_DRIVE = re.compile(r"[A-Za-z]:")


class UnsafeZipError(ValueError):
    """The archive or one of its members cannot be read safely; ``message`` says why."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class ZipBudgetExceeded(UnsafeZipError):
    """A member inflated past its limit, or the reads past the archive's total budget."""


def size_text(size: int) -> str:
    """``size`` bytes as "8 MiB", "512 KiB" or "100 bytes"."""
    for unit, scale in (("MiB", 1 << 20), ("KiB", 1 << 10)):
        if size >= scale and size % scale == 0:
            return f"{size // scale} {unit}"
    return f"{size} bytes"


class SafeZip:
    """An archive opened from bytes; ``read``/``stream`` members within the budgets."""

    def __init__(
        self, data: bytes, *, max_entries: int, max_reads: int, max_total_bytes: int
    ) -> None:
        if data.count(_CENTRAL_SIGNATURE) > max_entries:
            raise UnsafeZipError(f"the archive has more than {max_entries:,} entries")
        try:
            self._archive = zipfile.ZipFile(io.BytesIO(data))
        except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError) as exc:
            raise UnsafeZipError("it is not a ZIP archive") from exc
        infos = self._archive.infolist()
        if len(infos) > max_entries:  # defensive: the signature count already bounds this
            self._archive.close()
            raise UnsafeZipError(f"the archive has more than {max_entries:,} entries")
        self._infos = {info.filename: info for info in infos}
        self._max_reads = max_reads
        self._max_total = max_total_bytes
        self._reads = 0
        self._total = 0

    def __enter__(self) -> SafeZip:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        """Release the archive."""
        self._archive.close()

    def names(self) -> frozenset[str]:
        """Every member name the central directory lists."""
        return frozenset(self._infos)

    def read(self, name: str, *, limit: int) -> bytes:
        """The member ``name`` inflated, refused once it passes ``limit`` bytes."""
        return b"".join(self.stream(name, limit=limit))

    def stream(self, name: str, *, limit: int) -> Generator[bytes, None, None]:
        """The member ``name`` inflated chunk by chunk (at most ``CHUNK`` bytes each).

        The name, encryption, compression and read count are checked at once;
        while iterating, ``UnsafeZipError`` is raised the moment the actual
        inflated size passes ``limit`` or the archive's total budget.
        """
        info = self._member(name)
        self._reads += 1
        if self._reads > self._max_reads:
            raise UnsafeZipError(f"more than {self._max_reads} parts of the archive were read")
        return self._inflate(info, limit)

    def _inflate(self, info: zipfile.ZipInfo, limit: int) -> Generator[bytes, None, None]:
        name, size = info.filename, 0
        try:
            with self._archive.open(info) as member:
                while chunk := member.read(CHUNK):
                    size += len(chunk)
                    self._total += len(chunk)
                    if size > limit:
                        raise ZipBudgetExceeded(f"{name} inflates past {size_text(limit)}")
                    if self._total > self._max_total:
                        raise ZipBudgetExceeded(
                            f"the parts read inflate past {size_text(self._max_total)} in total"
                        )
                    yield chunk
        except (
            zipfile.BadZipFile,
            zipfile.LargeZipFile,
            zlib.error,
            EOFError,
            OSError,
            RuntimeError,
            NotImplementedError,
        ) as exc:
            raise UnsafeZipError(f"{name} cannot be read ({exc})") from exc

    def _member(self, name: str) -> zipfile.ZipInfo:
        _check_name(name)
        info = self._infos.get(name)
        if info is None:
            raise UnsafeZipError(f"{name} is missing")
        if info.flag_bits & 0x1:
            raise UnsafeZipError(f"{name} is encrypted")
        if info.compress_type not in _READABLE:
            raise UnsafeZipError(
                f"{name} uses compression method {info.compress_type}; "
                "only stored and DEFLATE members are read"
            )
        return info


def _check_name(name: str) -> None:
    parts = name.split("/")
    if (
        not name
        or name.startswith("/")
        or "\\" in name
        or "\x00" in name
        or _DRIVE.match(name)
        or ".." in parts
    ):
        raise UnsafeZipError(f"refusing the member name {name!r}")
