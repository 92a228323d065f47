# polyclean — two commands do everything on a fresh machine: `make demo` and `make test`.
PY      ?= python3
VENV    ?= .venv
VPY     := $(VENV)/bin/python
STAMP   := $(VENV)/.installed
# CPU wheel of torch; argostranslate -> stanza -> torch would otherwise pull a multi-GB CUDA build.
TORCH   ?= torch==2.13.0

.PHONY: install system-deps demo test bench fuzz models clean-venv

install: $(STAMP) system-deps

# Debian's chromium for the run report's browser test (nothing is downloaded by a test);
# installed when missing and we are root on a Debian-like system, else the test says why
# it cannot run.
system-deps:
	@if ! command -v chromium >/dev/null 2>&1 && [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "installing Debian's chromium for the run report's browser test"; \
	    apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	fi

$(STAMP): pyproject.toml setup.py polyclean/_speedups/_fsum.pxd polyclean/_speedups/_words.pyx polyclean/_speedups/_bytestats.pyx polyclean/_speedups/_lines.pyx polyclean/_speedups/_segment.pyx polyclean/_speedups/_analyse.pyx
	test -x $(VPY) || $(PY) -m venv $(VENV)
	$(VPY) -m pip install --quiet --upgrade pip
	$(VPY) -m pip install --quiet "$(TORCH)"
	$(VPY) -m pip install --quiet -e ".[translate,compat,dask,formats,web,hf,test,browser]"
	touch $(STAMP)

demo: install
	$(VENV)/bin/polyclean clean samples/ -o - --summary

test: install
	$(VPY) -m pytest -q

bench: install
	for b in bench/bench_*.py bench/eval_*.py; do echo "== $$b"; $(VPY) $$b || exit 1; done

# Bounded fuzzing of the readers, the decoder, the pipeline and .argosmodel installs
# (fuzz/run.py), then the long loops of the test suite (`-m slow`: a kill at every file
# operation of a run, then --resume); not part of `make test`.  FUZZ_SECONDS is the
# budget of all fuzz targets.
FUZZ_SECONDS ?= 60
fuzz: install
	$(VPY) -m pip install --quiet -e ".[fuzz]" || echo "fuzz: atheris not installable here; using hypothesis"
	$(VPY) fuzz/run.py --seconds $(FUZZ_SECONDS)
	$(VPY) -m pytest -q -m slow tests/

models: install
	$(VENV)/bin/polyclean models install ru-en

clean-venv:
	rm -rf $(VENV)
