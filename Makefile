# studypack: `make build` builds the notes in source_notes/, `make test` runs lint and tests.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python

.PHONY: build test lint lock clean system-deps test-system-deps bench pictures

build: system-deps $(VENV)/.stamp-runtime
	$(PY) build.py

test: test-system-deps $(VENV)/.stamp-dev
	$(VENV)/bin/ruff check .
	$(PY) -m pytest

# Time every build stage on generated corpora of 300, 1,000 and 10,000 cards and on the seed
# notes against WeasyPrint's own floors, and rewrite the tables in docs/PERFORMANCE.md. It takes
# about 40 minutes; the targets table on small sizes in a minute or two, into output/bench/:
# make bench BENCH_ARGS=--quick   (see bench/run.py --help)
bench: system-deps $(VENV)/.stamp-dev
	$(PY) bench/run.py $(BENCH_ARGS)

# Remake the README's pictures in docs/images/ from source_notes/ (a build in a temporary
# folder: output/ and studypack.lock are left alone). Needs Chromium and pdftoppm.
pictures: test-system-deps $(VENV)/.stamp-dev
	$(PY) scripts/make-pictures.py

lint: $(VENV)/.stamp-dev
	$(VENV)/bin/ruff check .

system-deps:
	@scripts/check-system-deps.sh

# The build's packages and Chromium, which tests/test_preview.py opens output/preview.html in.
test-system-deps:
	@scripts/check-system-deps.sh --test

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(VENV)/.stamp-runtime: requirements.lock pyproject.toml | $(VENV)/bin/python
	$(PY) -m pip install --quiet -r requirements.lock
	$(PY) -m pip install --quiet --no-deps -e .
	touch $@

$(VENV)/.stamp-dev: requirements-dev.lock pyproject.toml | $(VENV)/bin/python
	$(PY) -m pip install --quiet -r requirements-dev.lock
	$(PY) -m pip install --quiet --no-deps -e .
	touch $@ $(VENV)/.stamp-runtime

# Re-pin every dependency after editing pyproject.toml.
lock: | $(VENV)/bin/python
	$(PY) -m pip install --quiet pip-tools
	$(VENV)/bin/pip-compile -q --strip-extras --no-emit-index-url --no-emit-find-links \
		-o requirements.lock pyproject.toml
	$(VENV)/bin/pip-compile -q --extra dev --strip-extras --no-emit-index-url \
		--no-emit-find-links -o requirements-dev.lock pyproject.toml

clean:
	rm -rf output $(VENV)
