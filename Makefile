# gridgov — the two commands of the README are `make demo` and `make test`.
.DEFAULT_GOAL := help
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c

VENV   := .venv
PY     := $(VENV)/bin/python
CARGO  ?= cargo
CC     ?= gcc
CFLAGS_STRICT := -std=c11 -Wall -Wextra -Werror -pedantic -g -Iinclude
SAN    := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
CLIBS  := -lpthread -ldl -lm
CTESTS := $(wildcard tests/c/test_*.c)
# what the C and Java tests read, run from the repository root: the built-in sample city and
# the test data shared by every language
TEST_ENV := GRIDGOV_SAMPLE_DIR=core/data GRIDGOV_FIXTURES=tests/fixtures

.PHONY: help
help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-12s %s\n", $$1, $$2}'

$(VENV)/.installed: python/requirements-dev.txt
	python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r python/requirements-dev.txt
	touch $@

.PHONY: venv
venv: $(VENV)/.installed ## create .venv with maturin, pytest, numpy, pandas, mypy, ruff

.PHONY: python
python: venv ## build the Python extension into .venv (release)
	VIRTUAL_ENV=$(abspath $(VENV)) PATH=$(abspath $(VENV))/bin:$$PATH \
	  $(VENV)/bin/maturin develop --quiet --release -m python/Cargo.toml

.PHONY: ffi
ffi: ## build the C library (target/debug/libgridgov.{so,a})
	$(CARGO) build -p gridgov-ffi

.PHONY: header
header: ## regenerate include/gridgov.h and schema/model.schema.json
	GRIDGOV_BLESS=1 $(CARGO) test -p gridgov-ffi --test header
	GRIDGOV_BLESS=1 $(CARGO) test -p gridgov --test schema

.PHONY: fmt
fmt: ## format the Rust code
	$(CARGO) fmt --all

.PHONY: lint
lint: venv ## fmt check, clippy -D warnings, rustdoc without warnings, ruff, mypy --strict
	$(CARGO) fmt --all --check
	$(CARGO) clippy --workspace --all-targets -- -D warnings
	RUSTDOCFLAGS=-Dwarnings $(CARGO) doc --workspace --no-deps
	$(PY) -m ruff check --config python/pyproject.toml python/gridgov tests/python bench examples
	$(PY) -m mypy --config-file python/pyproject.toml --strict python/gridgov

.PHONY: test-rust
test-rust: ## Rust unit, integration and doc tests (includes header and schema drift checks)
	$(CARGO) test --workspace

# The C contract checks are generated from the header (every function, every pointer NULL in
# turn, invalid UTF-8 in every string, outputs untouched on failure).
tests/c/build/test_contract.c: include/gridgov.h tests/c/gen_contract.py
	mkdir -p tests/c/build
	python3 tests/c/gen_contract.py include/gridgov.h > $@

.PHONY: test-c
test-c: ffi tests/c/build/test_contract.c ## C tests under ASan/UBSan, then under valgrind
	mkdir -p tests/c/build
	for t in $(CTESTS) tests/c/build/test_contract.c; do \
	  n=$$(basename $$t .c); \
	  $(CC) $(CFLAGS_STRICT) -Itests/c $(SAN) $$t target/debug/libgridgov.a $(CLIBS) -o tests/c/build/$$n.asan; \
	  $(CC) $(CFLAGS_STRICT) -Itests/c $$t target/debug/libgridgov.a $(CLIBS) -o tests/c/build/$$n; \
	  if ! $(TEST_ENV) ./tests/c/build/$$n.asan 2>tests/c/build/$$n.stderr; then \
	    cat tests/c/build/$$n.stderr >&2; exit 1; fi; \
	  cat tests/c/build/$$n.stderr >&2; \
	  if grep -q "panicked" tests/c/build/$$n.stderr; then \
	    echo "$$n: a caught panic was printed to the host's stderr" >&2; exit 1; fi; \
	  $(TEST_ENV) valgrind --quiet --error-exitcode=1 --leak-check=full \
	    --errors-for-leak-kinds=definite,indirect ./tests/c/build/$$n; \
	done

JNA_JAR := /usr/share/java/jna.jar

.PHONY: test-java
test-java: ffi ## the Java (JNA) test against target/debug/libgridgov.so
	@if [ ! -f $(JNA_JAR) ] && [ "$$(id -u)" = 0 ]; then \
	  apt-get update -qq && apt-get install -y -qq libjna-java >/dev/null; fi
	@if [ -f $(JNA_JAR) ]; then \
	  $(TEST_ENV) java -cp $(JNA_JAR) -Djna.library.path=target/debug tests/java/GridgovTest.java; \
	else echo "test-java: SKIPPED: Debian's libjna-java is not installed (make test installs it as root)"; fi

.PHONY: test-python
test-python: python ## pytest and mypy.stubtest (the report's browser test needs Debian's chromium)
	@if ! command -v chromium >/dev/null && [ "$$(id -u)" = 0 ]; then \
	  apt-get update -qq && apt-get install -y -qq chromium fonts-noto-cjk >/dev/null; fi
	$(PY) -m pytest -q tests/python
	$(PY) -m mypy.stubtest gridgov --allowlist python/stubtest-allowlist.txt

.PHONY: test
test: venv lint test-rust test-c test-java test-python ## everything CI runs
	@echo "make test: all checks passed"

.PHONY: crash
crash: ## the journal crash test with 1000 SIGKILLs (make test runs 50)
	GRIDGOV_CRASH_KILLS=1000 $(CARGO) test --release -p gridgov --test journal crash_test -- --nocapture

.PHONY: soak
soak: ## 10^6 open cases on a journal (events on disk), a simulated month of sweeps and actions (about 11 minutes; not in make test)
	$(CARGO) test --release -p gridgov --test journal soak -- --ignored --nocapture

.PHONY: fuzz
fuzz: ## the mutation harness for GRIDGOV_FUZZ_SECS (default 1800), optimised, overflow checks on
	CARGO_PROFILE_RELEASE_OVERFLOW_CHECKS=true CARGO_PROFILE_RELEASE_DEBUG_ASSERTIONS=true \
	CARGO_TARGET_DIR=target/fuzz GRIDGOV_FUZZ_SECS=$${GRIDGOV_FUZZ_SECS:-1800} \
	  $(CARGO) test --release -p gridgov --test mutate -- --nocapture

.PHONY: demo
demo: python ## two months of the sample city simulated, located, scored and reported (out/report.html)
	$(PY) examples/demo.py

.PHONY: tour
tour: python ## the API on the sample city from Python and from Rust: routing, deadlines, scores, division
	$(PY) examples/tour.py
	$(CARGO) run --quiet --release -p gridgov --example demo

.PHONY: bench
bench: python ## every benchmark (criterion, then bench/*.py beside their peers); rewrites the measured block of BENCHMARKS.md
	$(PY) bench/run.py $(BENCH_ARGS)
