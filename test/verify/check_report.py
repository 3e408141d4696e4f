#!/usr/bin/python3
"""ctest verify.report-browser: `nsc verify --report` in a real browser.

Makes the HTML report of CUBA (cpu against interp, 50 ms, V_m traced) with
the built nsc, then
  * parses it with html.parser: every tag closed in order (void elements
    aside), exactly 4 <svg> figures (rasters of exc and inh, traces of
    exc.V_m and inh.V_m), no script and nothing loaded from elsewhere;
  * renders it with Debian's chromium (--headless --screenshot); chromium
    is a dependency (scripts/install-deps), so a missing one fails the
    test; and checks that the PNG is not blank: enough dark pixels (text,
    axes), and pixels in the compared target's colour (the SVG ticks and
    curves were drawn).
The report and the screenshot stay in --workdir for a person to look at.
Standard library only.
"""
import argparse
import html.parser
import os
import shutil
import struct
import subprocess
import sys
import zlib

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class Checker(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack, self.errors, self.svgs = [], [], 0

    def handle_starttag(self, tag, attrs):
        self.check_attrs(tag, attrs)
        if tag == "svg":
            self.svgs += 1
        if tag not in VOID:
            self.stack.append((tag, self.getpos()))

    def handle_startendtag(self, tag, attrs):
        self.check_attrs(tag, attrs)

    def handle_endtag(self, tag):
        if not self.stack or self.stack[-1][0] != tag:
            self.errors.append("line %d: </%s> closes %s" % (self.getpos()[0], tag,
                                                             self.stack[-1] if self.stack else "nothing"))
            return
        self.stack.pop()

    def check_attrs(self, tag, attrs):
        if tag in ("script", "link", "img", "iframe", "object"):
            self.errors.append("line %d: <%s> (the page must be self-contained)" % (self.getpos()[0], tag))
        for name, value in attrs:
            if name in ("src", "href", "xlink:href") or name.startswith("on"):
                self.errors.append("line %d: %s=%r on <%s>" % (self.getpos()[0], name, value, tag))


def decode_png(path):
    """(width, height, channels, rows of bytes) of an 8-bit RGB/RGBA PNG."""
    data = open(path, "rb").read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("not a PNG")
    pos, idat, width = 8, b"", None
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        pos += 12 + length
        if kind == b"IHDR":
            width, height, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", body)
            if depth != 8 or colour not in (2, 6) or interlace:
                raise ValueError("unsupported PNG: depth %d colour type %d interlace %d" % (depth, colour, interlace))
            channels = 3 if colour == 2 else 4
        elif kind == b"IDAT":
            idat += body
        elif kind == b"IEND":
            break
    raw = zlib.decompress(idat)
    stride = width * channels
    rows, prev = [], bytearray(stride)
    for y in range(height):
        f = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        if f == 1:
            for i in range(channels, stride):
                line[i] = (line[i] + line[i - channels]) & 255
        elif f == 2:
            line = bytearray((a + b) & 255 for a, b in zip(line, prev))
        elif f == 3:
            for i in range(stride):
                left = line[i - channels] if i >= channels else 0
                line[i] = (line[i] + ((left + prev[i]) >> 1)) & 255
        elif f == 4:
            for i in range(stride):
                a = line[i - channels] if i >= channels else 0
                b, c = prev[i], prev[i - channels] if i >= channels else 0
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                pred = a if pa <= pb and pa <= pc else (b if pb <= pc else c)
                line[i] = (line[i] + pred) & 255
        rows.append(line)
        prev = line
    return width, height, channels, rows


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--nsc", required=True)
    ap.add_argument("--examples", required=True)
    ap.add_argument("--workdir", required=True)
    args = ap.parse_args()
    os.makedirs(args.workdir, exist_ok=True)
    report = os.path.join(args.workdir, "report.html")
    png = os.path.join(args.workdir, "report.png")
    for p in (report, png):
        if os.path.exists(p):
            os.remove(p)
    env = dict(os.environ, NSC_CACHE_DIR=os.path.join(args.workdir, "cache"))
    cmd = [args.nsc, "verify", os.path.join(args.examples, "cuba.nrn"), "--targets=cpu,interp", "--run=50ms",
           "--trace=V_m", "--report=" + report]
    rc = subprocess.call(cmd, env=env, stdout=subprocess.DEVNULL)
    if rc != 0 or not os.path.exists(report):
        sys.exit("FAIL: %s exited %d without a report" % (" ".join(cmd), rc))

    checker = Checker()
    checker.feed(open(report, encoding="utf-8").read())
    checker.close()
    failures = list(checker.errors)
    if checker.stack:
        failures.append("unclosed tags: %s" % checker.stack)
    if checker.svgs != 4:
        failures.append("%d <svg> elements, expected 4 (2 rasters, 2 trace figures)" % checker.svgs)

    browser = shutil.which("chromium")
    if not browser:
        sys.exit("FAIL: chromium is not installed (scripts/install-deps installs it)")
    profile = os.path.join(args.workdir, "chromium-profile")
    shot = subprocess.run([browser, "--headless", "--disable-gpu", "--no-sandbox", "--user-data-dir=" + profile,
                           "--hide-scrollbars", "--screenshot=" + png, "--window-size=1200,2000",
                           "file://" + os.path.abspath(report)],
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=180)
    if not os.path.exists(png) or os.path.getsize(png) == 0:
        sys.exit("FAIL: chromium wrote no screenshot (exit %d):\n%s" % (shot.returncode, shot.stdout.decode()[-2000:]))
    width, height, channels, rows = decode_png(png)
    dark = orange = 0
    for line in rows:
        for i in range(0, len(line), channels):
            r, g, b = line[i], line[i + 1], line[i + 2]
            if r < 200 or g < 200 or b < 200:
                dark += 1
            if r > 170 and 60 < g < 140 and b < 60:  # #d55e00, the compared target
                orange += 1
    total = width * height
    print("report %s: %d bytes, %d <svg>; screenshot %s: %dx%d, %.2f%% dark pixels, %d in the target's colour"
          % (report, os.path.getsize(report), checker.svgs, png, width, height, 100.0 * dark / total, orange))
    if dark < total * 0.01:
        failures.append("the screenshot is (nearly) blank: %d of %d pixels dark" % (dark, total))
    if orange < 200:
        failures.append("only %d pixels in the compared target's colour: the figures were not drawn" % orange)
    for f in failures:
        print("FAIL: " + f)
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
