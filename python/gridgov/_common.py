"""Small helpers shared by the modules of the package (not public)."""

from __future__ import annotations

import json
import os
from typing import Any, Union

import numpy as np
import numpy.typing as npt

from ._errors import ValidationError

#: Anything NumPy turns into an array: instants (``datetime64`` of any unit, integer epoch ms),
#: durations, coordinates.
ArrayLike = npt.ArrayLike
#: A file system path.
StrPath = Union[str, "os.PathLike[str]"]


def invalid(what: str, value: object, reason: str) -> ValidationError:
    """A ValidationError worded like the core's (``invalid starts[3] "NaT": ...``)."""
    text = json.dumps(str(value), ensure_ascii=False)
    return ValidationError(f"invalid {what} {text}: {reason}", what=what, value=str(value), reason=reason)


def first_true(mask: npt.NDArray[np.bool_]) -> int:
    """Index of the first true element (0 when there is none)."""
    return int(np.argmax(mask))


def import_pandas(needed_by: str) -> Any:
    """pandas, imported on first use (``import gridgov`` does not need it); ``needed_by``
    names what needs it in the ImportError."""
    try:
        import pandas as pd  # type: ignore[import-untyped]
    except ImportError as err:  # pragma: no cover - pandas is a test dependency
        raise ImportError(f"{needed_by} needs pandas: pip install pandas") from err
    return pd
