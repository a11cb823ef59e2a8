# Sổ tay Đảng viên — every set-up step a fresh machine needs.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# Two installs into the one venv: `make run` needs only the runtime (requirements.txt);
# test, bench, audit and setup-dev add the development tools (requirements-dev.txt).
STAMP := $(VENV)/.installed
DEV_STAMP := $(VENV)/.installed-dev
HOST ?= 127.0.0.1
PORT ?= 5000
export FLASK_APP := wsgi

.PHONY: run test bench audit setup-dev db content index demo clean

$(STAMP): requirements.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $(STAMP)

# After the runtime, so a changed requirements.txt re-runs both and a changed
# requirements-dev.txt re-runs only this.
$(DEV_STAMP): $(STAMP) requirements-dev.txt
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $(DEV_STAMP)

setup-dev: $(DEV_STAMP)

# Development instance: SQLite under instance/, the library imported and indexed,
# demo accounts (their passwords are printed), then the server on http://127.0.0.1:5000,
# which also publishes scheduled documents on time.
run: export HANDBOOK_ENV_NAME := development
run: $(STAMP)
	$(BIN)/flask handbook init-db
	$(BIN)/flask handbook import-content
	$(BIN)/flask handbook reindex --if-needed
	$(BIN)/flask handbook demo --scale small
	$(BIN)/flask handbook demo-campaign
	$(BIN)/flask handbook serve --host $(HOST) --port $(PORT)

# The whole suite on SQLite, then again on PostgreSQL when HANDBOOK_TEST_DATABASE_URL
# names a database that may be emptied (.ci/run starts one).
test: $(DEV_STAMP)
	$(BIN)/ruff check handbook tests benchmarks
	$(BIN)/ruff format --check handbook tests benchmarks
	$(BIN)/lint-imports --no-cache  # the layers of .importlinter (docs/architecture.md)
	$(BIN)/python -m pytest
	@if [ -n "$$HANDBOOK_TEST_DATABASE_URL" ]; then \
	  echo "== The whole suite again, on PostgreSQL"; \
	  HANDBOOK_TEST_BACKEND=postgresql $(BIN)/python -m pytest -m "not browser"; \
	else \
	  echo "== PostgreSQL pass SKIPPED: set HANDBOOK_TEST_DATABASE_URL to run the suite on PostgreSQL too"; \
	fi

# Known vulnerabilities in the pinned dependencies (pip-audit).
audit: $(DEV_STAMP)
	$(BIN)/python .ci/audit.py

# Each benchmark prints its figures beside a peer measured in the same run.
bench: $(DEV_STAMP)
	@command -v wrk >/dev/null || (apt-get update -qq && apt-get install -y -qq wrk)
	@command -v chromium >/dev/null || (apt-get update -qq && apt-get install -y -qq chromium)
	$(BIN)/python -m benchmarks.http_bench
	$(BIN)/python benchmarks/search_bench.py
	$(BIN)/python -m benchmarks.search_flood_bench
	$(BIN)/python -m benchmarks.accounts_bench --logins
	$(BIN)/python -m benchmarks.study_bench
	$(BIN)/python -m benchmarks.reports_bench
	$(BIN)/python -m benchmarks.publish_bench
	$(BIN)/python -m benchmarks.lifecycle_bench
	$(BIN)/python -m benchmarks.api_bench
	$(BIN)/python -m benchmarks.browser_bench
	$(BIN)/python -m benchmarks.durability_bench
	$(BIN)/python -m benchmarks.report_plans
	$(BIN)/python -m benchmarks.load_bench

clean:
	rm -rf $(VENV) instance search_index/*/ .pytest_cache
