# tests/fuzz/: libFuzzer targets, built with clang (ASan + UBSan + coverage) into
# $(O)/fuzz/obj so the gcc objects are never touched.
#
#   fuzz_net_input   arbitrary frames into the receive path (dp_eth_input)
#   fuzz_chan        cell framing and the link handshake (dataplane/cell/chan.c), with the
#                    fuzzer playing TLS and the control plane
#   fuzz_circ        circuits (dataplane/cell/circ.c, on one lcore or across two) over the
#                    real channel layer, with the fuzzer playing TLS, the control plane,
#                    clients and next-hop relays
#
#   make fuzz-build            build them all into $(O)/fuzz/
#   make fuzz                  build, then fuzz FUZZ_TARGET (default fuzz_net_input) for
#                              FUZZ_SECONDS (default 60) on a copy of its seed corpus in
#                              $(O)/fuzz/corpus-work[-chan|-circ] (kept between runs); crashes
#                              land in $(O)/fuzz/crash-*
#   FUZZ_TARGET=fuzz_chan      the handshake fuzzer instead (seeds: tests/fuzz/corpus-chan)
#   FUZZ_TARGET=fuzz_circ      the circuit fuzzer (seeds: tests/fuzz/corpus-circ)
#   FUZZ_ARGS=...              extra libFuzzer options (e.g. -jobs=2 -workers=2, -max_len=16384)
#
# Reproduce a crash: $(O)/fuzz/<target> $(O)/fuzz/crash-<sha1> (CHIVE_FUZZ_VERBOSE=1 prints
# the frames, or the ops and cells, in and out). Open ones are kept in tests/fuzz/crashes/;
# the seeds come from tests/fuzz/make_corpus.py (corpus/), make_corpus_chan.py
# (corpus-chan/) and make_corpus_circ.py (corpus-circ/). `make test` runs a short pass of
# each (tests/integration/test_fuzz_smoke.sh).
FUZZ_CC ?= clang
FUZZ_SECONDS ?= 60
FUZZ_ARGS ?=
FUZZ_TARGET ?= fuzz_net_input
FUZZ_DIR := $(O)/fuzz
# Everything a target links besides its own file.
FUZZ_LIB_SRCS := $(COMMON_SRCS) $(DP_SRCS) $(DRV_PLAIN_SRCS) $(DRV_DPDK_SRCS)
FUZZ_LIB_OBJS := $(FUZZ_LIB_SRCS:%.c=$(FUZZ_DIR)/obj/%.o)
FUZZ_BIN := $(FUZZ_DIR)/fuzz_net_input
FUZZ_SRCS := $(FUZZ_LIB_SRCS) tests/fuzz/fuzz_net_input.c
FUZZ_OBJS := $(FUZZ_SRCS:%.c=$(FUZZ_DIR)/obj/%.o)
# fuzz_chan links its own build of chan.c whose rte_zmalloc/rte_free are the C heap
# (fz_zmalloc/fz_free in fuzz_chan.c), so ASan sees the channel layer's buffers
# (DPDK's heap is invisible to it), and whose dp_tls_set_cert skips re-installing
# the blobs TLS already holds (fz_tls_set_cert: a key parse per input would cost
# milliseconds).
FUZZ_CHAN_BIN := $(FUZZ_DIR)/fuzz_chan
FUZZ_CHAN_HEAP_OBJ := $(FUZZ_DIR)/obj-heap/dataplane/cell/chan.o
FUZZ_CHAN_OBJS := $(filter-out $(FUZZ_DIR)/obj/dataplane/cell/chan.o,$(FUZZ_LIB_OBJS)) \
	$(FUZZ_CHAN_HEAP_OBJ) $(FUZZ_DIR)/obj/tests/fuzz/fuzz_chan.o
# fuzz_circ links its own builds of chan.c and circ.c: both allocate from the C heap
# (fzc_* in fuzz_circ.c), so ASan sees the channel, circuit and cell pools; chan.c's
# connect and send path (dp_tls_connect, dp_tls_write, dp_tls_write_space,
# dp_tls_writable_bytes) and dp_tls_set_cert go to the fuzzer's fake TLS.
FUZZ_CIRC_BIN := $(FUZZ_DIR)/fuzz_circ
FUZZ_CIRC_CHAN_OBJ := $(FUZZ_DIR)/obj-circ/dataplane/cell/chan.o
FUZZ_CIRC_CIRC_OBJ := $(FUZZ_DIR)/obj-circ/dataplane/cell/circ.o
FUZZ_CIRC_OBJS := $(filter-out $(FUZZ_DIR)/obj/dataplane/cell/chan.o \
	$(FUZZ_DIR)/obj/dataplane/cell/circ.o,$(FUZZ_LIB_OBJS)) $(FUZZ_CIRC_CHAN_OBJ) \
	$(FUZZ_CIRC_CIRC_OBJ) $(FUZZ_DIR)/obj/tests/fuzz/fuzz_circ.o
FUZZ_BINS := $(FUZZ_BIN) $(FUZZ_CHAN_BIN) $(FUZZ_CIRC_BIN)
FUZZ_SAN := -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
	-fno-omit-frame-pointer
# The gcc warning set, not fatal here (clang's differ; the gcc build enforces them).
# DPDK's headers are system headers to clang, which would otherwise flag their
# GCC_VERSION tests under -Wundef.
FUZZ_CFLAGS = -std=gnu11 $(filter-out -Werror,$(WARN)) -Wno-format-nonliteral -Wno-cast-align \
	-MMD -MP -g -O1 $(FUZZ_SAN) $(patsubst -I%,-isystem %,$(DPDK_CFLAGS)) $(SSL_CFLAGS)
# net_ring is a PMD: a shared DPDK build does not list it in pkg-config.
FUZZ_LIBS = -Wl,--no-as-needed -lrte_net_ring -Wl,--as-needed $(DPDK_LIBS) $(SSL_LIBS) -lpthread

$(FUZZ_DIR)/obj/%.o: %.c
	$(call msg,FUZZCC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(FUZZ_CC) $(CPPFLAGS) $(FUZZ_CFLAGS) -c $< -o $@

$(FUZZ_CHAN_HEAP_OBJ): dataplane/cell/chan.c tests/fuzz/module.mk
	$(call msg,FUZZCC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(FUZZ_CC) $(CPPFLAGS) $(FUZZ_CFLAGS) -Drte_zmalloc=fz_zmalloc -Drte_free=fz_free \
		-Ddp_tls_set_cert=fz_tls_set_cert \
		-c $< -o $@

$(FUZZ_CIRC_CHAN_OBJ): dataplane/cell/chan.c tests/fuzz/module.mk
	$(call msg,FUZZCC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(FUZZ_CC) $(CPPFLAGS) $(FUZZ_CFLAGS) -Drte_zmalloc=fzc_zmalloc -Drte_free=fzc_free \
		-Ddp_tls_set_cert=fzc_tls_set_cert -Ddp_tls_connect=fzc_tls_connect \
		-Ddp_tls_write=fzc_tls_write -Ddp_tls_write_space=fzc_tls_write_space \
		-Ddp_tls_writable_bytes=fzc_tls_writable_bytes -c $< -o $@

$(FUZZ_CIRC_CIRC_OBJ): dataplane/cell/circ.c tests/fuzz/module.mk
	$(call msg,FUZZCC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(FUZZ_CC) $(CPPFLAGS) $(FUZZ_CFLAGS) -Drte_zmalloc=fzc_zmalloc \
		-Drte_zmalloc_socket=fzc_zmalloc_socket -Drte_malloc_socket=fzc_malloc_socket \
		-Drte_free=fzc_free -c $< -o $@

$(FUZZ_BIN): $(FUZZ_OBJS)
	$(call msg,LD,$@)
	$(Q)$(FUZZ_CC) $(FUZZ_SAN) -o $@ $^ $(FUZZ_LIBS)

$(FUZZ_CHAN_BIN): $(FUZZ_CHAN_OBJS)
	$(call msg,LD,$@)
	$(Q)$(FUZZ_CC) $(FUZZ_SAN) -o $@ $^ $(FUZZ_LIBS)

$(FUZZ_CIRC_BIN): $(FUZZ_CIRC_OBJS)
	$(call msg,LD,$@)
	$(Q)$(FUZZ_CC) $(FUZZ_SAN) -o $@ $^ $(FUZZ_LIBS)

# Seeds and work directory per target.
FUZZ_CORPUS_fuzz_net_input := tests/fuzz/corpus
FUZZ_CORPUS_fuzz_chan := tests/fuzz/corpus-chan
FUZZ_CORPUS_fuzz_circ := tests/fuzz/corpus-circ
FUZZ_WORK_fuzz_net_input := $(FUZZ_DIR)/corpus-work
FUZZ_WORK_fuzz_chan := $(FUZZ_DIR)/corpus-work-chan
FUZZ_WORK_fuzz_circ := $(FUZZ_DIR)/corpus-work-circ

.PHONY: fuzz fuzz-build
fuzz-build: $(FUZZ_BINS)

fuzz: $(FUZZ_DIR)/$(FUZZ_TARGET)
	$(Q)test -n "$(FUZZ_CORPUS_$(FUZZ_TARGET))" || \
		{ echo "FUZZ_TARGET must be one of: $(notdir $(FUZZ_BINS))"; exit 2; }
	$(Q)mkdir -p $(FUZZ_WORK_$(FUZZ_TARGET))
	$(Q)cp $(FUZZ_CORPUS_$(FUZZ_TARGET))/* $(FUZZ_WORK_$(FUZZ_TARGET))/
	$(Q)prefix=chive-fuzz-make-$$$$; \
	CHIVE_FUZZ_PREFIX=$$prefix $(FUZZ_DIR)/$(FUZZ_TARGET) -max_total_time=$(FUZZ_SECONDS) \
		-timeout=10 -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix=$(FUZZ_DIR)/ \
		$(FUZZ_ARGS) $(FUZZ_WORK_$(FUZZ_TARGET)); \
	rc=$$?; rm -rf /var/run/dpdk/$$prefix-*; rmdir /var/run/dpdk 2>/dev/null; exit $$rc
