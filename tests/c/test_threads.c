/* gridgov C ABI: the immutable handles (model, calendar, grid map, records, scorecard) shared
 * by several threads at once, each calling read-only functions and comparing with the answers
 * computed before the threads started (run under ASan/UBSan and valgrind like every C test). */
#include <pthread.h>
#include <stdint.h>
#include "check.h"

#define THREADS 4
#define ROUNDS 12

static gridgov_model *model;
static gridgov_calendar *calendar;
static gridgov_gridmap *gridmap;
static gridgov_records *records;
static gridgov_scorecard *card;
static const int64_t T0 = 1772409600000; /* 2026-03-02 08:00 +08:00 */

/* The answers of one thread's round. */
struct answers {
  char *route;
  int64_t deadline;
  int64_t later;
  int64_t located;
  char *table;
  char *csv;
  gridgov_status status[6];
};

static void ask(struct answers *a) {
  size_t n = 0;
  a->status[0] = gridgov_model_route(model, "C0101", "37990100100101", &a->route, &n);
  a->status[1] = gridgov_model_deadline(model, "C0101", "normal", T0, &a->deadline);
  a->status[2] = gridgov_calendar_add_working(calendar, T0, 7LL * 3600000, &a->later);
  const double lon = 117.05, lat = 36.74;
  a->status[3] = gridgov_gridmap_locate_many(gridmap, &lon, &lat, 1, 0, &a->located);
  a->status[4] = gridgov_scorecard_table_json(card, "areas:street", &a->table, &n);
  a->status[5] = gridgov_records_to_csv(records, &a->csv, &n);
}

static void release(struct answers *a) {
  gridgov_string_free(a->route);
  gridgov_string_free(a->table);
  gridgov_string_free(a->csv);
}

static struct answers expected;

static int same(const struct answers *a) {
  for (int i = 0; i < 6; i++) {
    if (a->status[i] != expected.status[i]) return 0;
  }
  return strcmp(a->route, expected.route) == 0 && a->deadline == expected.deadline &&
         a->later == expected.later && a->located == expected.located &&
         strcmp(a->table, expected.table) == 0 && strcmp(a->csv, expected.csv) == 0;
}

static void *worker(void *arg) {
  int *wrong = arg;
  for (int r = 0; r < ROUNDS; r++) {
    struct answers a = {0};
    ask(&a);
    if (!same(&a)) (*wrong)++;
    release(&a);
    /* A failure on this thread leaves its own message, never another thread's. */
    gridgov_model_route(model, "C9999", "37990100100101", &a.route, NULL);
    char buf[512];
    size_t n = 0;
    if (gridgov_last_error(buf, sizeof buf, &n) != GRIDGOV_STATUS_OK || !strstr(buf, "C9999"))
      (*wrong)++;
  }
  return NULL;
}

int main(void) {
  CHECK_STATUS(gridgov_model_sample(&model), GRIDGOV_STATUS_OK);
  CHECK_STATUS(gridgov_model_calendar(model, &calendar), GRIDGOV_STATUS_OK);
  CHECK_STATUS(gridgov_model_gridmap(model, &gridmap), GRIDGOV_STATUS_OK);
  gridgov_engine *engine = NULL;
  CHECK_STATUS(gridgov_engine_simulate(model, T0, 3, 7, 20, &engine), GRIDGOV_STATUS_OK);
  CHECK_STATUS(gridgov_engine_records(engine, &records), GRIDGOV_STATUS_OK);
  gridgov_engine_free(engine);
  CHECK_STATUS(gridgov_score(records, T0, T0 + 7 * 86400000LL, GRIDGOV_NO_TIME, &card),
               GRIDGOV_STATUS_OK);
  ask(&expected);
  for (int i = 0; i < 6; i++) CHECK(expected.status[i] == GRIDGOV_STATUS_OK);

  pthread_t threads[THREADS];
  int wrong[THREADS] = {0};
  for (int i = 0; i < THREADS; i++) {
    CHECK(pthread_create(&threads[i], NULL, worker, &wrong[i]) == 0);
  }
  for (int i = 0; i < THREADS; i++) {
    CHECK(pthread_join(threads[i], NULL) == 0);
    CHECK(wrong[i] == 0);
  }
  release(&expected);
  gridgov_scorecard_free(card);
  gridgov_records_free(records);
  gridgov_gridmap_free(gridmap);
  gridgov_calendar_free(calendar);
  gridgov_model_free(model);
  return finish("test_threads");
}
