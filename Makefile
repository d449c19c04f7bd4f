# Hållbar: one command per task. See README.md.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
STAMP := $(VENV)/.installed
DEMO_ENV := HALLBAR_DEMO=true DEBUG=true
TEST_ENV := HALLBAR_TESTING=true DJANGO_ALLOW_ASYNC_UNSAFE=true
# WeasyPrint's native libraries and fonts (PDF of the report), poppler for PDF checks.
PDF_PACKAGES := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core poppler-utils

.PHONY: run test lint format bench messages reference-data venv clean

$(STAMP): pyproject.toml constraints.txt
	@$(PYTHON) -m venv --help >/dev/null 2>&1 || scripts/ensure-debian-packages python3-venv
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade "pip==25.3"
	$(BIN)/pip install --quiet -c constraints.txt -e ".[dev]"
	@touch $(STAMP)

venv: $(STAMP)

## make run: the product on SQLite with Hallstahammar's demo data, http://127.0.0.1:$(PORT)
run: $(STAMP)
	@mkdir -p var
	@scripts/ensure-debian-packages $(PDF_PACKAGES) || echo "PDF output will not work until these are installed."
	$(DEMO_ENV) $(BIN)/python manage.py migrate --noinput -v 0
	$(DEMO_ENV) $(BIN)/python manage.py load_reference_data
	$(DEMO_ENV) $(BIN)/python manage.py load_kolada_reference
	$(DEMO_ENV) $(BIN)/python manage.py load_demo_data
	$(DEMO_ENV) $(BIN)/python manage.py runserver --noreload 127.0.0.1:$(PORT)

## make test: the whole suite on PostgreSQL (DATABASE_URL, or a private throwaway cluster)
test: $(STAMP)
	@scripts/ensure-debian-packages postgresql chromium $(PDF_PACKAGES)
	$(TEST_ENV) scripts/with-postgres $(BIN)/pytest $(PYTEST_ARGS)

## make lint: ruff, pending migrations, deploy checks with production-like settings
lint: $(STAMP)
	@mkdir -p var
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python manage.py makemigrations --check --dry-run
	SECRET_KEY=lint-only-$$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n') \
	  ALLOWED_HOSTS=hallbar.example.se $(BIN)/python manage.py check --deploy --fail-level WARNING

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

BENCHMARKS := bench/followup.py bench/interactions.py bench/report.py

## make bench: benchmarks as ratios against baselines measured in the same run (PostgreSQL)
bench: $(STAMP)
	@scripts/ensure-debian-packages postgresql $(PDF_PACKAGES)
	HALLBAR_TESTING=true scripts/with-postgres bash -c 'status=0; for script in $(BENCHMARKS); do \
	  echo "== $$script"; $(BIN)/python "$$script" || status=1; done; exit $$status'

## make messages: refresh and compile the translation catalogues (needs gettext)
messages: $(STAMP)
	DEBUG=true $(BIN)/python manage.py makemessages -l sv --no-obsolete --ignore ".venv/*" --ignore "var/*" --ignore "tests/*" --ignore "scripts/*" --ignore "bench/*"
	DEBUG=true $(BIN)/python manage.py compilemessages --ignore ".venv/*"

## make reference-data: regenerate the shipped fixtures from ../shared/data
reference-data: $(STAMP)
	$(BIN)/python scripts/build_reference_data.py --source ../shared/data
	$(BIN)/python scripts/build_kolada_reference.py --source ../shared/data

clean:
	rm -rf var
