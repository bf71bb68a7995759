# The two commands of the README's Quick start, and the builds behind them.
# `make demo` and `make test` install what is missing, build, and run; nothing else needs doing by hand.
BUILD      ?= build
SAN_BUILD  ?= build-sanitize
FUZZ_BUILD ?= build-fuzz
JOBS       ?= $(shell nproc)
CMAKE_FLAGS ?=

.PHONY: all deps deps-test build demo test test-sanitize update-golden format fuzz bench clean FORCE

all: build

deps:
	@scripts/install-deps build

deps-test:
	@scripts/install-deps test

# A build directory is configured again whenever the arguments it would be configured with change (a new
# CMAKE_FLAGS, say): each build keeps the arguments it was last configured with in .configure-args, rewritten
# only when they differ, and a changed file starts a fresh configuration (cached values of dropped flags go too).
RELEASE_ARGS  = -DCMAKE_BUILD_TYPE=RelWithDebInfo -DDEPLOYCTL_WERROR=ON $(CMAKE_FLAGS)
SANITIZE_ARGS = -DCMAKE_BUILD_TYPE=Debug -DDEPLOYCTL_SANITIZE=ON -DDEPLOYCTL_WERROR=ON $(CMAKE_FLAGS)
FUZZ_ARGS     = -DCMAKE_BUILD_TYPE=RelWithDebInfo -DDEPLOYCTL_FUZZ=ON -DDEPLOYCTL_WERROR=OFF $(CMAKE_FLAGS)
define remember_args
	@mkdir -p $(dir $@)
	@echo '$(2)' | cmp -s - $@ || echo '$(2)' > $@
endef
define configure
	rm -f $(dir $@)CMakeCache.txt
	$(1) cmake -S . -B $(dir $@) $(2)
endef

$(BUILD)/.configure-args: FORCE
	$(call remember_args,,$(RELEASE_ARGS))
$(BUILD)/CMakeCache.txt: $(BUILD)/.configure-args | deps
	$(call configure,,$(RELEASE_ARGS))

build: deps $(BUILD)/CMakeCache.txt
	cmake --build $(BUILD) -j $(JOBS)

# check, render and serve on the example project, each with a one-line caption (scripts/demo). Only the binary is
# built: the unit tests come with `make test`.
demo: deps $(BUILD)/CMakeCache.txt
	cmake --build $(BUILD) -j $(JOBS) --target deployctl
	@scripts/demo $(BUILD)/deployctl

# The sanitizer build is its own target (CI runs both, .ci/run): a second full build doubles the time of `make test`.
test: deps-test build
	ctest --test-dir $(BUILD) --output-on-failure -j $(JOBS)

$(SAN_BUILD)/.configure-args: FORCE
	$(call remember_args,,$(SANITIZE_ARGS))
$(SAN_BUILD)/CMakeCache.txt: $(SAN_BUILD)/.configure-args | deps
	$(call configure,,$(SANITIZE_ARGS))

test-sanitize: deps-test $(SAN_BUILD)/CMakeCache.txt
	cmake --build $(SAN_BUILD) -j $(JOBS)
	ctest --test-dir $(SAN_BUILD) --output-on-failure -j $(JOBS)

$(FUZZ_BUILD)/.configure-args: FORCE
	$(call remember_args,,$(FUZZ_ARGS))
$(FUZZ_BUILD)/CMakeCache.txt: $(FUZZ_BUILD)/.configure-args | deps
	@scripts/install-deps fuzz
	$(call configure,CC=clang-19 CXX=clang++-19,$(FUZZ_ARGS))

# Runs each fuzz target for FUZZ_SECONDS from tests/fuzz/corpus/<target>. New inputs go to $(FUZZ_BUILD)/corpus
# and only a smallest set adding new edges is merged back, so the committed corpus stays small; crashes land in $(FUZZ_BUILD).
# clang-19, not Debian's default clang 14: clang 14 cannot compile libstdc++ 12's <expected>.
FUZZ_SECONDS ?= 60
fuzz: $(FUZZ_BUILD)/CMakeCache.txt
	cmake --build $(FUZZ_BUILD) -j $(JOBS) --target fuzzers
	@for t in $(FUZZ_BUILD)/tests/fuzz/fuzz_*; do \
	  name=$$(basename $$t); mkdir -p tests/fuzz/corpus/$$name $(FUZZ_BUILD)/corpus/$$name; \
	  $$t -max_total_time=$(FUZZ_SECONDS) -artifact_prefix=$(FUZZ_BUILD)/ \
	    $(FUZZ_BUILD)/corpus/$$name tests/fuzz/corpus/$$name || exit 1; \
	  $$t -set_cover_merge=1 -use_counters=0 tests/fuzz/corpus/$$name $(FUZZ_BUILD)/corpus/$$name || exit 1; done

# After an intended change of output: rewrites tests/e2e/golden/*, share/docs/rules.md and share/docs/configuration.md;
# review the diff.
update-golden: deps-test build
	UPDATE_GOLDEN=1 ctest --test-dir $(BUILD) -L golden

# The pinned .clang-format over every tracked C++ file (scripts/format); the test suite checks it.
format: deps-test
	@scripts/format

bench: build
	@scripts/install-deps bench
	bench/run

clean:
	rm -rf $(BUILD) $(SAN_BUILD) $(FUZZ_BUILD)
