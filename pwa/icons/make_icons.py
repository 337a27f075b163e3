"""Draws the app icons as PNGs with the standard library only (zlib + struct); run once, commit the output.

    python pwa/icons/make_icons.py

A white check in a ring on deep teal. "maskable" icons keep the mark inside the
central 80 % safe zone and fill the whole square, as launchers crop them.
"""
from __future__ import annotations

import math
import struct
import zlib
from pathlib import Path

TEAL = (11, 79, 74)
WHITE = (255, 255, 255)
HERE = Path(__file__).resolve().parent


def _segment_distance(px, py, ax, ay, bx, by):
    dx, dy = bx - ax, by - ay
    t = max(0.0, min(1.0, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy)))
    return math.hypot(px - (ax + t * dx), py - (ay + t * dy))


def _coverage(x: float, y: float, scale: float) -> tuple[bool, bool]:
    """(inside the background, inside the white mark) for a point in unit coordinates."""
    cx, cy = x - 0.5, y - 0.5
    ring = abs(math.hypot(cx, cy) - 0.30 * scale) < 0.035 * scale
    ux, uy = cx / scale + 0.5, cy / scale + 0.5
    check = min(_segment_distance(ux, uy, 0.37, 0.51, 0.46, 0.60),
                _segment_distance(ux, uy, 0.46, 0.60, 0.64, 0.41)) < 0.04
    return True, ring or check


def _rounded(x: float, y: float, radius: float) -> bool:
    qx, qy = abs(x - 0.5) - (0.5 - radius), abs(y - 0.5) - (0.5 - radius)
    return math.hypot(max(qx, 0.0), max(qy, 0.0)) <= radius


def render(size: int, maskable: bool) -> bytes:
    samples = 3
    scale = 0.8 if maskable else 1.0
    rows = []
    for j in range(size):
        row = bytearray([0])  # PNG filter type: none
        for i in range(size):
            bg = mark = 0
            for sj in range(samples):
                for si in range(samples):
                    x, y = (i + (si + 0.5) / samples) / size, (j + (sj + 0.5) / samples) / size
                    if maskable or _rounded(x, y, 0.2):
                        bg += 1
                        mark += _coverage(x, y, scale)[1]
            n = samples * samples
            alpha, share = bg / n, (mark / bg if bg else 0)
            rgb = [round(t + (w - t) * share) for t, w in zip(TEAL, WHITE)]
            row += bytes([*rgb, round(alpha * 255)])
        rows.append(bytes(row))
    return _png(size, b"".join(rows))


def _png(size: int, raw: bytes) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", size, size, 8, 6, 0, 0, 0)  # 8-bit RGBA
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b"")


if __name__ == "__main__":
    for name, size, maskable in (("icon-192.png", 192, False), ("icon-512.png", 512, False),
                                 ("icon-maskable-512.png", 512, True), ("icon-180.png", 180, True)):
        (HERE / name).write_bytes(render(size, maskable))
        print(name)
