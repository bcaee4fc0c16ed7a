# dataplane/: the DPDK primary process. main.c is linked only into the binary;
# everything else is also linked into the dp test runner.
DP_SRCS := $(sort $(filter-out dataplane/main.c,$(wildcard dataplane/*.c dataplane/*/*.c)))
DP_OBJS := $(DP_SRCS:%.c=$(O)/%.o)
DP_MAIN_OBJS := $(O)/dataplane/main.o
