"""Small helpers shared by the modules of the package (not public)."""

from __future__ import annotations

import json
import os
from typing import Any, Optional, Union

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


def read_text(path: StrPath, what: str, encoding: Optional[str] = None) -> str:
    """The text of a file as city systems export it. With ``encoding`` (any Python codec name:
    ``"gbk"``, ``"gb18030"``, ``"utf-8"``...) the file is decoded with it; without one it is
    UTF-8 (a BOM is dropped) or, failing that, GB18030 — the superset of GBK that Chinese
    Windows systems and Excel write — when the bytes decode as GB18030. Anything else raises
    :class:`ValidationError` naming the file, the offset of the first bad byte and the
    encodings tried. A missing file raises :class:`GridgovFileNotFoundError`."""
    from ._errors import GridgovFileNotFoundError, GridgovIOError

    p = os.fspath(path)
    try:
        with open(p, "rb") as f:
            raw = f.read()
    except FileNotFoundError as e:
        raise GridgovFileNotFoundError(f"cannot read {what} {p}: {e.strerror}", path=p) from None
    except OSError as e:
        raise GridgovIOError(f"cannot read {what} {p}: {e.strerror}", path=p) from None
    tried = [encoding] if encoding else ["utf-8", "gb18030"]
    first: Optional[UnicodeDecodeError] = None
    for codec in tried:
        try:
            text = raw.decode("utf-8-sig" if codec.replace("_", "-").lower() in ("utf-8", "utf8") else codec)
        except UnicodeDecodeError as e:
            first = first or e
            continue
        except LookupError:
            raise ValidationError(
                f"invalid encoding {encoding!r}: not a codec Python knows",
                what="encoding",
                value=str(encoding),
                reason="not a codec Python knows",
            ) from None
        return text.lstrip("\ufeff")
    at = first.start if first is not None else 0
    reason = f"is not {' or '.join(t.upper() for t in tried)} text (bad byte 0x{raw[at]:02x} at offset {at})"
    if not encoding:
        reason += "; pass encoding= with the file's encoding"
    raise invalid(what, p, reason)


def c_array(values: Any, dtype: Any = None) -> Any:
    """``values`` as a C-contiguous, aligned NumPy array (of ``dtype`` if given), copied only
    when needed. The compiled module reads arrays in place and needs both: an array unpickled
    from a Dask or Spark worker's buffer, or read from a memory map, can be contiguous and yet
    unaligned."""
    return np.require(values, dtype=dtype, requirements=("C", "A"))


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
