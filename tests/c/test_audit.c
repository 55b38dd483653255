/* gridgov C ABI: the SHA-256 audit chain of exported events. */
#include "check.h"

#define T0 1762131600000LL /* 2025-11-03 09:00 +08:00 */

/* Removes every `"hash":"<64 hex>",` member in place (a host that stored events without them). */
static void strip_hashes(char *s) {
  char *at;
  while ((at = strstr(s, "\"hash\":\"")) != NULL) {
    size_t cut = 8 + 64 + 2; /* "hash":" + hex + ", */
    memmove(at, at + cut, strlen(at + cut) + 1);
  }
}

int main(void) {
  gridgov_model *m = NULL;
  CHECK_STATUS(gridgov_model_sample(&m), GRIDGOV_STATUS_OK);
  gridgov_engine *e = NULL;
  CHECK_STATUS(gridgov_engine_new(m, &e), GRIDGOV_STATUS_OK);
  uint64_t id = 0;
  CHECK_STATUS(gridgov_engine_report(e, "{\"worker\":\"SV001\"}", T0,
                                     "{\"category\":\"C0101\",\"grid\":\"37990100100101\"}", &id),
               GRIDGOV_STATUS_OK);
  char *ev = NULL;
  CHECK_STATUS(gridgov_engine_act(e, id, "{\"worker\":\"AC01\"}", T0, "{\"action\":\"accept\"}", &ev, NULL),
               GRIDGOV_STATUS_OK);
  gridgov_string_free(ev);
  ev = NULL;
  CHECK_STATUS(gridgov_engine_act(e, id, "{\"worker\":\"SL01\"}", T0, "{\"action\":\"file\"}", &ev, NULL),
               GRIDGOV_STATUS_OK);
  gridgov_string_free(ev);

  char *head = NULL;
  CHECK_STATUS(gridgov_engine_verify(e, &head, NULL), GRIDGOV_STATUS_OK);
  CHECK(head != NULL && strstr(head, "\"events\":3") != NULL && strstr(head, "\"head\":\"") != NULL);

  char *lines = NULL;
  size_t len = 0;
  CHECK_STATUS(gridgov_engine_events_json(e, NULL, &lines, &len), GRIDGOV_STATUS_OK);
  char *again = NULL;
  CHECK_STATUS(gridgov_verify_events(lines, len, &again, NULL), GRIDGOV_STATUS_OK);
  CHECK(again != NULL && head != NULL && strcmp(again, head) == 0);
  gridgov_string_free(again);

  /* Tamper with the second line: the first broken link is named, nothing is written. */
  char *mark = strstr(lines, "\"action\":\"accept\"");
  CHECK(mark != NULL);
  if (mark) memcpy(mark + 10, "ACCEPT", 6);
  again = (char *)0x1;
  CHECK_STATUS(gridgov_verify_events(lines, len, &again, NULL), GRIDGOV_STATUS_INVALID_VALUE);
  CHECK(again == (char *)0x1);
  CHECK_ERROR_MENTIONS("line 2");
  gridgov_engine *r = NULL;
  CHECK_STATUS(gridgov_engine_replay(m, lines, len, &r), GRIDGOV_STATUS_INVALID_VALUE);
  CHECK(r == NULL);
  CHECK_STATUS(gridgov_verify_events(NULL, 3, &again, NULL), GRIDGOV_STATUS_NULL_POINTER);
  CHECK_STATUS(gridgov_verify_events("\xff", 1, &again, NULL), GRIDGOV_STATUS_INVALID_UTF8);
  CHECK_STATUS(gridgov_engine_verify(NULL, &again, NULL), GRIDGOV_STATUS_NULL_POINTER);

  gridgov_string_free(lines);

  /* Hashes stripped and the acceptor changed: the verified replay refuses the first line; the
     unverified one, asked for explicitly, takes the edited log. */
  CHECK_STATUS(gridgov_engine_events_json(e, NULL, &lines, &len), GRIDGOV_STATUS_OK);
  strip_hashes(lines);
  CHECK(strstr(lines, "hash") == NULL);
  char *acceptor = strstr(lines, "\"AC01\"");
  CHECK(acceptor != NULL);
  if (acceptor) acceptor[4] = '2';
  len = strlen(lines);
  r = (gridgov_engine *)0x1;
  CHECK_STATUS(gridgov_engine_replay(m, lines, len, &r), GRIDGOV_STATUS_INVALID_VALUE);
  CHECK(r == (gridgov_engine *)0x1);
  CHECK_ERROR_MENTIONS("line 1");
  CHECK_ERROR_MENTIONS("hash");
  r = NULL;
  CHECK_STATUS(gridgov_engine_replay_unverified(m, lines, len, &r), GRIDGOV_STATUS_OK);
  char *edited = NULL;
  CHECK_STATUS(gridgov_engine_events_json(r, NULL, &edited, NULL), GRIDGOV_STATUS_OK);
  CHECK(edited != NULL && strstr(edited, "\"AC02\"") != NULL);
  gridgov_string_free(edited);
  gridgov_engine_free(r);
  CHECK_STATUS(gridgov_engine_replay_unverified(m, NULL, 3, &r), GRIDGOV_STATUS_NULL_POINTER);
  CHECK_STATUS(gridgov_engine_replay_unverified(m, "{", 1, &r), GRIDGOV_STATUS_PARSE);
  gridgov_string_free(lines);
  gridgov_string_free(head);
  gridgov_engine_free(e);
  gridgov_model_free(m);
  return finish("test_audit");
}
