/* gridgov C ABI: grid maps, point location, coordinate conversion, bad input. */
#include <math.h>
#include <stdint.h>

#include "check.h"

/* A unit grid of the sample city and a point well inside it (WGS-84). */
#define SAMPLE_GRID "37990100100101"
#define SAMPLE_LON 117.0489
#define SAMPLE_LAT 36.7391

/*
 * Two grids sharing the edge lon = 116.002 (tests/fixtures/boundaries/two_grids.geojson, read
 * by main()):
 *  A (…101): the square [116.000, 116.002] x [39.900, 39.902] with a hole
 *            [116.0005, 116.0015] x [39.9005, 39.9015];
 *  B (…102): a MultiPolygon: the square [116.002, 116.004] x [39.900, 39.902] and an island
 *            [116.0007, 116.0013] x [39.9007, 39.9013] inside A's hole.
 */
static char *TWO_GRIDS = NULL;

/* features[1] is a bow tie (self-intersecting). */
static const char *BOW_TIE =
    "{\"type\":\"FeatureCollection\",\"features\":["
    "{\"type\":\"Feature\",\"properties\":{\"code\":\"37990100100101\"},"
    "\"geometry\":{\"type\":\"Polygon\",\"coordinates\":["
    "[[116.000,39.900],[116.002,39.900],[116.002,39.902],[116.000,39.902],[116.000,39.900]]]}},"
    "{\"type\":\"Feature\",\"properties\":{\"code\":\"37990100100102\"},"
    "\"geometry\":{\"type\":\"Polygon\",\"coordinates\":["
    "[[116.010,39.900],[116.012,39.902],[116.012,39.900],[116.010,39.902],[116.010,39.900]]]}}]}";

static char *code_at(const gridgov_gridmap *gm, int64_t index) {
  char *code = NULL;
  if (index < 0 || gridgov_gridmap_code(gm, (size_t)index, &code, NULL) != GRIDGOV_STATUS_OK) {
    return NULL;
  }
  return code;
}

static void test_sample(void) {
  gridgov_model *m = NULL;
  CHECK_STATUS(gridgov_model_sample(&m), GRIDGOV_STATUS_OK);
  gridgov_gridmap *gm = NULL;
  CHECK_STATUS(gridgov_model_gridmap(m, &gm), GRIDGOV_STATUS_OK);
  size_t n = 0;
  CHECK_STATUS(gridgov_gridmap_len(gm, &n), GRIDGOV_STATUS_OK);
  CHECK(n == 408);

  double lon[3] = {SAMPLE_LON, 0.0, 170.0};
  double lat[3] = {SAMPLE_LAT, 0.0, -60.0};
  int64_t idx[3] = {-7, -7, -7};
  CHECK_STATUS(gridgov_gridmap_locate_many(gm, lon, lat, 3, GRIDGOV_CRS_WGS84, idx),
               GRIDGOV_STATUS_OK);
  CHECK(idx[0] >= 0 && (size_t)idx[0] < n);
  CHECK(idx[1] == -1 && idx[2] == -1);
  char *code = code_at(gm, idx[0]);
  CHECK(code != NULL && strcmp(code, SAMPLE_GRID) == 0);
  gridgov_string_free(code);

  /* index_of is the inverse of code; absent codes give -1. */
  int64_t back = -7;
  CHECK_STATUS(gridgov_gridmap_index_of(gm, SAMPLE_GRID, &back), GRIDGOV_STATUS_OK);
  CHECK(back == idx[0]);
  CHECK_STATUS(gridgov_gridmap_index_of(gm, "37990199999999", &back), GRIDGOV_STATUS_OK);
  CHECK(back == -1);

  /* Codes are sorted and every index has one. */
  char *prev = NULL;
  int sorted = 1;
  for (size_t i = 0; i < n; i++) {
    char *c = NULL;
    if (gridgov_gridmap_code(gm, i, &c, NULL) != GRIDGOV_STATUS_OK) {
      sorted = 0;
      break;
    }
    if (prev != NULL && strcmp(prev, c) >= 0) sorted = 0;
    gridgov_string_free(prev);
    prev = c;
  }
  gridgov_string_free(prev);
  CHECK(sorted);
  code = (char *)0x1;
  CHECK_STATUS(gridgov_gridmap_code(gm, n, &code, NULL), GRIDGOV_STATUS_INVALID_VALUE);
  CHECK(code == (char *)0x1);
  CHECK_ERROR_MENTIONS("index");
  CHECK_ERROR_MENTIONS("408");

  /* The same point given in GCJ-02 and BD-09 lands in the same grid. */
  double gx[1], gy[1], bx[1], by[1];
  CHECK_STATUS(gridgov_convert_many(lon, lat, 1, GRIDGOV_CRS_WGS84, GRIDGOV_CRS_GCJ02, gx, gy),
               GRIDGOV_STATUS_OK);
  CHECK_STATUS(gridgov_convert_many(lon, lat, 1, GRIDGOV_CRS_WGS84, GRIDGOV_CRS_BD09, bx, by),
               GRIDGOV_STATUS_OK);
  int64_t g_idx = -7, b_idx = -7;
  CHECK_STATUS(gridgov_gridmap_locate_many(gm, gx, gy, 1, GRIDGOV_CRS_GCJ02, &g_idx),
               GRIDGOV_STATUS_OK);
  CHECK_STATUS(gridgov_gridmap_locate_many(gm, bx, by, 1, GRIDGOV_CRS_BD09, &b_idx),
               GRIDGOV_STATUS_OK);
  CHECK(g_idx == idx[0] && b_idx == idx[0]);

  /* GeoJSON out and back in. */
  char *geojson = NULL;
  size_t len = 0;
  CHECK_STATUS(gridgov_gridmap_to_geojson(gm, &geojson, &len), GRIDGOV_STATUS_OK);
  CHECK(geojson != NULL && strlen(geojson) == len);
  CHECK(strstr(geojson, "FeatureCollection") != NULL && strstr(geojson, SAMPLE_GRID) != NULL);
  gridgov_gridmap *gm2 = NULL;
  CHECK_STATUS(gridgov_gridmap_from_text(geojson, len, "code", &gm2), GRIDGOV_STATUS_OK);
  size_t n2 = 0;
  CHECK_STATUS(gridgov_gridmap_len(gm2, &n2), GRIDGOV_STATUS_OK);
  CHECK(n2 == n);
  int64_t idx2[3] = {-7, -7, -7};
  CHECK_STATUS(gridgov_gridmap_locate_many(gm2, lon, lat, 3, GRIDGOV_CRS_CGCS2000, idx2),
               GRIDGOV_STATUS_OK);
  CHECK(idx2[0] == idx[0] && idx2[1] == -1 && idx2[2] == -1);
  gridgov_string_free(geojson);
  gridgov_gridmap_free(gm2);

  /* Empty arrays: NULL is accepted, nothing to do. */
  CHECK_STATUS(gridgov_gridmap_locate_many(gm, NULL, NULL, 0, GRIDGOV_CRS_WGS84, NULL),
               GRIDGOV_STATUS_OK);

  gridgov_gridmap_free(gm);
  gridgov_gridmap_free(NULL);
  gridgov_model_free(m);
}

static void test_holes_and_multipolygons(void) {
  gridgov_gridmap *gm = NULL;
  CHECK_STATUS(gridgov_gridmap_from_text(TWO_GRIDS, strlen(TWO_GRIDS), "code", &gm),
               GRIDGOV_STATUS_OK);
  size_t n = 0;
  CHECK_STATUS(gridgov_gridmap_len(gm, &n), GRIDGOV_STATUS_OK);
  CHECK(n == 2);
  int64_t a = -7, b = -7;
  CHECK_STATUS(gridgov_gridmap_index_of(gm, "37990100100101", &a), GRIDGOV_STATUS_OK);
  CHECK_STATUS(gridgov_gridmap_index_of(gm, "37990100100102", &b), GRIDGOV_STATUS_OK);
  CHECK(a == 0 && b == 1);

  /* in A; in A's hole; on B's island inside the hole; in B's square; east of B; south of A. */
  const double lon[6] = {116.0002, 116.0006, 116.0010, 116.0030, 116.0050, 116.0010};
  const double lat[6] = {39.9002, 39.9006, 39.9010, 39.9010, 39.9010, 39.8990};
  const int64_t want[6] = {0, -1, 1, 1, -1, -1};
  int64_t got[6] = {-7, -7, -7, -7, -7, -7};
  CHECK_STATUS(gridgov_gridmap_locate_many(gm, lon, lat, 6, GRIDGOV_CRS_WGS84, got),
               GRIDGOV_STATUS_OK);
  for (int i = 0; i < 6; i++) {
    if (got[i] != want[i]) fprintf(stderr, "point %d: got %lld, want %lld\n", i,
                                   (long long)got[i], (long long)want[i]);
    CHECK(got[i] == want[i]);
  }

  /* A point on the shared edge goes to one grid, the same whichever order the points come in. */
  const double elon[2] = {116.002, 116.0002};
  const double elat[2] = {39.901, 39.9002};
  const double rlon[2] = {116.0002, 116.002};
  const double rlat[2] = {39.9002, 39.901};
  int64_t e[2] = {-7, -7}, r[2] = {-7, -7};
  CHECK_STATUS(gridgov_gridmap_locate_many(gm, elon, elat, 2, GRIDGOV_CRS_WGS84, e),
               GRIDGOV_STATUS_OK);
  CHECK_STATUS(gridgov_gridmap_locate_many(gm, rlon, rlat, 2, GRIDGOV_CRS_WGS84, r),
               GRIDGOV_STATUS_OK);
  CHECK(e[0] == 0 || e[0] == 1);
  CHECK(e[0] == r[1] && e[1] == r[0]);
  gridgov_gridmap_free(gm);
}

static void test_bad_input(void) {
  gridgov_gridmap *gm = (gridgov_gridmap *)0x1;

  /* An invalid polygon: GRIDGOV_STATUS_MODEL naming the feature, in the message and issues. */
  CHECK_STATUS(gridgov_gridmap_from_text(BOW_TIE, strlen(BOW_TIE), "code", &gm),
               GRIDGOV_STATUS_MODEL);
  CHECK(gm == (gridgov_gridmap *)0x1);
  CHECK_ERROR_MENTIONS("features[1]");
  char *issues = NULL;
  CHECK_STATUS(gridgov_last_error_issues(&issues, NULL), GRIDGOV_STATUS_OK);
  CHECK(issues != NULL && strstr(issues, "\"path\":\"features[1]") != NULL);
  CHECK(issues != NULL && strstr(issues, "features[0]") == NULL);
  gridgov_string_free(issues);

  /* The wrong code property: every feature lacks it. */
  CHECK_STATUS(gridgov_gridmap_from_text(TWO_GRIDS, strlen(TWO_GRIDS), "grid_code", &gm),
               GRIDGOV_STATUS_MODEL);
  CHECK_ERROR_MENTIONS("grid_code");

  /* Not JSON; not UTF-8; NULLs; a file that does not exist. */
  const char *broken = "{\"type\": \"FeatureCollection\", ";
  CHECK_STATUS(gridgov_gridmap_from_text(broken, strlen(broken), "code", &gm),
               GRIDGOV_STATUS_PARSE);
  CHECK_STATUS(gridgov_gridmap_from_text("\xc3\x28", 2, "code", &gm), GRIDGOV_STATUS_INVALID_UTF8);
  CHECK_STATUS(gridgov_gridmap_from_text(TWO_GRIDS, strlen(TWO_GRIDS), "\xff", &gm),
               GRIDGOV_STATUS_INVALID_UTF8);
  CHECK_ERROR_MENTIONS("code_property");
  CHECK_STATUS(gridgov_gridmap_from_text(NULL, 3, "code", &gm), GRIDGOV_STATUS_NULL_POINTER);
  CHECK_STATUS(gridgov_gridmap_from_text(TWO_GRIDS, strlen(TWO_GRIDS), NULL, &gm),
               GRIDGOV_STATUS_NULL_POINTER);
  CHECK_ERROR_MENTIONS("code_property");
  CHECK_STATUS(gridgov_gridmap_from_text(TWO_GRIDS, strlen(TWO_GRIDS), "code", NULL),
               GRIDGOV_STATUS_NULL_POINTER);
  CHECK_STATUS(gridgov_gridmap_from_path("/nonexistent/grids.geojson", "code", &gm),
               GRIDGOV_STATUS_IO);
  CHECK_ERROR_MENTIONS("/nonexistent/grids.geojson");
  CHECK_STATUS(gridgov_gridmap_from_path(NULL, "code", &gm), GRIDGOV_STATUS_NULL_POINTER);
  CHECK_STATUS(gridgov_model_gridmap(NULL, &gm), GRIDGOV_STATUS_NULL_POINTER);
  CHECK(gm == (gridgov_gridmap *)0x1);

  gm = NULL;
  CHECK_STATUS(gridgov_gridmap_from_text(TWO_GRIDS, strlen(TWO_GRIDS), "code", &gm),
               GRIDGOV_STATUS_OK);

  /* NaN and infinity in the arrays: INVALID_VALUE naming the index; nothing written. */
  double lon[4] = {116.0002, 116.0030, 116.0002, 116.0002};
  double lat[4] = {39.9002, 39.9010, NAN, 39.9002};
  int64_t out[4] = {-7, -7, -7, -7};
  CHECK_STATUS(gridgov_gridmap_locate_many(gm, lon, lat, 4, GRIDGOV_CRS_WGS84, out),
               GRIDGOV_STATUS_INVALID_VALUE);
  CHECK_ERROR_MENTIONS("lat[2]");
  CHECK(out[0] == -7 && out[1] == -7 && out[2] == -7 && out[3] == -7);
  lat[2] = 39.9002;
  lon[3] = INFINITY;
  CHECK_STATUS(gridgov_gridmap_locate_many(gm, lon, lat, 4, GRIDGOV_CRS_GCJ02, out),
               GRIDGOV_STATUS_INVALID_VALUE);
  CHECK_ERROR_MENTIONS("lon[3]");
  CHECK(out[0] == -7 && out[3] == -7);
  lon[3] = 116.0002;

  /* A bad crs enum, NULL arrays, a NULL handle. */
  CHECK_STATUS(gridgov_gridmap_locate_many(gm, lon, lat, 4, 4, out), GRIDGOV_STATUS_INVALID_ENUM);
  CHECK_ERROR_MENTIONS("4");
  CHECK_STATUS(gridgov_gridmap_locate_many(gm, NULL, lat, 4, GRIDGOV_CRS_WGS84, out),
               GRIDGOV_STATUS_NULL_POINTER);
  CHECK_ERROR_MENTIONS("lon");
  CHECK_STATUS(gridgov_gridmap_locate_many(gm, lon, lat, 4, GRIDGOV_CRS_WGS84, NULL),
               GRIDGOV_STATUS_NULL_POINTER);
  CHECK_ERROR_MENTIONS("out_index");
  CHECK_STATUS(gridgov_gridmap_locate_many(NULL, lon, lat, 4, GRIDGOV_CRS_WGS84, out),
               GRIDGOV_STATUS_NULL_POINTER);
  CHECK(out[0] == -7);
  size_t n = 99;
  CHECK_STATUS(gridgov_gridmap_len(NULL, &n), GRIDGOV_STATUS_NULL_POINTER);
  CHECK_STATUS(gridgov_gridmap_len(gm, NULL), GRIDGOV_STATUS_NULL_POINTER);
  CHECK(n == 99);
  int64_t i = -7;
  CHECK_STATUS(gridgov_gridmap_index_of(gm, NULL, &i), GRIDGOV_STATUS_NULL_POINTER);
  CHECK_STATUS(gridgov_gridmap_index_of(gm, "\xc3\x28", &i), GRIDGOV_STATUS_INVALID_UTF8);
  CHECK(i == -7);
  char *s = NULL;
  CHECK_STATUS(gridgov_gridmap_to_geojson(gm, NULL, NULL), GRIDGOV_STATUS_NULL_POINTER);
  CHECK_STATUS(gridgov_gridmap_to_geojson(NULL, &s, NULL), GRIDGOV_STATUS_NULL_POINTER);
  CHECK(s == NULL);

  /* Success clears the last error. */
  CHECK_STATUS(gridgov_gridmap_locate_many(gm, lon, lat, 4, GRIDGOV_CRS_WGS84, out),
               GRIDGOV_STATUS_OK);
  CHECK(strcmp(last_error(), "") == 0);
  CHECK(out[0] == 0 && out[1] == 1);
  gridgov_gridmap_free(gm);
}

static void test_convert(void) {
  /* WGS-84 -> GCJ-02 -> WGS-84 and -> BD-09 -> WGS-84 return within 1e-7 degrees; the shift
   * itself is a few hundred metres in Beijing and nothing outside China. */
  double lon[3] = {116.397428, 121.473701, 2.294481};
  double lat[3] = {39.90923, 31.230416, 48.858370};
  double glon[3], glat[3], wlon[3], wlat[3];
  CHECK_STATUS(gridgov_convert_many(lon, lat, 3, GRIDGOV_CRS_WGS84, GRIDGOV_CRS_GCJ02, glon, glat),
               GRIDGOV_STATUS_OK);
  CHECK(fabs(glon[0] - lon[0]) > 1e-3 && fabs(glon[0] - lon[0]) < 1e-2);
  CHECK(fabs(glat[0] - lat[0]) > 1e-4 && fabs(glat[0] - lat[0]) < 1e-2);
  CHECK(glon[2] == lon[2] && glat[2] == lat[2]);
  CHECK_STATUS(gridgov_convert_many(glon, glat, 3, GRIDGOV_CRS_GCJ02, GRIDGOV_CRS_WGS84, wlon, wlat),
               GRIDGOV_STATUS_OK);
  for (int i = 0; i < 3; i++) {
    CHECK(fabs(wlon[i] - lon[i]) < 1e-7 && fabs(wlat[i] - lat[i]) < 1e-7);
  }
  double blon[3], blat[3];
  CHECK_STATUS(gridgov_convert_many(lon, lat, 3, GRIDGOV_CRS_WGS84, GRIDGOV_CRS_BD09, blon, blat),
               GRIDGOV_STATUS_OK);
  CHECK_STATUS(gridgov_convert_many(blon, blat, 3, GRIDGOV_CRS_BD09, GRIDGOV_CRS_CGCS2000, wlon, wlat),
               GRIDGOV_STATUS_OK);
  for (int i = 0; i < 3; i++) {
    CHECK(fabs(wlon[i] - lon[i]) < 1e-7 && fabs(wlat[i] - lat[i]) < 1e-7);
  }

  /* Errors: nothing written. */
  double out_lon[3] = {-7, -7, -7}, out_lat[3] = {-7, -7, -7};
  lat[1] = NAN;
  CHECK_STATUS(gridgov_convert_many(lon, lat, 3, GRIDGOV_CRS_GCJ02, GRIDGOV_CRS_WGS84, out_lon, out_lat),
               GRIDGOV_STATUS_INVALID_VALUE);
  CHECK_ERROR_MENTIONS("lat[1]");
  CHECK(out_lon[0] == -7 && out_lat[0] == -7);
  lat[1] = 31.230416;
  CHECK_STATUS(gridgov_convert_many(lon, lat, 3, 17, GRIDGOV_CRS_WGS84, out_lon, out_lat),
               GRIDGOV_STATUS_INVALID_ENUM);
  CHECK_ERROR_MENTIONS("from");
  CHECK_STATUS(gridgov_convert_many(lon, lat, 3, GRIDGOV_CRS_WGS84, 4, out_lon, out_lat),
               GRIDGOV_STATUS_INVALID_ENUM);
  CHECK_ERROR_MENTIONS("to");
  CHECK_STATUS(gridgov_convert_many(lon, lat, 3, GRIDGOV_CRS_WGS84, GRIDGOV_CRS_GCJ02, out_lon, NULL),
               GRIDGOV_STATUS_NULL_POINTER);
  CHECK_ERROR_MENTIONS("out_lat");
  CHECK(out_lon[0] == -7);
  CHECK_STATUS(gridgov_convert_many(NULL, NULL, 0, GRIDGOV_CRS_WGS84, GRIDGOV_CRS_GCJ02, NULL, NULL),
               GRIDGOV_STATUS_OK);
}

/* Boundaries digitised on GCJ-02 or BD-09 tiles: the corners of a WGS-84 square written in
 * that system load back (crs=) to the square, located with WGS-84 points. */
static void test_crs_builders(void) {
  const double wlon[5] = {116.000, 116.002, 116.002, 116.000, 116.000};
  const double wlat[5] = {39.900, 39.900, 39.902, 39.902, 39.900};
  const uint32_t systems[2] = {GRIDGOV_CRS_GCJ02, GRIDGOV_CRS_BD09};
  for (int k = 0; k < 2; k++) {
    double x[5], y[5];
    CHECK_STATUS(gridgov_convert_many(wlon, wlat, 5, GRIDGOV_CRS_WGS84, systems[k], x, y),
                 GRIDGOV_STATUS_OK);
    char text[1024];
    int n = snprintf(text, sizeof text,
                     "{\"type\":\"FeatureCollection\",\"features\":[{\"type\":\"Feature\","
                     "\"properties\":{\"code\":\"A\"},\"geometry\":{\"type\":\"Polygon\","
                     "\"coordinates\":[[[%.17g,%.17g],[%.17g,%.17g],[%.17g,%.17g],[%.17g,%.17g],"
                     "[%.17g,%.17g]]]}}]}",
                     x[0], y[0], x[1], y[1], x[2], y[2], x[3], y[3], x[4], y[4]);
    CHECK(n > 0 && (size_t)n < sizeof text);
    gridgov_gridmap *gm = NULL;
    CHECK_STATUS(gridgov_gridmap_from_text_crs(text, strlen(text), "code", systems[k], &gm),
                 GRIDGOV_STATUS_OK);
    /* the square's centre and a point 0.0005 degrees outside each side, in WGS-84 */
    const double plon[3] = {116.001, 115.9995, 116.0025};
    const double plat[3] = {39.901, 39.901, 39.901};
    int64_t got[3] = {-7, -7, -7};
    CHECK_STATUS(gridgov_gridmap_locate_many(gm, plon, plat, 3, GRIDGOV_CRS_WGS84, got),
                 GRIDGOV_STATUS_OK);
    CHECK(got[0] == 0 && got[1] == -1 && got[2] == -1);
    gridgov_gridmap_free(gm);
    /* read as WGS-84 by mistake, the square is hundreds of metres off */
    gm = NULL;
    CHECK_STATUS(gridgov_gridmap_from_text(text, strlen(text), "code", &gm), GRIDGOV_STATUS_OK);
    CHECK_STATUS(gridgov_gridmap_locate_many(gm, plon, plat, 1, GRIDGOV_CRS_WGS84, got),
                 GRIDGOV_STATUS_OK);
    CHECK(got[0] == -1);
    gridgov_gridmap_free(gm);
  }

  /* From a file, in WGS-84 explicitly: the fixture's two grids. */
  char path[1024];
  fixture_path(path, sizeof path, "boundaries/two_grids.geojson");
  gridgov_gridmap *gm = NULL;
  CHECK_STATUS(gridgov_gridmap_from_path_crs(path, "code", GRIDGOV_CRS_CGCS2000, &gm),
               GRIDGOV_STATUS_OK);
  size_t n = 0;
  CHECK_STATUS(gridgov_gridmap_len(gm, &n), GRIDGOV_STATUS_OK);
  CHECK(n == 2);
  gridgov_gridmap_free(gm);

  /* Bad input: an unknown crs, a missing file, NULLs; nothing written. */
  gm = (gridgov_gridmap *)0x1;
  CHECK_STATUS(gridgov_gridmap_from_path_crs(path, "code", 9, &gm), GRIDGOV_STATUS_INVALID_ENUM);
  CHECK_ERROR_MENTIONS("crs 9");
  CHECK_STATUS(gridgov_gridmap_from_text_crs(TWO_GRIDS, strlen(TWO_GRIDS), "code", 4, &gm),
               GRIDGOV_STATUS_INVALID_ENUM);
  CHECK_STATUS(gridgov_gridmap_from_path_crs("/nonexistent/grids.geojson", "code",
                                             GRIDGOV_CRS_GCJ02, &gm),
               GRIDGOV_STATUS_IO);
  CHECK_ERROR_MENTIONS("/nonexistent/grids.geojson");
  CHECK_STATUS(gridgov_gridmap_from_text_crs(BOW_TIE, strlen(BOW_TIE), "code", GRIDGOV_CRS_GCJ02,
                                             &gm),
               GRIDGOV_STATUS_MODEL);
  CHECK_ERROR_MENTIONS("features[1]");
  CHECK_STATUS(gridgov_gridmap_from_path_crs(NULL, "code", GRIDGOV_CRS_GCJ02, &gm),
               GRIDGOV_STATUS_NULL_POINTER);
  CHECK_STATUS(gridgov_gridmap_from_text_crs(TWO_GRIDS, strlen(TWO_GRIDS), "code",
                                             GRIDGOV_CRS_GCJ02, NULL),
               GRIDGOV_STATUS_NULL_POINTER);
  CHECK(gm == (gridgov_gridmap *)0x1);
}

/* Files as Windows tools save them: a UTF-8 BOM is taken off (text and path); a GBK file is
 * refused as INVALID_VALUE naming the file and GBK/GB18030, nothing written. */
static void test_text_files(void) {
  char path[1024];
  gridgov_gridmap *gm = NULL;
  size_t n = 0, len = 0;
  fixture_path(path, sizeof path, "boundaries/two_grids_bom.geojson");
  CHECK_STATUS(gridgov_gridmap_from_path(path, "code", &gm), GRIDGOV_STATUS_OK);
  CHECK_STATUS(gridgov_gridmap_len(gm, &n), GRIDGOV_STATUS_OK);
  CHECK(n == 2);
  gridgov_gridmap_free(gm);
  char *text = fixture("boundaries/two_grids_bom.geojson", &len);
  CHECK(text != NULL && (unsigned char)text[0] == 0xEF);
  gm = NULL;
  n = 0;
  CHECK_STATUS(gridgov_gridmap_from_text(text, len, "code", &gm), GRIDGOV_STATUS_OK);
  CHECK_STATUS(gridgov_gridmap_len(gm, &n), GRIDGOV_STATUS_OK);
  CHECK(n == 2);
  gridgov_gridmap_free(gm);
  free(text);

  fixture_path(path, sizeof path, "boundaries/two_grids_gbk.geojson");
  gm = (gridgov_gridmap *)0x1;
  CHECK_STATUS(gridgov_gridmap_from_path(path, "code", &gm), GRIDGOV_STATUS_INVALID_VALUE);
  CHECK_ERROR_MENTIONS("two_grids_gbk.geojson");
  CHECK_ERROR_MENTIONS("is not UTF-8 text");
  CHECK_ERROR_MENTIONS("GBK/GB18030");
  CHECK(gm == (gridgov_gridmap *)0x1);
}

int main(void) {
  size_t len = 0;
  TWO_GRIDS = fixture("boundaries/two_grids.geojson", &len);
  CHECK(TWO_GRIDS != NULL);
  if (TWO_GRIDS == NULL) return finish("test_spatial");
  test_sample();
  test_holes_and_multipolygons();
  test_bad_input();
  test_convert();
  test_crs_builders();
  test_text_files();
  free(TWO_GRIDS);
  return finish("test_spatial");
}
