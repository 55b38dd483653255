"""gridgov on Spark: locate points and score case records partition by partition.

The same pattern as :mod:`gridgov.dask`, on a ``pyspark.sql.DataFrame``: each partition goes to
gridgov as pandas batches (``mapInPandas``), each batch is scored and the cards of a partition
merged where they are made; the partitions' cards then merge in a tree (``treeReduce``) — they
merge exactly, so the card equals the one-process card with the same ``as_of``. Points are
located batch by batch into a new column.

PySpark is not a dependency of gridgov (``pip install pyspark``; it needs a Java runtime). The
model and the grid map reach the executors as broadcast variables (pickled once: a model as its
JSON, a grid map as its GeoJSON).

**Time zones.** Spark keeps timestamps as UTC instants and hands them to pandas as naive
wall-clock times of the session's zone (``spark.sql.session.timeZone``); gridgov reads naive
times as the model calendar's zone. This module reads the session's zone on the driver and
makes every naive timestamp column aware in it before gridgov sees it, so the instants are
right whatever the session's zone. Text columns are read as gridgov reads text (naive: the
calendar's zone).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from typing import Any, Optional

from ._common import import_pandas
from ._common import invalid as _invalid
from ._convert import Instant
from ._errors import MissingDependencyError
from ._model import Model
from ._score import Labels, Records, Scorecard, _ms, _naive_local
from ._score import score as _score
from ._spatial import GridMap, check_point_columns

__all__ = ["as_of", "locate", "score"]


def _spark_frame(frame: Any, what: str) -> Any:
    try:
        from pyspark.sql import DataFrame  # noqa: PLC0415
    except ImportError as e:  # pragma: no cover - the tests skip without PySpark
        raise MissingDependencyError(
            "gridgov.spark needs PySpark: pip install 'gridgov[spark]' (and a Java runtime)", package="pyspark"
        ) from e
    if not isinstance(frame, DataFrame):
        raise TypeError(f"{what} must be a pyspark.sql.DataFrame, not {type(frame).__name__}")
    return frame


def _session_zone(frame: Any) -> str:
    return str(frame.sparkSession.conf.get("spark.sql.session.timeZone"))


def _aware(batch: Any, zone: str) -> Any:
    """``batch`` with every naive datetime column made aware in the Spark session's zone."""
    pd = import_pandas("gridgov.spark")
    out = batch
    for name, dtype in batch.dtypes.items():
        if pd.api.types.is_datetime64_dtype(dtype) and getattr(dtype, "tz", None) is None:
            if out is batch:
                out = batch.copy()
            out[name] = out[name].dt.tz_localize(zone)
    return out


# -- locate ------------------------------------------------------------------------------------


def locate(
    gridmap: GridMap,
    frame: Any,
    *,
    lon: str = "lon",
    lat: str = "lat",
    crs: str = "wgs84",
    column: str = "grid",
) -> Any:
    """``frame`` (a Spark ``DataFrame`` with longitude and latitude columns) with a new string
    column ``column``: the code of the grid each point lies in (null outside every grid), as
    :meth:`GridMap.locate` computes it in one process. Lazy, like any Spark transformation.

    Raises ``TypeError`` for a frame that is not a Spark frame or a map that is not a
    :class:`GridMap`, :class:`ValidationError` naming a missing or taken column.
    """
    frame = _spark_frame(frame, "frame")
    check_point_columns(gridmap, list(frame.columns), lon, lat, column)
    from pyspark.sql.types import StringType, StructField, StructType  # noqa: PLC0415

    shared = frame.sparkSession.sparkContext.broadcast(gridmap)
    schema = StructType([*frame.schema.fields, StructField(column, StringType(), True)])

    def run(batches: Iterator[Any]) -> Iterator[Any]:
        import numpy as np  # noqa: PLC0415

        gm = shared.value
        for batch in batches:
            codes = gm.locate(batch[lon].to_numpy(dtype=np.float64), batch[lat].to_numpy(dtype=np.float64), crs)
            yield batch.assign(**{column: codes})

    return frame.mapInPandas(run, schema)


# -- score -------------------------------------------------------------------------------------


def _cards(
    frame: Any, model: Model, start: int, end: int, at: int, labels: Optional[Labels]
) -> Any:
    """One card (JSON) per non-empty partition, as an RDD of strings."""
    shared = frame.sparkSession.sparkContext.broadcast(model)
    zone = _session_zone(frame)

    def run(batches: Iterator[Any]) -> Iterator[Any]:
        pd = import_pandas("gridgov.spark")
        m = shared.value
        card: Optional[Scorecard] = None
        for batch in batches:
            if len(batch) == 0:
                continue
            c = _score(m, _aware(batch, zone), start, end, as_of=at, labels=labels)
            card = c if card is None else card.merge(c)
        if card is not None:
            yield pd.DataFrame({"card": [card.to_json()]})

    return frame.mapInPandas(run, "card string").rdd.map(lambda row: row.card)


def as_of(model: Model, frame: Any, *, labels: Optional[Labels] = None) -> datetime.datetime:
    """The instant one process would judge ``frame``'s records at by default: one millisecond
    after the latest instant of any record, found batch by batch (every batch is validated;
    pass ``as_of`` to :func:`score` to skip this pass)."""
    if not isinstance(model, Model):
        raise TypeError(f"model must be a gridgov.Model, not {type(model).__name__}")
    frame = _spark_frame(frame, "frame")
    shared = frame.sparkSession.sparkContext.broadcast(model)
    zone = _session_zone(frame)

    def run(batches: Iterator[Any]) -> Iterator[Any]:
        pd = import_pandas("gridgov.spark")
        m = shared.value
        for batch in batches:
            if len(batch):
                at = Records(m, _aware(batch, zone), labels=labels).as_of
                yield pd.DataFrame({"ms": [_ms(m, at, "as_of")]})

    rows = frame.mapInPandas(run, "ms long").agg({"ms": "max"}).collect()
    latest = rows[0][0] if rows else None
    if latest is None:
        raise _invalid("frame", "(no rows)", "holds no case record to take an as_of from")
    return _naive_local(model, int(latest))


def score(
    model: Model,
    frame: Any,
    start: Instant,
    end: Instant,
    *,
    as_of: Optional[Instant] = None,
    labels: Optional[Labels] = None,
    depth: int = 2,
) -> Scorecard:
    """Scores the case records of a Spark ``DataFrame`` over ``[start, end)``: each partition's
    batches scored and merged on the executors, the partitions' cards merged in a tree of
    ``depth`` levels (``RDD.treeReduce``). The card equals ``gridgov.score(model, whole_frame,
    start, end, as_of=...)`` computed in one process.

    ``as_of`` defaults, as in one process, to one millisecond after the latest instant in the
    records (a first pass, :func:`as_of`); give it to skip that pass. Case ids are checked
    unique within each batch only: check them across the frame with Spark if the export may
    repeat them (``frame.groupBy("id").count().where("count > 1")``).

    Raises what :func:`gridgov.score` raises for a bad record (Spark wraps it in its own
    error, whose message carries gridgov's), :class:`ValidationError` for an empty frame.
    """
    if not isinstance(model, Model):
        raise TypeError(f"model must be a gridgov.Model, not {type(model).__name__}")
    frame = _spark_frame(frame, "frame")
    if not isinstance(depth, int) or isinstance(depth, bool) or depth < 1:
        raise _invalid("depth", repr(depth), "must be an int of at least 1")
    s, e = _ms(model, start, "start"), _ms(model, end, "end")
    at = _ms(model, globals()["as_of"](model, frame, labels=labels) if as_of is None else as_of, "as_of")
    cards = _cards(frame, model, s, e, at, labels)
    if cards.isEmpty():
        raise _invalid("frame", "(no rows)", "holds no case record to score")

    def merge(a: str, b: str) -> str:
        return Scorecard.from_json(model, a).merge(Scorecard.from_json(model, b)).to_json()

    return Scorecard.from_json(model, cards.treeReduce(merge, depth))
