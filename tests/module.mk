# tests/: two CUnit runners. `unit` links no DPDK (that it links proves the
# layering); `dp` starts EAL without hugepages and uses net_ring ports.
# cu_runner.c (the shared runner main, plain C) is linked into both.
TEST_HARNESS_OBJS := $(O)/tests/harness/cu_runner.o
TEST_UNIT_SRCS := tests/runner_unit.c tests/harness/fake_dp.c \
	$(sort $(wildcard tests/common/*.c tests/controlplane/*.c tests/drivers/*.c))
TEST_DP_SRCS := tests/runner_dp.c tests/harness/eal_fixture.c tests/harness/tcp_peer.c \
	$(sort $(wildcard tests/dataplane/*.c))
TEST_UNIT_OBJS := $(TEST_UNIT_SRCS:%.c=$(O)/%.o)
TEST_DP_OBJS := $(TEST_DP_SRCS:%.c=$(O)/%.o)
