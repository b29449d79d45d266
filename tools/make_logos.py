#!/usr/bin/env python3
"""Draws the widget's PNG logos (the sizes Kommo asks for) without image libraries: a blue rounded
square with a white calendar and a check mark, centred on a white field. Run once; the PNGs are committed.

usage: make_logos.py <images folder>
"""
import struct, sys, zlib

SIZES = {"logo_min.png": (84, 84), "logo_medium.png": (240, 84), "logo_main.png": (400, 272),
         "logo.png": (130, 100), "logo_small.png": (108, 108),
         "logo_dp.png": (174, 109)}
BLUE, WHITE, LIGHT = (41, 120, 219), (255, 255, 255), (214, 229, 250)

def pixel(x, y, w, h):
    side = min(w, h) * 0.8
    left, top = (w - side) / 2, (h - side) / 2
    u, v = (x - left) / side, (y - top) / side
    if not (0 <= u <= 1 and 0 <= v <= 1):
        return WHITE
    r = 0.18   # rounded corners
    cu, cv = min(max(u, r), 1 - r), min(max(v, r), 1 - r)
    if (u - cu) ** 2 + (v - cv) ** 2 > r * r:
        return WHITE
    if 0.22 <= u <= 0.78 and 0.26 <= v <= 0.78:          # calendar page
        if v <= 0.38:
            return LIGHT
        # check mark: two strokes
        d1 = abs((v - 0.60) - (u - 0.38)) if 0.32 <= u <= 0.46 else 9
        d2 = abs((v - 0.68) + (u - 0.46) * 0.9) if 0.44 <= u <= 0.70 else 9
        return BLUE if min(d1, d2) < 0.045 else WHITE
    if (0.32 <= u <= 0.38 or 0.62 <= u <= 0.68) and 0.18 <= v <= 0.30:   # rings
        return WHITE
    return BLUE

def png(w, h):
    rows = b"".join(b"\x00" + bytes(c for x in range(w) for c in pixel(x + 0.5, y + 0.5, w, h)) for y in range(h))
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0)) +
            chunk(b"IDAT", zlib.compress(rows, 9)) + chunk(b"IEND", b""))

if __name__ == "__main__":
    for name, (w, h) in SIZES.items():
        open(f"{sys.argv[1]}/{name}", "wb").write(png(w, h))
