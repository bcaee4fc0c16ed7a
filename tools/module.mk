# tools/: programs built from Chive's code that are not part of the relay.
#
# chive-torclient (tools/torclient/): a Tor test client and echo endpoint over
# kernel sockets and OpenSSL. It links the control-plane objects (keys, link
# credentials, certificate checks, circuit handshakes) and its own build of
# dataplane/cell/relay_crypto.c and dataplane/tls/tls_settings.c, compiled with
# OpenSSL's flags only: they use no DPDK, and the dataplane's objects of them
# are built with DPDK's flags.
TORCLIENT_SRCS := $(sort $(wildcard tools/torclient/*.c))
TORCLIENT_RC_OBJ := $(O)/tools/torclient/relay_crypto.o
TORCLIENT_TLS_OBJ := $(O)/tools/torclient/tls_settings.o
TORCLIENT_OBJS := $(TORCLIENT_SRCS:%.c=$(O)/%.o) $(TORCLIENT_RC_OBJ) $(TORCLIENT_TLS_OBJ)
TORCLIENT_BIN := $(O)/bin/chive-torclient

$(TORCLIENT_OBJS): EXTRA_CFLAGS += $(SSL_CFLAGS)

$(TORCLIENT_RC_OBJ): dataplane/cell/relay_crypto.c
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CPPFLAGS) $(ALL_CFLAGS) -c $< -o $@

# The dataplane's TLS link settings, likewise DPDK-free (dataplane/tls/tls_settings.h).
$(TORCLIENT_TLS_OBJ): dataplane/tls/tls_settings.c
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CPPFLAGS) $(ALL_CFLAGS) -c $< -o $@

$(TORCLIENT_BIN): $(TORCLIENT_OBJS) $(CP_OBJS) $(O)/libcommon.a
	$(call msg,LD,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(ALL_LDFLAGS) -o $@ $^ $(SSL_LIBS) -lpthread

# chive-bench-crypto (tools/bench/): the crypto floor of `make bench` (relay
# crypto, TLS records, both per cell; tests/bench/bench_crypto.sh). No DPDK:
# it links the same OpenSSL-only relay_crypto.o as chive-torclient.
BENCH_CRYPTO_OBJS := $(O)/tools/bench/bench_crypto.o
BENCH_CRYPTO_BIN := $(O)/bin/chive-bench-crypto

$(BENCH_CRYPTO_OBJS): EXTRA_CFLAGS += $(SSL_CFLAGS)

$(BENCH_CRYPTO_BIN): $(BENCH_CRYPTO_OBJS) $(TORCLIENT_RC_OBJ) $(TORCLIENT_TLS_OBJ) $(O)/libcommon.a
	$(call msg,LD,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(ALL_LDFLAGS) -o $@ $^ $(SSL_LIBS)
