# drivers/: NIC and kernel glue. DRV_PLAIN_* are plain C (no DPDK) and may be
# linked into the unit-test runner; DRV_DPDK_* see DPDK headers.
DRV_PLAIN_SRCS := drivers/rss.c
DRV_DPDK_SRCS := drivers/port.c drivers/fault.c
DRV_PLAIN_OBJS := $(DRV_PLAIN_SRCS:%.c=$(O)/%.o)
DRV_DPDK_OBJS := $(DRV_DPDK_SRCS:%.c=$(O)/%.o)
DRV_OBJS := $(DRV_PLAIN_OBJS) $(DRV_DPDK_OBJS)
