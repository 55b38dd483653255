/* gridgov C ABI: the engine on a SQLite journal — open, commit, reopen to the same engine, a
 * second writer refused, batches (one refused call commits nothing), the event sink (each
 * commit's lines; a refusing sink leaves the engine and the journal unchanged; a host behind the
 * journal caught up from its last seq), verification
 * of the file (an edit of the file's bytes is found, naming the event), an engine whose events
 * stay on disk ("keep_events": false) reading the same as one that keeps them, a migration as
 * an event of the chain, and bad arguments. */
#define _POSIX_C_SOURCE 200809L
#include <stdint.h>
#include <unistd.h>

#include "check.h"

#define GRID "37990100100101"
#define MIN 60000LL
#define T0 1762131600000LL /* Monday 2025-11-03 09:00 +08:00 */
#define SV001 "{\"worker\":\"SV001\"}"
#define AC01 "{\"worker\":\"AC01\"}"
#define SL01 "{\"worker\":\"SL01\"}"
#define REPORT "{\"category\":\"C0101\",\"grid\":\"" GRID "\",\"description\":\"cover missing\"}"

static char path[256];

/* Removes the journal and its companions (WAL, shared memory, writer lock). */
static void remove_journal(void) {
  const char *suffixes[] = {"", "-wal", "-shm", "-writer", "-writer-journal"};
  char p[300];
  for (size_t i = 0; i < sizeof suffixes / sizeof *suffixes; i++) {
    snprintf(p, sizeof p, "%s%s", path, suffixes[i]);
    unlink(p);
  }
}

static gridgov_status act(gridgov_engine *e, uint64_t id, const char *actor, int64_t at,
                          const char *action) {
  char *event = NULL;
  gridgov_status st = gridgov_engine_act(e, id, actor, at, action, &event, NULL);
  gridgov_string_free(event);
  return st;
}

/* The engine's events as JSON lines (free it). */
static char *events_of(const gridgov_engine *e) {
  char *events = NULL;
  if (gridgov_engine_events_json(e, NULL, &events, NULL) != GRIDGOV_STATUS_OK) return NULL;
  return events;
}

static size_t events_in_journal(void) {
  char *out = NULL;
  size_t n = 0;
  if (gridgov_journal_verify(path, &out, NULL) == GRIDGOV_STATUS_OK) {
    const char *p = strstr(out, "\"events\":");
    if (p) n = (size_t)strtoull(p + 9, NULL, 10);
  }
  gridgov_string_free(out);
  return n;
}

/* The engine's case records as CSV (free it). */
static char *records_of(const gridgov_engine *e) {
  gridgov_records *r = NULL;
  char *csv = NULL;
  size_t len = 0;
  if (gridgov_engine_records(e, &r) == GRIDGOV_STATUS_OK) {
    if (gridgov_records_to_csv(r, &csv, &len) != GRIDGOV_STATUS_OK) csv = NULL;
  }
  gridgov_records_free(r);
  return csv;
}

static gridgov_engine *open_journal(const gridgov_model *m) {
  gridgov_engine *e = NULL;
  CHECK_STATUS(gridgov_engine_open(m, path, NULL, &e), GRIDGOV_STATUS_OK);
  return e;
}

static void test_open_commit_reopen(const gridgov_model *m) {
  remove_journal();
  gridgov_engine *e = open_journal(m);
  if (!e) return;
  uint64_t id = 0;
  CHECK_STATUS(gridgov_engine_report(e, SV001, T0, REPORT, &id), GRIDGOV_STATUS_OK);
  CHECK_STATUS(act(e, id, AC01, T0 + MIN, "{\"action\":\"accept\"}"), GRIDGOV_STATUS_OK);
  CHECK_STATUS(act(e, id, SL01, T0 + 2 * MIN, "{\"action\":\"file\"}"), GRIDGOV_STATUS_OK);
  CHECK(events_in_journal() == 3); /* committed before each call returned */

  /* a second writer is refused while the first holds the journal */
  gridgov_engine *second = NULL;
  CHECK_STATUS(gridgov_engine_open(m, path, NULL, &second), GRIDGOV_STATUS_JOURNAL);
  CHECK_ERROR_MENTIONS("another engine");
  CHECK(second == NULL);

  char *before = events_of(e);
  gridgov_engine_free(e);
  gridgov_engine *again = open_journal(m);
  char *after = again ? events_of(again) : NULL;
  CHECK(before && after && strcmp(before, after) == 0);
  char *verified = NULL;
  CHECK_STATUS(gridgov_engine_verify(again, &verified, NULL), GRIDGOV_STATUS_OK);
  CHECK(verified && strstr(verified, "\"events\":3") != NULL);
  gridgov_string_free(verified);
  gridgov_string_free(before);
  gridgov_string_free(after);
  gridgov_engine_free(again);
}

/* A migration to another model after events is an event of the chain: case 0, actor the
 * system, naming both models' hashes; the journal then opens with the new model only. */
static void test_migration(const gridgov_model *m) {
  remove_journal();
  gridgov_engine *e = open_journal(m);
  if (!e) return;
  uint64_t id = 0;
  CHECK_STATUS(gridgov_engine_report(e, SV001, T0, REPORT, &id), GRIDGOV_STATUS_OK);
  CHECK_STATUS(act(e, id, AC01, T0 + MIN, "{\"action\":\"accept\"}"), GRIDGOV_STATUS_OK);
  gridgov_engine_free(e);
  char *json = NULL;
  size_t len = 0;
  CHECK_STATUS(gridgov_model_to_json(m, &json, &len), GRIDGOV_STATUS_OK);
  if (!json) return;
  /* the same model under another name: another hash */
  const char *at = strstr(json, "\"name\":\"");
  CHECK(at != NULL);
  if (!at) {
    gridgov_string_free(json);
    return;
  }
  size_t head = (size_t)(at - json) + 8;
  char *renamed = malloc(len + 4);
  CHECK(renamed != NULL);
  if (!renamed) {
    gridgov_string_free(json);
    return;
  }
  memcpy(renamed, json, head);
  memcpy(renamed + head, "v2 ", 3);
  memcpy(renamed + head + 3, json + head, len - head + 1);
  gridgov_string_free(json);
  gridgov_model *other = NULL;
  CHECK_STATUS(gridgov_model_from_text(renamed, len + 3, GRIDGOV_FORMAT_JSON, &other),
               GRIDGOV_STATUS_OK);
  free(renamed);
  if (!other) return;
  gridgov_engine *refused = NULL;
  CHECK_STATUS(gridgov_engine_open(other, path, NULL, &refused), GRIDGOV_STATUS_JOURNAL);
  CHECK_ERROR_MENTIONS("migrate");
  gridgov_engine *migrated = NULL;
  CHECK_STATUS(gridgov_engine_open(other, path, "{\"migrate\":true}", &migrated),
               GRIDGOV_STATUS_OK);
  CHECK(events_in_journal() == 3);
  char *events = migrated ? events_of(migrated) : NULL;
  const char *last = events ? strstr(events, "\"action\":\"migrate\"") : NULL;
  CHECK(last != NULL && strstr(last, "\"case\":0") != NULL && strstr(last, "\"from\":\"") != NULL &&
        strstr(last, "\"seq\":3") != NULL);
  /* a migration belongs to no case: the same line on case 5 is refused, naming the member */
  char *on_case = last ? strstr(last, "\"case\":0") : NULL;
  if (on_case) {
    on_case[7] = '5';
    gridgov_engine *r = NULL;
    CHECK_STATUS(gridgov_engine_replay_unverified(other, events, strlen(events), &r),
                 GRIDGOV_STATUS_INVALID_VALUE);
    CHECK_ERROR_MENTIONS("event.case");
    CHECK(r == NULL);
  }
  gridgov_string_free(events);
  gridgov_engine_free(migrated);
  /* reopened with the new model: the migration replays; the old model is now refused */
  gridgov_engine *again = NULL;
  CHECK_STATUS(gridgov_engine_open(other, path, NULL, &again), GRIDGOV_STATUS_OK);
  gridgov_engine_free(again);
  again = NULL;
  CHECK_STATUS(gridgov_engine_open(m, path, NULL, &again), GRIDGOV_STATUS_JOURNAL);
  CHECK(again == NULL);
  gridgov_model_free(other);
}

/* An edit made outside gridgov — bytes changed in the file itself, as a disk editor or a
 * careless script would — is found by verification, naming the event; opening refuses the
 * file. */
static void test_tamper(const gridgov_model *m) {
  remove_journal();
  gridgov_engine *e = open_journal(m);
  if (!e) return;
  uint64_t id = 0;
  CHECK_STATUS(gridgov_engine_report(e, SV001, T0, REPORT, &id), GRIDGOV_STATUS_OK);
  CHECK_STATUS(act(e, id, AC01, T0 + MIN, "{\"action\":\"accept\"}"), GRIDGOV_STATUS_OK);
  gridgov_engine_free(e); /* the last connection closes: the WAL is folded into the file */
  CHECK(events_in_journal() == 2);

  /* "cover missing" -> "cover mended!" (same length) wherever SQLite stored it */
  FILE *f = fopen(path, "r+b");
  CHECK(f != NULL);
  if (!f) return;
  fseek(f, 0, SEEK_END);
  long size = ftell(f);
  fseek(f, 0, SEEK_SET);
  char *bytes = malloc((size_t)size);
  CHECK(bytes && fread(bytes, 1, (size_t)size, f) == (size_t)size);
  const char *was = "cover missing", *now = "cover mended!";
  size_t len = strlen(was), replaced = 0;
  for (long i = 0; bytes && i + (long)len <= size; i++) {
    if (memcmp(bytes + i, was, len) == 0) {
      memcpy(bytes + i, now, len);
      replaced++;
    }
  }
  CHECK(replaced > 0);
  fseek(f, 0, SEEK_SET);
  CHECK(bytes && fwrite(bytes, 1, (size_t)size, f) == (size_t)size);
  fclose(f);
  free(bytes);

  char *out = (char *)0x1;
  CHECK_STATUS(gridgov_journal_verify(path, &out, NULL), GRIDGOV_STATUS_TAMPERED);
  CHECK_ERROR_MENTIONS("event 1 of the journal fails verification");
  CHECK(out == (char *)0x1);
  gridgov_engine *again = NULL;
  CHECK_STATUS(gridgov_engine_open(m, path, NULL, &again), GRIDGOV_STATUS_TAMPERED);
  CHECK(again == NULL);
}

static void test_batches(const gridgov_model *m) {
  remove_journal();
  gridgov_engine *e = open_journal(m);
  if (!e) return;
  uint64_t id = 0;
  size_t n = 99;
  /* one refused call inside: the commit commits nothing */
  CHECK_STATUS(gridgov_engine_batch_begin(e), GRIDGOV_STATUS_OK);
  CHECK_STATUS(gridgov_engine_batch_begin(e), GRIDGOV_STATUS_INVALID_VALUE);
  CHECK_STATUS(gridgov_engine_report(e, SV001, T0, REPORT, &id), GRIDGOV_STATUS_OK);
  CHECK_STATUS(act(e, id, SL01, T0 + MIN, "{\"action\":\"close\",\"reason\":\"x\"}"),
               GRIDGOV_STATUS_INVALID_TRANSITION);
  CHECK_STATUS(gridgov_engine_batch_commit(e, &n), GRIDGOV_STATUS_INVALID_VALUE);
  CHECK_ERROR_MENTIONS("nothing was committed");
  CHECK(n == 99); /* outputs only on success */
  size_t cases = 9, events = 9;
  CHECK_STATUS(gridgov_engine_len(e, &cases, &events), GRIDGOV_STATUS_OK);
  CHECK(cases == 0 && events == 0);
  CHECK(events_in_journal() == 0);
  /* a clean batch: all of it in one commit */
  CHECK_STATUS(gridgov_engine_batch_begin(e), GRIDGOV_STATUS_OK);
  CHECK_STATUS(gridgov_engine_report(e, SV001, T0, REPORT, &id), GRIDGOV_STATUS_OK);
  CHECK_STATUS(act(e, id, AC01, T0 + MIN, "{\"action\":\"accept\"}"), GRIDGOV_STATUS_OK);
  CHECK(events_in_journal() == 0); /* not before the commit */
  CHECK_STATUS(gridgov_engine_batch_commit(e, &n), GRIDGOV_STATUS_OK);
  CHECK(n == 2);
  CHECK(events_in_journal() == 2);
  /* rollback drops the batch, and the case records go back with it (the engine keeps each
   * case's record as it records the case's events) */
  char *records_before = records_of(e);
  CHECK(records_before != NULL);
  CHECK_STATUS(gridgov_engine_batch_begin(e), GRIDGOV_STATUS_OK);
  CHECK_STATUS(act(e, id, SL01, T0 + 2 * MIN, "{\"action\":\"file\"}"), GRIDGOV_STATUS_OK);
  char *records_in_batch = records_of(e);
  CHECK(records_in_batch != NULL && records_before != NULL &&
        strcmp(records_in_batch, records_before) != 0);
  CHECK_STATUS(gridgov_engine_batch_rollback(e, &n), GRIDGOV_STATUS_OK);
  CHECK(n == 1);
  char *records_after = records_of(e);
  CHECK(records_after != NULL && records_before != NULL &&
        strcmp(records_after, records_before) == 0);
  gridgov_string_free(records_in_batch);
  gridgov_string_free(records_after);
  CHECK_STATUS(gridgov_engine_batch_rollback(e, NULL), GRIDGOV_STATUS_INVALID_VALUE);
  CHECK_STATUS(gridgov_engine_batch_commit(e, NULL), GRIDGOV_STATUS_INVALID_VALUE);
  CHECK_STATUS(gridgov_engine_len(e, &cases, &events), GRIDGOV_STATUS_OK);
  CHECK(cases == 1 && events == 2);
  gridgov_engine_free(e);
  /* reopened (a replay of the journal): the same records */
  e = open_journal(m);
  if (e) {
    char *records_reopened = records_of(e);
    CHECK(records_reopened != NULL && records_before != NULL &&
          strcmp(records_reopened, records_before) == 0);
    gridgov_string_free(records_reopened);
    gridgov_engine_free(e);
  }
  gridgov_string_free(records_before);
}

/* A host's store: the lines it accepted, or a refusal. */
struct host {
  char lines[16384];
  size_t len;
  int calls;
  int refuse;
};

static int32_t host_sink(void *user, const char *lines, size_t len) {
  struct host *h = user;
  h->calls++;
  if (h->refuse) return 7;
  if (h->len + len + 1 > sizeof h->lines) return 1;
  CHECK(lines[len] == '\0' && len > 0 && lines[len - 1] == '\n');
  memcpy(h->lines + h->len, lines, len);
  h->len += len;
  h->lines[h->len] = '\0';
  return 0;
}

static void test_sink(const gridgov_model *m) {
  remove_journal();
  gridgov_engine *e = open_journal(m);
  if (!e) return;
  struct host h = {.len = 0, .calls = 0, .refuse = 0};
  CHECK_STATUS(gridgov_engine_set_sink(e, host_sink, &h), GRIDGOV_STATUS_OK);
  uint64_t id = 0;
  CHECK_STATUS(gridgov_engine_report(e, SV001, T0, REPORT, &id), GRIDGOV_STATUS_OK);
  CHECK_STATUS(act(e, id, AC01, T0 + MIN, "{\"action\":\"accept\"}"), GRIDGOV_STATUS_OK);
  CHECK(h.calls == 2);
  char *events = events_of(e);
  CHECK(events && strcmp(events, h.lines) == 0); /* the export, line for line, with hashes */
  gridgov_string_free(events);

  /* a refusing sink: the call fails and nothing changes, in the engine or the journal */
  h.refuse = 1;
  char *before = events_of(e);
  char *event = NULL;
  CHECK_STATUS(gridgov_engine_act(e, id, SL01, T0 + 2 * MIN, "{\"action\":\"file\"}", &event, NULL),
               GRIDGOV_STATUS_SINK);
  CHECK_ERROR_MENTIONS("returned 7");
  CHECK(event == NULL);
  char *after = events_of(e);
  CHECK(before && after && strcmp(before, after) == 0);
  CHECK(events_in_journal() == 2);
  gridgov_string_free(before);
  gridgov_string_free(after);
  /* removed, the engine goes on */
  CHECK_STATUS(gridgov_engine_set_sink(e, NULL, NULL), GRIDGOV_STATUS_OK);
  CHECK_STATUS(act(e, id, SL01, T0 + 2 * MIN, "{\"action\":\"file\"}"), GRIDGOV_STATUS_OK);
  CHECK(events_in_journal() == 3);
  gridgov_engine_free(e);

  /* a sink on an engine without a journal works the same */
  gridgov_engine *mem = NULL;
  CHECK_STATUS(gridgov_engine_new(m, &mem), GRIDGOV_STATUS_OK);
  struct host h2 = {.len = 0, .calls = 0, .refuse = 1};
  CHECK_STATUS(gridgov_engine_set_sink(mem, host_sink, &h2), GRIDGOV_STATUS_OK);
  CHECK_STATUS(gridgov_engine_report(mem, SV001, T0, REPORT, &id), GRIDGOV_STATUS_SINK);
  size_t cases = 9, n = 9;
  CHECK_STATUS(gridgov_engine_len(mem, &cases, &n), GRIDGOV_STATUS_OK);
  CHECK(cases == 0 && n == 0);
  gridgov_engine_free(mem);
}

/* A host's database that commits in a transaction: `write` stages the lines, `finish` commits
 * them (or drops them); it stores by seq (its last seq is the number of lines it holds). */
struct db {
  char *rows, *pending;
  size_t len, cap, plen, pcap;
  uint64_t seq, pseq;
  int writes, fail_write_at, fail_finish_at;
};

static int grow(char **buf, size_t *cap, size_t need) {
  if (need <= *cap) return 1;
  size_t c = *cap ? *cap : 4096;
  while (c < need) c *= 2;
  char *p = realloc(*buf, c);
  if (!p) return 0;
  *buf = p;
  *cap = c;
  return 1;
}

static int32_t db_write(void *user, const char *lines, size_t len) {
  struct db *d = user;
  d->writes++;
  if (d->writes == d->fail_write_at) return 5;
  if (!grow(&d->pending, &d->pcap, len + 1)) return 1;
  memcpy(d->pending, lines, len + 1);
  d->plen = len;
  d->pseq = d->seq;
  for (size_t i = 0; i < len; i++) d->pseq += lines[i] == '\n';
  return 0;
}

static int32_t db_finish(void *user, int32_t commit) {
  struct db *d = user;
  size_t n = d->plen;
  d->plen = 0;
  if (!commit) return 0;
  if (d->writes == d->fail_finish_at) return 9;
  if (!grow(&d->rows, &d->cap, d->len + n + 1)) return 1;
  memcpy(d->rows + d->len, d->pending, n);
  d->len += n;
  d->rows[d->len] = '\0';
  d->seq = d->pseq;
  return 0;
}

static void db_free(struct db *d) {
  free(d->rows);
  free(d->pending);
}

/* The journal is the truth: a host whose commit fails after the journal committed is behind
 * (GRIDGOV_STATUS_SINK_BEHIND, the call took effect, later calls refused); after a restart it
 * is caught up from its last seq and holds exactly the journal's lines. */
static void test_sink_catch_up(const gridgov_model *m) {
  remove_journal();
  gridgov_engine *e = open_journal(m);
  if (!e) return;
  struct db d = {0};
  size_t n = 99;
  CHECK_STATUS(gridgov_engine_set_sink_from(e, db_write, db_finish, &d, 0, &n), GRIDGOV_STATUS_OK);
  CHECK(n == 0);
  uint64_t id = 0;
  CHECK_STATUS(gridgov_engine_report(e, SV001, T0, REPORT, &id), GRIDGOV_STATUS_OK);
  CHECK_STATUS(act(e, id, AC01, T0 + MIN, "{\"action\":\"accept\"}"), GRIDGOV_STATUS_OK);
  CHECK(d.seq == 2);
  /* the host's commit of the third call fails after the journal committed it */
  d.fail_finish_at = d.writes + 1;
  char *event = NULL;
  CHECK_STATUS(gridgov_engine_act(e, id, SL01, T0 + 2 * MIN, "{\"action\":\"file\"}", &event, NULL),
               GRIDGOV_STATUS_SINK_BEHIND);
  CHECK(event == NULL); /* outputs only on success, although the call took effect */
  CHECK_ERROR_MENTIONS("up to seq 3");
  CHECK_ERROR_MENTIONS("up to seq 2");
  CHECK_ERROR_MENTIONS("commit returned 9");
  size_t cases = 0, events = 0;
  CHECK_STATUS(gridgov_engine_len(e, &cases, &events), GRIDGOV_STATUS_OK);
  CHECK(events == 3 && events_in_journal() == 3 && d.seq == 2);
  /* refused, unchanged, until caught up */
  CHECK_STATUS(act(e, id, "{\"worker\":\"DP01\"}", T0 + 3 * MIN, "{\"action\":\"dispatch\"}"),
               GRIDGOV_STATUS_SINK_BEHIND);
  CHECK_STATUS(gridgov_engine_len(e, &cases, &events), GRIDGOV_STATUS_OK);
  CHECK(events == 3);
  gridgov_engine_free(e);

  /* restart: open the journal, ask the host for its last seq, catch up and attach */
  e = open_journal(m);
  if (!e) {
    db_free(&d);
    return;
  }
  CHECK_STATUS(gridgov_engine_set_sink_from(e, db_write, db_finish, &d, 99, &n),
               GRIDGOV_STATUS_INVALID_VALUE);
  CHECK_ERROR_MENTIONS("99");
  CHECK_ERROR_MENTIONS("seq 3");
  CHECK(n == 0);
  CHECK_STATUS(gridgov_engine_set_sink_from(e, db_write, db_finish, &d, d.seq, &n), GRIDGOV_STATUS_OK);
  CHECK(n == 1 && d.seq == 3);
  CHECK_STATUS(act(e, id, "{\"worker\":\"DP01\"}", T0 + 3 * MIN, "{\"action\":\"dispatch\"}"),
               GRIDGOV_STATUS_OK);
  char *all = events_of(e);
  CHECK(all && d.rows && strcmp(all, d.rows) == 0); /* byte for byte, hashes included */
  gridgov_string_free(all);
  CHECK_STATUS(gridgov_engine_set_sink_from(e, NULL, NULL, NULL, 0, NULL), GRIDGOV_STATUS_NULL_POINTER);
  gridgov_engine_free(e);
  db_free(&d);
}

/* Catching up a simulated history from 0 gives the export; a host failing during the catch-up
 * is caught up by a retry from its last seq, without duplicates. (Kept small for valgrind: one
 * commit of redelivery; the Rust and Python tests fail between commits of 8,192 events.) */
static void test_catch_up_history(const gridgov_model *m) {
  gridgov_engine *e = NULL;
  CHECK_STATUS(gridgov_engine_simulate(m, T0, 1, 1, 150, &e), GRIDGOV_STATUS_OK);
  if (!e) return;
  size_t cases = 0, events = 0, n = 0;
  CHECK_STATUS(gridgov_engine_len(e, &cases, &events), GRIDGOV_STATUS_OK);
  CHECK(events > 100);
  char *all = NULL;
  CHECK_STATUS(gridgov_engine_events_json(e, SL01, &all, NULL), GRIDGOV_STATUS_OK);
  struct db d = {.fail_write_at = 1};
  CHECK_STATUS(gridgov_engine_set_sink_from(e, db_write, db_finish, &d, 0, &n), GRIDGOV_STATUS_SINK);
  CHECK_ERROR_MENTIONS("returned 5");
  CHECK(d.seq == 0 && d.len == 0);
  d.fail_finish_at = 2; /* the retry's commit fails: nothing stays with the host */
  CHECK_STATUS(gridgov_engine_set_sink_from(e, db_write, db_finish, &d, d.seq, &n), GRIDGOV_STATUS_SINK);
  CHECK_ERROR_MENTIONS("commit returned 9");
  CHECK(d.seq == 0 && d.len == 0);
  CHECK_STATUS(gridgov_engine_set_sink_from(e, db_write, db_finish, &d, d.seq, &n), GRIDGOV_STATUS_OK);
  CHECK(n == events && d.seq == events);
  CHECK(all && d.rows && strcmp(all, d.rows) == 0); /* each event once, byte for byte */
  /* the sink is attached: a later call reaches it */
  size_t had = events;
  char *fired = NULL;
  CHECK_STATUS(gridgov_engine_sweep(e, T0 + 30LL * 86400000LL, &fired, NULL), GRIDGOV_STATUS_OK);
  gridgov_string_free(fired);
  CHECK_STATUS(gridgov_engine_len(e, &cases, &events), GRIDGOV_STATUS_OK);
  CHECK(events > had && d.seq == events); /* the escalations fired reached the host */
  gridgov_string_free(all);
  gridgov_engine_free(e);
  db_free(&d);
}

/* A history made in memory goes into a new journal whole; later calls commit to it; a journal
 * that holds events, or a second journal, is refused. */
static void test_attach(const gridgov_model *m) {
  remove_journal();
  gridgov_engine *e = NULL;
  CHECK_STATUS(gridgov_engine_new(m, &e), GRIDGOV_STATUS_OK);
  if (!e) return;
  uint64_t id = 0;
  CHECK_STATUS(gridgov_engine_report(e, SV001, T0, REPORT, &id), GRIDGOV_STATUS_OK);
  CHECK_STATUS(act(e, id, AC01, T0 + MIN, "{\"action\":\"accept\"}"), GRIDGOV_STATUS_OK);
  CHECK_STATUS(gridgov_engine_attach_journal(e, path, NULL), GRIDGOV_STATUS_OK);
  CHECK(events_in_journal() == 2); /* the history, written whole */
  CHECK_STATUS(act(e, id, SL01, T0 + 2 * MIN, "{\"action\":\"file\"}"), GRIDGOV_STATUS_OK);
  CHECK(events_in_journal() == 3); /* later calls commit */
  char other[300];
  snprintf(other, sizeof other, "%s-second", path);
  CHECK_STATUS(gridgov_engine_attach_journal(e, other, NULL), GRIDGOV_STATUS_INVALID_VALUE);
  CHECK_ERROR_MENTIONS("already writes a journal");
  char *before = events_of(e);
  gridgov_engine_free(e);
  unlink(other);

  gridgov_engine *again = open_journal(m);
  char *after = again ? events_of(again) : NULL;
  CHECK(before && after && strcmp(before, after) == 0);
  gridgov_string_free(before);
  gridgov_string_free(after);
  gridgov_engine_free(again);

  /* a journal holding events takes no second history */
  gridgov_engine *mem = NULL;
  CHECK_STATUS(gridgov_engine_new(m, &mem), GRIDGOV_STATUS_OK);
  CHECK_STATUS(gridgov_engine_report(mem, SV001, T0, REPORT, &id), GRIDGOV_STATUS_OK);
  CHECK_STATUS(gridgov_engine_attach_journal(mem, path, NULL), GRIDGOV_STATUS_JOURNAL);
  CHECK_ERROR_MENTIONS("already holds 3 events");
  CHECK(events_in_journal() == 3);
  CHECK_STATUS(gridgov_engine_attach_journal(mem, path, "{\"verfy\":1}"),
               GRIDGOV_STATUS_INVALID_VALUE);
  CHECK_ERROR_MENTIONS("verfy");
  CHECK_STATUS(gridgov_engine_attach_journal(NULL, path, NULL), GRIDGOV_STATUS_NULL_POINTER);
  CHECK_STATUS(gridgov_engine_attach_journal(mem, NULL, NULL), GRIDGOV_STATUS_NULL_POINTER);
  gridgov_engine_free(mem);
}

/* The same calls on two journals, one keeping its events in memory and one on disk
 * ("keep_events": false): the same cases, history, JSON lines (with and without contact
 * data), verification and counts; reopened on disk, the same again. */
#define ON_DISK "{\"keep_events\":false}"
#define CITIZEN "{\"citizen\":\"c-1\"}"
#define PHONE "13800000000"

static void drive(gridgov_engine *e) {
  uint64_t id = 0;
  CHECK_STATUS(gridgov_engine_report(e, CITIZEN, T0,
                                     "{\"category\":\"C0101\",\"grid\":\"" GRID "\","
                                     "\"source\":\"app\",\"description\":\"cover gone\","
                                     "\"contact\":\"" PHONE "\"}",
                                     &id),
               GRIDGOV_STATUS_OK);
  CHECK_STATUS(act(e, id, AC01, T0, "{\"action\":\"accept\"}"), GRIDGOV_STATUS_OK);
  CHECK_STATUS(gridgov_engine_batch_begin(e), GRIDGOV_STATUS_OK);
  CHECK_STATUS(gridgov_engine_report(e, SV001, T0 + MIN, REPORT, &id), GRIDGOV_STATUS_OK);
  CHECK_STATUS(act(e, id, AC01, T0 + 2 * MIN, "{\"action\":\"accept\"}"), GRIDGOV_STATUS_OK);
  CHECK_STATUS(gridgov_engine_batch_commit(e, NULL), GRIDGOV_STATUS_OK);
  /* a refused batch changes nothing */
  CHECK_STATUS(gridgov_engine_batch_begin(e), GRIDGOV_STATUS_OK);
  CHECK_STATUS(act(e, id, SL01, T0 + 3 * MIN, "{\"action\":\"file\"}"), GRIDGOV_STATUS_OK);
  CHECK_STATUS(gridgov_engine_batch_rollback(e, NULL), GRIDGOV_STATUS_OK);
  char *fired = NULL;
  CHECK_STATUS(gridgov_engine_sweep(e, T0 + 30LL * 24 * 60 * MIN, &fired, NULL),
               GRIDGOV_STATUS_OK);
  CHECK(fired && strstr(fired, "escalate") != NULL);
  gridgov_string_free(fired);
}

/* Whether two engines read the same: counts, cases (with history), lines, verification. */
static void same_reading(const gridgov_engine *a, const gridgov_engine *b) {
  size_t ca = 0, ea = 0, cb = 1, eb = 1;
  CHECK_STATUS(gridgov_engine_len(a, &ca, &ea), GRIDGOV_STATUS_OK);
  CHECK_STATUS(gridgov_engine_len(b, &cb, &eb), GRIDGOV_STATUS_OK);
  CHECK(ca == cb && ea == eb && ea > 4);
  for (uint64_t id = 1; id <= ca; id++) {
    char *ja = NULL, *jb = NULL;
    CHECK_STATUS(gridgov_engine_case_json(a, id, T0, &ja, NULL), GRIDGOV_STATUS_OK);
    CHECK_STATUS(gridgov_engine_case_json(b, id, T0, &jb, NULL), GRIDGOV_STATUS_OK);
    CHECK(ja && jb && strcmp(ja, jb) == 0 && strstr(ja, "\"history\":[{") != NULL);
    gridgov_string_free(ja);
    gridgov_string_free(jb);
  }
  const char *viewers[] = {NULL, SL01};
  for (size_t i = 0; i < 2; i++) {
    char *la = NULL, *lb = NULL;
    CHECK_STATUS(gridgov_engine_events_json(a, viewers[i], &la, NULL), GRIDGOV_STATUS_OK);
    CHECK_STATUS(gridgov_engine_events_json(b, viewers[i], &lb, NULL), GRIDGOV_STATUS_OK);
    CHECK(la && lb && strcmp(la, lb) == 0);
    /* contact data only for a viewer who may see it */
    CHECK(lb && (strstr(lb, PHONE) != NULL) == (viewers[i] != NULL));
    gridgov_string_free(la);
    gridgov_string_free(lb);
  }
  char *lines = (char *)0x1;
  CHECK_STATUS(gridgov_engine_events_json(b, SV001, &lines, NULL),
               GRIDGOV_STATUS_PERMISSION_DENIED);
  CHECK(lines == (char *)0x1);
  char *va = NULL, *vb = NULL;
  CHECK_STATUS(gridgov_engine_verify(a, &va, NULL), GRIDGOV_STATUS_OK);
  CHECK_STATUS(gridgov_engine_verify(b, &vb, NULL), GRIDGOV_STATUS_OK);
  CHECK(va && vb && strcmp(va, vb) == 0);
  gridgov_string_free(va);
  gridgov_string_free(vb);
}

static void test_on_disk(const gridgov_model *m) {
  remove_journal();
  char mem_path[300];
  snprintf(mem_path, sizeof mem_path, "%s.memory", path);
  unlink(mem_path);
  gridgov_engine *mem = NULL, *disk = NULL;
  CHECK_STATUS(gridgov_engine_open(m, mem_path, NULL, &mem), GRIDGOV_STATUS_OK);
  CHECK_STATUS(gridgov_engine_open(m, path, ON_DISK, &disk), GRIDGOV_STATUS_OK);
  if (!mem || !disk) return;
  bool on_disk = false;
  CHECK_STATUS(gridgov_engine_events_on_disk(disk, &on_disk), GRIDGOV_STATUS_OK);
  CHECK(on_disk);
  CHECK_STATUS(gridgov_engine_events_on_disk(mem, &on_disk), GRIDGOV_STATUS_OK);
  CHECK(!on_disk);
  drive(mem);
  drive(disk);
  same_reading(mem, disk);
  gridgov_engine_free(disk);
  disk = NULL;
  CHECK_STATUS(gridgov_engine_open(m, path, ON_DISK, &disk), GRIDGOV_STATUS_OK);
  if (disk) same_reading(mem, disk); /* the history now comes from the file */
  CHECK_STATUS(gridgov_engine_open(m, path, "{\"keep_events\":1}", &disk),
               GRIDGOV_STATUS_INVALID_VALUE);
  CHECK_ERROR_MENTIONS("keep_events");
  gridgov_engine_free(disk);
  gridgov_engine_free(mem);
  const char *suffixes[] = {"", "-wal", "-shm", "-writer", "-writer-journal"};
  char p[320];
  for (size_t i = 0; i < sizeof suffixes / sizeof *suffixes; i++) {
    snprintf(p, sizeof p, "%s%s", mem_path, suffixes[i]);
    unlink(p);
  }
}

static void test_bad_arguments(const gridgov_model *m) {
  remove_journal();
  gridgov_engine *e = NULL;
  CHECK_STATUS(gridgov_engine_open(NULL, path, NULL, &e), GRIDGOV_STATUS_NULL_POINTER);
  CHECK_STATUS(gridgov_engine_open(m, NULL, NULL, &e), GRIDGOV_STATUS_NULL_POINTER);
  CHECK_STATUS(gridgov_engine_open(m, path, NULL, NULL), GRIDGOV_STATUS_NULL_POINTER);
  CHECK_STATUS(gridgov_engine_open(m, "\xff", NULL, &e), GRIDGOV_STATUS_INVALID_UTF8);
  CHECK_STATUS(gridgov_engine_open(m, path, "{", &e), GRIDGOV_STATUS_PARSE);
  CHECK_STATUS(gridgov_engine_open(m, path, "{\"verfy\":false}", &e),
               GRIDGOV_STATUS_INVALID_VALUE);
  CHECK_ERROR_MENTIONS("verfy");
  CHECK_STATUS(gridgov_engine_open(m, path, "{\"synchronous\":\"sometimes\"}", &e),
               GRIDGOV_STATUS_INVALID_VALUE);
  CHECK_ERROR_MENTIONS("sometimes");
  CHECK_STATUS(gridgov_engine_open(m, "/nonexistent-dir/x.journal", NULL, &e),
               GRIDGOV_STATUS_JOURNAL);
  CHECK_ERROR_MENTIONS("/nonexistent-dir/x.journal");
  CHECK(e == NULL);
  CHECK_STATUS(gridgov_engine_batch_begin(NULL), GRIDGOV_STATUS_NULL_POINTER);
  CHECK_STATUS(gridgov_engine_set_sink(NULL, host_sink, NULL), GRIDGOV_STATUS_NULL_POINTER);
  char *out = NULL;
  CHECK_STATUS(gridgov_journal_verify(NULL, &out, NULL), GRIDGOV_STATUS_NULL_POINTER);
  CHECK_STATUS(gridgov_journal_verify(path, NULL, NULL), GRIDGOV_STATUS_NULL_POINTER);
  CHECK_STATUS(gridgov_journal_verify("/nonexistent-dir/x.journal", &out, NULL),
               GRIDGOV_STATUS_JOURNAL);
  CHECK(out == NULL);

  /* the options that exist are taken */
  CHECK_STATUS(gridgov_engine_open(m, path, "{\"synchronous\":\"normal\",\"verify\":false}", &e),
               GRIDGOV_STATUS_OK);
  gridgov_engine_free(e);
  /* another model is refused, naming both hashes */
  char fixture[512];
  fixture_path(fixture, sizeof fixture, "cities/tiny.toml");
  gridgov_model *tiny = NULL;
  CHECK_STATUS(gridgov_model_from_path(fixture, &tiny), GRIDGOV_STATUS_OK);
  e = NULL;
  CHECK_STATUS(gridgov_engine_open(tiny, path, NULL, &e), GRIDGOV_STATUS_JOURNAL);
  CHECK_ERROR_MENTIONS("sha256");
  CHECK(e == NULL);
  gridgov_model_free(tiny);
}

int main(void) {
  snprintf(path, sizeof path, "/tmp/gridgov-c-journal-%ld.journal", (long)getpid());
  gridgov_model *m = NULL;
  CHECK_STATUS(gridgov_model_sample(&m), GRIDGOV_STATUS_OK);
  test_open_commit_reopen(m);
  test_tamper(m);
  test_migration(m);
  test_batches(m);
  test_sink(m);
  test_sink_catch_up(m);
  test_catch_up_history(m);
  test_attach(m);
  test_on_disk(m);
  test_bad_arguments(m);
  gridgov_model_free(m);
  remove_journal();
  return finish("test_journal");
}
