"""Arrays and zip entries read without trusting the sizes a file declares.

A damaged or hostile file can claim an array of 10^12 numbers in a header of a
few bytes, or a zip entry of a terabyte. The readers here check each claim
against the bytes really there before allocating anything, so reading a file
never takes much more memory than the file (or what its entries honestly
decompress to, at most :data:`MAX_DEFLATE_RATIO` times their compressed size)
holds. Every refusal is a :class:`ValueError` with a one-line message; the
callers turn it into a :class:`~simulator.io.LoadError` naming the file.
"""

from __future__ import annotations

import io
import math
import zipfile
import zlib

import numpy as np

MAX_ARRAY_BYTES = 1 << 30
"""The most bytes one array (or one zip entry) of a file may hold."""
MAX_DEFLATE_RATIO = 1100
"""Deflate cannot expand data more than about 1032 times: a larger claim is a lie."""
_NUMERIC_KINDS = "biuf"


def check_npy_dtype(dtype: np.dtype, what: str = "") -> None:
    """Refuse anything but booleans, integers and real floats (no objects, strings or records)."""
    if dtype.hasobject:
        raise ValueError(f"{_at(what)}holds Python objects, which are never loaded")
    if dtype.kind not in _NUMERIC_KINDS or dtype.subdtype is not None or dtype.names is not None:
        raise ValueError(f"{_at(what)}expected real numbers, got dtype {dtype}")


def npy_from_bytes(data: bytes, what: str = "") -> np.ndarray:
    """The array of the ``.npy`` file ``data``, a read-only view of its bytes.

    ``what`` (an entry's name, say) starts each message when given.

    Raises
    ------
    ValueError
        Not an ``.npy`` file, an unsupported header, a dtype other than real
        numbers, or fewer data bytes than the header's shape needs.
    """
    stream = io.BytesIO(data)
    try:
        version = np.lib.format.read_magic(stream)
        if version == (1, 0):
            shape, fortran_order, dtype = np.lib.format.read_array_header_1_0(stream)
        elif version == (2, 0):
            shape, fortran_order, dtype = np.lib.format.read_array_header_2_0(stream)
        else:
            raise ValueError(f".npy format version {version[0]}.{version[1]} is not supported")
    except Exception as exc:  # the header parser raises tokenize, ast, value and EOF errors
        raise ValueError(f"{_at(what)}not a plain .npy array ({exc})") from None
    check_npy_dtype(dtype, what)
    count = math.prod(shape)
    needed = count * dtype.itemsize
    held = len(data) - stream.tell()
    if needed > held:
        raise ValueError(
            f"{_at(what)}the header promises shape {shape} ({needed} bytes) but the file holds {held} bytes"
        )
    flat = np.frombuffer(data, dtype=dtype, count=count, offset=stream.tell())
    return flat.reshape(shape[::-1]).T if fortran_order else flat.reshape(shape)


def read_zip_entry(
    archive: zipfile.ZipFile, name: str, archive_size: int, limit: int = MAX_ARRAY_BYTES
) -> bytes:
    """The bytes of one entry, after checking its declared sizes against the archive's real size.

    Raises
    ------
    ValueError
        The entry claims more than ``limit`` bytes, more compressed bytes than
        the archive holds, or more than deflate can expand them to.
    """
    info = archive.getinfo(name)
    check_zip_entry(info, archive_size, limit)
    try:
        with archive.open(info) as entry:
            data = entry.read(info.file_size)
    except (EOFError, OSError, RuntimeError, NotImplementedError, zipfile.BadZipFile, zlib.error) as exc:
        raise ValueError(f"{name}: a damaged zip entry ({exc})") from None
    if len(data) != info.file_size:
        raise ValueError(f"{name}: the entry ends after {len(data)} of {info.file_size} bytes")
    return data


def check_zip_entry(info: zipfile.ZipInfo, archive_size: int, limit: int = MAX_ARRAY_BYTES) -> None:
    """Refuse a zip entry whose declared sizes cannot be true, or are more than ``limit`` bytes."""
    name = info.filename
    if info.file_size > limit:
        raise ValueError(f"{name}: the entry claims {info.file_size} bytes, more than {limit}")
    if info.header_offset + info.compress_size > archive_size:
        raise ValueError(f"{name}: the entry claims {info.compress_size} bytes beyond the end of the file")
    if info.compress_type == zipfile.ZIP_STORED:
        stretch = 1
    elif info.compress_type == zipfile.ZIP_DEFLATED:
        stretch = MAX_DEFLATE_RATIO
    else:
        raise ValueError(f"{name}: zip compression method {info.compress_type} is not supported")
    if info.file_size > info.compress_size * stretch + 64:
        raise ValueError(
            f"{name}: the entry claims {info.file_size} bytes from {info.compress_size} compressed ones"
        )


def check_zip(archive: zipfile.ZipFile, archive_size: int, limit: int = MAX_ARRAY_BYTES) -> None:
    """:func:`check_zip_entry` on every entry."""
    for info in archive.infolist():
        check_zip_entry(info, archive_size, limit)


def _at(what: str) -> str:
    return f"{what}: " if what else ""
