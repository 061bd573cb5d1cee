# recall — two commands do all the set-up on a fresh machine:
#   make run    opens the desk app on a demo database (made on first run)
#   make test   passes the tests (SQLite always; PostgreSQL whenever it answers)

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
DEMO_DB := data/demo.db
# PostgreSQL for the storage tests: used whenever it answers (CI makes sure it does).
export RECALL_TEST_PG_URL ?= postgresql://postgres@127.0.0.1:5432/postgres

.PHONY: run test lint demo screens bench bench-desk bench-his clean venv fuzz

venv: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

$(DEMO_DB): | $(STAMP)
	$(VENV)/bin/recall --config recall.toml demo --patients 3000 --days 180

demo: $(STAMP)
	rm -f $(DEMO_DB) $(DEMO_DB)-wal $(DEMO_DB)-shm
	$(VENV)/bin/recall --config recall.toml demo --patients 3000 --days 180

run: $(STAMP) $(DEMO_DB)
	@$(VENV)/bin/recall --config recall.toml init > /dev/null
	$(VENV)/bin/recall --config recall.toml

lint: $(STAMP)
	$(VENV)/bin/lint-imports
	$(VENV)/bin/ruff check recall_tui tests bench

test: $(STAMP)
	$(VENV)/bin/lint-imports
	$(PY) -m pytest -n 2 --dist loadgroup $(PYTEST_ARGS)

# The fuzz test of `make test`, much longer and with a random seed (prints its counts).
FUZZ_EXAMPLES ?= 5000
fuzz: $(STAMP)
	RECALL_FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) $(PY) -m pytest -s -p no:cacheprovider \
		tests/hardening/test_fuzz.py

screens: $(STAMP)
	$(PY) -m recall_tui.ui.screenshots --config recall.toml screens

bench: $(STAMP)
	$(PY) bench/run.py

bench-desk: $(STAMP)
	$(PY) bench/desk_bench.py

bench-his: $(STAMP)
	$(PY) bench/his_bench.py

clean:
	rm -rf $(VENV) $(DEMO_DB) $(DEMO_DB)-wal $(DEMO_DB)-shm
