# SPDX-License-Identifier: BSD-3-Clause
#
# Chive: one non-recursive Makefile; each area adds its sources in module.mk.
#
#   make            build the binaries (and the test client) into $(O)/bin
#   make test       install missing packages, build, run every suite (unit, dp, integration)
#   make SAN=1 test the same with ASan+UBSan, in $(O) = build/san
#   make check      header self-containment and include-layering rules
#   make clean      remove build/
#   V=1             show full commands; O=DIR to build elsewhere
#
# Library flags come from pkg-config and are evaluated lazily (once, on first
# use), so `make test` can install missing packages before anything needs them.

PKGCONF ?= pkg-config
SHELL   := /bin/bash

ifeq ($(SAN),1)
O ?= build/san
SAN_FLAGS := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
else
O ?= build
SAN_FLAGS :=
endif

ifeq ($(V),1)
Q :=
msg :=
else
Q := @
msg = @printf '  %-6s %s\n' '$(1)' '$(2)';
endif

# Evaluate $(2) once, when first used, and cache it in $(1).
lazy = $(eval $(1) := $$(shell $(2)))$($(1))
DPDK_CFLAGS = $(call lazy,DPDK_CFLAGS,$(PKGCONF) --cflags libdpdk)
DPDK_LIBS   = $(call lazy,DPDK_LIBS,$(PKGCONF) --libs libdpdk)
SSL_CFLAGS  = $(call lazy,SSL_CFLAGS,$(PKGCONF) --cflags libssl libcrypto)
SSL_LIBS    = $(call lazy,SSL_LIBS,$(PKGCONF) --libs libssl libcrypto)
CUNIT_CFLAGS = $(call lazy,CUNIT_CFLAGS,$(PKGCONF) --cflags cunit)
CUNIT_LIBS  = $(call lazy,CUNIT_LIBS,$(PKGCONF) --libs cunit)

WARN := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
	-Wpointer-arith -Wformat=2 -Wvla -Wno-missing-field-initializers \
	-Wcast-align -Wcast-qual -Wundef -Wnull-dereference
CPPFLAGS += -I. -D_GNU_SOURCE
BASE_CFLAGS := -std=gnu11 $(WARN) -MMD -MP
CFLAGS ?= -O2 -g
LDFLAGS ?=
ALL_CFLAGS = $(BASE_CFLAGS) $(CFLAGS) $(SAN_FLAGS) $(EXTRA_CFLAGS)
ALL_LDFLAGS = $(LDFLAGS) $(SAN_FLAGS)

.DELETE_ON_ERROR:
.SUFFIXES:
.DEFAULT_GOAL := all

include common/module.mk
include drivers/module.mk
include dataplane/module.mk
include controlplane/module.mk
include tests/module.mk
include tests/fuzz/module.mk
include tools/module.mk

BINS := $(O)/bin/chive-dataplane $(O)/bin/chive-controlplane $(O)/bin/chivectl \
	$(TORCLIENT_BIN) $(BENCH_CRYPTO_BIN)

.PHONY: all test check clean deps _test _test-build headers includes
all: $(BINS)

# Objects that may see DPDK headers: the dataplane, drivers (except plain-C
# helpers) and the dataplane test runner. Nothing else gets DPDK's include
# path, so `#include <rte_*.h>` fails to compile in common/ and controlplane/.
$(DP_OBJS) $(DP_MAIN_OBJS) $(DRV_DPDK_OBJS) $(TEST_DP_OBJS): EXTRA_CFLAGS += $(DPDK_CFLAGS) $(SSL_CFLAGS)
$(CP_OBJS) $(CP_MAIN_OBJS): EXTRA_CFLAGS += $(SSL_CFLAGS)
$(TEST_UNIT_OBJS) $(TEST_DP_OBJS) $(TEST_HARNESS_OBJS): EXTRA_CFLAGS += $(CUNIT_CFLAGS)

$(O)/%.o: %.c
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CPPFLAGS) $(ALL_CFLAGS) -c $< -o $@

$(O)/libcommon.a: $(COMMON_OBJS)
	$(call msg,AR,$@)
	$(Q)rm -f $@ && ar rcs $@ $^

$(O)/bin/chive-dataplane: $(DP_MAIN_OBJS) $(DP_OBJS) $(DRV_OBJS) $(O)/libcommon.a
	$(call msg,LD,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(ALL_LDFLAGS) -o $@ $^ $(DPDK_LIBS) $(SSL_LIBS) -lpthread

$(O)/bin/chive-controlplane: $(CP_MAIN_OBJS) $(CP_OBJS) $(O)/libcommon.a
	$(call msg,LD,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(ALL_LDFLAGS) -o $@ $^ $(SSL_LIBS) -lpthread

$(O)/bin/chivectl: $(CTL_OBJS) $(O)/libcommon.a
	$(call msg,LD,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(ALL_LDFLAGS) -o $@ $^

$(O)/tests/unit: $(TEST_UNIT_OBJS) $(TEST_HARNESS_OBJS) $(CP_OBJS) $(DRV_PLAIN_OBJS) $(O)/libcommon.a
	$(call msg,LD,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(ALL_LDFLAGS) -o $@ $^ $(SSL_LIBS) $(CUNIT_LIBS) -lpthread

# net_ring is a PMD: a shared DPDK build does not list it in pkg-config.
$(O)/tests/dp: $(TEST_DP_OBJS) $(TEST_HARNESS_OBJS) $(DP_OBJS) $(DRV_OBJS) $(CP_OBJS) $(O)/libcommon.a
	$(call msg,LD,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(ALL_LDFLAGS) -o $@ $^ -Wl,--no-as-needed -lrte_net_ring -Wl,--as-needed \
		$(DPDK_LIBS) $(SSL_LIBS) $(CUNIT_LIBS) -lpthread

# `make test` works on a fresh machine: install what is missing, then build and
# run in a second make process that sees the freshly installed pkg-config files.
test:
	$(Q)scripts/install-deps.sh
	$(Q)$(MAKE) --no-print-directory _test

_test-build: $(BINS) $(O)/tests/unit $(O)/tests/dp

_test: _test-build
	$(Q)O=$(O) SAN=$(SAN) tests/run.sh

deps:
	$(Q)scripts/install-deps.sh

# `make demo` works on a fresh machine too: install, build, then run the demo
# (Chive relaying a real tor client's download on a local test network).
.PHONY: demo
demo:
	$(Q)scripts/install-deps.sh
	$(Q)$(MAKE) --no-print-directory all
	$(Q)O=$(O) scripts/demo

# Every header compiles on its own, with only the flags its area gets.
HDRS_PLAIN := $(shell find common controlplane -name '*.h' 2>/dev/null)
HDRS_DPDK  := $(shell find dataplane drivers -name '*.h' 2>/dev/null)
HDR_STAMPS := $(patsubst %,$(O)/check/%.ok,$(HDRS_PLAIN) $(HDRS_DPDK))
$(patsubst %,$(O)/check/%.ok,$(HDRS_DPDK)): EXTRA_CFLAGS += $(DPDK_CFLAGS)
$(patsubst %,$(O)/check/%.ok,$(HDRS_PLAIN) $(HDRS_DPDK)): EXTRA_CFLAGS += $(SSL_CFLAGS)
$(O)/check/%.h.ok: %.h
	$(call msg,HDR,$<)
	$(Q)mkdir -p $(@D)
	$(Q)printf '#include "%s"\n#include "%s"\n' '$<' '$<' | \
		$(CC) $(CPPFLAGS) $(filter-out -MMD -MP,$(ALL_CFLAGS)) -x c -fsyntax-only - && touch $@

headers: $(HDR_STAMPS)
includes:
	$(Q)scripts/check-includes.sh

check:
	$(Q)scripts/install-deps.sh
	$(Q)$(MAKE) --no-print-directory headers includes

clean:
	$(call msg,CLEAN,build)
	$(Q)rm -rf build $(filter-out build build/%,$(O))

-include $(shell find $(O) -name '*.d' 2>/dev/null)

# Benchmarks: side by side with the reference in the same run, never timed tests.
.PHONY: bench
bench:
	$(Q)scripts/install-deps.sh
	$(Q)$(MAKE) --no-print-directory all
	$(Q)O=$(O) tests/bench/bench_tcp.sh || echo "bench: bench_tcp.sh failed"
	$(Q)O=$(O) tests/bench/bench_crypto.sh || echo "bench: bench_crypto.sh failed"
	$(Q)O=$(O) tests/bench/bench_relay.py || echo "bench: bench_relay.py failed"
	$(Q)O=$(O) tests/bench/summary.py
