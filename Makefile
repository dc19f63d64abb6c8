# lienhe213 — the two commands: `make run` and `make test`.
# Needs only Python 3.11+ and the package registries; everything else is installed here.

PORT ?= 8000
PRESET ?= small
UV = $(shell command -v uv 2>/dev/null || echo .tools/bin/uv)
PY = .venv/bin/python
export UV_PYTHON_DOWNLOADS = never

.PHONY: install run browser test lint messages bench

install:
	@command -v uv >/dev/null 2>&1 || test -x .tools/bin/uv || \
		(python3 -m venv .tools && .tools/bin/pip install -q uv)
	$(UV) sync --locked --quiet
	$(PY) -m babel.messages.frontend compile -d lienhe213/locale -D django --statistics >/dev/null
	$(PY) manage.py collectstatic --noinput -v0

run: install
	$(PY) manage.py migrate -v0
	$(PY) manage.py seed_demo --preset $(PRESET) --if-empty
	$(PY) manage.py demo_logins
	$(PY) manage.py runserver 127.0.0.1:$(PORT)

# The browser tests use Debian's chromium; install it once as root if it is missing.
browser:
	@test -x /usr/bin/chromium || { \
		if [ "$$(id -u)" = 0 ]; then apt-get update -qq && \
			DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-liberation2; \
		else echo "Install Debian's chromium (sudo apt-get install chromium) for the browser tests"; exit 1; fi; }

test: install browser
	$(PY) -m pytest $(PYTEST_ARGS)

lint:
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .
	.venv/bin/mypy lienhe213
	$(PY) manage.py makemigrations --check --dry-run

messages:
	$(PY) manage.py makemessages -l vi --no-obsolete --add-location file -i ".venv/*" -i ".tools/*" -i "staticfiles/*" -i "bench/*"

bench:
	$(PY) bench/run_all.py
