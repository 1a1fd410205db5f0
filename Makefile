# Convene: `make demo` to try it, `make test` to check it.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test install lint check suite prod-check clean

$(STAMP): requirements.txt requirements-dev.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $(STAMP)

install: $(STAMP)

demo: install
	DEBUG=true $(BIN)/python manage.py rundemo

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

check: install
	$(BIN)/python manage.py check --fail-level WARNING
	$(BIN)/python manage.py makemigrations --check --dry-run
	CONVENE_PROFILE=production SECRET_KEY=check-deploy-$$(head -c 48 /dev/urandom | base64 | tr -d '/+=\n') \
		ALLOWED_HOSTS=convene.example FIELD_ENCRYPTION_KEYS=$$($(BIN)/python -c "from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())") \
		$(BIN)/python manage.py check --deploy --fail-level WARNING

suite: install
	DJANGO_ALLOW_ASYNC_UNSAFE=true $(BIN)/pytest -q

test: lint check suite

clean:
	rm -rf var $(VENV)
