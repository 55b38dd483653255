#!/usr/bin/env python3
"""Writes core/data/divisions/cn_divisions.csv, the division-code list gridgov checks national
area codes against (core/src/divisions.rs).

Input: the province, prefecture and county tables of a published division list, as three CSV
files with a header row and the columns ``code,name`` first (the layout of the public tabulation
of the National Bureau of Statistics' 统计用区划代码 at github.com/modood/Administrative-divisions-of-China,
``dist/provinces.csv`` (2-digit codes), ``dist/cities.csv`` (4 digits), ``dist/areas.csv`` (6)).

Usage: python3 tools/gen_divisions.py PROVINCES.csv CITIES.csv AREAS.csv AS_OF SOURCE...

``AS_OF`` is the list's cut-off date (YYYY-MM-DD); the remaining arguments are the source line
written into the header. Taiwan (710000), Hong Kong (810000) and Macao (820000), which GB/T 2260
numbers and the statistical list does not, are added.
"""

from __future__ import annotations

import csv
import pathlib
import re
import sys

GBT2260_ONLY = {"710000": "台湾省", "810000": "香港特别行政区", "820000": "澳门特别行政区"}


def rows(path: str, digits: int) -> dict[str, str]:
    with open(path, encoding="utf-8-sig", newline="") as f:
        table = csv.reader(f)
        next(table)
        out = {}
        for line, row in enumerate(table, start=2):
            code, name = row[0].strip(), row[1].strip()
            if not re.fullmatch(rf"\d{{{digits}}}", code):
                sys.exit(f"{path}:{line}: {code!r} is not a {digits}-digit code")
            out[code.ljust(6, "0")] = name
        return out


def main(argv: list[str]) -> None:
    if len(argv) < 5 or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", argv[3]):
        sys.exit(__doc__)
    provinces, cities, areas, as_of, source = argv[0], argv[1], argv[2], argv[3], " ".join(argv[4:])
    codes: dict[str, str] = {}
    for path, digits in ((provinces, 2), (cities, 4), (areas, 6)):
        for code, name in rows(path, digits).items():
            codes.setdefault(code, name)
    for code, name in GBT2260_ONLY.items():
        codes.setdefault(code, name)
    head = [
        "# Division codes of the People's Republic of China (GB/T 2260 structure): province (xx0000),",
        '# prefecture (xxxx00) and county-level (xxxxxx) codes, one per line as "code,name".',
        f"# as_of: {as_of}",
        f"# Source: {source}",
        "# Taiwan (710000), Hong Kong (810000) and Macao (820000) added from GB/T 2260.",
        "# Regenerate with tools/gen_divisions.py when a newer list is published.",
    ]
    out = pathlib.Path(__file__).resolve().parent.parent / "core" / "data" / "divisions" / "cn_divisions.csv"
    out.write_text("\n".join(head + [f"{c},{codes[c]}" for c in sorted(codes)]) + "\n", encoding="utf-8")
    print(f"{out}: {len(codes)} codes as of {as_of}")


if __name__ == "__main__":
    main(sys.argv[1:])
