"""Text files as city systems save them: a UTF-8 byte-order mark (Notepad, Excel) is ignored by
every reader; a GBK/GB18030 file is refused naming the file and the encoding it looks like, and
read with ``encoding=``."""

from __future__ import annotations

from pathlib import Path

import pytest

import gridgov as g

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
PLAIN = FIXTURES / "boundaries" / "two_grids.geojson"
BOM = FIXTURES / "boundaries" / "two_grids_bom.geojson"
GBK = FIXTURES / "boundaries" / "two_grids_gbk.geojson"


def _same_map(a: g.GridMap, b: g.GridMap) -> None:
    assert a.codes == b.codes
    assert a.locate(116.001, 39.9001) == b.locate(116.001, 39.9001)
    assert a.locate(116.003, 39.901) == b.locate(116.003, 39.901)


def test_geojson_with_a_bom_from_a_path_text_and_bytes() -> None:
    plain = g.GridMap.from_geojson(PLAIN)
    raw = BOM.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    _same_map(g.GridMap.from_geojson(BOM), plain)
    _same_map(g.GridMap.from_geojson(str(BOM)), plain)
    _same_map(g.GridMap.from_geojson(raw), plain)
    # text that starts with the BOM is text, not a path
    _same_map(g.GridMap.from_geojson(raw.decode("utf-8")), plain)


def test_a_gbk_geojson_file_is_refused_then_read_with_its_encoding() -> None:
    with pytest.raises(g.ValidationError) as e:
        g.GridMap.from_geojson(GBK)
    msg = str(e.value)
    assert "two_grids_gbk.geojson" in msg and "is not UTF-8 text" in msg and "GBK/GB18030" in msg
    plain = g.GridMap.from_geojson(PLAIN)
    _same_map(g.GridMap.from_geojson(GBK, encoding="gbk"), plain)
    _same_map(g.GridMap.from_geojson(GBK.read_bytes(), encoding="gb18030"), plain)
    with pytest.raises(g.ValidationError, match="encoding"):
        g.GridMap.from_geojson(GBK, encoding="no-such-codec")
    with pytest.raises(g.ValidationError, match="is not utf-16 text"):
        g.GridMap.from_geojson(b"{\xff\x00", encoding="utf-16")


def test_model_files_with_a_bom_and_in_gbk(tmp_path: Path) -> None:
    sample = g.Model.sample()
    text = sample.to_json()
    assert g.Model.from_text("\ufeff" + text).to_json() == text
    path = tmp_path / "city.json"
    path.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    assert g.Model.load(path).to_json() == text
    gbk = tmp_path / "city_gbk.json"
    gbk.write_bytes(text.encode("gb18030"))
    with pytest.raises(g.ValidationError) as e:
        g.Model.load(gbk)
    assert "city_gbk.json" in str(e.value) and "GBK/GB18030" in str(e.value)
    assert g.Model.load(gbk, encoding="gb18030").to_json() == text
