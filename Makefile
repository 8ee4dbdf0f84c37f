# sandbox: a rootless Linux sandbox. Targets: all test demo bench fuzz asan
# install clean format deps. The binary is build/sandbox; build/isolate and
# build/sandbox-oci are links to it (front ends chosen by argv[0]).

PREFIX ?= /usr/local
DESTDIR ?=
CC ?= gcc
BUILD ?= build

# Targets that compile against the -dev packages first install what is
# missing for them (tools/deps.sh TARGET: the build for all, demo and
# install; the tests' real parts for test; the peers for bench), then run
# make again: pkg-config below is read when this file is parsed, so it must
# be parsed after the install. The second make sees SB_DEPS_DONE and goes
# straight to work.
DEPS_FIRST := all test demo bench fuzz asan install
ifeq ($(SB_DEPS_DONE),)
.PHONY: $(DEPS_FIRST) deps clean format
$(DEPS_FIRST):
	@sh tools/deps.sh $@
	@$(MAKE) --no-print-directory SB_DEPS_DONE=1 $@
# Everything any target needs (the benches' peers included).
deps:
	@sh tools/deps.sh bench
clean:
	rm -rf build build-asan
format:
	clang-format -i sandbox/*.c sandbox/*.h front/*.c front/*.h
# make must not try to remake its own makefile through the rule below.
Makefile: ;
# Any other target (a single object, a test binary) is built directly;
# FORCE, or make would call an existing file up to date by this rule.
%: FORCE
	@$(MAKE) --no-print-directory SB_DEPS_DONE=1 $@
.PHONY: FORCE
FORCE: ;
else

# Warnings as in STYLE.md (a subset of bubblewrap's); -Werror so none slip in.
WARN = -Wall -Wextra -Werror -Wformat=2 -Wshadow -Wstrict-prototypes \
       -Wmissing-prototypes -Wswitch-enum -Wno-format-truncation
# -O2 for speed; -g keeps backtraces useful; fortify and stack protector are
# cheap hardening for a tool that parses untrusted-ish policy input.
OPT ?= -O2 -g -D_FORTIFY_SOURCE=2 -fstack-protector-strong
CFLAGS ?= $(OPT)

# Settings compiled in live in $(BUILD)/config.h, rewritten only when they
# change, so `make install PREFIX=/opt/x` after a plain `make` rebuilds what
# depends on the prefix (policy_lookup.c: where installed policies live).
CONFIG_H := $(BUILD)/config.h
CONFIG_TEXT := \#define SB_POLICY_DIR "$(PREFIX)/share/sandbox/policies"
$(shell mkdir -p $(BUILD) && printf '%s\n' '$(CONFIG_TEXT)' > $(CONFIG_H).new && \
	{ cmp -s $(CONFIG_H).new $(CONFIG_H) || mv -f $(CONFIG_H).new $(CONFIG_H); }; rm -f $(CONFIG_H).new)

PKGS_REQ = libseccomp libcap-ng
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS_REQ) jansson 2>/dev/null)
# The launcher is linked static-pie, glibc included: no ld.so, no symbol
# lookups and no shared libc pages at each start (start-up is on the hot
# path of every judged run): about 0.8 ms less per run here, and 1.3 MiB
# peak RSS instead of 2.1. The only NSS call (getpwuid, for ${HOME} when
# HOME is unset) uses "files", which glibc 2.34+ has built in.
# `make LINK_STATIC=` links glibc shared (the asan build must).
LINK_STATIC ?= -static-pie
# libbpf (the eBPF layer) with what its static archive needs: libelf, zlib;
# its syscall() calls go through sandbox/bpf/token.c, which hands libbpf 1.1
# (it predates BPF tokens) the run's token.
PKG_LIBS_RAW := $(shell pkg-config --libs $(PKGS_REQ) jansson 2>/dev/null) \
	$(shell pkg-config --libs --static libbpf 2>/dev/null || echo -lbpf -lelf -lz) -Wl,--wrap=syscall
# Test programs link Criterion shared, and the three small libraries static.
PKG_LIBS := -Wl,-Bstatic $(PKG_LIBS_RAW) -Wl,-Bdynamic

# The core's headers by quote include only (-iquote): sandbox/seccomp.h
# must never shadow libseccomp's <seccomp.h>.
INCS = -iquote sandbox -iquote front -iquote $(BUILD)
ALL_CFLAGS = -std=gnu11 -D_GNU_SOURCE $(WARN) $(DEFS) $(INCS) $(PKG_CFLAGS) $(CFLAGS)
LDFLAGS ?=
LIBS = $(PKG_LIBS)

# The core (sandbox/), its eBPF loader (sandbox/bpf/, not the *.bpf.c
# programs) and the front ends (front/): one object directory.
SRCS := $(wildcard sandbox/*.c) $(filter-out %.bpf.c,$(wildcard sandbox/bpf/*.c)) $(wildcard front/*.c)
OBJS := $(patsubst %.c,$(BUILD)/obj/%.o,$(SRCS)) $(BUILD)/obj/policies_builtin.o
LIB_OBJS := $(filter-out $(BUILD)/obj/sandbox/main.o,$(OBJS))
HDRS := $(wildcard sandbox/*.h) $(wildcard sandbox/bpf/*.h) $(wildcard front/*.h)
POLICIES := $(wildcard policies/*.policy)
# argv[0] aliases of the one binary (DESIGN.md: front ends).
ALIASES := isolate sandbox-oci

.PHONY: all test demo bench fuzz asan install unit fuzz-replay
all: $(BUILD)/sandbox $(addprefix $(BUILD)/,$(ALIASES))

$(BUILD)/obj/%.o: %.c $(HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

# The eBPF programs: C compiled to BPF by clang, then embedded in the
# binary as a libbpf skeleton (bpftool gen skeleton), so the launcher
# carries them and needs no file at run time. -g: the BTF the skeleton's
# typed views of the programs' data come from. The asm/ headers live in the
# multiarch include dir, which -target bpf does not search by itself.
CLANG ?= clang
BPFTOOL ?= $(shell command -v bpftool 2>/dev/null || echo /usr/sbin/bpftool)
MULTIARCH := $(shell $(CC) -print-multiarch 2>/dev/null)
BPF_OBJ := $(BUILD)/bpf/sandbox.bpf.o
BPF_SKEL := $(BUILD)/bpf/sandbox.skel.h
$(BPF_OBJ): $(wildcard sandbox/bpf/*.bpf.c) sandbox/bpf/ebpf_abi.h
	@mkdir -p $(dir $@)
	@command -v $(CLANG) >/dev/null 2>&1 || { echo "clang not found: it builds the eBPF programs; install it with: apt-get install clang" >&2; exit 1; }
	$(CLANG) -target bpf -O2 -g -Wall -Werror $(if $(MULTIARCH),-I/usr/include/$(MULTIARCH)) -iquote sandbox/bpf -c -o $@ sandbox/bpf/sandbox.bpf.c
$(BPF_SKEL): $(BPF_OBJ)
	@test -x $(BPFTOOL) || command -v $(BPFTOOL) >/dev/null 2>&1 || { echo "bpftool not found: it embeds the eBPF programs; install it with: apt-get install bpftool" >&2; exit 1; }
	$(BPFTOOL) gen skeleton $< name sandbox_bpf > $@.tmp && mv $@.tmp $@
$(BUILD)/obj/sandbox/bpf/loader.o: $(BPF_SKEL)

# Only the policy lookup reads the prefix.
$(BUILD)/obj/sandbox/policy_lookup.o: $(CONFIG_H)

# The shipped policies are compiled in, so the binary works uninstalled.
$(BUILD)/policies_builtin.c: $(POLICIES) tools/embed-policies.sh
	@mkdir -p $(dir $@)
	sh tools/embed-policies.sh $(POLICIES) > $@

$(BUILD)/obj/policies_builtin.o: $(BUILD)/policies_builtin.c
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(BUILD)/sandbox: $(OBJS)
	$(CC) $(LDFLAGS) $(LINK_STATIC) -o $@ $^ $(if $(LINK_STATIC),$(PKG_LIBS_RAW),$(LIBS))

$(addprefix $(BUILD)/,$(ALIASES)): $(BUILD)/sandbox
	ln -sf sandbox $@

# Unit tests (Criterion), one program per module.
UNIT_SRCS := $(wildcard tests/unit/test_*.c)
UNIT_BINS := $(patsubst tests/unit/%.c,$(BUILD)/tests/%,$(UNIT_SRCS))
HELPER_SRCS := $(wildcard tests/helpers/*.c)
HELPER_BINS := $(patsubst tests/helpers/%.c,$(BUILD)/tests/helpers/%,$(HELPER_SRCS))
INTEG_SRCS := $(wildcard tests/integration/test_*.c)
INTEG_BINS := $(patsubst tests/integration/%.c,$(BUILD)/tests/integ_%,$(INTEG_SRCS))

# The fuzz replay compiles the fuzzer's entry point in.
$(BUILD)/tests/test_fuzz_regress: tests/fuzz/fuzz_policy.c

$(BUILD)/tests/test_%: tests/unit/test_%.c $(LIB_OBJS) $(CONFIG_H)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -o $@ $< $(LIB_OBJS) $(LIBS) -lcriterion

$(BUILD)/tests/integ_%: tests/integration/%.c tests/integration/harness.h
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -iquote tests/integration -o $@ $< -lcriterion

# Helpers run inside the sandbox; static so they need no libraries there.
$(BUILD)/tests/helpers/%: tests/helpers/%.c
	@mkdir -p $(dir $@)
	$(CC) -std=gnu11 -D_GNU_SOURCE -O2 -Wall -static -o $@ $< || \
	$(CC) -std=gnu11 -D_GNU_SOURCE -O2 -Wall -o $@ $<

unit: $(UNIT_BINS)
	@for t in $(UNIT_BINS); do $$t --jobs 2 || exit 1; done

# make test also builds the libFuzzer target and replays its corpus once,
# so the fuzz build cannot rot unnoticed.
test: all $(UNIT_BINS) $(INTEG_BINS) $(HELPER_BINS)
	@FUZZ_REPLAY=1 sh tests/fuzz/run.sh $(BUILD)
	@sh tests/run.sh $(BUILD)

demo: all
	@sh tools/demo.sh $(BUILD)

bench: all $(HELPER_BINS)
	@sh benches/run.sh $(BUILD)

asan:
	LSAN_OPTIONS=suppressions=$(CURDIR)/tests/lsan.supp $(MAKE) BUILD=build-asan OPT="-O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer" \
		LDFLAGS="-fsanitize=address,undefined" LINK_STATIC= test

fuzz:
	@sh tests/fuzz/run.sh $(BUILD)

install: all
	install -D -m 0755 $(BUILD)/sandbox $(DESTDIR)$(PREFIX)/bin/sandbox
	for a in $(ALIASES); do ln -sf sandbox $(DESTDIR)$(PREFIX)/bin/$$a; done
	install -d $(DESTDIR)$(PREFIX)/share/sandbox/policies
	install -m 0644 $(POLICIES) $(DESTDIR)$(PREFIX)/share/sandbox/policies/
	install -D -m 0644 doc/sandbox.1 $(DESTDIR)$(PREFIX)/share/man/man1/sandbox.1

endif
