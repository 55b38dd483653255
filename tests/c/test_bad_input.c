/* gridgov C ABI: each kind of bad model input gets GRIDGOV_STATUS_MODEL and a message naming
 * the bad value and its path; nothing is written to the output handle. */
#include "check.h"

static const char *BASE =
    "name = \"tiny\"\n"
    "[[areas]]\ncode = \"379900\"\nname = \"c\"\nlevel = \"city\"\n"
    "[[areas]]\ncode = \"379901\"\nname = \"d\"\nlevel = \"district\"\nparent = \"379900\"\n"
    "[[areas]]\ncode = \"379901001\"\nname = \"s\"\nlevel = \"street\"\nparent = \"379901\"\n"
    "[[areas]]\ncode = \"379901001001\"\nname = \"m\"\nlevel = \"community\"\nparent = \"379901001\"\n"
    "[[areas]]\ncode = \"37990100100101\"\nname = \"g\"\nlevel = \"grid\"\nparent = \"379901001001\"\n"
    "[[units]]\nid = \"CMD\"\nname = \"centre\"\n%s\n"
    "[[units]]\nid = \"%s\"\nname = \"dept\"\nparent = \"CMD\"\n"
    "[[duty]]\ncategory = \"*\"\nunit = \"%s\"\n"
    "%s";

static void expect_model_error(const char *cmd_extra, const char *dept, const char *rule_unit,
                               const char *tail, const char *path, const char *needle) {
  char text[4096];
  snprintf(text, sizeof text, BASE, cmd_extra, dept, rule_unit, tail);
  gridgov_model *m = (gridgov_model *)0x1;
  CHECK_STATUS(gridgov_model_from_text(text, strlen(text), GRIDGOV_FORMAT_TOML, &m),
               GRIDGOV_STATUS_MODEL);
  CHECK(m == (gridgov_model *)0x1);
  CHECK_ERROR_MENTIONS(needle);
  char *issues = NULL;
  CHECK_STATUS(gridgov_last_error_issues(&issues, NULL), GRIDGOV_STATUS_OK);
  char quoted[256];
  snprintf(quoted, sizeof quoted, "\"path\":\"%s\"", path);
  CHECK(issues != NULL && strstr(issues, quoted) != NULL);
  if (issues && !strstr(issues, quoted)) fprintf(stderr, "  issues: %s\n", issues);
  gridgov_string_free(issues);
}

int main(void) {
  /* the base is valid */
  char text[4096];
  snprintf(text, sizeof text, BASE, "", "A", "A", "");
  gridgov_model *m = NULL;
  CHECK_STATUS(gridgov_model_from_text(text, strlen(text), GRIDGOV_FORMAT_TOML, &m), GRIDGOV_STATUS_OK);
  gridgov_model_free(m);

  /* a rule naming an unknown unit */
  expect_model_error("", "A", "NOBODY", "", "duty[0].unit", "NOBODY");
  /* duplicate unit ids */
  expect_model_error("", "CMD", "CMD", "", "units[1].id", "duplicates units[0].id");
  /* a cycle in the unit graph */
  expect_model_error("parent = \"A\"", "A", "A", "", "units[0].parent", "cycle");
  /* duplicate area codes */
  expect_model_error("", "A", "A",
                     "[[areas]]\ncode = \"37990100100101\"\nname = \"g2\"\nlevel = \"grid\"\n"
                     "parent = \"379901001001\"\n",
                     "areas[5].code", "duplicates areas[4].code");
  /* an unknown level and an unknown parent */
  expect_model_error("", "A", "A",
                     "[[areas]]\ncode = \"37990100100102\"\nname = \"g2\"\nlevel = \"cell\"\n"
                     "parent = \"379901001009\"\n",
                     "areas[5].parent", "379901001009");
  /* overlapping calendar windows and a window past 24:00 */
  expect_model_error("", "A", "A",
                     "[calendar]\nbase = \"china\"\nworkday = [\"08:00-12:00\", \"11:30-13:00\"]\n",
                     "calendar.workday[1]", "overlaps");
  expect_model_error("", "A", "A",
                     "[calendar]\nbase = \"china\"\nworkday = [\"08:00-24:30\"]\n",
                     "calendar.workday[0]", "24:30");
  /* a holiday outside the covered years */
  expect_model_error("", "A", "A",
                     "[calendar]\nbase = \"china\"\n[[calendar.holidays]]\nname = \"x\"\noff = [\"2031-01-01\"]\n",
                     "calendar.holidays[0].off[0]", "2031-01-01");
  /* escalation rules naming an unknown unit or too many levels */
  expect_model_error("", "A", "A",
                     "[[escalation]]\nname = \"x\"\ntrigger = { overdue = true }\n"
                     "action = { notify = \"GHOST\" }\n",
                     "escalation[0].action.notify", "GHOST");
  expect_model_error("", "A", "A",
                     "[[escalation]]\nname = \"x\"\ntrigger = { share = 0.5 }\n"
                     "action = { escalate = 42 }\n",
                     "escalation[0].action.escalate", "42 levels");
  return finish("test_bad_input");
}
