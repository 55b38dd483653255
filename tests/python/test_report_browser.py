"""The HTML report in a real browser: headless Chromium (Debian's ``chromium``; ``make test``
installs it as root) opens the page offline, every image loads, nothing is logged as an error,
and a screenshot is saved as ``out/report.png`` to look at. Skipped, saying why, without a
Chromium."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from datetime import date
from pathlib import Path

import numpy as np
import pytest

import gridgov

pytest.importorskip("matplotlib", reason="gridgov.report needs matplotlib: pip install 'gridgov[report]'")

ROOT = Path(__file__).resolve().parents[2]
BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")

#: Put first into the page's <head>: records script errors, failed resources (the capture phase
#: sees an <img> that fails) and console.error calls, then after `load` writes what it saw into a
#: <pre> that --dump-dom prints.
PROBE = """<script>
window.__errors = [];
window.addEventListener("error", function (e) {
  var what = (e.target && (e.target.src || e.target.href)) || "?";
  window.__errors.push(e.message || ("failed to load " + what).slice(0, 120));
}, true);
var __error = console.error;
console.error = function () {
  window.__errors.push(Array.prototype.join.call(arguments, " "));
  __error.apply(console, arguments);
};
window.addEventListener("load", function () {
  var imgs = Array.prototype.slice.call(document.images);
  var pre = document.createElement("pre");
  pre.id = "gridgov-probe";
  pre.textContent = JSON.stringify({
    images: imgs.length,
    loaded: imgs.filter(function (i) { return i.complete && i.naturalWidth > 0; }).length,
    errors: window.__errors,
    height: document.documentElement.scrollHeight,
    width: document.documentElement.scrollWidth
  });
  document.body.appendChild(pre);
});
</script>"""


def browser() -> str:
    for name in BROWSERS:
        found = shutil.which(name)
        if found:
            return found
    pytest.skip("no headless Chromium: install Debian's chromium (make test installs it when run as root)")


def chromium(exe: str, profile: Path, *args: str) -> subprocess.CompletedProcess[str]:
    argv = [exe, "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--hide-scrollbars",
            "--no-first-run", "--disable-extensions", "--disable-background-networking", "--mute-audio",
            f"--user-data-dir={profile}", *args]
    return subprocess.run(argv, capture_output=True, text=True, timeout=60, env={**os.environ, "LANG": "C.UTF-8"})


def test_the_report_renders_in_chromium(tmp_path: Path) -> None:
    exe = browser()
    engine = gridgov.simulate(gridgov.Model.sample(), date(2026, 2, 2), 58, seed=5, reports_per_day=100)
    page = Path(gridgov.report(engine, (date(2026, 2, 1), date(2026, 3, 1)), (date(2026, 3, 1), date(2026, 4, 1)),
                               tmp_path / "report.html"))
    html = page.read_text(encoding="utf-8")
    probed = tmp_path / "probed.html"
    probed.write_text(html.replace("<head>", "<head>\n" + PROBE, 1), encoding="utf-8")

    width = "--window-size=1200,900"  # the screenshot's width, so the height measured is its height
    r = chromium(exe, tmp_path / "profile", width, "--virtual-time-budget=10000", "--dump-dom", probed.as_uri())
    assert r.returncode == 0, r.stderr[-2000:]
    found = re.search(r'<pre id="gridgov-probe">(.*?)</pre>', r.stdout, re.S)
    assert found, f"the page's load event did not run: {r.stdout[-500:]} {r.stderr[-1000:]}"
    probe = json.loads(found.group(1).replace("&quot;", '"').replace("&amp;", "&"))
    assert probe["images"] == html.count("<img") == 5
    assert probe["loaded"] == probe["images"], probe
    assert probe["errors"] == [], probe["errors"]
    assert probe["width"] <= 1300, "the page scrolls sideways"

    out = ROOT / "out"
    out.mkdir(exist_ok=True)
    shot = out / "report.png"
    height = min(int(probe["height"]) + 40, 16000)
    r = chromium(exe, tmp_path / "profile", f"--window-size=1200,{height}", f"--screenshot={shot}", page.as_uri())
    assert r.returncode == 0 and shot.is_file(), r.stderr[-2000:]
    from PIL import Image  # matplotlib's own dependency

    with Image.open(shot) as im:
        assert im.size == (1200, height)
        ink = float((np.asarray(im.convert("L")) < 200).mean())
    assert ink > 0.02, f"the screenshot is (almost) blank: {ink:.1%} of it is ink"
