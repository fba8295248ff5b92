"""Compressed debug sections: recognise them, and decompress the few we parse without holding them in memory.

Two encodings exist: `SHF_COMPRESSED` (an Elf32/64_Chdr, then zlib or zstd data)
and GNU's legacy `.zdebug_*` (`ZLIB` + 8-byte big-endian size, then zlib data).
A GB-scale binary built with `-gz` still has hundreds of MB of `.debug_info`, so
decompression streams into an unlinked temporary file that is then mmapped:
memory stays at the chunk size, however large the section says it is.
"""

from __future__ import annotations

import contextlib
import functools
import importlib
import mmap
import struct
import tempfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, Literal

from buildcheck.elf.reader import SHF_COMPRESSED, ElfHeader, RawSection, file_span
from buildcheck.i18n import _

CompressionKind = Literal["zlib", "zstd", "zlib-gnu", "unknown"]
_CHUNK = 1 << 20


@dataclass(frozen=True, kw_only=True)
class Compression:
    kind: CompressionKind
    uncompressed_size: int
    payload_start: int  # file offset where the compressed stream begins


@dataclass(frozen=True)
class Span:
    """Bytes [start, end) of `buf` (the file's mmap, or a decompressed section's own mmap)."""

    buf: Any
    start: int
    end: int

    def __len__(self) -> int:
        return self.end - self.start


EMPTY = Span(b"", 0, 0)


class CannotDecompress(Exception):
    """The section is compressed in a way we cannot (or may not) undo; the message says why."""


def chdr_size(header: ElfHeader) -> int:
    """Bytes of the Elf32_Chdr / Elf64_Chdr that starts an SHF_COMPRESSED section."""
    return 24 if header.class_ == 64 else 12


def compression_of(data: Any, header: ElfHeader, section: RawSection) -> Compression | None:
    """How the section is compressed, or None; a header that does not fit gives kind 'unknown'."""
    start, end = file_span(section, len(data))
    if section.flags & SHF_COMPRESSED:
        fmt = header.byte_order + ("IIQQ" if header.class_ == 64 else "III")
        need = struct.calcsize(fmt)
        if end - start < need:
            return Compression(kind="unknown", uncompressed_size=0, payload_start=end)
        fields = struct.unpack_from(fmt, data, start)
        ch_type, ch_size = (fields[0], fields[2]) if header.class_ == 64 else (fields[0], fields[1])
        kind: CompressionKind = {1: "zlib", 2: "zstd"}.get(ch_type, "unknown")  # type: ignore[assignment]
        return Compression(kind=kind, uncompressed_size=ch_size, payload_start=start + need)
    if section.name.startswith(".zdebug") and end - start >= 12 and bytes(data[start:start + 4]) == b"ZLIB":
        (size,) = struct.unpack_from(">Q", data, start + 4)
        return Compression(kind="zlib-gnu", uncompressed_size=size, payload_start=start + 12)
    return None


def zstd_module() -> Any | None:
    """A zstd decompressor if this Python has one (3.14's compression.zstd, else an installed zstandard)."""
    for name in ("compression.zstd", "zstandard"):
        with contextlib.suppress(ImportError):
            return importlib.import_module(name)
    return None


def decompress_to_map(data: Any, section: RawSection, comp: Compression,
                      stack: contextlib.ExitStack) -> tuple[Span, str | None]:
    """Stream the section's payload into a temporary file and map it; never more than the declared size.

    The second value describes a stream that ended early (the Span then holds what there was).
    """
    end = file_span(section, len(data))[1]
    if comp.kind in ("zlib", "zlib-gnu"):
        pieces_of: Callable[[memoryview], Iterator[bytes]] = _zlib_pieces
    elif comp.kind == "zstd":
        module = zstd_module()
        if module is None:
            raise CannotDecompress("zstd")
        pieces_of = functools.partial(_zstd_pieces, module)
    else:
        raise CannotDecompress(comp.kind)

    out = stack.enter_context(tempfile.TemporaryFile(prefix="buildcheck-"))
    limit = comp.uncompressed_size
    written = 0
    view = memoryview(data)
    try:
        for piece in pieces_of(view[comp.payload_start:end]):
            piece = piece[:limit - written]
            out.write(piece)
            written += len(piece)
            if written >= limit:
                break
    except Exception as exc:  # zlib.error, and zstd libraries raise their own error types
        raise CannotDecompress(str(exc)) from None
    finally:
        view.release()
    out.flush()
    problem = None if written == limit else _("the compressed stream holds {written} of the {limit} bytes its "
                                               "header declares").format(written=written, limit=limit)
    if written == 0:
        return EMPTY, problem
    mapped = mmap.mmap(out.fileno(), 0, access=mmap.ACCESS_READ)
    stack.callback(mapped.close)
    return Span(mapped, 0, written), problem


# Every decoder below yields pieces of at most _CHUNK bytes, however well the input
# compresses: a few KB of crafted zstd or zlib expand to gigabytes, and memory must
# not follow the declared (or undeclared) size of garbage.

def _zlib_pieces(payload: memoryview) -> Iterator[bytes]:
    inflater = zlib.decompressobj()
    for pos in range(0, len(payload), _CHUNK):
        piece = inflater.decompress(payload[pos:pos + _CHUNK], _CHUNK)
        while piece:
            yield piece
            # zlib holds back input when output hits max_length; drain it before feeding more.
            piece = inflater.decompress(inflater.unconsumed_tail, _CHUNK) if inflater.unconsumed_tail else b""
        if inflater.eof:
            return


def _zstd_pieces(module: Any, payload: memoryview) -> Iterator[bytes]:
    if hasattr(module.ZstdDecompressor(), "stream_reader"):  # the zstandard package
        reader = module.ZstdDecompressor().stream_reader(payload, read_size=_CHUNK, read_across_frames=True)
        while piece := reader.read(_CHUNK):
            yield piece
        return
    decompressor = module.ZstdDecompressor()  # compression.zstd (Python 3.14)
    pos = 0
    while not decompressor.eof:
        chunk = b""
        if decompressor.needs_input:
            chunk = payload[pos:pos + _CHUNK]
            pos += len(chunk)
            if not chunk:
                return
        piece = decompressor.decompress(chunk, _CHUNK)
        if piece:
            yield piece


def section_span(data: Any, header: ElfHeader, section: RawSection | None,
                 stack: contextlib.ExitStack) -> tuple[Span, str | None]:
    """The section's uncompressed bytes as a Span, and a problem description if they are incomplete."""
    if section is None or not section.occupies_file:
        return EMPTY, None
    comp = compression_of(data, header, section)
    if comp is None:
        start, end = file_span(section, len(data))
        short = None if end - start == section.size else "truncated"
        return Span(data, start, end), short
    return decompress_to_map(data, section, comp, stack)
