#!/usr/bin/env python3
"""Generates samples/pacs/, the small sample image tree of the demo (committed as well).

Deterministic: running it again produces the same bytes. Only the standard library is used.
The .dcm files under study*/ are tiny but well-formed DICOM Part 10 files (preamble, "DICM",
file meta, a few data elements, 8x8 8-bit pixels); their paths match the rows of the demo's
`images` table. Those under phantoms/ are larger 16-bit images for the console's viewer: a CT
head phantom in implicit VR with a window in its header, and a signed MR phantom in explicit VR
without one. The PNG/PGM files are small grey-scale pictures; one sits in a nested folder and has
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


def implicit_element(group, elem, vr, value):
    """One implicit-VR little-endian data element: the VR is not on the wire, it only says how to pad."""
    if len(value) % 2:
        value += b"\0" if vr in ("UI", "OB") else b" "
    return struct.pack("<HHI", group, elem, len(value)) + value


def u16(value):
    return struct.pack("<H", value)


def sample_uid(name):
    # A "2.25" UID (ITU-T X.667: derived from a UUID), so no organisation's root is borrowed.
    return f"2.25.{uuid.uuid5(uuid.NAMESPACE_URL, f'websocketfy-sample/{name}').int}".encode()


def file_meta(sop_class, sop_uid, transfer_syntax):
    """Group 0002, always explicit VR little endian, after the 128-byte preamble and "DICM"."""
    meta = (
        element(0x0002, 0x0001, "OB", b"\0\1")
        + element(0x0002, 0x0002, "UI", sop_class)
        + element(0x0002, 0x0003, "UI", sop_uid)
        + element(0x0002, 0x0010, "UI", transfer_syntax)
    )
    return b"\0" * 128 + b"DICM" + element(0x0002, 0x0000, "UL", struct.pack("<I", len(meta))) + meta


def image_pixel_module(put, side, allocated, stored, signed):
    """Monochrome square image: samples, photometric interpretation, size and bit layout."""
    return (
        put(0x0028, 0x0002, "US", u16(1))
        + put(0x0028, 0x0004, "CS", b"MONOCHROME2")
        + put(0x0028, 0x0010, "US", u16(side))
        + put(0x0028, 0x0011, "US", u16(side))
        + put(0x0028, 0x0100, "US", u16(allocated))
        + put(0x0028, 0x0101, "US", u16(stored))
        + put(0x0028, 0x0102, "US", u16(stored - 1))
        + put(0x0028, 0x0103, "US", u16(1 if signed else 0))
    )


SECONDARY_CAPTURE = b"1.2.840.10008.5.1.4.1.1.7"
CT_IMAGE = b"1.2.840.10008.5.1.4.1.1.2"
MR_IMAGE = b"1.2.840.10008.5.1.4.1.1.4"
IMPLICIT_LE = b"1.2.840.10008.1.2"
EXPLICIT_LE = b"1.2.840.10008.1.2.1"


def dicom(study, image, modality):
    sop_uid = sample_uid(f"{study}/{image}")
    side = 8
    pixels = bytes(((x * 16 + y * 8 + study * 40 + image * 20) % 256) for y in range(side) for x in range(side))
    dataset = (
        element(0x0008, 0x0016, "UI", SECONDARY_CAPTURE)
        + element(0x0008, 0x0018, "UI", sop_uid)
        + element(0x0008, 0x0060, "CS", modality.encode())
        + element(0x0010, 0x0010, "PN", f"DEMO^STUDY{study}".encode())
        + element(0x0020, 0x0013, "IS", str(image).encode())
        + image_pixel_module(element, side, allocated=8, stored=8, signed=False)
        + element(0x7FE0, 0x0010, "OB", pixels)
    )
    return file_meta(SECONDARY_CAPTURE, sop_uid, EXPLICIT_LE) + dataset


def inside(x, y, cx, cy, rx, ry):
    return ((x - cx) / rx) ** 2 + ((y - cy) / ry) ** 2 <= 1


def ct_head_hu(x, y):
    """A head phantom in Hounsfield units: air, a skull ring, brain, two ventricles and a lesion."""
    if not inside(x, y, 63.5, 63.5, 54, 60):
        return -1000
    if not inside(x, y, 63.5, 63.5, 49, 55):
        return 1000
    if inside(x, y, 52, 58, 6, 14) or inside(x, y, 75, 58, 6, 14):
        return 5
    if inside(x, y, 80, 90, 7, 7):
        return 70
    return 30


def ct_phantom():
    """128x128 CT, implicit VR little endian, 12 of 16 bits stored, rescaled to HU, with a soft-tissue
    window (two windows given; viewers take the first)."""
    uid = sample_uid("phantoms/ct")
    side = 128
    pixels = b"".join(u16(ct_head_hu(x, y) + 1024) for y in range(side) for x in range(side))
    put = implicit_element
    dataset = (
        put(0x0008, 0x0016, "UI", CT_IMAGE)
        + put(0x0008, 0x0018, "UI", uid)
        + put(0x0008, 0x0060, "CS", b"CT")
        + put(0x0008, 0x103E, "LO", b"HEAD PHANTOM")
        + put(0x0010, 0x0010, "PN", b"PHANTOM^CT")
        + put(0x0010, 0x0020, "LO", b"PH-0001")
        + put(0x0010, 0x0040, "CS", b"O")
        + put(0x0020, 0x0013, "IS", b"1")
        + image_pixel_module(put, side, allocated=16, stored=12, signed=False)
        + put(0x0028, 0x1050, "DS", b"40\\300")
        + put(0x0028, 0x1051, "DS", b"400\\1500")
        + put(0x0028, 0x1052, "DS", b"-1024")
        + put(0x0028, 0x1053, "DS", b"1")
        + put(0x7FE0, 0x0010, "OW", pixels)
    )
    return file_meta(CT_IMAGE, uid, IMPLICIT_LE) + dataset


def mr_phantom():
    """96x96 MR, explicit VR little endian, signed 16-bit values from -200 to 800, no window in the
    header, and a sequence of undefined length before the pixels (readers must skip it)."""
    uid = sample_uid("phantoms/mr")
    side = 96

    def value(x, y):
        r = ((x - 47.5) ** 2 + (y - 47.5) ** 2) ** 0.5
        return -200 if r > 44 else int(800 - r * 18) if r > 8 else 800

    pixels = b"".join(struct.pack("<h", value(x, y)) for y in range(side) for x in range(side))
    item = struct.pack("<HHI", 0xFFFE, 0xE000, 0xFFFFFFFF) + element(0x0008, 0x1150, "UI", MR_IMAGE) + struct.pack("<HHI", 0xFFFE, 0xE00D, 0)
    sequence = struct.pack("<HH2sHI", 0x0008, 0x1140, b"SQ", 0, 0xFFFFFFFF) + item + struct.pack("<HHI", 0xFFFE, 0xE0DD, 0)
    dataset = (
        element(0x0008, 0x0016, "UI", MR_IMAGE)
        + element(0x0008, 0x0018, "UI", uid)
        + element(0x0008, 0x0060, "CS", b"MR")
        + sequence
        + element(0x0010, 0x0010, "PN", b"PHANTOM^MR")
        + element(0x0020, 0x0013, "IS", b"1")
        + image_pixel_module(element, side, allocated=16, stored=16, signed=True)
        + element(0x7FE0, 0x0010, "OW", pixels)
    )
    return file_meta(MR_IMAGE, uid, EXPLICIT_LE) + dataset


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
    write("phantoms/ct-head-implicit-16bit.dcm", ct_phantom())
    write("phantoms/mr-explicit-signed-16bit.dcm", mr_phantom())


if __name__ == "__main__":
    main()
