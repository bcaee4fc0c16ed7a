# tests/fuzz/: libFuzzer targets, built with clang (ASan + UBSan + coverage) into
# $(O)/fuzz/obj so the gcc objects are never touched.
#
#   make fuzz-build            build $(O)/fuzz/fuzz_net_input
#   make fuzz                  build, then fuzz for FUZZ_SECONDS (default 60) on a copy
#                              of tests/fuzz/corpus in $(O)/fuzz/corpus-work (kept
#                              between runs); crashes land in $(O)/fuzz/crash-*
#   FUZZ_ARGS=...              extra libFuzzer options (e.g. -jobs=2 -workers=2, -max_len=16384)
#
# Reproduce a crash: $(O)/fuzz/fuzz_net_input $(O)/fuzz/crash-<sha1> (CHIVE_FUZZ_VERBOSE=1
# prints the frames in and out). Open ones are kept in tests/fuzz/crashes/; the seeds in
# tests/fuzz/corpus/ come from tests/fuzz/make_corpus.py. `make test` runs a short
# fuzzing pass (tests/integration/test_fuzz_smoke.sh).
FUZZ_CC ?= clang
FUZZ_SECONDS ?= 60
FUZZ_ARGS ?=
FUZZ_DIR := $(O)/fuzz
FUZZ_BIN := $(FUZZ_DIR)/fuzz_net_input
FUZZ_SRCS := $(COMMON_SRCS) $(DP_SRCS) $(DRV_PLAIN_SRCS) $(DRV_DPDK_SRCS) \
	tests/fuzz/fuzz_net_input.c
FUZZ_OBJS := $(FUZZ_SRCS:%.c=$(FUZZ_DIR)/obj/%.o)
FUZZ_SAN := -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
	-fno-omit-frame-pointer
# The gcc warning set, not fatal here (clang's differ; the gcc build enforces them).
# DPDK's headers are system headers to clang, which would otherwise flag their
# GCC_VERSION tests under -Wundef.
FUZZ_CFLAGS = -std=gnu11 $(filter-out -Werror,$(WARN)) -Wno-format-nonliteral -Wno-cast-align \
	-MMD -MP -g -O1 $(FUZZ_SAN) $(patsubst -I%,-isystem %,$(DPDK_CFLAGS)) $(SSL_CFLAGS)

$(FUZZ_DIR)/obj/%.o: %.c
	$(call msg,FUZZCC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(FUZZ_CC) $(CPPFLAGS) $(FUZZ_CFLAGS) -c $< -o $@

# net_ring is a PMD: a shared DPDK build does not list it in pkg-config.
$(FUZZ_BIN): $(FUZZ_OBJS)
	$(call msg,LD,$@)
	$(Q)$(FUZZ_CC) $(FUZZ_SAN) -o $@ $^ -Wl,--no-as-needed -lrte_net_ring -Wl,--as-needed \
		$(DPDK_LIBS) $(SSL_LIBS) -lpthread

.PHONY: fuzz fuzz-build
fuzz-build: $(FUZZ_BIN)

fuzz: $(FUZZ_BIN)
	$(Q)mkdir -p $(FUZZ_DIR)/corpus-work
	$(Q)cp tests/fuzz/corpus/* $(FUZZ_DIR)/corpus-work/
	$(Q)prefix=chive-fuzz-make-$$$$; \
	CHIVE_FUZZ_PREFIX=$$prefix $(FUZZ_BIN) -max_total_time=$(FUZZ_SECONDS) -timeout=10 \
		-rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix=$(FUZZ_DIR)/ \
		$(FUZZ_ARGS) $(FUZZ_DIR)/corpus-work; \
	rc=$$?; rm -rf /var/run/dpdk/$$prefix-*; rmdir /var/run/dpdk 2>/dev/null; exit $$rc
