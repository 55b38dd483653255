"""gridgov on Dask: locate points and score case records partition by partition.

A province holds 10^8–10^9 case records and tens of millions of GPS points a day; no single
process should hold them. This module runs gridgov inside an existing Dask deployment (a
``dask.distributed`` cluster, or Dask's local schedulers) instead of a scheduler of its own:

* :func:`locate` adds the grid code of each point to a ``dask.dataframe.DataFrame``, one
  partition at a time (each worker locates its partitions with every core it has, the GIL
  released);
* :func:`score` scores each partition of a frame of case records on its own and merges the
  partial scorecards in a tree. The cards merge exactly (:meth:`gridgov.Scorecard.merge` adds
  tallies, never rates), so the result equals the card one process computes from the whole
  frame, given the same ``as_of``.

Dask is not a dependency of gridgov: ``pip install dask[distributed]`` (or the ``dask`` extra
of gridgov) before importing this module. The model and the grid map travel to the workers by
pickle (a model as its JSON, a grid map as its GeoJSON).

>>> import datetime, dask.dataframe as dd, gridgov, gridgov.dask
>>> model = gridgov.Model.sample()
>>> eng = gridgov.simulate(model, datetime.date(2026, 3, 2), days=7)
>>> frame = dd.from_pandas(eng.records().to_frame(), npartitions=4)
>>> week = (datetime.date(2026, 3, 2), datetime.date(2026, 3, 9))
>>> card = gridgov.dask.score(model, frame, *week)
>>> card == gridgov.score(model, eng.records(), *week)
True
"""

from __future__ import annotations

import datetime
from typing import Any, Optional

from ._common import import_pandas
from ._common import invalid as _invalid
from ._convert import Instant
from ._errors import GridgovError, MissingDependencyError
from ._model import Model
from ._score import Labels, Records, Scorecard, _ms
from ._score import score as _score
from ._spatial import GridMap, check_point_columns

__all__ = ["as_of", "locate", "score"]


def _dask() -> tuple[Any, Any]:
    try:
        import dask  # noqa: PLC0415
        import dask.dataframe as dd  # noqa: PLC0415
    except ImportError as e:  # pragma: no cover - the test environment has Dask
        raise MissingDependencyError(
            "gridgov.dask needs Dask: pip install 'gridgov[dask]' (or pip install 'dask[distributed]')",
            package="dask",
        ) from e
    return dask, dd


def _frame(frame: Any, what: str) -> Any:
    _, dd = _dask()
    if not isinstance(frame, dd.DataFrame):
        raise TypeError(f"{what} must be a dask.dataframe.DataFrame, not {type(frame).__name__}")
    return frame


def _shared(dask: Any, value: Any) -> Any:
    """``value`` as one node of the graph: each worker unpickles it once and its tasks share it,
    instead of every task carrying its own copy (a model with its boundaries is ~250 kB)."""
    return dask.delayed(value, pure=True, traverse=False)


def _in_partition(e: GridgovError, index: int) -> GridgovError:
    e.add_note(f"in partition {index} of the Dask frame (rows are counted from 0 within it)")
    return e


# -- locate ------------------------------------------------------------------------------------


def _locate_part(part: Any, gridmap: GridMap, lon: str, lat: str, crs: str, column: str) -> Any:
    import numpy as np  # noqa: PLC0415

    pd = import_pandas("gridgov.dask")
    codes = gridmap.locate(part[lon].to_numpy(dtype=np.float64), part[lat].to_numpy(dtype=np.float64), crs)
    out = part.copy()
    # object dtype, None outside every grid: what GridMap.locate returns in one process
    out[column] = pd.Series(codes, index=part.index, dtype=object)
    return out


def locate(
    gridmap: GridMap,
    frame: Any,
    *,
    lon: str = "lon",
    lat: str = "lat",
    crs: str = "wgs84",
    column: str = "grid",
) -> Any:
    """``frame`` (a Dask ``DataFrame`` with longitude and latitude columns) with a new column
    ``column`` holding the code of the grid each point lies in (``None`` outside every grid),
    computed lazily, partition by partition, exactly as :meth:`GridMap.locate` computes it in
    one process. ``crs`` is the points' coordinate system (``"wgs84"``, ``"cgcs2000"``,
    ``"gcj02"``, ``"bd09"``).

    Raises ``TypeError`` when ``frame`` is not a Dask frame or ``gridmap`` not a
    :class:`GridMap`, and :class:`ValidationError` naming a missing column; bad coordinates
    raise when the frame is computed, as :meth:`GridMap.locate` does.
    """
    frame = _frame(frame, "frame")
    check_point_columns(gridmap, list(frame.columns), lon, lat, column)
    pd = import_pandas("gridgov.dask")
    meta = frame._meta.assign(**{column: pd.Series([], dtype=object)})
    dask, _ = _dask()
    return frame.map_partitions(_locate_part, _shared(dask, gridmap), lon, lat, crs, column, meta=meta)


# -- score -------------------------------------------------------------------------------------


def _as_of_part(index: int, part: Any, model: Model, labels: Optional[Labels]) -> Optional[datetime.datetime]:
    if len(part) == 0:
        return None
    try:
        return Records(model, part, labels=labels).as_of
    except GridgovError as e:
        raise _in_partition(e, index) from None


def _score_part(
    index: int,
    part: Any,
    model: Model,
    start: Instant,
    end: Instant,
    at: Instant,
    labels: Optional[Labels],
) -> Optional[str]:
    if len(part) == 0:
        return None
    try:
        card = _score(model, part, start, end, as_of=at, labels=labels)
    except GridgovError as e:
        raise _in_partition(e, index) from None
    return card.to_json()


def _merge(model: Model, *cards: Optional[str]) -> Optional[str]:
    out: Optional[Scorecard] = None
    for text in cards:
        if text is None:
            continue
        card = Scorecard.from_json(model, text)
        out = card if out is None else out.merge(card)
    return None if out is None else out.to_json()


def as_of(model: Model, frame: Any, *, labels: Optional[Labels] = None) -> datetime.datetime:
    """The instant a single process would judge ``frame``'s records at by default: one
    millisecond after the latest instant of any record (as :class:`Records` computes it), found
    partition by partition. Every partition is validated to find it; pass ``as_of`` to
    :func:`score` to skip this pass."""
    dask, _ = _dask()
    frame = _frame(frame, "frame")
    parts = frame.to_delayed()
    task = dask.delayed(_as_of_part)
    shared = _shared(dask, model)
    latest = dask.compute(*[task(i, p, shared, labels) for i, p in enumerate(parts)])
    known: list[datetime.datetime] = [t for t in latest if t is not None]
    if not known:
        raise _invalid("frame", "(no rows)", "holds no case record to take an as_of from")
    return max(known)


def _check_ids(frame: Any, split_out: int) -> None:
    if "id" not in frame.columns:
        return
    ids = frame["id"]
    total = len(ids)
    distinct = ids.drop_duplicates(split_out=split_out)
    if len(distinct) == total:
        return
    counts = ids.value_counts(split_out=split_out)
    repeated = counts[counts > 1].head(5, npartitions=-1)
    shown = ", ".join(f"{k!r} ({v} rows)" for k, v in repeated.items())
    raise _invalid("records.id", shown, "case ids must be unique across the whole frame; these repeat")


def score(
    model: Model,
    frame: Any,
    start: Instant,
    end: Instant,
    *,
    as_of: Optional[Instant] = None,
    labels: Optional[Labels] = None,
    check_ids: bool = True,
    split_every: int = 8,
) -> Scorecard:
    """Scores the case records of a Dask ``DataFrame`` over ``[start, end)``, partition by
    partition, and merges the partial cards in a tree of ``split_every``-way merges: the card
    equals ``gridgov.score(model, whole_frame, start, end, as_of=...)`` computed in one
    process. Runs on the current Dask scheduler (a ``dask.distributed.Client`` if one is
    active) and returns when the card is computed.

    ``as_of`` (the instant statuses are judged at) defaults, as in one process, to one
    millisecond after the latest instant in the records — which costs a first pass over every
    partition (:func:`as_of`); give it to skip that pass. ``check_ids`` checks that case ids
    are unique across partitions (a shuffle of the ids; each partition checks its own rows
    anyway); turn it off for frames partitioned by id. Naive times are local to the model's
    calendar and ``labels`` adds a city's own words, as in :func:`gridgov.score`.

    Raises what :func:`gridgov.score` raises for a bad record, with a note naming the
    partition, and :class:`ValidationError` naming repeated case ids.
    """
    dask, _ = _dask()
    if not isinstance(model, Model):
        raise TypeError(f"model must be a gridgov.Model, not {type(model).__name__}")
    frame = _frame(frame, "frame")
    if not isinstance(split_every, int) or isinstance(split_every, bool) or split_every < 2:
        raise _invalid("split_every", repr(split_every), "must be an int of at least 2")
    if not isinstance(check_ids, bool):
        raise _invalid("check_ids", repr(check_ids), "must be True or False")
    start, end = _ms(model, start, "start"), _ms(model, end, "end")
    if as_of is not None:
        as_of = _ms(model, as_of, "as_of")
    if check_ids:
        _check_ids(frame, max(1, frame.npartitions // 16))
    at = globals()["as_of"](model, frame, labels=labels) if as_of is None else as_of
    parts = frame.to_delayed()
    task = dask.delayed(_score_part)
    shared = _shared(dask, model)
    cards = [task(i, p, shared, start, end, at, labels) for i, p in enumerate(parts)]
    merge = dask.delayed(_merge)
    while len(cards) > 1:
        cards = [merge(shared, *cards[k : k + split_every]) for k in range(0, len(cards), split_every)]
    (text,) = dask.compute(cards[0])
    if text is None:
        raise _invalid("frame", "(no rows)", "holds no case record to score")
    return Scorecard.from_json(model, text)
