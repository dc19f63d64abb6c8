# lienhe213 — the two commands: `make run` and `make test`.
# Needs only Python 3.11+ and the package registries; everything else is installed here.

PORT ?= 8000
PRESET ?= small
UV = $(shell command -v uv 2>/dev/null || echo .tools/bin/uv)
PY = .venv/bin/python
export UV_PYTHON_DOWNLOADS = never
# The development commands run with DEBUG on; a deployment sets DJANGO_DEBUG=0 (and the
# settings are off by default when nothing is set).
export DJANGO_DEBUG ?= 1

.PHONY: install run system-deps pdf-deps browser test lint messages bench bench-deps

install:
	@command -v uv >/dev/null 2>&1 || test -x .tools/bin/uv || \
		(python3 -m venv .tools && .tools/bin/pip install -q uv)
	$(UV) sync --locked --quiet
	$(PY) -m babel.messages.frontend compile -d lienhe213/locale -D django --statistics >/dev/null
	$(PY) manage.py collectstatic --noinput -v0

run: install pdf-deps
	$(PY) manage.py migrate -v0
	$(PY) manage.py load_guidance -v0
	$(PY) manage.py seed_demo --preset $(PRESET) --if-empty   # prints the demo logins
	$(PY) manage.py run_due
	@# The task worker (letter batches, e-mail digests) runs beside the server and stops with it.
	$(PY) manage.py db_worker --no-reload & worker=$$!; trap 'kill $$worker' EXIT INT TERM; \
		$(PY) manage.py runserver 127.0.0.1:$(PORT)

# System packages, from Debian's apt as root (otherwise a message says what to install):
# the PDFs need Pango/HarfBuzz (WeasyPrint) and Liberation Serif, a Times-metric font with
# every Vietnamese diacritic; the browser tests need chromium as well.
PDF_PACKAGES = libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-liberation2
BROWSER_PACKAGES = chromium
PDF_FONT = /usr/share/fonts/truetype/liberation2/LiberationSerif-Regular.ttf

system-deps: pdf-deps browser

pdf-deps:
	@{ test -f $(PDF_FONT) && $(PY) -c "import weasyprint" 2>/dev/null; } || { \
		if [ "$$(id -u)" = 0 ]; then apt-get update -qq && \
			DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(PDF_PACKAGES); \
		else echo "The PDF documents need Pango and Liberation Serif: sudo apt-get install $(PDF_PACKAGES)"; exit 1; fi; }

browser: pdf-deps
	@test -x /usr/bin/chromium || { \
		if [ "$$(id -u)" = 0 ]; then apt-get update -qq && \
			DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(BROWSER_PACKAGES); \
		else echo "Install Debian's chromium (sudo apt-get install $(BROWSER_PACKAGES)) for the browser tests"; exit 1; fi; }

test: install system-deps
	$(PY) -m pytest $(PYTEST_ARGS)

lint:
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .
	.venv/bin/mypy lienhe213
	$(PY) manage.py makemigrations --check --dry-run

messages:
	$(PY) manage.py makemessages -l vi --no-obsolete --add-location file -i ".venv/*" -i ".tools/*" -i "staticfiles/*" -i "bench/*"

# The HTTP benchmarks load gunicorn: bench/bench_http.py with Debian's wrk,
# bench/bench_peak.py with locust (the uv dependency group "bench", on top of the default ones).
bench-deps:
	$(UV) sync --locked --quiet --group bench
	@command -v wrk >/dev/null 2>&1 || { \
		if [ "$$(id -u)" = 0 ]; then apt-get update -qq && \
			DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk; \
		else echo "The HTTP benchmark needs wrk: sudo apt-get install wrk"; exit 1; fi; }

bench: bench-deps
	$(PY) bench/run_all.py
