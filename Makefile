# Convene: `make demo` to try it, `make test` to check it.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# The Nu Html Checker (vnu-jar, pinned in package-lock.json) checks every page the tests render.
NODE_STAMP := node_modules/.installed
# The browser tests need a Chromium (they are skipped without one); looked for once per .venv.
BROWSER_STAMP := $(VENV)/.browser

.PHONY: demo test install lint check suite prod-check bench-check clean

$(STAMP): requirements.txt requirements-dev.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $(STAMP)

# --ignore-scripts: vnu-jar's install script would fetch a Java runtime; it runs on the machine's own Java 17.
$(NODE_STAMP): package.json package-lock.json
	@if command -v npm >/dev/null 2>&1; then \
		npm ci --ignore-scripts --no-audit --no-fund && touch $(NODE_STAMP); \
	else \
		echo "npm is not installed, so the tests will skip the HTML check. Install Node.js, then run make install."; \
	fi

# CHROMIUM_PATH, Debian's or any on PATH will do; else Debian's package (as root), else Playwright's own download.
$(BROWSER_STAMP): $(STAMP)
	@if [ -x "$${CHROMIUM_PATH:-/usr/bin/chromium}" ] || command -v chromium >/dev/null 2>&1; then \
		:; \
	elif command -v apt-get >/dev/null 2>&1 && [ "$$(id -u)" -eq 0 ]; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium \
			|| echo "Could not install Debian's chromium: the browser tests will be skipped."; \
	else \
		$(BIN)/python -m playwright install chromium \
			|| echo "Could not download Playwright's Chromium: the browser tests will be skipped."; \
	fi
	touch $(BROWSER_STAMP)

install: $(STAMP) $(NODE_STAMP) $(BROWSER_STAMP)

demo: install
	DEBUG=true $(BIN)/python manage.py rundemo

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

check: install
	$(BIN)/lint-imports --no-cache --no-logo
	$(BIN)/python manage.py check --fail-level WARNING
	$(BIN)/python manage.py makemigrations --check --dry-run
	CONVENE_PROFILE=production SECRET_KEY=check-deploy-$$(head -c 48 /dev/urandom | base64 | tr -d '/+=\n') \
		ALLOWED_HOSTS=convene.example FIELD_ENCRYPTION_KEYS=$$($(BIN)/python -c "from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())") \
		$(BIN)/python manage.py check --deploy --fail-level WARNING

# Two processes, each with its own databases (tests/parallel.py); the slowest ten are listed at the end.
TEST_PROCESSES ?= 2
suite: install
	DJANGO_ALLOW_ASYNC_UNSAFE=true $(BIN)/pytest -q -n $(TEST_PROCESSES) --dist loadfile --no-loadscope-reorder --durations=10

test: lint check suite

# The production profile served by gunicorn against the local PostgreSQL and Redis, checked as a proxy sees it.
prod-check: install
	$(BIN)/python scripts/prod_check.py

# Each benchmark at its smallest size: they are not in the suite, so this is what keeps them working.
bench-check: install
	$(BIN)/python bench/bench_all.py --quick

clean:
	rm -rf var $(VENV)
