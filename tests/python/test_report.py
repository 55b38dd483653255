"""gridgov.report: the HTML report is one self-contained page whose figures and tables say what
the scorecards say; bad input gets a typed gridgov error naming the bad value. (The page is
rendered in a browser by test_report_browser.py.)"""

from __future__ import annotations

import base64
import json
import re
import sys
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import gridgov
import gridgov._report as rep

pytest.importorskip("matplotlib", reason="gridgov.report needs matplotlib: pip install 'gridgov[report]'")

FEB = (date(2026, 2, 1), date(2026, 3, 1))
MAR = (date(2026, 3, 1), date(2026, 4, 1))
PNG = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def engine() -> gridgov.Engine:
    return gridgov.simulate(gridgov.Model.sample(), date(2026, 2, 2), 58, seed=11, reports_per_day=80)


@pytest.fixture(scope="module")
def page(engine: gridgov.Engine, tmp_path_factory: pytest.TempPathFactory) -> str:
    path = tmp_path_factory.mktemp("report") / "sub" / "report.html"  # the folder is created
    written = gridgov.report(engine, FEB, MAR, path)
    assert written == str(path)
    return path.read_text(encoding="utf-8")


def images(html: str) -> list[bytes]:
    return [base64.b64decode(b) for b in re.findall(r'<img src="data:image/png;base64,([A-Za-z0-9+/=]+)"', html)]


def test_the_page_is_self_contained(page: str) -> None:
    assert page.startswith("<!DOCTYPE html>") and '<html lang="zh-CN">' in page
    pngs = images(page)
    # maps of closure, of lights and of the division; the city's trend; the change per street
    assert len(pngs) == 5
    assert all(p.startswith(PNG) and len(p) > 5_000 for p in pngs)
    assert page.count("<img") == len(pngs)  # every image is embedded
    for external in ("http://", "https://", "<script", "<link", "url(", "@import", 'src="/', "src='"):
        assert external not in page, external


def test_the_page_says_what_the_scorecards_say(engine: gridgov.Engine, page: str) -> None:
    model = engine.model
    records = engine.records()
    mar = gridgov.score(model, records, *MAR)
    feb = gridgov.score(model, records, *FEB)
    city, city_before = mar.areas("city").iloc[0], feb.areas("city").iloc[0]
    assert "本期 2026年3月" in page and "对比上期 2026年2月" in page
    assert f"{int(city['filed']):,}" in page and f"{city['on_time_closure_rate'] * 100:.1f}%" in page
    assert f"上期 {city_before['on_time_closure_rate'] * 100:.1f}%" in page
    # every street is in the table, the best and the worst marked
    streets = mar.areas("street")
    ranked = streets[streets["rank"].notna()].sort_values("rank")
    for name in streets["name"]:
        assert name in page
    assert f'{ranked["name"].iloc[0]} <span class="tag best">最佳</span>' in page
    assert f'{ranked["name"].iloc[-1]} <span class="tag worst">最差</span>' in page
    # grades coloured
    for grade in set(streets["grade"].dropna()):
        assert f'style="background:{rep.GRADE_COLOURS[grade]}">{grade}</td>' in page
    for heading in ("各部门", "监督员", "受理员", "值班长", "派遣员", "责任体系检查", "网格划分分析", "督办"):
        assert heading in page
    # the policy targets and their source
    assert "目标 -25%" in page and "目标 -30%" in page and "DESIGN.md §0" in page


def test_lights_and_escalations_come_from_the_engine(engine: gridgov.Engine, page: str) -> None:
    as_of = engine.records().as_of
    lights = [engine.light(c, as_of) for c in range(1, len(engine) + 1)]
    red, yellow = lights.count("red"), lights.count("yellow")
    assert f"红灯 {red:,} · 黄灯 {yellow:,}" in page
    supervise = [e for e in engine.events() if e["action"] == "escalate" and e.get("effect") == "supervise"]
    march_ms = int(datetime(2026, 3, 1, tzinfo=timezone(timedelta(hours=8))).timestamp() * 1000)
    march = [e for e in supervise if e["at"] >= march_ms]
    assert f"督办（本期 {len(march):,} 件次" in page or (not march and "本期无督办" in page)


def test_from_records_the_engine_sections_say_what_they_need(engine: gridgov.Engine, tmp_path: Path) -> None:
    path = gridgov.report(engine.records(), FEB, MAR, tmp_path / "r.html", level="district", title="试报")
    html = Path(path).read_text(encoding="utf-8")
    assert "<title>试报</title>" in html
    assert html.count("需要案件引擎") == 2  # the lights map and the escalations
    assert len(images(html)) == 4
    assert "东湖区" in html and "西山区" in html


def test_chart_text_without_a_cjk_font(engine: gridgov.Engine, tmp_path: Path, monkeypatch: Any) -> None:
    monkeypatch.setattr(rep, "cjk_font", lambda: None)
    path = gridgov.report(engine, FEB, MAR, tmp_path / "r.html")
    html = Path(path).read_text(encoding="utf-8")
    assert len(images(html)) == 5 and "按期结案率" in html  # the page itself stays Chinese


def test_a_model_without_boundaries(tiny: gridgov.Model, tmp_path: Path) -> None:
    assert tiny.grid_map is None
    frame = gridgov.simulate(gridgov.Model.sample(), date(2026, 3, 2), 2, seed=1).records().to_frame()
    frame = frame.iloc[:0]  # no records of the tiny city: the tables are empty
    records = gridgov.Records(tiny, frame)
    html = Path(gridgov.report(records, FEB, MAR, tmp_path / "r.html")).read_text(encoding="utf-8")
    assert "模型没有网格边界" in html
    check = tiny.check()  # a conflict and gaps: listed, each with its category
    assert f"权责清单有 {len(check.gaps)} 处缺口" in html and f"{len(check.conflicts)} 处冲突" in html
    for gap in check.gaps:
        assert f"<td>缺口</td><td>{gap.category}</td>" in html


def test_bad_input(engine: gridgov.Engine, tmp_path: Path) -> None:
    out = tmp_path / "r.html"
    with pytest.raises(TypeError, match="gridgov.Engine or gridgov.Records"):
        gridgov.report("records.csv", FEB, MAR, out)  # type: ignore[arg-type]
    with pytest.raises(gridgov.ValidationError, match="after") as info:
        gridgov.report(engine, FEB, (date(2026, 4, 1), date(2026, 3, 1)), out)
    assert info.value.what == "after"
    with pytest.raises(gridgov.ValidationError, match="before"):
        gridgov.report(engine, date(2026, 2, 1), MAR, out)  # type: ignore[arg-type]
    with pytest.raises(gridgov.ValidationError, match='"county"'):
        gridgov.report(engine, FEB, MAR, out, level="county")
    with pytest.raises(gridgov.GridgovIOError, match="is a directory"):
        gridgov.report(engine, FEB, MAR, tmp_path)
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(gridgov.GridgovIOError, match="cannot write the report"):
        gridgov.report(engine, FEB, MAR, blocker / "r.html")
    with pytest.raises(TypeError, match="as_of must be"):
        gridgov.report(engine, FEB, MAR, out, as_of="2026-04-01")  # type: ignore[arg-type]
    with pytest.raises(gridgov.ValidationError, match="NaT"):
        gridgov.report(engine, FEB, MAR, out, as_of=np.datetime64("NaT"))
    assert not out.exists()


def test_matplotlib_missing(engine: gridgov.Engine, tmp_path: Path, monkeypatch: Any) -> None:
    for name in [m for m in sys.modules if m == "matplotlib" or m.startswith("matplotlib.")]:
        monkeypatch.setitem(sys.modules, name, None)
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # as if it were not installed
    with pytest.raises(gridgov.GridgovError, match=re.escape("pip install 'gridgov[report]'")) as info:
        gridgov.report(engine, FEB, MAR, tmp_path / "r.html")
    assert isinstance(info.value, ImportError) and info.value.package == "matplotlib"  # type: ignore[attr-defined]
    assert not (tmp_path / "r.html").exists()


def test_escalations_read_from_the_export_as_decoded(engine: gridgov.Engine) -> None:
    text = engine.events_jsonl()
    fast = [(int(m["at"]), int(m["case"]), m["effect"], m["name"], m["target"]) for m in rep._ESCALATION.finditer(text)]
    decoded = [json.loads(line) for line in text.splitlines() if '"action":"escalate"' in line]
    assert len(decoded) > 1000
    assert fast == [(e["at"], e["case"], e["effect"], e["name"], e.get("target")) for e in decoded]
