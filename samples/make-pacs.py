#!/usr/bin/env python3
"""Generates samples/pacs/, the small sample image tree of the demo (committed as well).

Deterministic: running it again produces the same bytes. Only the standard library is used.
The .dcm files are tiny but well-formed DICOM Part 10 files (preamble, "DICM", file meta,
a few data elements, 8x8 8-bit pixels); their paths match the rows of the demo's `images`
table. The PNG/PGM files are small grey-scale pictures; one sits in a nested folder and has
a space in its name, to exercise REQUEST paths with inner spaces.
"""

import os
import struct
import uuid
import zlib

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "pacs")

# (path, study number, image number, modality) in the order of the `images` table rows.
DICOM_FILES = [
    ("study1/img001.dcm", 1, 1, "CT"),
    ("study1/img002.dcm", 1, 2, "CT"),
    ("study2/img001.dcm", 2, 1, "CR"),
    ("study2/img002.dcm", 2, 2, "CR"),
    ("study3/img001.dcm", 3, 1, "MR"),
]


def element(group, elem, vr, value):
    """One explicit-VR little-endian data element, value padded to even length."""
    if len(value) % 2:
        value += b"\0" if vr in ("UI", "OB") else b" "
    if vr in ("OB", "OW", "UN", "SQ", "UT"):
        return struct.pack("<HH2sHI", group, elem, vr.encode(), 0, len(value)) + value
    return struct.pack("<HH2sH", group, elem, vr.encode(), len(value)) + value


def dicom(study, image, modality):
    # A "2.25" UID (ITU-T X.667: derived from a UUID), so no organisation's root is borrowed.
    sop_uid = f"2.25.{uuid.uuid5(uuid.NAMESPACE_URL, f'websocketfy-sample/{study}/{image}').int}".encode()
    meta = (
        element(0x0002, 0x0001, "OB", b"\0\1")
        + element(0x0002, 0x0002, "UI", b"1.2.840.10008.5.1.4.1.1.7")  # Secondary Capture
        + element(0x0002, 0x0003, "UI", sop_uid)
        + element(0x0002, 0x0010, "UI", b"1.2.840.10008.1.2.1")  # explicit VR little endian
    )
    meta = element(0x0002, 0x0000, "UL", struct.pack("<I", len(meta))) + meta
    side = 8
    pixels = bytes(((x * 16 + y * 8 + study * 40 + image * 20) % 256) for y in range(side) for x in range(side))
    dataset = (
        element(0x0008, 0x0016, "UI", b"1.2.840.10008.5.1.4.1.1.7")
        + element(0x0008, 0x0018, "UI", sop_uid)
        + element(0x0008, 0x0060, "CS", modality.encode())
        + element(0x0010, 0x0010, "PN", f"DEMO^STUDY{study}".encode())
        + element(0x0020, 0x0013, "IS", str(image).encode())
        + element(0x0028, 0x0002, "US", struct.pack("<H", 1))
        + element(0x0028, 0x0004, "CS", b"MONOCHROME2")
        + element(0x0028, 0x0010, "US", struct.pack("<H", side))
        + element(0x0028, 0x0011, "US", struct.pack("<H", side))
        + element(0x0028, 0x0100, "US", struct.pack("<H", 8))
        + element(0x0028, 0x0101, "US", struct.pack("<H", 8))
        + element(0x0028, 0x0102, "US", struct.pack("<H", 7))
        + element(0x0028, 0x0103, "US", struct.pack("<H", 0))
        + element(0x7FE0, 0x0010, "OB", pixels)
    )
    return b"\0" * 128 + b"DICM" + meta + dataset


def png_grey(width, height, shade):
    def chunk(kind, data):
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body) & 0xFFFFFFFF)

    rows = b"".join(b"\0" + bytes(shade(x, y) for x in range(width)) for y in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)  # 8-bit grey
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows, 9)) + chunk(b"IEND", b"")


def pgm(width, height, shade):
    return b"P5\n%d %d\n255\n" % (width, height) + bytes(shade(x, y) for y in range(height) for x in range(width))


def write(path, data):
    full = os.path.join(ROOT, path)
    os.makedirs(os.path.dirname(full), exist_ok=True)
    with open(full, "wb") as f:
        f.write(data)


def main():
    for path, study, image, modality in DICOM_FILES:
        write(path, dicom(study, image, modality))
    write("study1/preview.png", png_grey(32, 32, lambda x, y: (x * 8) % 256))
    write("study3/series1/slice 01.png", png_grey(16, 16, lambda x, y: 255 if (x - 8) ** 2 + (y - 8) ** 2 < 30 else 20))
    write("study3/series1/slice 02.png", png_grey(16, 16, lambda x, y: 255 if (x - 8) ** 2 + (y - 8) ** 2 < 16 else 20))
    write("phantom.pgm", pgm(16, 16, lambda x, y: (x + y) * 8))


if __name__ == "__main__":
    main()
