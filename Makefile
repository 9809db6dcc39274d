# Fenxiao Cloud — the commands that matter:
#   make run     start everything (embedded PostgreSQL/Redis unless DATABASE_URL/REDIS_URL are set)
#   make test    run the whole test suite
SHELL := /bin/bash
PYTHON_BIN ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
UV := $(VENV)/bin/uv

.PHONY: install run test bench lint format lock smoke messages clean

$(VENV)/.installed: requirements.lock
	@test -x $(PY) || $(PYTHON_BIN) -m venv $(VENV)
	@test -x $(UV) || $(PY) -m pip install --quiet --disable-pip-version-check uv
	$(UV) pip install --quiet --python $(PY) -r requirements.lock
	@touch $@

install: $(VENV)/.installed

run: install
	$(PY) -m config.devstack run

test: install
	$(PY) -m config.devstack test $(ARGS)

bench: install
	$(PY) -m config.devstack bench $(ARGS)

smoke: install
	$(PY) -m config.devstack smoke

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

# Re-pin every dependency from pyproject.toml (run after changing it): development and production locks.
lock:
	@test -x $(UV) || { $(PYTHON_BIN) -m venv $(VENV) && $(PY) -m pip install --quiet uv; }
	$(UV) pip compile --quiet --python-version 3.11 --extra dev pyproject.toml -o requirements.lock
	$(UV) pip compile --quiet --python-version 3.11 pyproject.toml -o requirements.prod.lock

# Refresh the zh-Hans catalogue after adding UI text (needs GNU gettext: apt-get install gettext);
# translate the new entries in locale/zh_Hans/LC_MESSAGES/django.po, then run it again to compile.
messages: install
	DEBUG=1 $(PY) manage.py makemessages -l zh_Hans --ignore=.venv --ignore=.data --ignore=tests \
		--ignore=staticfiles --ignore=docker
	DEBUG=1 $(PY) manage.py compilemessages -l zh_Hans --ignore=.venv

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache staticfiles
