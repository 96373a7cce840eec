# podpub: two commands do everything on a fresh machine
#   make feed   install what is needed and build the bundled show into feed/
#   make test   install what is needed and run the tests
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: feed test check lint typecheck format bench golden audio system-deps clean

system-deps:
	@missing=""; \
	command -v ffmpeg >/dev/null 2>&1 || missing="$$missing ffmpeg"; \
	command -v espeak-ng >/dev/null 2>&1 || missing="$$missing espeak-ng"; \
	[ -x /usr/bin/chromium ] || missing="$$missing chromium"; \
	command -v java >/dev/null 2>&1 || missing="$$missing default-jre-headless"; \
	command -v npm >/dev/null 2>&1 || missing="$$missing npm"; \
	if [ -n "$$missing" ]; then \
		echo "installing$$missing"; \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -q && \
		DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -q --no-install-recommends \
			$$missing; \
	fi

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	touch $@

venv: $(STAMP)

audio: system-deps $(STAMP)
	$(BIN)/python scripts/make_jingles.py .
	$(BIN)/python scripts/synthesize_narration.py episodes/*/

feed: system-deps $(STAMP) audio
	$(BIN)/podpub build --root .

test: system-deps $(STAMP)
	$(BIN)/pytest

golden: system-deps $(STAMP)
	$(BIN)/pytest tests/test_golden.py --update-golden

lint: $(STAMP)
	$(BIN)/ruff check src tests bench scripts
	$(BIN)/ruff format --check src tests bench scripts

format: $(STAMP)
	$(BIN)/ruff format src tests bench scripts
	$(BIN)/ruff check --fix src tests bench scripts

typecheck: $(STAMP)
	$(BIN)/mypy

check: lint typecheck test

bench: system-deps $(STAMP)
	@command -v flite >/dev/null 2>&1 || { SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -q flite || \
		echo "flite not installed: the alignment benchmark falls back to espeak-ng voices"; }
	$(BIN)/python bench/bench_parse.py
	$(BIN)/python bench/bench_build.py
	$(BIN)/python bench/bench_align.py
	$(BIN)/python bench/bench_deploy.py
	$(BIN)/python bench/bench_pages.py
	$(BIN)/python bench/bench_audio.py

clean:
	rm -rf feed .podpub-cache .pytest_cache .mypy_cache .ruff_cache
