# common/: code both processes link; libc and C11 only (CONVENTIONS.md §14).
COMMON_SRCS := $(sort $(wildcard common/*/*.c))
COMMON_OBJS := $(COMMON_SRCS:%.c=$(O)/%.o)
