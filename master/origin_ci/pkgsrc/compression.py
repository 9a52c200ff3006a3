"""Transparent decompression of the files pkgsrc publishes (gzip, bzip2, xz or plain).

pkg_install and pkgin hand these files to libarchive's "raw" format, which recognises
the compression from the data itself; so does this module, by magic bytes.
"""
import bz2
import gzip
import lzma
import zlib


class CompressionError(ValueError):
    """Data that starts like a compressed stream but does not decompress."""


_MAGIC = (
    (b"\x1f\x8b", gzip.decompress),
    (b"BZh", bz2.decompress),
    (b"\xfd7zXZ\x00", lzma.decompress),
)


def decompress(data: bytes) -> bytes:
    """``data`` uncompressed; data with no known magic is returned as it is."""
    for magic, decompressor in _MAGIC:
        if data.startswith(magic):
            try:
                return decompressor(data)
            except (OSError, EOFError, ValueError, zlib.error, lzma.LZMAError) as error:
                raise CompressionError(f"corrupt compressed data: {error}") from error
    return data
