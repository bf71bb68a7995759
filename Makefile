# The two commands of the README's Quick start, and the builds behind them.
# `make demo` and `make test` install what is missing, build, and run; nothing else needs doing by hand.
BUILD      ?= build
SAN_BUILD  ?= build-sanitize
FUZZ_BUILD ?= build-fuzz
JOBS       ?= $(shell nproc)
CMAKE_FLAGS ?=

.PHONY: all deps build demo test test-sanitize update-golden fuzz bench clean

all: build

deps:
	@scripts/install-deps

$(BUILD)/CMakeCache.txt: | deps
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DDEPLOYCTL_WERROR=ON $(CMAKE_FLAGS)

build: deps $(BUILD)/CMakeCache.txt
	cmake --build $(BUILD) -j $(JOBS)

demo: build
	@echo '$$ deployctl check share/examples/mysite'
	@$(BUILD)/deployctl check share/examples/mysite; status=$$?; \
	  echo "(exit $$status: 0 clean, 1 findings, 2 the tool could not run)"; [ $$status -le 1 ]

# The sanitizer build is its own target: a second full build would take the suite past ~30 minutes on 2 cores.
test: build
	ctest --test-dir $(BUILD) --output-on-failure -j $(JOBS)

$(SAN_BUILD)/CMakeCache.txt: | deps
	cmake -S . -B $(SAN_BUILD) -DCMAKE_BUILD_TYPE=Debug -DDEPLOYCTL_SANITIZE=ON -DDEPLOYCTL_WERROR=ON $(CMAKE_FLAGS)

test-sanitize: deps $(SAN_BUILD)/CMakeCache.txt
	cmake --build $(SAN_BUILD) -j $(JOBS)
	ctest --test-dir $(SAN_BUILD) --output-on-failure -j $(JOBS)

$(FUZZ_BUILD)/CMakeCache.txt: | deps
	CC=clang-19 CXX=clang++-19 cmake -S . -B $(FUZZ_BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DDEPLOYCTL_FUZZ=ON -DDEPLOYCTL_WERROR=OFF $(CMAKE_FLAGS)

# Runs each fuzz target for FUZZ_SECONDS from tests/fuzz/corpus/<target>. New inputs go to $(FUZZ_BUILD)/corpus
# and only a smallest set adding new edges is merged back, so the committed corpus stays small; crashes land in $(FUZZ_BUILD).
# clang-19, not Debian's default clang 14: clang 14 cannot compile libstdc++ 12's <expected>.
FUZZ_SECONDS ?= 60
fuzz: deps $(FUZZ_BUILD)/CMakeCache.txt
	cmake --build $(FUZZ_BUILD) -j $(JOBS) --target fuzzers
	@for t in $(FUZZ_BUILD)/tests/fuzz/fuzz_*; do \
	  name=$$(basename $$t); mkdir -p tests/fuzz/corpus/$$name $(FUZZ_BUILD)/corpus/$$name; \
	  $$t -max_total_time=$(FUZZ_SECONDS) -artifact_prefix=$(FUZZ_BUILD)/ \
	    $(FUZZ_BUILD)/corpus/$$name tests/fuzz/corpus/$$name || exit 1; \
	  $$t -set_cover_merge=1 -use_counters=0 tests/fuzz/corpus/$$name $(FUZZ_BUILD)/corpus/$$name || exit 1; done

# After an intended change of output: rewrites tests/e2e/golden/* and share/docs/rules.md; review the diff.
update-golden: build
	UPDATE_GOLDEN=1 ctest --test-dir $(BUILD) -L golden

bench: build
	bench/run

clean:
	rm -rf $(BUILD) $(SAN_BUILD) $(FUZZ_BUILD)
