"""Decompression never hands out more than one chunk at a time, however well the input compresses.

A few KB of zlib or zstd expand to tens of MB (here 50 MB from ~50 KB / ~1.6 KB): the inspector
streams them into a temporary file piece by piece, so its memory must not follow the output size.
"""

from __future__ import annotations

import errno
import os
import struct
import zlib

import pytest

from buildcheck.elf import compressed

EXPANDED = 50 * 1024 * 1024


def _drain(pieces):
    total = 0
    for piece in pieces:
        assert len(piece) <= compressed._CHUNK
        total += len(piece)
    return total


def test_zlib_bomb_comes_out_in_bounded_pieces():
    bomb = zlib.compress(bytes(EXPANDED), 9)
    assert len(bomb) < 100_000
    assert _drain(compressed._zlib_pieces(memoryview(bomb))) == EXPANDED


def test_zlib_trailing_garbage_after_the_stream_is_ignored():
    data = zlib.compress(b"abc" * 1000) + b"garbage"
    assert _drain(compressed._zlib_pieces(memoryview(data))) == 3000


def test_zstd_bomb_comes_out_in_bounded_pieces():
    module = compressed.zstd_module()
    if module is None:
        pytest.skip("no zstd decoder in this Python")
    zstandard = pytest.importorskip("zstandard")
    bomb = zstandard.ZstdCompressor(level=19).compress(bytes(EXPANDED))
    assert len(bomb) < 10_000
    assert _drain(compressed._zstd_pieces(module, memoryview(bomb))) == EXPANDED


# --- how much may be written: the codec's own limit and the temporary directory's free space ---------

@pytest.mark.parametrize("size", [1, 1000, 1 << 20, EXPANDED])
def test_zlib_bound_holds_for_the_densest_streams_zlib_writes(size):
    """zlib at level 9 on zeros is deflate at its densest; the bound must hold, and stay close (1032:1)."""
    stream = zlib.compress(bytes(size), 9)
    assert size <= compressed.max_expansion("zlib", len(stream)) <= max(size, 1) * 1100 + 1100 * 64
    assert compressed.max_expansion("zlib-gnu", len(stream)) == compressed.max_expansion("zlib", len(stream))


@pytest.mark.parametrize("size", [1, 1000, 1 << 20, EXPANDED])
def test_zstd_bound_holds_for_the_densest_streams_zstd_writes(size):
    zstandard = pytest.importorskip("zstandard")
    stream = zstandard.ZstdCompressor(level=19).compress(bytes(size))
    assert size <= compressed.max_expansion("zstd", len(stream))
    # an RLE block every 4 bytes is the densest possible: the bound is within 2x of what level 19 achieves
    if size >= 1 << 20:
        assert compressed.max_expansion("zstd", len(stream)) <= 2 * size


def _compressed_elf(tmp_path, payload: bytes, *, declared: int, kind: int = 1):
    from elf_synth import SHF_COMPRESSED, Section, build_elf

    chdr = struct.pack("<IIQQ", kind, 0, declared, 1)
    path = tmp_path / "gz"
    path.write_bytes(build_elf([Section(".debug_info", chdr + payload, flags=SHF_COMPRESSED, align=8)]))
    return path


class _Usage:
    def __init__(self, free: int):
        self.total, self.used, self.free = free * 2, free, free


def test_a_lying_declared_size_is_capped_by_what_the_payload_can_hold(tmp_path, monkeypatch):
    """ch_size says 2**63 bytes; 30 bytes of zlib cannot give more than 30 KB, which fits in 1 MB of free space."""
    from buildcheck.elf.inspect import inspect_binary

    unit = struct.pack("<IHIB", 7, 4, 0, 8)  # one unit header, no top entry
    payload = zlib.compress(unit)
    monkeypatch.setattr(compressed.shutil, "disk_usage", lambda _path: _Usage(1 << 20))
    report = inspect_binary(_compressed_elf(tmp_path, payload, declared=1 << 63))
    assert not any("temporary directory" in w for w in report.warnings)
    assert report.debug_info_bytes == len(unit) and report.units == 1


def test_no_room_in_the_temporary_directory_is_a_warning_before_any_write(tmp_path, monkeypatch):
    from buildcheck.elf.inspect import inspect_binary

    unit = struct.pack("<IHIB", 7, 4, 0, 8) + bytes(2 << 20)
    payload = zlib.compress(unit)
    monkeypatch.setattr(compressed.shutil, "disk_usage", lambda _path: _Usage(1 << 20))
    opened = []
    monkeypatch.setattr(compressed.tempfile, "TemporaryFile", lambda *a, **k: opened.append(1))
    report = inspect_binary(_compressed_elf(tmp_path, payload, declared=len(unit)))
    assert opened == []
    assert any("temporary directory" in w and "TMPDIR" in w for w in report.warnings), report.warnings
    assert not report.origins_computed and report.debug_info_bytes == len(unit)


class _FullDisk:
    def __init__(self, *args, **kwargs):
        pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def write(self, piece):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    def flush(self):
        pass


def test_the_disk_filling_up_meanwhile_is_one_clean_error_not_a_warning(tmp_path, monkeypatch):
    from buildcheck.elf.inspect import inspect_binary
    from buildcheck.errors import BuildcheckError

    payload = zlib.compress(struct.pack("<IHIB", 7, 4, 0, 8))
    monkeypatch.setattr(compressed.tempfile, "TemporaryFile", _FullDisk)
    path = _compressed_elf(tmp_path, payload, declared=11)
    with pytest.raises(BuildcheckError, match="No space left on device") as info:
        inspect_binary(path)
    assert str(path) in str(info.value) and ".debug_info" in str(info.value) and info.value.exit_code == 2


def test_a_bug_in_the_decoder_is_not_turned_into_a_warning(tmp_path, monkeypatch):
    from buildcheck.elf.inspect import inspect_binary

    def broken(_payload):
        raise KeyError("a bug of ours")
        yield b""  # a generator, like the real one

    monkeypatch.setattr(compressed, "_zlib_pieces", broken)
    with pytest.raises(KeyError):
        inspect_binary(_compressed_elf(tmp_path, zlib.compress(b"x" * 11), declared=11))


def test_invalid_zlib_data_is_still_a_warning(tmp_path):
    from buildcheck.elf.inspect import inspect_binary

    report = inspect_binary(_compressed_elf(tmp_path, b"\x78\x9c" + b"\xff" * 40, declared=100))
    assert any("cannot decompress" in w for w in report.warnings), report.warnings
