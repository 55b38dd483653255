"""The HTML report (:func:`report`): one self-contained page a district leader reads.

What it shows, in the order of the page: the headline figures of the period under review
against the one before; the responsibility check; a map of the unit grids coloured by their
on-time closure rate (按期结案率) and one of the open cases by light (红黄绿灯); the trend of
response time, handling time, on-time closure and satisfaction with the policy targets drawn in;
the change per area; the scorecards of areas, departments and posts (best and worst marked,
grades coloured); the grid-division suggestions on the map; the escalations and 督办 of the period.

The page is one HTML file: every chart is a PNG embedded as base64 (``data:`` URLs), the style
sheet is inline, nothing is fetched, so it opens offline and can be mailed. Charts are drawn
with matplotlib (the optional extra ``pip install gridgov[report]``) through its Agg canvas,
without pyplot's global state. Chinese text in charts needs a CJK font (Debian's
``fonts-noto-cjk``, WenQuanYi, Source Han Sans, Microsoft YaHei, SimHei, PingFang): with none
installed, chart text falls back to English and area codes, while the page's own text (tables,
headings) stays Chinese, which the browser renders with its own fonts.
"""

from __future__ import annotations

import base64
import html
import io
import json
import math
import os
import re
from collections import Counter
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any, Optional, Union

import numpy as np

from ._common import StrPath, import_pandas
from ._common import invalid as _invalid
from ._convert import Instant
from ._engine import Engine
from ._errors import GridgovIOError, MissingDependencyError
from ._model import Model
from ._score import Records, Scorecard, _ms, column_labels, compare, score

__all__ = ["report"]

#: Where :func:`report` writes without a path.
DEFAULT_PATH = os.path.join("out", "report.html")

#: The policy targets of the effect evaluation the field cites, drawn into the trend charts.
#: Source: the policy paper on deepening grid management this project starts from, as quoted in
#: /work/shared/DESIGN.md §0 ("effect evaluation: response +25 %, handling time −30 %,
#: satisfaction +20 pts"); reference/domain-facts.md has no public text of it, so the page
#: calls them the field's reported targets, not a standard's.
RESPONSE_TARGET = 0.75  # response time 25 % shorter (faster) than the period before
HANDLING_TARGET = 0.70  # handling time 30 % shorter
SATISFACTION_TARGET_PTS = 20.0  # satisfaction 20 percentage points higher (capped at 100 %)

#: The CJK fonts looked for, in order (family names as matplotlib knows them).
CJK_FONTS = (
    "Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "Source Han Sans CN", "WenQuanYi Micro Hei",
    "WenQuanYi Zen Hei", "Microsoft YaHei", "SimHei", "PingFang SC", "Heiti SC", "Noto Sans CJK JP",
    "Noto Sans CJK TC",
)
#: Grade colours (A best), for table cells and map legends.
GRADE_COLOURS = {"A": "#1a9850", "B": "#91cf60", "C": "#fee08b", "D": "#fc8d59", "E": "#d73027"}
LIGHT_COLOURS = {"green": "#2ca25f", "yellow": "#f0b400", "red": "#de2d26"}
POST_ROLES = ("supervisor", "acceptor", "shift_leader", "dispatcher")
POST_NAMES = {"supervisor": "监督员", "acceptor": "受理员", "shift_leader": "值班长", "dispatcher": "派遣员"}
#: Key indicator columns per table (every column is in the scorecard; these are what a leader reads).
TABLE_KEYS = {
    "area": ("filed", "due_to_close", "on_time_closure_rate", "closure_rate", "satisfaction_rate",
             "mean_response_hours", "mean_handle_hours"),
    "department": ("due", "handled", "on_time_rate", "overdue_unhandled", "median_handle_hours"),
    "supervisor": ("reports", "missed_rate", "check_on_time_rate"),
    "acceptor": ("accepted", "accept_on_time_rate", "accept_accuracy_rate"),
    "shift_leader": ("filing_decisions", "filing_on_time_rate", "closing_on_time_rate"),
    "dispatcher": ("dispatched", "dispatch_on_time_rate", "dispatch_accuracy_rate"),
}
STATE_NAMES = {
    "reported": "已上报", "accepted": "已受理", "rejected": "不受理", "verified": "已核实", "invalid": "核实无效",
    "filed": "已立案", "voided": "已作废", "dispatched": "已派遣", "returned": "已回退", "handling": "处置中",
    "handled": "已处置", "checked": "已核查", "closed": "已结案", "shelved": "挂账",
}
EFFECT_NAMES = {"warn": "预警", "notify": "提醒/催办", "escalate": "升级", "supervise": "督办", "reassign": "改派"}


#: An escalation event of the export (keys sorted, no spaces: gridgov's own JSON lines).
_ESCALATION = re.compile(
    r'\{"action":"escalate","actor":"system","at":(?P<at>\d+),"case":(?P<case>\d+),"effect":"(?P<effect>\w+)",'
    r'"firing":\d+,"hash":"[0-9a-f]*","name":"(?P<name>[^"\\]*(?:\\.[^"\\]*)*)"(?:,"rule":\d+)?(?:,"seq":\d+)?'
    r'(?:,"target":"(?P<target>[^"\\]*(?:\\.[^"\\]*)*)")?'
)


def _matplotlib() -> Any:
    try:
        import matplotlib  # type: ignore[import-not-found, unused-ignore]
        from matplotlib.backends.backend_agg import FigureCanvasAgg  # noqa: F401  # type: ignore[import-not-found, unused-ignore]
    except ImportError:
        raise MissingDependencyError(
            "gridgov.report draws its charts with matplotlib, which is not installed: "
            "pip install 'gridgov[report]' (or pip install matplotlib)",
            package="matplotlib",
        ) from None
    return matplotlib


def cjk_font() -> Optional[str]:
    """The family name of an installed font that draws Chinese, or ``None``."""
    _matplotlib()
    from matplotlib import font_manager  # type: ignore[import-not-found, unused-ignore]

    def known() -> Optional[str]:
        names = {f.name for f in font_manager.fontManager.ttflist}
        return next((n for n in CJK_FONTS if n in names), None)

    found = known()
    if found is None:  # installed after matplotlib cached its font list: add the files themselves
        for path in font_manager.findSystemFonts():
            base = os.path.basename(path).lower()
            if any(k in base for k in ("notosanscjk", "sourcehansans", "wqy", "msyh", "simhei", "pingfang")):
                try:
                    font_manager.fontManager.addfont(path)
                except (OSError, RuntimeError, ValueError):  # pragma: no cover - an unreadable font file
                    continue
        found = known()
    return found


# -- small helpers -------------------------------------------------------------------------------


def _missing(v: Any) -> bool:
    return v is None or (isinstance(v, float) and math.isnan(v)) or type(v).__name__ in ("NAType", "NaTType")


def _pct(v: Any, digits: int = 1) -> str:
    return "–" if _missing(v) else f"{float(v) * 100:.{digits}f}%"


def _hours(v: Any) -> str:
    if _missing(v):
        return "–"
    return f"{float(v):.2f} 小时" if abs(float(v)) < 10 else f"{float(v):.1f} 小时"


def _cell(column: str, v: Any) -> str:
    if _missing(v):
        return "–"
    if column.endswith(("_rate", "_share")):
        return _pct(v)
    if column.endswith("_hours"):
        return f"{float(v):.1f}"
    if column == "score":
        return f"{float(v):.1f}"
    if isinstance(v, (float, np.floating)):
        return f"{float(v):,.0f}" if float(v).is_integer() else f"{float(v):,.2f}"
    if isinstance(v, (int, np.integer)):
        return f"{int(v):,}"
    return str(v)


def _e(text: Any) -> str:
    return html.escape(str(text), quote=True)


def _period_words(card: Scorecard) -> str:
    s, e = card.period
    midnight = s.time() == e.time() == datetime.min.time()
    if midnight and s.day == 1 and e.day == 1 and (e.year * 12 + e.month) - (s.year * 12 + s.month) == 1:
        return f"{s.year}年{s.month}月"
    last = e if not midnight else e.fromordinal(e.toordinal() - 1)
    fmt = "%Y-%m-%d" if midnight else "%Y-%m-%d %H:%M"
    return f"{s:{fmt}} 至 {last:{fmt}}"


def _png(fig: Any, tight: bool = True) -> str:
    from matplotlib.backends.backend_agg import FigureCanvasAgg  # type: ignore[import-not-found, unused-ignore]

    FigureCanvasAgg(fig)
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=fig.dpi, bbox_inches="tight" if tight else None, pad_inches=0.08,
                facecolor="white")
    return base64.b64encode(buf.getvalue()).decode("ascii")


def _img(b64: str, alt: str, width: Optional[int] = None) -> str:
    w = f' style="max-width:{width}px"' if width else ""
    return f'<img src="data:image/png;base64,{b64}" alt="{_e(alt)}"{w}>'


# -- the city's geometry ---------------------------------------------------------------------------


class _Geometry:
    """The unit grids' outer rings (WGS-84 degrees) from the model's boundaries, with what the
    maps need: a collection of polygons, centroids, the areas a grid belongs to."""

    def __init__(self, model: Model) -> None:
        grid_map = model.grid_map
        self.codes: list[str] = []
        self.rings: list[np.ndarray] = []
        self.owner: list[int] = []  # ring -> index in codes (a multipolygon has several rings)
        if grid_map is not None:
            doc = json.loads(grid_map.to_geojson())
            for feature in doc.get("features", []):
                code = str(feature["properties"].get("code"))
                geometry = feature.get("geometry") or {}
                polygons = geometry.get("coordinates", [])
                if geometry.get("type") == "Polygon":
                    polygons = [polygons]
                self.codes.append(code)
                for polygon in polygons:
                    if polygon:
                        self.rings.append(np.asarray(polygon[0], dtype=np.float64)[:, :2])
                        self.owner.append(len(self.codes) - 1)
        self.index = {c: i for i, c in enumerate(self.codes)}
        centroids = np.zeros((len(self.codes), 2))
        weights = np.zeros(len(self.codes))
        for ring, i in zip(self.rings, self.owner):
            centroids[i] += ring[:-1].mean(axis=0) * len(ring)
            weights[i] += len(ring)
        self.centroids = centroids / np.maximum(weights, 1)[:, None]
        areas = {a.code: a for a in model.areas()}
        self.parents: dict[str, dict[str, str]] = {}
        for code in self.codes:
            chain: dict[str, str] = {}
            area = areas.get(code)
            while area is not None and area.parent is not None:
                area = areas.get(area.parent)
                if area is not None:
                    chain[area.level] = area.code
            self.parents[code] = chain

    def __bool__(self) -> bool:
        return bool(self.rings)

    def map_figure(self, page: _Page, width: float, top: float = 0.45, bottom: float = 0.55) -> tuple[Any, Any]:
        """A figure ``width`` inches wide whose map axes fill it (the city's own proportions),
        with ``top`` and ``bottom`` inches left for the title and the legend."""
        both = np.vstack(self.rings)
        (lon0, lat0), (lon1, lat1) = both.min(axis=0), both.max(axis=0)
        aspect = (lat1 - lat0) / max((lon1 - lon0) * math.cos(math.radians((lat0 + lat1) / 2)), 1e-9)
        height = min(max(width * aspect, 2.0), 2.0 * width)
        fig = page.fig(width, height + top + bottom)
        total = height + top + bottom
        return fig, self.axes(fig, (0.0, bottom / total, 1.0, height / total))

    def ring_values(self, per_grid: Sequence[Any]) -> list[Any]:
        return [per_grid[i] for i in self.owner]

    def axes(self, fig: Any, rect: Sequence[float] = (0.0, 0.0, 1.0, 1.0)) -> Any:
        ax = fig.add_axes(rect)
        lon0, lat0 = np.vstack(self.rings).min(axis=0)
        lon1, lat1 = np.vstack(self.rings).max(axis=0)
        pad = 0.02 * max(lon1 - lon0, lat1 - lat0)
        ax.set_xlim(lon0 - pad, lon1 + pad)
        ax.set_ylim(lat0 - pad, lat1 + pad)
        ax.set_aspect(1.0 / math.cos(math.radians((lat0 + lat1) / 2)))
        ax.set_axis_off()
        return ax

    def draw(self, ax: Any, faces: Sequence[Any], edge: str = "white", width: float = 0.4, **kw: Any) -> None:
        from matplotlib.collections import PolyCollection  # type: ignore[import-not-found, unused-ignore]

        ax.add_collection(PolyCollection(self.rings, facecolors=faces, edgecolors=edge, linewidths=width, **kw))

    def label_areas(self, ax: Any, level: str, names: dict[str, str], font_ok: bool) -> None:
        """The name of each area of ``level`` at the mean of its grids' centroids."""
        groups: dict[str, list[int]] = {}
        for i, code in enumerate(self.codes):
            parent = self.parents[code].get(level)
            if parent is not None:
                groups.setdefault(parent, []).append(i)
        for code, members in groups.items():
            x, y = self.centroids[members].mean(axis=0)
            text = names.get(code, code) if font_ok else code
            ax.text(x, y, text, ha="center", va="center", fontsize=9, color="#222222", weight="bold",
                    bbox={"boxstyle": "round,pad=0.2", "fc": "white", "ec": "none", "alpha": 0.75})

    def points_in(self, grid: str, n: int, rng: np.random.Generator) -> np.ndarray:
        """``n`` random points inside ``grid`` (rejection sampling in its first ring's box)."""
        from matplotlib.path import Path  # type: ignore[import-not-found, unused-ignore]

        i = self.index[grid]
        ring = self.rings[self.owner.index(i)]
        path = Path(ring)
        lo, hi = ring.min(axis=0), ring.max(axis=0)
        out = np.empty((0, 2))
        for _ in range(20):
            cand = lo + rng.random((max(2 * n, 8), 2)) * (hi - lo)
            out = np.vstack([out, cand[path.contains_points(cand)]])
            if len(out) >= n:
                break
        if len(out) < n:  # a sliver: its centroid
            out = np.vstack([out, np.repeat(self.centroids[i][None, :], n - len(out), axis=0)])
        return out[:n]


# -- the report ----------------------------------------------------------------------------------


def report(
    source: Union[Engine, Records],
    before: tuple[Instant, Instant],
    after: tuple[Instant, Instant],
    path: StrPath = DEFAULT_PATH,
    *,
    as_of: Optional[Instant] = None,
    level: str = "street",
    title: Optional[str] = None,
    progress: Optional[Callable[[int, int, str], None]] = None,
) -> str:
    """Writes the HTML report of the period ``after`` compared with ``before`` to ``path``
    (default ``out/report.html``; its folder is created) and returns the path written.

    ``source`` is an :class:`Engine` (everything: the open cases' lights at ``as_of`` and the
    escalations and 督办 of the period come from its timers and events) or :class:`Records`
    (the scorecards, maps of closure and division, trend and responsibility check; the
    sections that need the engine say so). ``before`` and ``after`` are ``(start, end)``
    pairs, each ``[start, end)``, of datetimes or dates local to the model's calendar.
    ``as_of`` (default: the records' own) is the instant statuses and lights are judged at.
    ``level`` is the area level of the tables and the change chart (default ``street``);
    the maps are drawn per unit grid from the model's boundaries (without boundaries the maps
    are left out and the page says so). ``progress``, if given, is called as each part of the
    page is done with ``(done, total, name)``, for a progress bar.

    Raises :class:`MissingDependencyError` (a :class:`GridgovError` and ``ImportError``)
    when matplotlib is not installed (``pip install 'gridgov[report]'``),
    :class:`ValidationError` for a bad period, level or ``as_of``, :class:`GridgovIOError`
    when ``path`` cannot be written, and ``TypeError`` for a ``source`` of the wrong type.
    """
    matplotlib = _matplotlib()
    if isinstance(source, Engine):
        engine: Optional[Engine] = source
        records = source.records()
    elif isinstance(source, Records):
        engine, records = None, source
    else:
        raise TypeError(f"source must be a gridgov.Engine or gridgov.Records, not {type(source).__name__}")
    model = records.model
    periods = []
    for what, pair in (("before", before), ("after", after)):
        if not isinstance(pair, (tuple, list)) or len(pair) != 2:
            raise _invalid(what, repr(pair), "must be a (start, end) pair")
        s, e = _ms(model, pair[0], f"{what} start"), _ms(model, pair[1], f"{what} end")
        if e <= s:
            raise _invalid(what, f"{pair[0]} to {pair[1]}", "its end must come after its start")
        periods.append((s, e))
    if level not in model.levels:
        raise _invalid("level", level, f"is not an area level of the model ({', '.join(model.levels)})")
    at = records._core.as_of if as_of is None else _ms(model, as_of, "as_of")
    target = os.fspath(path)
    folder = os.path.dirname(os.path.abspath(target))
    try:
        os.makedirs(folder, exist_ok=True)
    except OSError as err:
        raise GridgovIOError(f"cannot write the report to {target}: {err.strerror or err}", path=target) from None
    if os.path.isdir(target):
        raise GridgovIOError(f"cannot write the report to {target}: it is a directory", path=target)

    card_before = score(model, records, *periods[0], as_of=at)
    card_after = score(model, records, *periods[1], as_of=at)
    font = cjk_font()
    rc = {"font.family": ["sans-serif"], "font.sans-serif": ([font] if font else []) + ["DejaVu Sans"],
          "axes.unicode_minus": False, "font.size": 10}
    with matplotlib.rc_context(rc):
        page = _Page(model, records, engine, card_before, card_after, at, level, font is not None)
        body = page.render(progress)
    name = title or f"{model.name} 城市网格化管理 运行报告"
    document = _DOCUMENT.format(title=_e(name), style=_STYLE, body=body)
    try:
        with open(target, "w", encoding="utf-8", newline="\n") as f:
            f.write(document)
    except OSError as err:
        raise GridgovIOError(f"cannot write the report to {target}: {err.strerror or err}", path=target) from None
    return target


class _Page:
    """Builds the sections of the page (HTML text, charts embedded)."""

    def __init__(
        self, model: Model, records: Records, engine: Optional[Engine], before: Scorecard, after: Scorecard,
        as_of_ms: int, level: str, font_ok: bool,
    ) -> None:
        self.pd = import_pandas("gridgov.report")
        self.model, self.records, self.engine = model, records, engine
        self.before, self.after = before, after
        self.as_of = after.as_of
        self.as_of_ms = as_of_ms
        self.level = level
        self.zh = font_ok
        self.geo = _Geometry(model)
        self.labels = column_labels()
        self.names = {a.code: a.name for a in model.areas()}
        self.level_names = {"city": "市", "district": "区", "street": "街道", "community": "社区", "grid": "网格"}
        self.b_words, self.a_words = _period_words(before), _period_words(after)

    def t(self, zh: str, en: str) -> str:
        """Chart text: Chinese when a CJK font draws it, else English."""
        return zh if self.zh else en

    def fig(self, w: float, h: float) -> Any:
        from matplotlib.figure import Figure  # type: ignore[import-not-found, unused-ignore]

        return Figure(figsize=(w, h), dpi=110)

    # -- the sections --

    def render(self, progress: Optional[Callable[[int, int, str], None]] = None) -> str:
        sections = [
            ("headline", self.header),
            ("responsibility", self.responsibility),
            ("maps", self.maps),
            ("trend", self.trend),
            ("scorecards", self.scorecards),
            ("division", self.division),
            ("escalations", self.escalations),
            ("sources", self.footer),
        ]
        parts = []
        for done, (name, section) in enumerate(sections, start=1):
            parts.append(section())
            if progress is not None:
                progress(done, len(sections), name)
        return "\n".join(parts)

    def city_rows(self) -> tuple[Any, Any]:
        top = self.model.levels[0]
        b = self.before.areas(top)
        a = self.after.areas(top)
        return b.iloc[0], a.iloc[0]

    def header(self) -> str:
        b, a = self.city_rows()
        s = self.model.summary()

        def tile(label: str, now: str, then: str, change: str, good: Optional[bool]) -> str:
            cls = "" if good is None else (" good" if good else " bad")
            return (f'<div class="tile"><div class="k">{_e(label)}</div><div class="v">{_e(now)}</div>'
                    f'<div class="d{cls}">{_e(change)}</div><div class="p">上期 {_e(then)}</div></div>')

        def hours_tile(label: str, col: str, target: float) -> str:
            x, y = a[col], b[col]
            if _missing(x) or _missing(y) or not y:
                return tile(label, _hours(x), _hours(y), "–", None)
            pct = (x - y) / y * 100
            goal = (target - 1) * 100
            change = f"{pct:+.1f}%（目标 {goal:+.0f}%）"
            return tile(label, _hours(x), _hours(y), change, pct <= goal if pct < 0 else False)

        def rate_tile(label: str, col: str) -> str:
            x, y = a[col], b[col]
            if _missing(x) or _missing(y):
                return tile(label, _pct(x), _pct(y), "–", None)
            d = (x - y) * 100
            return tile(label, _pct(x), _pct(y), f"{d:+.1f} 个百分点", d >= 0)

        tiles = [
            tile("立案数", f"{int(a['filed']):,}", f"{int(b['filed']):,}",
                 f"{(a['filed'] - b['filed']) / max(b['filed'], 1) * 100:+.1f}%", None),
            rate_tile("按期结案率", "on_time_closure_rate"),
            rate_tile("满意率", "satisfaction_rate"),
            hours_tile("平均响应时长", "mean_response_hours", RESPONSE_TARGET),
            hours_tile("平均处置时长", "mean_handle_hours", HANDLING_TARGET),
        ]
        lights = self.lights()
        if lights is not None:
            n = Counter(lights.values())
            red = f"红灯 {n.get('red', 0):,} · 黄灯 {n.get('yellow', 0):,}"
            tiles.append(tile("在办案件", f"{sum(n.values()):,}", "–", red, None if not n.get("red") else False))
        fmt = "%Y-%m-%d %H:%M"
        return (
            f"<header><h1>{_e(self.model.name)} 城市网格化管理运行报告</h1>"
            f"<p class=\"sub\">本期 {_e(self.a_words)} · 对比上期 {_e(self.b_words)} · "
            f"状态截至 {self.as_of:{fmt}} · {s['areas_per_level'].get('grid', 0):,} 个单元网格 · "
            f"{len(self.records):,} 条案件记录</p></header>"
            f'<section><div class="tiles">{"".join(tiles)}</div>'
            "<p class=\"note\">绿色/红色表示较上期变好/变差；时长目标为响应提速 25%、处置时长缩短 30%"
            "（见文末“口径与来源”）。</p></section>"
        )

    def responsibility(self) -> str:
        r = self.model.check()
        if r.is_clean:
            verdict = (f'<p class="ok">✔ 权责清单无缺口、无冲突：{r.categories} 个小类 × {r.grids} 个网格 = '
                       f"{r.cells:,} 个责任格，每格恰有一个责任单位"
                       + (f"（其中 {r.fallback_cells:,} 格由属地兜底）" if r.fallback_cells else "") + "。</p>")
            return f"<section><h2>一、责任体系检查</h2>{verdict}</section>"
        rows = []
        for g in r.gaps:
            rows.append(("缺口", g.category, "无责任单位", "、".join(g.areas), g.grids))
        for c in r.conflicts:
            rows.append(("冲突", c.category, " 与 ".join(c.units), "、".join(c.areas), c.grids))
        table = "".join(
            f"<tr class=\"worst\"><td>{_e(k)}</td><td>{_e(cat)}</td><td>{_e(u)}</td><td>{_e(ar)}</td>"
            f"<td class=\"n\">{n:,}</td></tr>" for k, cat, u, ar, n in rows)
        return (
            "<section><h2>一、责任体系检查</h2>"
            f'<p class="bad">✘ 权责清单有 {len(r.gaps)} 处缺口（{r.gap_cells:,} 格）、{len(r.conflicts)} 处冲突'
            f"（{r.conflict_cells:,} 格）：这些案件无法自动派遣或存在多头管理。</p>"
            f"<table><tr><th>问题</th><th>小类</th><th>单位</th><th>区域</th><th>网格数</th></tr>{table}</table>"
            "</section>"
        )

    # -- maps --

    def lights(self) -> Optional[dict[int, str]]:
        """The light of every open case (running timer) at as_of, from the engine."""
        if self.engine is None:
            return None
        if not hasattr(self, "_lights"):
            at = self.as_of_ms
            out: dict[int, str] = {}
            for case in range(1, len(self.engine) + 1):
                light = self.engine.light(case, at)
                if light is not None:
                    out[case] = light
            self._lights = out
        return self._lights

    def maps(self) -> str:
        if not self.geo:
            return ("<section><h2>二、网格地图</h2><p class=\"note\">模型没有网格边界（GeoJSON），无法绘制地图。"
                    "</p></section>")
        grid = self.after.areas("grid")
        rate = grid["on_time_closure_rate"].reindex(self.geo.codes).to_numpy(dtype=np.float64)
        import matplotlib as mpl  # type: ignore[import-not-found, unused-ignore]

        finite = rate[np.isfinite(rate)]
        lo = float(min(0.6, np.floor(np.percentile(finite, 5) * 20) / 20)) if len(finite) else 0.0
        norm = mpl.colors.Normalize(vmin=lo, vmax=1.0)
        cmap = mpl.colormaps["RdYlGn"]
        faces = [cmap(norm(v)) if np.isfinite(v) else (0.85, 0.85, 0.85, 1.0) for v in rate]
        fig, ax = self.geo.map_figure(self, 5.6, bottom=0.8)
        self.geo.draw(ax, self.geo.ring_values(faces))
        self.geo.label_areas(ax, self.level, self.names, self.zh)
        cax = fig.add_axes((0.15, 0.5 / fig.get_figheight(), 0.7, 0.12 / fig.get_figheight()))
        cb = fig.colorbar(mpl.cm.ScalarMappable(norm=norm, cmap=cmap), cax=cax, orientation="horizontal")
        cb.ax.xaxis.set_major_formatter(mpl.ticker.PercentFormatter(1.0, decimals=0))
        cb.set_label(self.t(f"按期结案率（{self.a_words}，灰色：无应结案件）",
                            "on-time closure rate (grey: no case due)"), fontsize=9)
        ax.set_title(self.t("各网格按期结案率", "On-time closure rate per unit grid"), fontsize=12, weight="bold")
        closure = _img(_png(fig, tight=False), "各网格按期结案率地图")
        worst = grid[grid["due_to_close"] >= 5].sort_values("on_time_closure_rate").head(5)
        def where(code: str) -> str:
            return self.names.get(self.geo.parents.get(code, {}).get(self.level, ""), "")

        worst_text = "、".join(
            f"{_e(self.names.get(str(c), c))}（{_e(where(str(c)))}，{_pct(r)}）"
            for c, r in worst["on_time_closure_rate"].items())
        lights_html = self.lights_map()
        return (
            "<section><h2>二、网格地图</h2><div class=\"two\">"
            f"<figure>{closure}<figcaption>本期各网格按期结案率：越红越差。按期结案率最低的网格（应结案 ≥ 5 件）："
            f"{worst_text or '–'}。</figcaption></figure>"
            f"{lights_html}</div></section>"
        )

    def lights_map(self) -> str:
        lights = self.lights()
        if lights is None:
            return ("<figure><p class=\"note\">在办案件红黄绿灯需要案件引擎（计时器）：以 gridgov.Engine 或事件导出"
                    "（gridgov report … EVENTS.jsonl）生成报告即可显示。</p></figure>")
        frame = self.records.to_frame()[["id", "grid"]]
        grids = dict(zip(frame["id"].astype(int), frame["grid"].astype(str)))
        rng = np.random.default_rng(7)
        per_grid: dict[tuple[str, str], int] = Counter((grids.get(c, ""), light) for c, light in lights.items())
        fig, ax = self.geo.map_figure(self, 5.6)
        self.geo.draw(ax, ["#eeeeee"] * len(self.geo.rings), edge="#bbbbbb", width=0.3)
        counts = Counter(lights.values())
        for light in ("green", "yellow", "red"):
            pts = [self.geo.points_in(g, n, rng) for (g, lt), n in sorted(per_grid.items())
                   if lt == light and g in self.geo.index]
            if pts:
                xy = np.vstack(pts)
                size = 4 if light == "green" else 9
                ax.scatter(xy[:, 0], xy[:, 1], s=size, c=LIGHT_COLOURS[light], linewidths=0,
                           alpha=0.8 if light == "green" else 1.0, zorder=3 if light == "red" else 2,
                           label=f"{self.t({'green': '绿灯', 'yellow': '黄灯', 'red': '红灯'}[light], light)} "
                                 f"{counts.get(light, 0):,}")
        self.geo.label_areas(ax, self.level, self.names, self.zh)
        ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.01), ncol=3, frameon=False, fontsize=9,
                  markerscale=2.5)
        ax.set_title(self.t(f"在办案件红黄绿灯（截至 {self.as_of:%m-%d %H:%M}）",
                            f"Open cases by light at {self.as_of:%Y-%m-%d %H:%M}"), fontsize=12, weight="bold")
        red_streets = Counter(self.geo.parents.get(grids.get(c, ""), {}).get(self.level, "")
                              for c, lt in lights.items() if lt == "red")
        top = "、".join(f"{_e(self.names.get(k, k))} {n}" for k, n in red_streets.most_common(3) if k)
        image = _img(_png(fig, tight=False), "在办案件红黄绿灯地图")
        return (f"<figure>{image}<figcaption>截至 {self.as_of:%Y-%m-%d %H:%M} "
                f"的在办案件，每点一件（在所属网格内随机摆放）：绿灯 {counts.get('green', 0):,}、黄灯 "
                f"{counts.get('yellow', 0):,}、红灯 {counts.get('red', 0):,}。红灯最多：{top or '无'}。"
                "</figcaption></figure>")

    # -- trend --

    def trend(self) -> str:
        b, a = self.city_rows()
        fig = self.fig(10.0, 3.0)
        specs = [
            ("mean_response_hours", self.t("平均响应时长（小时）", "mean response (h)"), RESPONSE_TARGET, "x",
             self.t("目标 −25%", "target −25 %")),
            ("mean_handle_hours", self.t("平均处置时长（小时）", "mean handling (h)"), HANDLING_TARGET, "x",
             self.t("目标 −30%", "target −30 %")),
            ("on_time_closure_rate", self.t("按期结案率", "on-time closure"), None, "", ""),
            ("satisfaction_rate", self.t("满意率", "satisfaction"), SATISFACTION_TARGET_PTS, "+",
             self.t("目标 +20 个百分点", "target +20 pts")),
        ]
        import matplotlib as mpl  # type: ignore[import-not-found, unused-ignore]

        for k, (col, label, goal, how, goal_text) in enumerate(specs):
            ax = fig.add_subplot(1, 4, k + 1)
            y0, y1 = b[col], a[col]
            vals = [0.0 if _missing(v) else float(v) for v in (y0, y1)]
            rate = col.endswith("_rate")
            better = None if _missing(y0) or _missing(y1) else (y1 < y0 if not rate else y1 >= y0)
            colours = ["#9ecae1", "#2ca25f" if better else "#de2d26" if better is False else "#3182bd"]
            ax.bar([0, 1], vals, color=colours, width=0.6)
            for x, v, raw in zip((0, 1), vals, (y0, y1)):
                ax.text(x, v, _pct(raw) if rate else ("–" if _missing(raw) else f"{v:.2f}" if v < 10 else f"{v:.1f}"),
                        ha="center",
                        va="bottom", fontsize=9)
            top = max(vals) if vals else 1.0
            if goal is not None and not _missing(y0):
                line = float(y0) * goal if how == "x" else min(1.0, float(y0) + goal / 100)
                ax.hlines(line, -0.45, 1.45, color="#333333", linestyles="--", linewidth=1.2)
                ax.text(1.5, line, goal_text, ha="left", va="center", fontsize=8, color="#333333")
                top = max(top, line)
            ax.set_xticks([0, 1], [self.t("上期", "before"), self.t("本期", "after")])
            ax.set_xlim(-0.6, 2.9)
            if top <= 0:  # nothing to show: a frame of the usual size
                top = 0.9 if rate else 1.0
            ax.set_ylim(0, min(top * 1.2, 1.08) if rate else top * 1.2)
            if rate:
                ax.yaxis.set_major_formatter(mpl.ticker.PercentFormatter(1.0, decimals=0))
            ax.set_title(label, fontsize=10)
            for side in ("top", "right"):
                ax.spines[side].set_visible(False)
        fig.subplots_adjust(wspace=0.45)
        city_chart = _img(_png(fig), "全市四项指标本期与上期对比及目标线")
        change = self.change_chart()
        lines = []
        for col, words, goal in (("mean_response_hours", "平均响应时长", RESPONSE_TARGET),
                                 ("mean_handle_hours", "平均处置时长", HANDLING_TARGET)):
            if not (_missing(a[col]) or _missing(b[col])) and b[col]:
                pct = (a[col] - b[col]) / b[col] * 100
                reached = "已达到" if pct <= (goal - 1) * 100 else "未达到"
                lines.append(f"{words} {b[col]:.1f} → {a[col]:.1f} 小时（{pct:+.1f}%），{reached}"
                             f"{(1 - goal) * 100:.0f}% 的目标")
        if not (_missing(a["satisfaction_rate"]) or _missing(b["satisfaction_rate"])):
            d = (a["satisfaction_rate"] - b["satisfaction_rate"]) * 100
            lines.append(f"满意率 {_pct(b['satisfaction_rate'])} → {_pct(a['satisfaction_rate'])}（{d:+.1f} 个百分点，"
                         f"目标 +{SATISFACTION_TARGET_PTS:.0f}）")
        return (
            "<section><h2>三、本期与上期对比</h2>"
            f"<figure>{city_chart}<figcaption>全市：{'；'.join(_e(x) for x in lines)}。虚线为政策目标。"
            "</figcaption></figure>"
            f"{change}</section>"
        )

    def change_chart(self) -> str:
        c = compare(self.before, self.after, self.level)
        if c.empty:
            return ""
        lvl = self.level_names.get(self.level, self.level)
        fig = self.fig(10.0, 0.5 + 0.32 * c["area"].nunique())
        specs = [("on_time_closure_rate", self.t("按期结案率变化（百分点）", "on-time closure change (pts)"), False),
                 ("mean_handle_hours",
                  self.t("平均处置时长变化（%，虚线：目标 −30%）", "mean handling change (%, dashed: target)"), True)]
        order = c[c["indicator"] == "on_time_closure_rate"].sort_values("change", kind="stable")["area"].tolist()
        for k, (ind, label, lower_better) in enumerate(specs):
            ax = fig.add_subplot(1, 2, k + 1)
            rows = c[c["indicator"] == ind].set_index("area").reindex(order)
            vals = (rows["change_pct"] if lower_better else rows["change"]).to_numpy(dtype=np.float64)
            worse = vals > 0 if lower_better else vals < 0
            colours = ["#de2d26" if w else "#2ca25f" for w in worse]
            ys = np.arange(len(order))
            ax.barh(ys, np.nan_to_num(vals), color=colours, height=0.6)
            names = [str(self.names.get(x, x)) if self.zh else str(x) for x in order]
            ax.set_yticks(ys, names if k == 0 else [""] * len(names))
            ax.axvline(0, color="#555555", linewidth=0.8)
            if lower_better:
                ax.axvline((HANDLING_TARGET - 1) * 100, color="#333333", linestyle="--", linewidth=1.0)
            for y, v in zip(ys, vals):
                if np.isfinite(v):
                    ax.text(v, y, f" {v:+.1f} " if v >= 0 else f"{v:+.1f} ", va="center",
                            ha="left" if v >= 0 else "right", fontsize=8)
            ax.set_title(label, fontsize=10)
            ax.invert_yaxis()
            lo, hi = np.nanmin(np.append(vals, 0)), np.nanmax(np.append(vals, 0))
            span = (hi - lo) or 1.0
            ax.set_xlim(lo - 0.25 * span, hi + 0.25 * span)
            if lower_better:
                ax.set_xlim(min(lo, (HANDLING_TARGET - 1) * 100) - 0.25 * span, hi + 0.25 * span)
            for side in ("top", "right"):
                ax.spines[side].set_visible(False)
        fig.subplots_adjust(wspace=0.08)
        got_worse = c[(c["indicator"] == "on_time_closure_rate") & (c["change"] < 0)].sort_values("change")
        worse_text = "、".join(f"{_e(n)}（{v:+.1f} 个百分点）" for n, v in zip(got_worse["name"], got_worse["change"]))
        return (f"<figure>{_img(_png(fig), f'各{lvl}按期结案率与处置时长变化')}<figcaption>各{_e(lvl)}本期较上期："
                f"红色为变差。按期结案率下降的{_e(lvl)}：{worse_text or '无'}。</figcaption></figure>")

    # -- tables --

    def table(self, frame: Any, keys: Sequence[str], id_label: str, limit: Optional[int] = None) -> str:
        ranked = frame[frame["rank"].notna()].sort_values(["rank", "score"], ascending=[True, False], kind="stable")
        unranked = frame[frame["rank"].isna()]
        best = set(ranked.index[ranked["rank"] == ranked["rank"].min()]) if len(ranked) else set()
        worst = set(ranked.index[ranked["rank"] == ranked["rank"].max()]) if len(ranked) > 1 else set()
        rows = ranked
        gap = False
        if limit is not None and len(ranked) > 2 * limit:
            rows = self.pd.concat([ranked.head(limit), ranked.tail(limit)])
            gap = True
        head = ("<tr><th>排名</th><th>" + _e(id_label) + "</th><th>名称</th>"
                + "".join(f"<th>{_e(self.labels.get(k, k))}</th>" for k in keys)
                + "<th>综合得分</th><th>等级</th><th>样本</th></tr>")
        body = []
        for n, (ident, row) in enumerate(rows.iterrows()):
            if gap and n == limit:
                body.append(f'<tr class="gap"><td colspan="{len(keys) + 6}">⋯ 中间 {len(ranked) - 2 * limit} 名略 ⋯'
                            "</td></tr>")
            cls, mark = "", ""
            if ident in best:
                cls, mark = ' class="best"', ' <span class="tag best">最佳</span>'
            elif ident in worst:
                cls, mark = ' class="worst"', ' <span class="tag worst">最差</span>'
            grade = str(row["grade"]) if not _missing(row["grade"]) else "–"
            colour = GRADE_COLOURS.get(grade, "#dddddd")
            body.append(
                f"<tr{cls}><td class=\"n\">{_cell('rank', row['rank'])}</td><td>{_e(ident)}</td>"
                f"<td>{_e(row['name'])}{mark}</td>"
                + "".join(f"<td class=\"n\">{_e(_cell(k, row[k]))}</td>" for k in keys)
                + f"<td class=\"n\">{_cell('score', row['score'])}</td>"
                f"<td class=\"g\" style=\"background:{colour}\">{_e(grade)}</td>"
                f"<td class=\"n\">{_cell('sample', row['sample'])}</td></tr>")
        note = ""
        if len(unranked):
            listed = "、".join(f"{_e(i)}（{_e(r['name'])}）" for i, r in unranked.head(8).iterrows())
            more = f" 等 {len(unranked)} 个" if len(unranked) > 8 else ""
            note = f'<p class="note">样本不足、未参加排名：{listed}{more}。</p>'
        return f"<table>{head}{''.join(body)}</table>{note}"

    def scorecards(self) -> str:
        lvl = self.level_names.get(self.level, self.level)
        parts = ["<section><h2>四、考核评价（本期）</h2>",
                 "<p class=\"note\">综合得分按 CJ/T 292 口径的指标加权（权重见模型 [scoring]），"
                 "等级 A–E 以 90/75/60/40 分界；样本不足的对象不排名。绿色底为最佳，红色底为最差。</p>",
                 f"<h3>各{_e(lvl)}</h3>",
                 self.table(self.after.areas(self.level), TABLE_KEYS["area"], "编码"),
                 "<h3>各部门</h3>",
                 self.table(self.after.departments(), TABLE_KEYS["department"], "单位", limit=8)]
        for role in POST_ROLES:
            parts.append(f"<h3>{POST_NAMES[role]}</h3>")
            parts.append(self.table(self.after.posts(role), TABLE_KEYS[role], "工号", limit=5))
        parts.append("</section>")
        return "".join(parts)

    # -- division --

    def division(self) -> str:
        start, end = self.after.period
        d = self.model.division_report(self.records, start, end)
        sug = d.suggestions
        s = d.summary
        lo, hi = d.config["households_min"], d.config["households_max"]
        head = (f"<p>本期 {s['cases']:,} 件案件、{s['grids']} 个网格：{s['households_low']} 个网格户数低于 {lo} 户，"
                f"{s['households_high']} 个高于 {hi} 户；人均案件量中位数 {s['load_median']}，"
                f"{s['load_high']} 个网格超出上限 {s['upper_fence']}，{s['load_low']} 个低于下限 {s['lower_fence']}。"
                f"共 {int((sug['kind'] == 'merge').sum())} 条合并建议、"
                f"{int((sug['kind'] == 'split').sum())} 条拆分建议。"
                "</p>")
        chart = ""
        if self.geo and len(sug):
            fig, ax = self.geo.map_figure(self, 5.6)
            role = ["none"] * len(self.geo.codes)
            number: dict[int, int] = {}
            for n, (kind, grids) in enumerate(zip(sug["kind"], sug["grids"]), start=1):
                for g in grids:
                    i = self.geo.index.get(g)
                    if i is not None:
                        role[i] = kind
                        number.setdefault(i, n)
            colours = {"none": "#f2f2f2", "merge": "#6baed6", "split": "#fb6a4a"}
            self.geo.draw(ax, self.geo.ring_values([colours[r] for r in role]), edge="#bbbbbb", width=0.3)
            for i, n in number.items():
                x, y = self.geo.centroids[i]
                ax.text(x, y, str(n), ha="center", va="center", fontsize=6.5, color="#111111")
            self.geo.label_areas(ax, self.level, self.names, self.zh)
            from matplotlib.patches import Patch  # type: ignore[import-not-found, unused-ignore]

            ax.legend(handles=[Patch(color=colours["merge"], label=self.t("建议合并", "merge")),
                               Patch(color=colours["split"], label=self.t("建议拆分", "split"))],
                      loc="upper center", bbox_to_anchor=(0.5, -0.0), ncol=2, frameon=False)
            ax.set_title(self.t("网格划分调整建议（数字为下表序号）", "Division suggestions (numbers: rows below)"),
                         fontsize=12, weight="bold")
            chart = f"<figure>{_img(_png(fig, tight=False), '网格划分调整建议地图', 640)}</figure>"
        rows = []
        for n, (kind, grids, reason) in enumerate(zip(sug["kind"], sug["grids"], sug["reason"]), start=1):
            words = "合并" if kind == "merge" else "拆分"
            rows.append(f"<tr><td class=\"n\">{n}</td><td class=\"nw\">{words}</td>"
                        f"<td>{'<br>'.join(_e(self.names.get(g, g)) + f' <small>{_e(g)}</small>' for g in grids)}</td>"
                        f"<td>{_e(reason)}</td></tr>")
        head_row = "<tr><th>序号</th><th>建议</th><th>网格</th><th>理由</th></tr>"
        first = f"<table class=\"small\">{head_row}{''.join(rows[:6])}</table>" if rows else "<p>无调整建议。</p>"
        rest = (f"<details><summary>其余 {len(rows) - 6} 条建议及理由</summary><table class=\"small\">{head_row}"
                f"{''.join(rows[6:])}</table></details>" if len(rows) > 6 else "")
        table = f'<div class="two">{chart}<div class="side">{first}</div></div>{rest}'
        return f"<section><h2>五、网格划分分析</h2>{head}{table}</section>"

    # -- escalations --

    def escalation_events(self) -> list[dict[str, Any]]:
        """The engine's escalation events (``at``, ``case``, ``effect``, ``name``, ``target``).
        Read from the export with one pattern over its sorted-key lines, which is many times
        faster than decoding every line; any line the pattern does not read is decoded."""
        assert self.engine is not None
        text = self.engine.events_jsonl()
        out: list[dict[str, Any]] = []
        names: dict[str, str] = {}

        def word(raw: Optional[str]) -> Optional[str]:
            if raw is None:
                return None
            if raw not in names:
                names[raw] = json.loads(f'"{raw}"') if "\\" in raw else raw
            return names[raw]

        for m in _ESCALATION.finditer(text):
            out.append({"at": int(m["at"]), "case": int(m["case"]), "effect": m["effect"], "name": word(m["name"]),
                        "target": word(m["target"])})
        if len(out) != text.count('"action":"escalate"'):  # another layout: decode the lines themselves
            out = []
            for line in text.splitlines():
                if '"escalate"' in line:
                    e = json.loads(line)
                    if e.get("action") == "escalate":
                        out.append(e)
        return out

    def escalations(self) -> str:
        if self.engine is None:
            return ("<section><h2>六、预警、升级与督办</h2><p class=\"note\">需要案件引擎的事件：以 gridgov.Engine 或"
                    "事件导出生成报告即可显示。</p></section>")
        (b0, b1), (a0, a1) = (self.period_ms(self.before), self.period_ms(self.after))
        events = self.escalation_events()
        now: Counter[tuple[str, str]] = Counter()
        then: Counter[tuple[str, str]] = Counter()
        targets: Counter[str] = Counter()
        supervised = []
        for e in events:
            key = (str(e.get("effect")), str(e.get("name")))
            if a0 <= e["at"] < a1:
                now[key] += 1
                if e.get("effect") == "escalate" and e.get("target"):
                    targets[str(e["target"])] += 1
                if e.get("effect") == "supervise":
                    supervised.append(e)
            elif b0 <= e["at"] < b1:
                then[key] += 1
        keys = sorted(set(now) | set(then), key=lambda k: -now.get(k, 0))
        rows = "".join(
            f"<tr><td>{_e(EFFECT_NAMES.get(eff, eff))}</td><td>{_e(name)}</td>"
            f"<td class=\"n\">{then.get((eff, name), 0):,}</td><td class=\"n\">{now.get((eff, name), 0):,}</td></tr>"
            for eff, name in keys)
        units = {u.id: u.name for u in self.model.units()}
        target_text = "、".join(f"{_e(units.get(t, t))} {n:,} 次" for t, n in targets.most_common(5))
        frame = self.records.to_frame()[["id", "grid", "category", "unit", "state"]].set_index("id")
        sup_rows = []
        for e in sorted(supervised, key=lambda e: e["at"], reverse=True)[:15]:
            case = int(e["case"])
            grid = str(frame.at[case, "grid"]) if case in frame.index else ""
            street = self.names.get(self.geo.parents.get(grid, {}).get(self.level, ""), "")
            unit = frame.at[case, "unit"] if case in frame.index else None
            state = str(frame.at[case, "state"]) if case in frame.index else ""
            when = datetime.fromtimestamp(e["at"] / 1000, self.model.calendar.tzinfo).strftime("%m-%d %H:%M")
            sup_rows.append(
                f"<tr><td>{when}</td><td class=\"n\">{case}</td><td>{_e(street)}</td><td>{_e(grid)}</td>"
                f"<td>{_e(units.get(str(unit), unit) if not _missing(unit) else '–')}</td><td>{_e(e.get('name'))}</td>"
                f"<td>{_e(STATE_NAMES.get(state, state))}</td></tr>")
        n_sup = len(supervised)
        sup = (f"<h3>督办（本期 {n_sup:,} 件次，列最近 {min(n_sup, 15)} 件）</h3><table><tr><th>时间</th><th>案件</th>"
               f"<th>{_e(self.level_names.get(self.level, self.level))}</th><th>网格</th><th>责任单位</th><th>规则</th>"
               f"<th>现状态</th></tr>{''.join(sup_rows)}</table>" if n_sup else "<h3>督办</h3><p>本期无督办。</p>")
        return (
            "<section><h2>六、预警、升级与督办</h2>"
            f"<p>本期升级规则触发 {sum(now.values()):,} 次（上期 {sum(then.values()):,} 次）。"
            f"升级最多的上级单位：{target_text or '无'}。</p>"
            f"<table><tr><th>动作</th><th>规则</th><th>上期</th><th>本期</th></tr>{rows}</table>{sup}</section>"
        )

    def period_ms(self, card: Scorecard) -> tuple[int, int]:
        s, e = card.period
        return _ms(self.model, s, "start"), _ms(self.model, e, "end")

    def footer(self) -> str:
        return (
            "<section class=\"foot\"><h2>口径与来源</h2><ul>"
            "<li>指标口径：按期结案率 = 按期结案数 / 应结案数（应结案：已结案或处置时限已过），挂账案件不计入处置指标；"
            "CJ/T 292、GB/T 30428.4 及城市月报的做法（gridgov 文档 §5、§11）。</li>"
            "<li>时长为工作时（模型的工作日历，含调休）。响应时长：上报至派遣；处置时长：派遣至处置完成。</li>"
            "<li>政策目标（响应提速 25%、处置时长缩短 30%、满意度提高 20 个百分点）"
            "为网格化管理深化政策文件所引的成效评价口径（见项目设计文档 DESIGN.md §0），用作参照线，并非国家标准。</li>"
            "<li>红黄绿灯：到期为红灯；时限用去 80%（或模型设定）为黄灯。</li>"
            "<li>本报告由 gridgov 生成；所有图表内嵌于本文件，离线可读。</li></ul></section>"
        )


_STYLE = """
body{font-family:"Noto Sans CJK SC","Source Han Sans SC","PingFang SC","Microsoft YaHei","WenQuanYi Micro Hei",
"SimHei",sans-serif;margin:0;background:#f5f6f8;color:#222;line-height:1.55}
main{max-width:1120px;margin:0 auto;padding:16px 24px 40px}
header h1{font-size:26px;margin:12px 0 2px}
.sub{color:#555;margin:0 0 12px}
section{background:#fff;border-radius:8px;padding:12px 18px;margin:14px 0;box-shadow:0 1px 3px rgba(0,0,0,.08)}
h2{font-size:19px;border-left:5px solid #3182bd;padding-left:8px;margin:6px 0 10px}
h3{font-size:15px;margin:14px 0 6px}
.tiles{display:flex;flex-wrap:wrap;gap:10px}
.tile{flex:1 1 150px;border:1px solid #e3e3e3;border-radius:6px;padding:8px 10px}
.tile .k{color:#666;font-size:13px}.tile .v{font-size:24px;font-weight:700}
.tile .d{font-size:13px}.tile .p{color:#888;font-size:12px}
.good{color:#1a7f37}.bad{color:#c62828}.ok{color:#1a7f37;font-weight:600}
.note{color:#666;font-size:13px}
.two{display:flex;flex-wrap:wrap;gap:12px}.two figure{flex:1 1 480px}.two .side{flex:1 1 380px}
table.small{font-size:12px}
figure{margin:6px 0}figure img{width:100%;height:auto}figcaption{font-size:13px;color:#444}
table{border-collapse:collapse;width:100%;font-size:13px;margin:4px 0 8px}
th,td{border-bottom:1px solid #e6e6e6;padding:3px 6px;text-align:left}
th{background:#f0f3f7;font-weight:600}
td.n{text-align:right;font-variant-numeric:tabular-nums}
td.nw,th{white-space:nowrap}
td.g{text-align:center;font-weight:700;width:3em}
tr.best td{background:#e8f5e9}tr.worst td{background:#fdecea}
tr.gap td{text-align:center;color:#888;background:#fafafa}
.tag{font-size:11px;padding:0 4px;border-radius:3px;color:#fff}
.tag.best{background:#1a9850}.tag.worst{background:#d73027}
details summary{cursor:pointer;color:#3182bd;margin:6px 0}
.foot{font-size:13px;color:#444}
"""

_DOCUMENT = """<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>{style}</style>
</head>
<body>
<main>
{body}
</main>
</body>
</html>
"""

