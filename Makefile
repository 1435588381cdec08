# vardsim: plain Makefile.  `make` builds build/libvardsim.a and
# build/vardsim; `make test` runs every test; `make SAN=address,undefined
# test` runs them under the sanitizers (in build-san/).  User CFLAGS are
# appended to ours.

PKG_CONFIG ?= pkg-config
PREFIX     ?= /usr/local
CC         ?= cc

ifeq ($(SAN),)
BUILD ?= build
SANFLAGS :=
else
BUILD ?= build-san
SANFLAGS := -fsanitize=$(SAN) -fno-omit-frame-pointer -fno-sanitize-recover=all
endif

ifeq ($(V),1)
Q :=
else
Q := @
endif

# libzip and expat read xlsx centre lists (vardsim import); libxlsxwriter
# writes results.xlsx (--xlsx).
DEPS_PKGS   := gsl libconfig libzip expat xlsxwriter
DEPS_CFLAGS := $(shell $(PKG_CONFIG) --cflags $(DEPS_PKGS))
DEPS_LIBS   := $(shell $(PKG_CONFIG) --libs $(DEPS_PKGS))
TEST_CFLAGS := $(shell $(PKG_CONFIG) --cflags cmocka)
TEST_LIBS   := $(shell $(PKG_CONFIG) --libs cmocka)

# -ffp-contract=off: no FMA contraction, so results are byte-identical
# across machines; never -ffast-math.
VS_CFLAGS := -std=c11 -D_POSIX_C_SOURCE=200809L -O2 -g \
             -Wall -Wextra -Wpedantic -Wshadow -Wstrict-prototypes \
             -Wmissing-prototypes -ffp-contract=off -pthread \
             -Iinclude -Isrc $(DEPS_CFLAGS) $(SANFLAGS)
ALL_CFLAGS := $(VS_CFLAGS) $(CFLAGS)
ALL_LDFLAGS := -pthread $(SANFLAGS) $(LDFLAGS)

VERSION := $(shell cat VERSION 2>/dev/null || echo 0.0.0)

# One folder a concern, data flowing one way: model (load) -> engine
# (simulate) -> analysis (sweeps, sensitivity) -> out (write, render); cli on top.
LIB_DIRS := util model engine engine/rules analysis out
LIB_SRC  := $(foreach d,$(LIB_DIRS),$(wildcard src/$(d)/*.c))
LIB_OBJ  := $(LIB_SRC:%.c=$(BUILD)/%.o)
# src/cli/mpi_main.c is build/vardsim-mpi's main (make MPI=1), not vardsim's.
CLI_SRC  := $(filter-out src/cli/mpi_main.c,$(wildcard src/cli/*.c))
CLI_OBJ  := $(CLI_SRC:%.c=$(BUILD)/%.o)
TEST_SRC := $(wildcard tests/test_*.c)
TEST_BIN := $(TEST_SRC:tests/%.c=$(BUILD)/tests/%)
TEST_HELPER_OBJ := $(BUILD)/tests/helpers.o

LIB := $(BUILD)/libvardsim.a
BIN := $(BUILD)/vardsim

# MPI=1: also build/vardsim-mpi (src/cli/mpi_main.c) against Open MPI
# from Debian (pkg-config ompi; openmpi-bin and libopenmpi-dev).  Its
# headers are system headers (-isystem): their warnings are not ours.
MPI_CFLAGS = $(patsubst -I%,-isystem %,$(shell $(PKG_CONFIG) --cflags ompi))
MPI_LIBS   = $(shell $(PKG_CONFIG) --libs ompi)
MPI_BIN    := $(BUILD)/vardsim-mpi
ifeq ($(MPI),1)
all: $(MPI_BIN)
endif

.PHONY: mpi-test
.PHONY: all test headers unit cli-test install-test simd-test bench install clean deps fuzz fuzz-ci fuzz-build fuzz-lib valgrind
all: $(LIB) $(BIN)

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "  CC $<"
	$(Q)$(CC) $(ALL_CFLAGS) -DVS_VERSION='"$(VERSION)"' -MMD -MP -c $< -o $@

$(LIB): $(LIB_OBJ)
	@mkdir -p $(dir $@)
	$(Q)rm -f $@
	$(Q)$(AR) rcs $@ $^

$(BIN): $(CLI_OBJ) $(LIB)
	@echo "  LD $@"
	$(Q)$(CC) $(ALL_LDFLAGS) -o $@ $(CLI_OBJ) $(LIB) $(DEPS_LIBS) -lm

$(BUILD)/src/cli/mpi_main.o: src/cli/mpi_main.c
	@mkdir -p $(dir $@)
	@echo "  CC $<"
	$(Q)$(CC) $(ALL_CFLAGS) $(MPI_CFLAGS) -DVS_VERSION='"$(VERSION)"' -MMD -MP -c $< -o $@

# vardsim's objects but main.o, with mpi_main.o: the same commands.
$(MPI_BIN): $(BUILD)/src/cli/mpi_main.o $(filter-out $(BUILD)/src/cli/main.o,$(CLI_OBJ)) $(LIB)
	@echo "  LD $@"
	$(Q)$(CC) $(ALL_LDFLAGS) -o $@ $^ $(DEPS_LIBS) $(MPI_LIBS) -lm

$(BUILD)/tests/%.o: tests/%.c
	@mkdir -p $(dir $@)
	@echo "  CC $<"
	$(Q)$(CC) $(ALL_CFLAGS) $(TEST_CFLAGS) -Itests -MMD -MP -c $< -o $@

# The test objects are intermediates of a chain (test_x.c -> .o -> test_x):
# without this make deletes them after linking, and `make test` would
# compile every test program again each time.
.SECONDARY: $(TEST_BIN:=.o) $(TEST_HELPER_OBJ)

$(BUILD)/tests/test_%: $(BUILD)/tests/test_%.o $(TEST_HELPER_OBJ) $(LIB)
	@echo "  LD $@"
	$(Q)$(CC) $(ALL_LDFLAGS) -o $@ $< $(TEST_HELPER_OBJ) $(LIB) $(TEST_LIBS) $(DEPS_LIBS) -lm

# Unit tests (cmocka), then the end-to-end tests that run the real binary,
# then the vector loops' two builds against each other.
test: headers unit cli-test install-test simd-test mpi-test

# Every public header compiles on its own, with only include/ on the path
# and no GSL or libconfig flags: the installed API needs nothing from src/
# and exposes no GSL type.
headers:
	@mkdir -p $(BUILD)/headers
	@for h in include/vardsim/*.h; do \
	    n=$$(basename $$h .h); echo "#include \"vardsim/$$n.h\"" >$(BUILD)/headers/$$n.c; \
	    $(CC) -std=c11 -Wall -Wextra -Wpedantic -Wshadow -Wstrict-prototypes -Werror -Iinclude \
	        -c $(BUILD)/headers/$$n.c -o $(BUILD)/headers/$$n.o || exit 1; \
	done; if grep -l -E 'gsl/|gsl_' include/vardsim/*.h; then echo "headers: GSL in a public header"; exit 1; fi; \
	echo "headers: every public header compiles on its own, none names GSL"

unit: $(TEST_BIN)
	@failed=""; for t in $(TEST_BIN); do echo "== $$t"; $$t || failed="$$failed $$t"; done; \
	if [ -n "$$failed" ]; then echo "unit test program(s) failed:$$failed"; exit 1; fi

# Workbooks written by libxlsxwriter for tests/cli/import.sh (a real
# writer, so the reader is not tested only against itself).
XLSXW_CFLAGS := $(shell $(PKG_CONFIG) --cflags xlsxwriter)
XLSXW_LIBS   := $(shell $(PKG_CONFIG) --libs xlsxwriter)
$(BUILD)/tests/xlsx_gen: tests/xlsx_gen.c
	@mkdir -p $(dir $@)
	@echo "  CC $<"
	$(Q)$(CC) $(ALL_CFLAGS) $(XLSXW_CFLAGS) -o $@ $< $(XLSXW_LIBS)

# run.sh first, then every other tests/cli/*.sh (charts, sweep, ...) but
# simd.sh, which needs the second build (simd-test).
cli-test: $(BIN) $(BUILD)/tests/xlsx_gen
	@failed=""; for t in tests/cli/run.sh $$(ls tests/cli/*.sh | grep -v -e '/run.sh$$' -e '/simd.sh$$' -e '/mpi.sh$$'); do \
	    echo "== $$t"; VARDSIM=$(abspath $(BIN)) BUILD=$(BUILD) sh $$t || failed="$$failed $$t"; \
	done; if [ -n "$$failed" ]; then echo "end-to-end script(s) failed:$$failed"; exit 1; fi

# The same program with only the baseline x86-64 versions of the vector
# loops (no AVX2 clones), in $(BUILD)-base/, against $(BIN): same bytes.
simd-test: $(BIN)
	$(Q)$(MAKE) --no-print-directory BUILD=$(BUILD)-base CFLAGS="$(CFLAGS) -DVS_NO_CLONES" $(BUILD)-base/vardsim
	@echo "== tests/cli/simd.sh"
	@VARDSIM=$(abspath $(BIN)) VARDSIM_BASE=$(abspath $(BUILD)-base/vardsim) sh tests/cli/simd.sh

# tests/cli/mpi.sh: build/vardsim-mpi under mpirun -np 1, 2, 3 against
# the single process, when Open MPI is installed (the dependency script
# installs it); says so when it skips.  Not under the sanitizers: Open
# MPI's own allocations would be reported as leaks of every rank.
mpi-test: $(BIN)
	@if [ -n "$(SAN)" ]; then \
	    echo "== mpi-test: SKIPPED under SAN=$(SAN) (Open MPI's own leaks; the plain make test runs it)"; \
	elif ! command -v mpirun >/dev/null 2>&1 || ! $(PKG_CONFIG) --exists ompi; then \
	    echo "== mpi-test: SKIPPED: no mpirun or no Open MPI headers (apt-get install openmpi-bin libopenmpi-dev)"; \
	else \
	    $(MAKE) --no-print-directory MPI=1 $(MPI_BIN) && echo "== tests/cli/mpi.sh" && \
	    VARDSIM=$(abspath $(BIN)) VARDSIM_MPI=$(abspath $(MPI_BIN)) sh tests/cli/mpi.sh; \
	fi

# bench/stages: the time of each stage of one iteration (see bench/run.sh)
$(BUILD)/bench/stages: bench/stages.c $(LIB)
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(ALL_CFLAGS) -o $@ $< $(LIB) $(DEPS_LIBS) -lm

# BASE=path/to/old/vardsim adds paired runs against that binary
# (bench/paired.sh), the way speed changes are judged on a shared machine.
bench: $(BIN) $(BUILD)/bench/stages
	@if command -v mpirun >/dev/null 2>&1 && $(PKG_CONFIG) --exists ompi; then \
	    $(MAKE) --no-print-directory MPI=1 $(MPI_BIN); fi
	@VARDSIM=$(abspath $(BIN)) VARDSIM_MPI=$(abspath $(MPI_BIN)) STAGES=$(abspath $(BUILD)/bench/stages) sh bench/run.sh
	@if [ -n "$(BASE)" ]; then VARDSIM=$(abspath $(BIN)) BASE=$(abspath $(BASE)) sh bench/paired.sh; fi

# REV=git-revision: the working tree's src/engine/metrics.c against that
# revision's, in one process (bench/metrics-ab.sh; CENTRES, ITERATIONS,
# ROUNDS), for changes too small to see in end-to-end runs.
.PHONY: bench-metrics
bench-metrics: $(LIB)
	@REV=$(REV) AB_CFLAGS='$(ALL_CFLAGS)' AB_LIBS='$(DEPS_LIBS)' sh bench/metrics-ab.sh

# libFuzzer targets (tests/fuzz/*.c) with clang, AddressSanitizer and
# UBSan, over the library built again in build-fuzz/ (baseline vector
# code: clang takes the same C).  `make fuzz` runs each target for
# FUZZ_TIME seconds (default 300); `make fuzz-ci` a reproducible pass of
# 20,000 executions each with a fixed seed (about two minutes in all).  New inputs go to build-fuzz/corpus/TARGET, seeded
# with the shipped scenarios, every bad-input test file and the kept
# regressions (tests/fuzz/regress); a crash is written to
# build-fuzz/crash-TARGET-* and fails the target.
FUZZ_BUILD := build-fuzz
FUZZ_TARGETS := fuzz_load fuzz_eval fuzz_extreme
FUZZ_BINS := $(FUZZ_TARGETS:%=$(FUZZ_BUILD)/tests/fuzz/%)
FUZZ_TIME ?= 300
FUZZ_SAN := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer

# The library again, by this Makefile in $(FUZZ_BUILD)/ with clang.
fuzz-lib:
	$(Q)$(MAKE) --no-print-directory BUILD=$(FUZZ_BUILD) CC=clang SAN= \
	    CFLAGS="$(CFLAGS) -DVS_NO_CLONES -O1 $(FUZZ_SAN) -fsanitize=fuzzer-no-link" \
	    $(FUZZ_BUILD)/libvardsim.a

$(FUZZ_BUILD)/tests/fuzz/%: tests/fuzz/%.c fuzz-lib
	@mkdir -p $(dir $@)
	@echo "  LD $@"
	$(Q)clang -std=c11 -D_POSIX_C_SOURCE=200809L -g -O1 -Wall -Wextra -Iinclude -Isrc \
	    $(FUZZ_SAN) -fsanitize=fuzzer -o $@ $< $(FUZZ_BUILD)/libvardsim.a $(DEPS_LIBS) -lm -pthread

fuzz-build: $(FUZZ_BINS)

fuzz: fuzz-build
	@sh tests/fuzz/run.sh $(FUZZ_BUILD) $(FUZZ_TIME) $(FUZZ_TARGETS)

fuzz-ci: fuzz-build
	@sh tests/fuzz/run.sh $(FUZZ_BUILD) ci $(FUZZ_TARGETS)

# valgrind (memcheck) on every shipped scenario and the bad-input corpus:
# no error and no leak of vardsim's own (tests/valgrind.supp names the
# known libconfig leak it suppresses).
valgrind: $(BIN)
	@VARDSIM=$(abspath $(BIN)) sh tests/valgrind.sh


# make install PREFIX=/usr/local (DESTDIR honoured): the binary, the
# library with its public headers only, vardsim.pc, the man pages, the
# shipped scenarios and the plot style.
MANDIR ?= $(PREFIX)/share/man
DATADIR := $(PREFIX)/share/vardsim
install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/lib/pkgconfig \
	    $(DESTDIR)$(PREFIX)/include/vardsim $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man5 \
	    $(DESTDIR)$(DATADIR)/scenarios $(DESTDIR)$(DATADIR)/plots
	install -m 755 $(BIN) $(DESTDIR)$(PREFIX)/bin/vardsim
	install -m 644 $(LIB) $(DESTDIR)$(PREFIX)/lib/libvardsim.a
	install -m 644 include/vardsim/*.h $(DESTDIR)$(PREFIX)/include/vardsim/
	sed -e 's|@PREFIX@|$(PREFIX)|' -e 's|@VERSION@|$(VERSION)|' -e 's|@DEPS_LIBS@|$(DEPS_LIBS)|' \
	    vardsim.pc.in >$(DESTDIR)$(PREFIX)/lib/pkgconfig/vardsim.pc
	chmod 644 $(DESTDIR)$(PREFIX)/lib/pkgconfig/vardsim.pc
	install -m 644 docs/man/vardsim.1 $(DESTDIR)$(MANDIR)/man1/vardsim.1
	install -m 644 docs/man/vardsim-scenario.5 $(DESTDIR)$(MANDIR)/man5/vardsim-scenario.5
	install -m 644 scenarios/*.cfg $(DESTDIR)$(DATADIR)/scenarios/
	install -m 644 plots/*.gp $(DESTDIR)$(DATADIR)/plots/

# make install into a temporary prefix, man pages rendered, a small program
# built against the installed library with pkg-config (tests/install.sh).
install-test: all
	@echo "== tests/install.sh"
	@MAKE="$(MAKE)" BUILD=$(BUILD) CC="$(CC) $(SANFLAGS)" sh tests/install.sh

deps:
	sh scripts/install-deps.sh

clean:
	rm -rf build build-san build-base build-san-base build-fuzz out

-include $(LIB_OBJ:.o=.d) $(CLI_OBJ:.o=.d) $(TEST_BIN:=.d) $(TEST_HELPER_OBJ:.o=.d)
