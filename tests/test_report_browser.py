"""The audit report in a real browser: headless Chromium (Debian's `chromium`; the README's
test command installs it when missing) renders the page offline; the screenshot is not
blank, the charts are in the rendered DOM, and hostile case fields stay text."""

import json
import re
import shutil
import struct
import subprocess
import zlib

import pytest

from conftest import FIXTURES, write_jsonl

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def chromium():
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    assert path, "Debian's chromium is needed for this test: apt-get install chromium (the README's test command does)"
    return path


def pixels(png: bytes):
    """(width, height, rows of RGB(A) bytes) of an 8-bit PNG: enough to tell a blank page."""
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat, width = 8, b"", 0
    while pos < len(png):
        length, kind = struct.unpack(">I4s", png[pos:pos + 8])
        data = png[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            width, height, depth, color = struct.unpack(">IIBB", data[:10])
            assert depth == 8 and color in (2, 6)
            bpp = 3 if color == 2 else 4
        elif kind == b"IDAT":
            idat += data
        pos += 12 + length
    raw, stride, rows, prev = zlib.decompress(idat), width * bpp, [], bytearray(width * bpp)
    for y in range(height):
        f, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b, c = prev[i], prev[i - bpp] if i >= bpp else 0
            if f == 1:
                line[i] = (line[i] + a) & 255
            elif f == 2:
                line[i] = (line[i] + b) & 255
            elif f == 3:
                line[i] = (line[i] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append(bytes(line))
        prev = line
    return width, height, bpp, rows


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("report")
    hostile = json.loads((FIXTURES / "audit" / "HL205_hit.json").read_text(encoding="utf-8"))
    hostile.update(case_id="<script>alert(1)</script>")
    hostile["city"]["name"] = '<img src=x onerror="alert(2)">'
    hostile["hotline"] = dict(hostile.get("hotline") or {}, operator="</svg><b>оператор</b>")
    extra = write_jsonl(tmp / "hostile.jsonl", [hostile])
    page = tmp / "report.html"
    from click.testing import CliRunner

    from hotline_cli.cli import cli

    result = CliRunner().invoke(cli, ["audit", str(FIXTURES / "export.jsonl"), str(FIXTURES / "audit"), str(extra),
                                      "--today", "2025-11-20", "--statistics", "--report", str(page)])
    assert result.exit_code in (1, 2) and page.is_file()
    return page


def test_the_page_is_self_contained_and_escapes_case_fields(report):
    html = report.read_text(encoding="utf-8")
    assert "<script" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert 'onerror="alert' not in html and "&lt;img src=x" in html
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:|//)""", html)  # no network
    assert "Content-Security-Policy" in html and "default-src 'none'" in html


def test_the_report_renders_in_a_real_browser(report, tmp_path):
    browser = chromium()
    profile = tmp_path / "profile"
    dom = subprocess.run([browser, *FLAGS, f"--user-data-dir={profile}", "--dump-dom", report.as_uri()],
                         capture_output=True, text=True, timeout=120).stdout
    charts = re.findall(r'<svg class="chart" id="([\w-]+)"', dom)
    assert {"by-code", "by-week", "by-situation", "by-channel", "by-city", "by-category",
            "by-operator", "by-expert"} <= set(charts), charts
    assert len(re.findall(r'<rect class="bar', dom)) >= 30
    assert "<script" not in dom and "Дела с самыми серьёзными находками" in dom
    shot = tmp_path / "shot.png"
    subprocess.run([browser, *FLAGS, f"--user-data-dir={profile}", f"--screenshot={shot}", "--window-size=1100,3200",
                    report.as_uri()], capture_output=True, timeout=120)
    width, height, bpp, rows = pixels(shot.read_bytes())
    assert (width, height) == (1100, 3200)
    colors = {row[i:i + 3] for row in rows[::7] for i in range(0, len(row), bpp * 5)}
    white = sum(1 for row in rows[::7] for i in range(0, len(row), bpp * 5) if row[i:i + 3] == b"\xff\xff\xff")
    sampled = len(rows[::7]) * len(range(0, len(rows[0]), bpp * 5))
    assert len(colors) > 20 and white < 0.97 * sampled  # text, figures and bars drawn: not a blank page
    # the red of an error bar (#c8493f) and the blue of a compliance bar (#4a7bd0) are on screen
    assert bytes.fromhex("c8493f") in colors and bytes.fromhex("4a7bd0") in colors


def test_every_chart_row_opens_its_cases_and_the_page_prints(report, tmp_path):
    """The drill-down in the rendered page: each chart row is a link to a <details> holding its
    cases (date, operator, expert, city, the findings' text, the source), worst first; the
    invalid records are listed; the period is in the title; the page prints to PDF."""
    browser = chromium()
    profile = tmp_path / "profile"
    dom = subprocess.run([browser, *FLAGS, f"--user-data-dir={profile}", "--dump-dom", report.as_uri()],
                         capture_output=True, text=True, timeout=120).stdout
    assert "<title>Аудит выгрузки за 30.10.2025–12.11.2025 — на 20.11.2025</title>" in dom
    links = set(re.findall(r'<a href="#(by-[\w-]+-\d+)">', dom))
    details = set(re.findall(r'<details class="drill" id="(by-[\w-]+-\d+)">', dom))
    assert links and links == details  # every link opens a list, every list has its link
    assert {"by-code-1", "by-city-0", "by-operator-0", "by-month-0"} <= details  # by-code-0: HL001, no case
    # the worst city first: Краснодар, 0 % of 2 cases, both listed with their findings' text
    block = dom.split('<details class="drill" id="by-city-0">', 1)[1].split("</details>", 1)[0]
    assert "<summary>Краснодар (0 % из 2) — дела: 2</summary>" in block
    assert block.count('<td class="id">') == 2 and "<li>HL" in block and "fixtures/" in block
    invalid = dom.split('id="invalid-list"', 1)[1].split("</table>", 1)[0]
    # the header, the export's three bad lines (4, 7, 10) and HL001_hit.json
    assert invalid.count("<tr>") == 1 + 4 and all(f"export.jsonl:{n}<" in invalid for n in (4, 7, 10))
    worst = dom.split('id="worst"', 1)[1].split("</table>", 1)[0]
    assert "30.10.2025" in worst and "<li>HL" in worst  # date and the findings' text, not codes only
    pdf = tmp_path / "report.pdf"
    subprocess.run([browser, *FLAGS, f"--user-data-dir={profile}", f"--print-to-pdf={pdf}",
                    "--no-pdf-header-footer", report.as_uri()], capture_output=True, timeout=120)
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF") and len(re.findall(rb"/Type\s*/Page[^s]", data)) >= 3
    assert "break-after: avoid" in dom and "thead { display: table-header-group; }" in dom
