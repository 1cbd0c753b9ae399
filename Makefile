# SPDX-License-Identifier: GPL-2.0
# rtrace: `make` builds ./rtrace, `make test` runs every test, `make demo` traces a demo.
OUTPUT := build
CLANG ?= clang-19
BPFTOOL ?= bpftool
CC ?= gcc
ARCH := $(shell uname -m | sed 's/x86_64/x86/;s/aarch64/arm64/')
VMLINUX_H ?= vmlinux.h
PREFIX ?= /usr/local
VERSION := 0.1.0

CFLAGS ?= -g -O2
CFLAGS += -Wall -Wextra -Werror -std=gnu11 -D_GNU_SOURCE -DRTRACE_VERSION='"$(VERSION)"'
INCLUDES := -Iinclude -I$(OUTPUT) -Iuser
LDLIBS := -lbpf -lelf -ldw -lz -lZydis -liberty
SAN := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all

BPF_SRCS := $(wildcard bpf/*.bpf.c)
BPF_OBJS := $(patsubst bpf/%.bpf.c,$(OUTPUT)/bpf/%.bpf.o,$(BPF_SRCS))
USER_SRCS := $(wildcard user/*.c user/*/*.c)
USER_HDRS := $(wildcard user/*.h user/*/*.h)
USER_OBJS := $(patsubst user/%.c,$(OUTPUT)/user/%.o,$(USER_SRCS))
LIB_OBJS := $(filter-out $(OUTPUT)/user/main.o,$(USER_OBJS))
ASAN_LIB_OBJS := $(patsubst $(OUTPUT)/user/%.o,$(OUTPUT)/asan/%.o,$(LIB_OBJS))
UNIT_SRCS := $(wildcard tests/unit/test_*.c)
UNIT_BINS := $(patsubst tests/unit/%.c,$(OUTPUT)/tests/unit/%,$(UNIT_SRCS))
TARGET_SRCS := $(wildcard tests/targets/*.c)
TARGET_CXX_SRCS := $(wildcard tests/targets/*.cc)
TARGET_BINS := $(patsubst tests/targets/%.c,$(OUTPUT)/targets/%,$(TARGET_SRCS)) \
	       $(patsubst tests/targets/%.cc,$(OUTPUT)/targets/%,$(TARGET_CXX_SRCS)) \
	       $(OUTPUT)/targets/gotarget

ifeq ($(V),1)
Q =
msg =
else
Q = @
msg = @printf '  %-8s %s\n' "$(1)" "$(2)";
endif

.PHONY: all deps test unit integration demo bench install clean vmtest fuzz
all: rtrace

deps:
	$(Q)scripts/deps.sh

$(OUTPUT) $(OUTPUT)/bpf $(OUTPUT)/user $(OUTPUT)/asan $(OUTPUT)/tests/unit $(OUTPUT)/targets:
	$(Q)mkdir -p $@

# BPF: one object per concern, linked into one skeleton.
$(OUTPUT)/bpf/%.bpf.o: bpf/%.bpf.c $(wildcard bpf/*.h) include/rtrace.h $(VMLINUX_H) | $(OUTPUT)/bpf
	$(call msg,BPF,$@)
	$(Q)$(CLANG) -g -O2 -Wall -target bpf -mcpu=v3 -D__TARGET_ARCH_$(ARCH) -Iinclude -I. -c $< -o $@

$(OUTPUT)/rtrace.bpf.o: $(BPF_OBJS)
	$(call msg,GEN-OBJ,$@)
	$(Q)$(BPFTOOL) gen object $@ $^

$(OUTPUT)/rtrace.skel.h: $(OUTPUT)/rtrace.bpf.o
	$(call msg,GEN-SKEL,$@)
	$(Q)$(BPFTOOL) gen skeleton $< name rtrace_bpf > $@

$(OUTPUT)/user/%.o: user/%.c $(USER_HDRS) include/rtrace.h $(OUTPUT)/rtrace.skel.h | $(OUTPUT)/user
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) $(INCLUDES) -c $< -o $@

rtrace: $(USER_OBJS)
	$(call msg,BINARY,$@)
	$(Q)$(CC) $(CFLAGS) $^ $(LDLIBS) -o $@

# Unit tests run under ASan/UBSan against the same sources.
$(OUTPUT)/asan/%.o: user/%.c $(USER_HDRS) include/rtrace.h $(OUTPUT)/rtrace.skel.h | $(OUTPUT)/asan
	$(call msg,CC-SAN,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) $(SAN) $(INCLUDES) -c $< -o $@

$(OUTPUT)/tests/unit/%: tests/unit/%.c $(wildcard tests/unit/*.h) $(ASAN_LIB_OBJS) | $(OUTPUT)/tests/unit
	$(call msg,TEST-CC,$@)
	$(Q)$(CC) $(CFLAGS) $(SAN) $(INCLUDES) -Itests/unit $< $(ASAN_LIB_OBJS) $(LDLIBS) -o $@

# Small programs the integration tests trace: debug info, no optimisation
# surprises, frame pointers so their prologues start with `push %rbp`.
$(OUTPUT)/targets/%: tests/targets/%.c | $(OUTPUT)/targets
	$(call msg,TARGET,$@)
	$(Q)$(CC) -g -O1 -fno-omit-frame-pointer -fno-inline -fcf-protection=none -pthread $< -o $@

# A library the dlopen tests load at run time.
$(OUTPUT)/targets/libplug.so: tests/targets/lib/plug.c | $(OUTPUT)/targets
	$(call msg,TARGET,$@)
	$(Q)$(CC) -g -O1 -fPIC -shared -fno-inline $< -o $@

$(OUTPUT)/targets/%: tests/targets/%.cc | $(OUTPUT)/targets
	$(call msg,TARGET,$@)
	$(Q)$(CXX) -g -O1 -fno-omit-frame-pointer -fno-inline $< -o $@

# The Go target: Debian's golang-go, offline (no module beyond the standard library), its
# caches under build/.
GO ?= go
GO_ENV := GOFLAGS=-mod=mod GOPROXY=off GOTOOLCHAIN=local CGO_ENABLED=0 \
	  GOCACHE=$(abspath $(OUTPUT))/go/cache GOPATH=$(abspath $(OUTPUT))/go/path
$(OUTPUT)/targets/gotarget: $(wildcard tests/targets/go/*.go) tests/targets/go/go.mod | $(OUTPUT)/targets
	$(call msg,GO,$@)
	$(Q)cd tests/targets/go && $(GO_ENV) $(GO) build -o $(abspath $@) .

# `make bench`: the no-op probe floor, a loader of its own.
$(OUTPUT)/bench/floor.bpf.o: tests/bench/floor.bpf.c $(VMLINUX_H) | $(OUTPUT)
	$(Q)mkdir -p $(OUTPUT)/bench
	$(call msg,BPF,$@)
	$(Q)$(CLANG) -g -O2 -Wall -target bpf -mcpu=v3 -D__TARGET_ARCH_$(ARCH) -I. -c $< -o $@

$(OUTPUT)/bench/floor.skel.h: $(OUTPUT)/bench/floor.bpf.o
	$(Q)$(BPFTOOL) gen skeleton $< name floor_bpf > $@

$(OUTPUT)/bench/floor: tests/bench/floor.c $(OUTPUT)/bench/floor.skel.h
	$(call msg,CC,$@)
	$(Q)$(CC) $(CFLAGS) -I$(OUTPUT)/bench $< $(LDLIBS) -o $@

# The RECORDS codec's cost, on a trace file's records.
$(OUTPUT)/bench/codec: tests/bench/codec.c $(LIB_OBJS)
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) $(INCLUDES) $< $(LIB_OBJS) $(LDLIBS) -o $@

# uftrace's own mode needs -pg.
$(OUTPUT)/bench/bench_work_pg: tests/targets/bench_work.c | $(OUTPUT)
	$(Q)mkdir -p $(OUTPUT)/bench
	$(Q)$(CC) -g -O1 -pg -fno-omit-frame-pointer $< -o $@

# insnlab: runs x86 instructions with and without a uprobe on them (tests/insnlab/insnlab.c).
INSNLAB_SRCS := $(wildcard tests/insnlab/*.c) user/syms/elf_syms.c user/syms/demangle.c \
		user/probes/probesite.c
$(OUTPUT)/tests/insnlab: $(INSNLAB_SRCS) tests/insnlab/insnlab.h user/syms/elf_syms.h \
			 user/syms/demangle.h user/probes/probesite.h
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) -Iuser $(INSNLAB_SRCS) -lZydis -lelf -lz -liberty -o $@

# libFuzzer (clang's, libclang-rt-19-dev): the replay pipeline on any bytes. The library is
# built again with clang, whose ASan runtime cannot mix with gcc's.
FUZZ_SAN := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
# clang also warns of positional initializers that leave fields zero, as the tables do
FUZZ_CFLAGS := -g -O1 -Wall -Wextra -Werror -Wno-missing-field-initializers -std=gnu11 \
	       -D_GNU_SOURCE -DRTRACE_VERSION='"$(VERSION)"'
FUZZ_OBJS := $(patsubst $(OUTPUT)/user/%.o,$(OUTPUT)/fuzz/%.o,$(LIB_OBJS))
FUZZ_TIME ?= 60

$(OUTPUT)/fuzz/%.o: user/%.c $(USER_HDRS) include/rtrace.h $(OUTPUT)/rtrace.skel.h
	$(call msg,CC-FUZZ,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CLANG) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link $(FUZZ_SAN) $(INCLUDES) -c $< -o $@

$(OUTPUT)/fuzz/fuzz_%: tests/fuzz/fuzz_%.c $(FUZZ_OBJS)
	$(call msg,FUZZ,$@)
	$(Q)$(CLANG) $(FUZZ_CFLAGS) -fsanitize=fuzzer $(FUZZ_SAN) $(INCLUDES) $^ $(LDLIBS) -o $@

# make fuzz [FUZZ_TIME=seconds]: fuzzes the trace reader and replay, then the RECORDS codec
# alone, then the prototypes' decoder and printers, FUZZ_TIME each, from the tests' seeds.
fuzz: deps $(OUTPUT)/fuzz/fuzz_trace $(OUTPUT)/fuzz/fuzz_codec $(OUTPUT)/fuzz/fuzz_proto
	$(Q)mkdir -p $(OUTPUT)/fuzz/corpus $(OUTPUT)/fuzz/codec-corpus $(OUTPUT)/fuzz/proto-corpus
	$(Q)ls $(OUTPUT)/fuzz/seeds/* $(OUTPUT)/fuzz/codec-seeds/* $(OUTPUT)/fuzz/proto-seeds/* \
		> /dev/null 2>&1 || { \
		echo "make fuzz: no seeds yet: run make test first (fuzzcorpus.t makes them)"; exit 1; }
	$(Q)$(OUTPUT)/fuzz/fuzz_trace -max_total_time=$(FUZZ_TIME) -close_fd_mask=2 \
		-max_len=262144 $(OUTPUT)/fuzz/corpus $(OUTPUT)/fuzz/seeds
	$(Q)$(OUTPUT)/fuzz/fuzz_codec -max_total_time=$(FUZZ_TIME) -max_len=262144 \
		$(OUTPUT)/fuzz/codec-corpus $(OUTPUT)/fuzz/codec-seeds
	$(Q)$(OUTPUT)/fuzz/fuzz_proto -max_total_time=$(FUZZ_TIME) -max_len=65536 \
		$(OUTPUT)/fuzz/proto-corpus $(OUTPUT)/fuzz/proto-seeds

unit: $(UNIT_BINS)
integration: rtrace $(TARGET_BINS) $(OUTPUT)/targets/libplug.so $(OUTPUT)/tests/insnlab \
	     $(OUTPUT)/fuzz/fuzz_trace $(OUTPUT)/fuzz/fuzz_codec $(OUTPUT)/fuzz/fuzz_proto

test: deps
	$(Q)$(MAKE) --no-print-directory all unit integration
	$(Q)scripts/run-tests.sh

demo: deps
	$(Q)$(MAKE) --no-print-directory all $(OUTPUT)/targets/demo
	$(Q)scripts/demo.sh

bench: deps
	$(Q)RTRACE_BENCH_DEPS=1 scripts/deps.sh
	$(Q)$(MAKE) --no-print-directory all $(TARGET_BINS) $(OUTPUT)/bench/floor $(OUTPUT)/bench/bench_work_pg \
		$(OUTPUT)/bench/codec
	$(Q)scripts/bench.sh

vmtest: deps
	$(Q)$(MAKE) --no-print-directory all unit integration
	$(Q)scripts/vmtest.sh

install: rtrace
	install -D -m 0755 rtrace $(DESTDIR)$(PREFIX)/bin/rtrace

vmlinux:
	scripts/gen_vmlinux_h.sh > $(VMLINUX_H)

clean:
	rm -rf $(OUTPUT) rtrace

.DELETE_ON_ERROR:
.SECONDARY:
