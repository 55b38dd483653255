"""Grid-division analysis from Python: the figures recomputed independently with NumPy/pandas,
the three load forms, the report's tables, pickling and typed errors for bad input."""

from __future__ import annotations

import json
import math
import pickle

import numpy as np
import pandas as pd
import pytest

import gridgov

from conftest import fixture_text

# Two grids of one community, declared neighbours, one supervisor on both (1/2 each).
PAIR = fixture_text("cities/pair.toml")
G1, G2 = "11010100100101", "11010100100102"


@pytest.fixture(scope="module")
def pair() -> gridgov.Model:
    return gridgov.Model.from_toml(PAIR)


def test_pair_by_hand(pair: gridgov.Model) -> None:
    # Loads per worker 2/0.5 = 4 and 4/0.5 = 8; quartiles of [4, 8] at (n-1)q: 5, 6, 7;
    # IQR 2; fences 5 - 3 = 2 and 7 + 3 = 10.
    r = gridgov.division_report(pair, {G1: 2, G2: 4})
    assert r.adjacency_source == "declared"
    assert r.adjacency == [(G1, G2)]
    s = r.summary
    assert (s["load_q1"], s["load_median"], s["load_q3"]) == (5.0, 6.0, 7.0)
    assert (s["lower_fence"], s["upper_fence"]) == (2.0, 10.0)
    g = r.grids
    assert list(g.index) == [G1, G2]
    assert g.loc[G1, "workers"] == 0.5
    assert list(g["load_per_worker"]) == [4.0, 8.0]
    assert list(g["households_low"]) == [True, True]
    assert not g["load_low"].any() and not g["load_high"].any()
    assert g.loc[G1, "community"] == "110101001001"
    sug = r.suggestions
    assert list(sug["kind"]) == ["merge"]
    assert sug.loc[0, "grids"] == (G1, G2)
    fig = sug.loc[0, "figures"]
    assert (fig["combined_households"], fig["combined_cases"], fig["combined_load_per_worker"]) == (250, 6, 6.0)
    assert fig["households"] == [100, 150]
    assert "250 households" in sug.loc[0, "reason"]
    # Narrow bounds: 250 > 200 households together, so no merge; 150 <= 200, so no split.
    r = gridgov.division_report(pair, {G1: 2, G2: 4}, households=(50, 200))
    assert r.suggestions.empty
    assert list(r.suggestions.columns) == ["kind", "grids", "reason", "figures"]
    assert r.config["households_max"] == 200


def _recompute(model: gridgov.Model, cases: np.ndarray, lo: int = 300, hi: int = 500, k: float = 1.5) -> pd.DataFrame:
    """The per-grid figures and flags, recomputed from the model's records with NumPy."""
    codes = model.grids()
    pos = {c: i for i, c in enumerate(codes)}
    workers = np.zeros(len(codes))
    supervisors = np.zeros(len(codes), dtype=np.int64)
    for w in model.workers(role="supervisor"):  # file order, like the core
        for g in w.grids:
            workers[pos[g]] += 1.0 / len(w.grids)
            supervisors[pos[g]] += 1
    areas = {a.code: a for a in model.areas(level="grid")}
    households = pd.array([areas[c].households for c in codes], dtype="Int64")
    with np.errstate(divide="ignore", invalid="ignore"):
        lpw = np.where(workers > 0, cases / np.where(workers > 0, workers, 1.0), np.nan)
    valid = lpw[~np.isnan(lpw)]
    q1, med, q3 = np.quantile(valid, [0.25, 0.5, 0.75])
    lower, upper = q1 - k * (q3 - q1), q3 + k * (q3 - q1)
    frame = pd.DataFrame(
        {
            "community": [areas[c].parent for c in codes],
            "households": households,
            "cases": cases.astype("uint64"),
            "supervisors": supervisors,
            "workers": workers,
            "load_per_worker": lpw,
            "households_low": (households < lo).fillna(False).to_numpy(dtype=bool),
            "households_high": (households > hi).fillna(False).to_numpy(dtype=bool),
            "load_low": np.nan_to_num(lpw, nan=np.inf) < lower,
            "load_high": np.nan_to_num(lpw, nan=-np.inf) > upper,
            "no_workers": workers == 0,
        },
        index=pd.Index(codes, name="code"),
    )
    frame.attrs.update(q1=q1, median=med, q3=q3, lower=lower, upper=upper)
    return frame


def _greedy_merges(frame: pd.DataFrame, adjacency: list[tuple[str, str]], hi: int) -> list[tuple[str, str]]:
    """The merge rule, written again: adjacent, same community, both under-loaded and not
    load_high, combined households within the maximum; smallest combined first."""
    under = (frame["households_low"] | frame["load_low"]) & ~frame["load_high"]
    cands = []
    for a, b in adjacency:
        if not (under[a] and under[b]) or frame.at[a, "community"] != frame.at[b, "community"]:
            continue
        ha, hb = frame.at[a, "households"], frame.at[b, "households"]
        if pd.isna(ha) or pd.isna(hb) or ha + hb > hi:
            continue
        cands.append((int(ha + hb), int(frame.at[a, "cases"] + frame.at[b, "cases"]), a, b))
    used: set[str] = set()
    out = []
    for _, _, a, b in sorted(cands):
        if a in used or b in used:
            continue
        used |= {a, b}
        out.append((a, b))
    return out


@pytest.mark.parametrize("seed", [1, 7, 2024])
def test_sample_city_recomputed_with_numpy(sample: gridgov.Model, seed: int) -> None:
    rng = np.random.default_rng(seed)
    n = len(sample.grids())
    cases = rng.poisson(20, size=n).astype(np.int64)
    hot = rng.choice(n, size=6, replace=False)
    cases[hot] *= 10  # a few over-loaded grids
    cases[rng.choice(n, size=6, replace=False)] = 0
    r = gridgov.division_report(sample, cases)
    want = _recompute(sample, cases)
    got = r.grids

    s = r.summary
    figures = [
        ("load_q1", "q1"),
        ("load_median", "median"),
        ("load_q3", "q3"),
        ("lower_fence", "lower"),
        ("upper_fence", "upper"),
    ]
    for key, attr in figures:
        assert s[key] == pytest.approx(want.attrs[attr], rel=1e-12, abs=1e-12), key
    pd.testing.assert_series_equal(got["workers"], want["workers"], rtol=1e-12)
    pd.testing.assert_series_equal(got["load_per_worker"], want["load_per_worker"], rtol=1e-12)
    flags = ["households_low", "households_high", "load_low", "load_high", "no_workers"]
    for col in ["community", "households", "cases", "supervisors", *flags]:
        assert (got[col].to_numpy() == want[col].to_numpy()).all(), col
    assert want["load_high"].sum() >= 1  # the hot spots stand out
    assert s["load_high"] == int(want["load_high"].sum())
    assert s["households_low"] == int(want["households_low"].sum())
    assert s["flagged"] == int(want[flags].any(axis=1).sum())

    # Adjacency from the boundaries, as the grid map computes it.
    assert r.adjacency_source == "boundaries"
    gm = sample.grid_map
    assert gm is not None
    order = {c: i for i, c in enumerate(sample.grids())}
    from_map = sorted(
        (min(a, b, key=order.__getitem__), max(a, b, key=order.__getitem__)) for a, b, _ in gm.adjacency(1.0)
    )
    assert r.adjacency == sorted(from_map, key=lambda p: (order[p[0]], order[p[1]]))

    # Suggestions: the same merges as the rule written again, and a split for exactly the
    # grids above the maximum or load_high, into max(2, ceil(households / 500)) parts.
    sug = r.suggestions
    merges = [tuple(g) for g in sug[sug["kind"] == "merge"]["grids"]]
    assert merges == _greedy_merges(want, r.adjacency, 500)
    splits = sug[sug["kind"] == "split"]
    expected = want.index[want["households_high"] | want["load_high"]]
    assert [g[0] for g in splits["grids"]] == list(expected)
    for (code,), fig in zip(splits["grids"], splits["figures"]):
        h = int(want.at[code, "households"])
        assert fig["parts"] == max(2, math.ceil(h / 500))
        assert fig["median_load_per_worker"] == pytest.approx(want.attrs["median"])
        assert fig["q3_load_per_worker"] == pytest.approx(want.attrs["q3"])
    assert s["merge_suggestions"] == len(merges) and s["split_suggestions"] == len(splits)


@pytest.mark.parametrize(("lo", "hi", "k"), [(250, 600, 0.5), (400, 800, 1.5), (450, 900, 0.0), (480, 700, 3.0)])
def test_other_bounds_and_k_recomputed(sample: gridgov.Model, lo: int, hi: int, k: float) -> None:
    rng = np.random.default_rng(5)
    cases = rng.integers(0, 60, size=len(sample.grids()))
    r = gridgov.division_report(sample, cases, households=(lo, hi), outlier_k=k)
    want = _recompute(sample, cases, lo=lo, hi=hi, k=k)
    for col in ["households_low", "households_high", "load_low", "load_high"]:
        assert (r.grids[col].to_numpy() == want[col].to_numpy()).all(), col
    assert r.summary["upper_fence"] == pytest.approx(want.attrs["upper"])
    sug = r.suggestions
    merges = [tuple(g) for g in sug[sug["kind"] == "merge"]["grids"]]
    assert merges == _greedy_merges(want, r.adjacency, hi)
    if lo >= 400:
        assert len(merges) >= 40  # the greedy choice is exercised on many candidates
    for (a, b), fig in zip(merges, sug[sug["kind"] == "merge"]["figures"]):
        assert fig["combined_households"] == int(want.at[a, "households"] + want.at[b, "households"]) <= hi
        assert fig["combined_cases"] == int(want.at[a, "cases"] + want.at[b, "cases"])
        workers = want.at[a, "workers"] + want.at[b, "workers"]
        assert fig["combined_load_per_worker"] == pytest.approx(fig["combined_cases"] / workers)


def test_load_forms_agree(sample: gridgov.Model) -> None:
    codes = sample.grids()
    rng = np.random.default_rng(3)
    cases = rng.integers(0, 40, size=len(codes))
    as_array = gridgov.division_report(sample, cases)
    as_list = gridgov.division_report(sample, cases.tolist())
    as_dict = gridgov.division_report(sample, dict(zip(codes, cases.tolist())))
    shuffled = pd.Series(cases, index=codes).sample(frac=1.0, random_state=1)
    as_series = gridgov.division_report(sample, shuffled)
    assert as_array == as_list == as_dict == as_series
    # Grids left out of a dict or Series have no case; floats that are whole numbers are fine.
    some = {codes[0]: 5, codes[10]: 7.0}
    full = np.zeros(len(codes), dtype=np.uint64)
    full[0], full[10] = 5, 7
    assert gridgov.division_report(sample, some) == gridgov.division_report(sample, full)
    assert gridgov.division_report(sample, pd.Series(some)) == gridgov.division_report(sample, full)
    assert gridgov.division_report(sample, {}).summary["cases"] == 0


def test_declared_neighbours_match_boundaries_on_the_sample(sample: gridgov.Model) -> None:
    cases = np.arange(len(sample.grids())) % 17
    by_boundary = gridgov.division_report(sample, cases)
    declared = gridgov.division_report(sample, cases, adjacency="declared")
    assert declared.adjacency_source == "declared"
    assert declared.adjacency == by_boundary.adjacency
    # The same suggestions; only the shared boundary length of merges is unknown when declared.
    def strip(r: gridgov.DivisionReport) -> list[dict[str, object]]:
        return [{k: v for k, v in s.items() if k != "shared_m"} for s in r.to_dict()["suggestions"]]

    assert strip(declared) == strip(by_boundary)
    merges = [s for s in by_boundary.to_dict()["suggestions"] if s["kind"] == "merge"]
    assert merges and all(s["shared_m"] > 1.0 for s in merges)
    assert all(s["shared_m"] is None for s in declared.to_dict()["suggestions"] if s["kind"] == "merge")
    # Every declared neighbour pair appears in the model's records too.
    areas = {a.code: a for a in sample.areas(level="grid")}
    for a, b in declared.adjacency:
        assert b in areas[a].neighbours or a in areas[b].neighbours


def test_report_json_and_pickle(pair: gridgov.Model) -> None:
    r = gridgov.division_report(pair, [2, 4])
    doc = json.loads(r.to_json())
    assert set(doc) == {"config", "adjacency_source", "summary", "grids", "adjacency", "suggestions"}
    assert doc["suggestions"][0]["kind"] == "merge"
    assert doc == r.to_dict()
    back = pickle.loads(pickle.dumps(r))
    assert back == r and back.to_json() == r.to_json()
    assert "1 merges" in repr(r)
    # The tables are copies: changing one leaves the report as it was.
    g = r.grids
    g.loc[G1, "cases"] = 99
    assert r.grids.loc[G1, "cases"] == 2


def test_no_workers_means_no_fences() -> None:
    text = PAIR[: PAIR.index("[[workers]]")]
    m = gridgov.Model.from_toml(text)
    r = gridgov.division_report(m, {G1: 1})
    assert r.summary["load_median"] is None and r.summary["upper_fence"] is None
    assert r.grids["no_workers"].all()
    assert r.grids["load_per_worker"].isna().all()
    assert list(r.suggestions["kind"]) == ["merge"]


# -- bad input ------------------------------------------------------------------------------


def test_unknown_codes(sample: gridgov.Model) -> None:
    with pytest.raises(gridgov.UnknownError, match="99990100100101") as e:
        gridgov.division_report(sample, {"99990100100101": 3})
    assert (e.value.what, e.value.value) == ("grid", "99990100100101")
    assert isinstance(e.value, KeyError)
    # A community is an area but not a unit grid.
    with pytest.raises(gridgov.UnknownError, match="379901001001"):
        gridgov.division_report(sample, pd.Series({"379901001001": 3}))


@pytest.mark.parametrize(
    ("load", "what", "value"),
    [
        ({"37990100100101": -1}, "load['37990100100101']", "-1"),
        ({"37990100100101": 1.5}, "load['37990100100101']", "1.5"),
        (pd.Series({"37990100100101": 1.0, "37990100100102": np.nan}), "load['37990100100102']", "nan"),
        ({"37990100100101": "3"}, "load['37990100100101']", "3"),
        ({"37990100100101": None}, "load['37990100100101']", "None"),
    ],
)
def test_bad_counts_by_code(sample: gridgov.Model, load: object, what: str, value: str) -> None:
    with pytest.raises(gridgov.ValidationError) as e:
        gridgov.division_report(sample, load)
    assert (e.value.what, e.value.value) == (what, value)
    assert what in str(e.value)


def test_bad_arrays(sample: gridgov.Model) -> None:
    n = len(sample.grids())
    neg = np.ones(n, dtype=np.int64)
    neg[3] = -2
    with pytest.raises(gridgov.ValidationError) as e:
        gridgov.division_report(sample, neg)
    assert (e.value.what, e.value.value) == ("load[3]", "-2")
    with pytest.raises(gridgov.ValidationError) as e:
        gridgov.division_report(sample, np.ones(n - 1, dtype=np.int64))
    assert (e.value.what, e.value.value) == ("load length", str(n - 1))
    assert f"expected {n} entries" in str(e.value)
    with pytest.raises(gridgov.ValidationError, match="one-dimensional"):
        gridgov.division_report(sample, np.ones((2, n), dtype=np.int64))
    with pytest.raises(gridgov.ValidationError, match=r"load\[0\]"):
        gridgov.division_report(sample, np.ones(n, dtype=bool))
    big = np.zeros(n)
    big[2] = 2.0**64
    with pytest.raises(gridgov.ValidationError, match=r"load\[2\]"):
        gridgov.division_report(sample, big)
    with pytest.raises(gridgov.ValidationError, match=r"load\[1\]"):
        gridgov.division_report(sample, np.r_[1.0, np.inf, np.zeros(n - 2)])
    dup = pd.Series([1, 2], index=["37990100100101", "37990100100101"])
    with pytest.raises(gridgov.ValidationError, match="more than once"):
        gridgov.division_report(sample, dup)
    with pytest.raises(TypeError):
        gridgov.division_report(sample, "37990100100101")
    with pytest.raises(TypeError):
        gridgov.division_report("sample", {})  # type: ignore[arg-type]


def test_the_core_takes_one_count_per_unit_grid(sample: gridgov.Model) -> None:
    # The compiled function passes the array to the core as it is: the core checks its length.
    from gridgov import _gridgov

    n = len(sample.grids())
    for wrong in (n - 1, n + 1, len(sample.areas())):
        with pytest.raises(gridgov.ValidationError) as e:
            _gridgov.division_report_json(sample._core, np.ones(wrong, dtype=np.uint64), "")
        assert (e.value.what, e.value.value) == ("load length", str(wrong))
        assert f"expected {n} entries" in str(e.value)
    report = json.loads(_gridgov.division_report_json(sample._core, np.arange(n, dtype=np.uint64), ""))
    assert [g["code"] for g in report["grids"]] == sample.grids()
    assert [g["cases"] for g in report["grids"]] == list(range(n))

@pytest.mark.parametrize(
    ("kwargs", "what", "value"),
    [
        ({"households": (600, 500)}, "households_min", "600"),
        ({"households": (0, 0)}, "households_max", "0"),
        ({"households": (-1, 500)}, "households_min", "-1"),
        ({"households": (300.5, 500)}, "households_min", "300.5"),
        ({"households": (300,)}, "households", "(300,)"),
        ({"households": "300-500"}, "households", "300-500"),
        ({"outlier_k": -1.0}, "outlier_k", "-1"),
        ({"outlier_k": float("nan")}, "outlier_k", "nan"),
        ({"outlier_k": "1.5"}, "outlier_k", "1.5"),
        ({"min_shared_m": -2}, "min_shared_m", "-2"),
        ({"adjacency": "roads"}, "adjacency", '"roads"'),
    ],
)
def test_bad_settings(sample: gridgov.Model, kwargs: dict[str, object], what: str, value: str) -> None:
    with pytest.raises(gridgov.ValidationError) as e:
        gridgov.division_report(sample, {}, **kwargs)  # type: ignore[arg-type]
    assert (e.value.what, e.value.value) == (what, value)
    assert isinstance(e.value, ValueError)


def test_boundaries_needed_for_boundary_adjacency(pair: gridgov.Model) -> None:
    with pytest.raises(gridgov.ValidationError, match="no grid boundaries") as e:
        gridgov.division_report(pair, {}, adjacency="boundaries")
    assert e.value.what == "adjacency"
