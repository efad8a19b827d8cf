"""The HTML report in a real browser: headless Chromium renders it, we read the DOM it built.

Needs Debian's `chromium` (/usr/bin/chromium); skipped with a reason when it is absent.
"""

from __future__ import annotations

import json
import os
import shutil
import struct
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest

from tests.conftest import SEED

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture
def chromium() -> str:
    binary = shutil.which("chromium") or ("/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None)
    if binary is None:
        if os.environ.get("TQCHECK_REQUIRE_BROWSER"):
            pytest.fail("TQCHECK_REQUIRE_BROWSER is set but Chromium is not installed")
        pytest.skip("headless Chromium is not installed (apt-get install -y chromium)")
    return binary


def tqcheck(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tqcheck", *args], capture_output=True, text=True, cwd=cwd, timeout=300
    )


def browse(chromium: str, page: Path, profile: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [chromium, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", *args, page.as_uri()],
        capture_output=True,
        text=True,
        timeout=120,
    )


class DomReader(HTMLParser):
    """Collects marks (with their text), elements by tag, attributes and the title."""

    def __init__(self) -> None:
        super().__init__()
        self.marks: list[dict[str, str | None]] = []
        self.mark_text: dict[str, str] = {}
        self.tags: list[str] = []
        self.attributes: set[str] = set()
        self.title = ""
        self._open: list[str | None] = []  # data-finding of each open mark
        self._in_title = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attributes.update(name for name, _ in attrs)
        if tag == "mark":
            attributes = dict(attrs)
            self.marks.append(attributes)
            self._open.append(attributes.get("data-finding"))
        self._in_title = tag == "title"

    def handle_endtag(self, tag: str) -> None:
        if tag == "mark":
            self._open.pop()
        self._in_title = False

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title += data
        for finding in self._open:
            if finding is not None:
                self.mark_text[finding] = self.mark_text.get(finding, "") + data


def read_dom(dom: str) -> DomReader:
    reader = DomReader()
    reader.feed(dom)
    return reader


def png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", data[16:24])


def test_every_finding_is_highlighted_in_the_rendered_report(chromium: str, tmp_path: Path) -> None:
    if not SEED.exists():
        pytest.skip(f"the shared seed article is not present ({SEED})")
    article = tmp_path / "seed.txt"
    shutil.copyfile(SEED, article)
    checked = tqcheck("check", "seed.txt", "--lang", "en", "--no-lm", "--format", "json", cwd=tmp_path)
    findings = json.loads(checked.stdout)["files"][0]["findings"]
    assert findings, "the seed article should have findings"
    made = tqcheck("report", "seed.txt", "--lang", "en", "--no-lm", "-o", "report.html", cwd=tmp_path)
    assert made.returncode == 0, made.stderr
    page = tmp_path / "report.html"

    dumped = browse(chromium, page, tmp_path / "profile", "--dump-dom")
    assert dumped.returncode == 0, dumped.stderr[-2000:]
    dom = read_dom(dumped.stdout)
    marked = {m["data-finding"]: m["data-rule"] for m in dom.marks if m.get("data-finding")}
    assert len(marked) == len(findings)
    for number, finding in enumerate(findings, start=1):
        key = f"1-{number}"
        assert marked.get(key) == finding["rule"], f"finding {number} ({finding['rule']}) is not highlighted"
        assert dom.mark_text[key] == finding["text"]
    severities = {m["class"].split()[0] for m in dom.marks}
    assert severities <= {"sev-minor", "sev-major", "sev-critical"}

    shot = tmp_path / "report-screenshot.png"
    shooting = browse(chromium, page, tmp_path / "profile", f"--screenshot={shot}", "--window-size=1280,2400")
    assert shooting.returncode == 0, shooting.stderr[-2000:]
    assert shot.exists()
    assert png_size(shot) == (1280, 2400)
    assert shot.stat().st_size > 30_000  # a rendered page, not a blank one
    artifacts = ROOT / "artifacts"
    artifacts.mkdir(exist_ok=True)
    shutil.copyfile(shot, artifacts / "report-screenshot.png")


PAYLOAD = (
    "Officials met on Tuesday. <script>document.title='pwned'</script>\n\n"
    "<img src=x onerror=\"document.body.setAttribute('data-pwned','1')\"> The talks went on.\n"
)


def test_article_markup_is_shown_as_text_and_never_runs(chromium: str, tmp_path: Path) -> None:
    (tmp_path / "hostile.txt").write_text("Talks in Geneva\n\n" + PAYLOAD, encoding="utf-8")
    made = tqcheck("report", "hostile.txt", "--lang", "en", "--no-lm", "-o", "report.html", cwd=tmp_path)
    assert made.returncode == 0, made.stderr
    dumped = browse(chromium, tmp_path / "report.html", tmp_path / "profile", "--dump-dom")
    assert dumped.returncode == 0, dumped.stderr[-2000:]
    dom = read_dom(dumped.stdout)
    assert "data-pwned" not in dom.attributes
    assert dom.title.strip() != "pwned"
    assert "Translation quality report" in dom.title
    assert "img" not in dom.tags
    assert dom.tags.count("script") == 1  # the report's own
    assert "pwned" not in dumped.stdout.split("<script>")[-1].split("</script>")[0]
    # The payload is in the page as text, escaped by the serialiser like any text node.
    assert "&lt;script&gt;document.title='pwned'&lt;/script&gt;" in dumped.stdout
    assert "&lt;img src=x onerror=\"document.body.setAttribute('data-pwned','1')\"&gt;" in dumped.stdout
