"""Decompression never hands out more than one chunk at a time, however well the input compresses.

A few KB of zlib or zstd expand to tens of MB (here 50 MB from ~50 KB / ~1.6 KB): the inspector
streams them into a temporary file piece by piece, so its memory must not follow the output size.
"""

from __future__ import annotations

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
