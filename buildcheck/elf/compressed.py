"""Compressed debug sections: recognise them, and decompress the few we parse without holding them in memory.

Two encodings exist: `SHF_COMPRESSED` (an Elf32/64_Chdr, then zlib or zstd data)
and GNU's legacy `.zdebug_*` (`ZLIB` + 8-byte big-endian size, then zlib data).
A GB-scale binary built with `-gz` still has hundreds of MB of `.debug_info`, so
decompression streams into an unlinked temporary file that is then mmapped:
memory stays at the chunk size, however large the section says it is.

What may land on disk is bounded twice: by what the compressed payload can possibly
expand to with its codec (`max_expansion`; the header's own size field is a claim of
up to 2**64 bytes), and by the free space of the temporary directory, checked before
a byte is written.
"""

from __future__ import annotations

import contextlib
import functools
import importlib
import mmap
import shutil
import struct
import tempfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, Literal

from buildcheck.elf.reader import SHF_COMPRESSED, ElfHeader, RawSection, file_span
from buildcheck.errors import BuildcheckError
from buildcheck.i18n import _
from buildcheck.sizes import format_size

CompressionKind = Literal["zlib", "zstd", "zlib-gnu", "unknown"]
_CHUNK = 1 << 20
# deflate's largest ratio: a length-258 match coded in 2 bits (zlib's FAQ: "1032:1").
ZLIB_MAX_RATIO = 1032
# zstd's densest block is an RLE block: a 3-byte header and 1 byte that repeat up to
# Block_Maximum_Size (128 KiB, RFC 8878 section 3.1.1.2.4); any other block is larger.
ZSTD_MIN_BLOCK_BYTES = 4
ZSTD_MAX_BLOCK_OUTPUT = 128 << 10


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


class NoRoomToDecompress(CannotDecompress):
    """The temporary directory has less free space than the section may need."""


class TemporaryFileFailed(BuildcheckError):
    """Writing the decompressed bytes failed (the disk filled up meanwhile, an I/O error): one line, exit 2."""


def max_expansion(kind: CompressionKind, payload_bytes: int) -> int:
    """The most bytes `payload_bytes` of this codec can decompress to, whatever its header declares."""
    if kind in ("zlib", "zlib-gnu"):
        return payload_bytes * ZLIB_MAX_RATIO
    if kind == "zstd":
        return -(-payload_bytes // ZSTD_MIN_BLOCK_BYTES) * ZSTD_MAX_BLOCK_OUTPUT
    return 0


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


def _codec_errors(kind: CompressionKind, module: Any | None) -> tuple[type[BaseException], ...]:
    """The exceptions that mean "this stream is not valid <codec>": nothing else is a decompression failure."""
    if kind == "zstd":
        return (module.ZstdError,) if module is not None and hasattr(module, "ZstdError") else ()
    return (zlib.error,)


def decompress_to_map(data: Any, section: RawSection, comp: Compression,
                      stack: contextlib.ExitStack) -> tuple[Span, str | None]:
    """Stream the section's payload into a temporary file and map it; never more than the declared size,
    nor than the payload can expand to, nor than the temporary directory has room for.

    The second value describes a stream that ended early (the Span then holds what there was).
    """
    end = file_span(section, len(data))[1]
    module = None
    if comp.kind in ("zlib", "zlib-gnu"):
        pieces_of: Callable[[memoryview], Iterator[bytes]] = _zlib_pieces
    elif comp.kind == "zstd":
        module = zstd_module()
        if module is None:
            raise CannotDecompress("zstd")
        pieces_of = functools.partial(_zstd_pieces, module)
    else:
        raise CannotDecompress(comp.kind)

    payload = max(0, end - comp.payload_start)
    limit = min(comp.uncompressed_size, max_expansion(comp.kind, payload))
    directory = tempfile.gettempdir()
    free = shutil.disk_usage(directory).free
    if limit > free:
        raise NoRoomToDecompress(_("it may need {need} in the temporary directory {dir}, which has {free} free "
                                   "(set TMPDIR to a roomier one)").format(
            need=format_size(limit), dir=directory, free=format_size(free)))
    out = stack.enter_context(tempfile.TemporaryFile(prefix="buildcheck-", dir=directory))
    written = 0
    with memoryview(data) as view, view[comp.payload_start:end] as stream:
        pieces = pieces_of(stream)
        try:
            for piece in pieces:
                piece = piece[:limit - written]
                out.write(piece)
                written += len(piece)
                if written >= limit:
                    break
            out.flush()
        except _codec_errors(comp.kind, module) as exc:
            raise CannotDecompress(str(exc)) from None
        except OSError as exc:
            raise TemporaryFileFailed(_("cannot write the decompressed {section} to the temporary directory {dir}: "
                                        "{reason}").format(section=section.name, dir=directory,
                                                           reason=exc.strerror or exc)) from None
        finally:
            pieces.close()  # the decoder's frame lets go of its views of the file before they are released
    problem = None if written == comp.uncompressed_size else _(
        "the compressed stream holds {written} of the {limit} bytes its header declares").format(
        written=written, limit=comp.uncompressed_size)
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
        start, end = file_span(section, len(data))  # whole: read_sections refuses sections past the end
        return Span(data, start, end), None
    return decompress_to_map(data, section, comp, stack)
