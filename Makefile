# Two commands on a fresh machine: `make run` and `make test` (README).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
VENDOR := kaohe/static/vendor
PG_URL ?= postgres://postgres@127.0.0.1:5432/kaohe

.PHONY: run test test-sqlite test-postgres lint assets setup clean bundle openapi

$(BIN)/kaohe: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

$(VENDOR)/.stamp: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	mkdir -p $(VENDOR)/htmx $(VENDOR)/echarts $(VENDOR)/bootstrap $(VENDOR)/swagger-ui
	cp node_modules/htmx.org/dist/htmx.min.js $(VENDOR)/htmx/
	cp node_modules/echarts/dist/echarts.min.js $(VENDOR)/echarts/
	cp node_modules/bootstrap/dist/css/bootstrap.min.css node_modules/bootstrap/dist/css/bootstrap.min.css.map $(VENDOR)/bootstrap/
	cp node_modules/swagger-ui-dist/swagger-ui-bundle.js node_modules/swagger-ui-dist/swagger-ui.css node_modules/swagger-ui-dist/LICENSE $(VENDOR)/swagger-ui/
	touch $@

# After changing the API on purpose: rewrite the schema snapshot kaohe/tests/test_openapi.py compares.
openapi: setup
	KAOHE_WRITE_OPENAPI=1 $(BIN)/pytest -q -p no:xdist kaohe/tests/test_openapi.py

setup: $(BIN)/kaohe assets
assets: $(VENDOR)/.stamp

run: export KAOHE_DEV=1
run: setup
	mkdir -p var
	@# Development mode: debug pages, the demo secret and plain HTTP (production is the default).
	$(BIN)/kaohe migrate --no-input
	$(BIN)/kaohe demo --if-empty
	$(BIN)/kaohe compilemessages --ignore=.venv >/dev/null 2>&1 || true
	@# The task worker (compute, workbook and roster imports) runs beside the server and stops with it.
	$(BIN)/kaohe db_worker --no-reload & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(BIN)/kaohe runserver 127.0.0.1:$(PORT)

test: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(MAKE) test-sqlite
	@if [ "$$CI" = "true" ] || [ -n "$$KAOHE_TEST_POSTGRES" ]; then $(MAKE) test-postgres; fi

test-sqlite:
	$(BIN)/pytest -n 2 -m "not browser"
	$(BIN)/pytest -m browser

# The rules and workbook packages never touch a database; the offline bundle is built, and the tests that bring
# their own database server run, once: in the SQLite pass.
test-postgres:
	DATABASE_URL=$(PG_URL) $(BIN)/pytest -n 2 -m "not browser and not bundle and not standalone" --ignore=kaohe/rules --ignore=kaohe/workbook

# One archive with every wheel (Linux x86_64 and aarch64, Python 3.11–3.13) and the front-end assets, for a
# machine with no network: dist/kaohe-bundle-VERSION.tar.gz (its README installs and starts Kaohe).
bundle: setup
	$(BIN)/python deploy/bundle.py --out dist

lint:
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean:
	rm -rf $(VENV) node_modules $(VENDOR) staticfiles dist
