# controlplane/: an ordinary process, no DPDK. main.c and chivectl.c are the
# two entry points; the rest is also linked into the unit-test runner.
CP_SRCS := $(sort $(filter-out controlplane/main.c controlplane/cli/chivectl.c, \
	$(wildcard controlplane/*.c controlplane/*/*.c)))
CP_OBJS := $(CP_SRCS:%.c=$(O)/%.o)
CP_MAIN_OBJS := $(O)/controlplane/main.o
# chivectl links only the CLI wire protocol, nothing of the daemon.
CTL_OBJS := $(O)/controlplane/cli/chivectl.o $(O)/controlplane/cli/cli_proto.o
