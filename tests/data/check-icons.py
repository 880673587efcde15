#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# The app icons as GNOME wants them:
# - the full-colour one has a 128×128 canvas;
# - the symbolic one has a 16×16 canvas and only plain shapes in the one
#   colour that GTK recolours (#2e3436): no gradient, mask, clip, image or
#   text, which recolouring would break;
# - both render (rsvg-convert, when it is installed) to a picture that is
#   neither empty nor filling the whole canvas.
#
# Usage: check-icons.py ICON SYMBOLIC_ICON [RSVG_CONVERT]

import struct
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
import zlib

SVG = "{http://www.w3.org/2000/svg}"
SYMBOLIC_COLOR = "#2e3436"


def canvas(root):
    return root.get("width"), root.get("height"), root.get("viewBox")


def colors(root):
    for element in root.iter():
        for attribute in ("fill", "stroke", "stop-color", "color"):
            value = element.get(attribute)
            if value is not None:
                yield element, value
        for declaration in (element.get("style") or "").split(";"):
            if ":" in declaration:
                key, value = (part.strip() for part in declaration.split(":", 1))
                if key in ("fill", "stroke", "stop-color", "color"):
                    yield element, value


def coverage(png_path):
    """The share of pixels that are not fully transparent (RGBA PNG)."""
    with open(png_path, "rb") as f:
        data = f.read()
    pos = 8
    width = height = None
    idat = b""
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        chunk = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            width, height, depth, color_type = struct.unpack(">IIBB", chunk[:10])
            if depth != 8 or color_type != 6:
                raise ValueError("not an 8-bit RGBA PNG")
        elif kind == b"IDAT":
            idat += chunk
        pos += 12 + length
    raw = zlib.decompress(idat)
    stride = width * 4
    previous = bytearray(stride)
    opaque = 0
    for y in range(height):
        filter_type = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for x in range(stride):
            a = line[x - 4] if x >= 4 else 0
            b = previous[x]
            c = previous[x - 4] if x >= 4 else 0
            if filter_type == 1:
                line[x] = (line[x] + a) & 0xFF
            elif filter_type == 2:
                line[x] = (line[x] + b) & 0xFF
            elif filter_type == 3:
                line[x] = (line[x] + (a + b) // 2) & 0xFF
            elif filter_type == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[x] = (line[x] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 0xFF
        opaque += sum(1 for x in range(3, stride, 4) if line[x] != 0)
        previous = line
    return opaque / (width * height)


def main():
    icon, symbolic = sys.argv[1], sys.argv[2]
    rsvg_convert = sys.argv[3] if len(sys.argv) > 3 else None
    problems = []

    root = ET.parse(icon).getroot()
    if canvas(root) != ("128", "128", "0 0 128 128"):
        problems.append(f"{icon}: the canvas is {canvas(root)}, not 128×128")

    root = ET.parse(symbolic).getroot()
    if canvas(root) != ("16", "16", "0 0 16 16"):
        problems.append(f"{symbolic}: the canvas is {canvas(root)}, not 16×16")
    for element in root.iter():
        tag = element.tag.replace(SVG, "")
        if tag in ("linearGradient", "radialGradient", "mask", "clipPath", "image", "text", "filter", "pattern"):
            problems.append(f"{symbolic}: a <{tag}>, which recolouring breaks")
    for element, value in colors(root):
        if value.lower() not in (SYMBOLIC_COLOR, "none"):
            problems.append(f"{symbolic}: the colour {value} on <{element.tag.replace(SVG, '')}>, "
                            f"not {SYMBOLIC_COLOR}")
    if not any(value.lower() == SYMBOLIC_COLOR for _, value in colors(root)):
        problems.append(f"{symbolic}: nothing is drawn in {SYMBOLIC_COLOR}")

    if rsvg_convert:
        with tempfile.TemporaryDirectory(prefix="cimrepo-icons-") as tmp:
            for path, size in ((icon, 128), (icon, 32), (symbolic, 16)):
                png = f"{tmp}/{size}.png"
                result = subprocess.run([rsvg_convert, "--width", str(size), "--height", str(size),
                                         "--format", "png", "--output", png, path],
                                        capture_output=True, text=True)
                if result.returncode != 0:
                    problems.append(f"{path} does not render at {size} px: {result.stderr.strip()}")
                    continue
                share = coverage(png)
                if not 0.15 < share < 0.95:
                    problems.append(f"{path} at {size} px covers {share:.0%} of its canvas")
                print(f"{path} at {size} px covers {share:.0%} of its canvas")

    for problem in problems:
        print(problem, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
