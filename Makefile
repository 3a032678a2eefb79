# netrepl — build, run, test, install.
#   make            build $(BUILD)/netrepl
#   make run        install missing build packages, build, start the shell
#   make check      install missing test packages, run every test, then again
#                   under AddressSanitizer + UBSan
#   make install    PREFIX=/usr/local DESTDIR=
# Objects go to $(BUILD) (default build/), so several builds (plain, sanitized)
# can live side by side.

BUILD   ?= build
PREFIX  ?= /usr/local
DESTDIR ?=
SAN     ?=
VERSION := 0.1.0

PKGS    := readline libcares libpcre2-8 ldns openssl libpcap
CC      ?= cc
CSTD    := -std=c11 -D_GNU_SOURCE -DNETREPL_VERSION='"$(VERSION)"'
WARN    := -Wall -Wextra -Werror -Wformat=2 -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wno-unused-parameter
OPT     ?= -O2 -g
ifeq ($(SAN),1)
OPT     := -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=undefined
endif
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   = $(shell pkg-config --libs $(PKGS) 2>/dev/null)
CFLAGS_ALL = $(CSTD) $(WARN) $(OPT) -I. $(PKG_CFLAGS) $(CFLAGS)
LDFLAGS_ALL = $(OPT) $(LDFLAGS)

LIB_SRC   := $(sort $(wildcard lib/*.c))
CMD_SRC   := $(sort $(wildcard cmds/*.c))
SHELL_SRC := $(sort $(filter-out shell/main.c,$(wildcard shell/*.c)))
UNIT_SRC  := $(sort $(wildcard tests/unit/test_*.c))

LIB_OBJ   := $(LIB_SRC:%.c=$(BUILD)/%.o)
LIB_A     := $(BUILD)/libnetrepl.a
APP_OBJ   := $(SHELL_SRC:%.c=$(BUILD)/%.o) $(CMD_SRC:%.c=$(BUILD)/%.o)
BIN       := $(BUILD)/netrepl
UNIT_BIN  := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)
# Unit tests of lib/ alone link the archive and nothing else; those that
# include shell/ or cmds/ headers (printer, tokenizer, table) link the app too.
UNIT_APP_SRC := $(shell grep -l '^\#include "\(shell\|cmds\)/' $(UNIT_SRC))
UNIT_LIB_BIN := $(filter-out $(UNIT_APP_SRC:tests/unit/%.c=$(BUILD)/tests/%),$(UNIT_BIN))
UNIT_APP_BIN := $(UNIT_APP_SRC:tests/unit/%.c=$(BUILD)/tests/%)

.PHONY: tls all run check check-run check-poll unit cli e2e examples tty docs deps test-deps install uninstall clean bench fuzz fuzz-regress memcheck
all: $(BIN)

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -MMD -MP -c $< -o $@

# lib/ is an archive of its own. The layering check runs before the binary
# links: lib/ may not include a shell/ or cmds/ header, nor use a symbol that
# shell/ or cmds/ define (tests/layers.sh).
$(LIB_A): $(LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(BUILD)/layers.ok: tests/layers.sh $(LIB_A) $(APP_OBJ) $(BUILD)/shell/main.o
	@sh tests/layers.sh $(LIB_A) $(APP_OBJ) $(BUILD)/shell/main.o
	@touch $@

$(BIN): $(BUILD)/shell/main.o $(APP_OBJ) $(LIB_A) $(BUILD)/layers.ok
	$(CC) $(LDFLAGS_ALL) -o $@ $(BUILD)/shell/main.o $(APP_OBJ) $(LIB_A) $(PKG_LIBS) -lm

$(UNIT_LIB_BIN): $(BUILD)/tests/%: tests/unit/%.c $(LIB_A)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) $(shell pkg-config --cflags cmocka) -o $@ $^ $(LDFLAGS_ALL) $(PKG_LIBS) $(shell pkg-config --libs cmocka) -lm

$(UNIT_APP_BIN): $(BUILD)/tests/%: tests/unit/%.c $(APP_OBJ) $(LIB_A)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) $(shell pkg-config --cflags cmocka) -o $@ $^ $(LDFLAGS_ALL) $(PKG_LIBS) $(shell pkg-config --libs cmocka) -lm

deps:
	@sh tests/deps.sh build
test-deps:
	@sh tests/deps.sh test

run: deps
	@$(MAKE) --no-print-directory $(BIN)
	@$(BIN)

unit: $(UNIT_BIN)
	@for t in $(UNIT_BIN); do $$t || exit 1; done
	@if $(CC) $(CFLAGS_ALL) -fsyntax-only tests/unit/bad_format.c 2>/dev/null; then \
	  echo "FAIL tests/unit/bad_format.c compiles: out_* formats are not checked"; exit 1; fi

e2e: $(BIN)
	@bash tests/e2e/run.sh $(BIN)

tty: $(BIN)
	@bash tests/tty/run.sh $(BIN)
	@bash tests/tty/polish.sh $(BIN)
	@bash tests/tty/expect.sh $(BIN)
	@bash tests/tty/pics.sh $(BIN)
	@bash tests/tty/tls.sh $(BIN)

docs: $(BIN)
	@bash tests/docs/check.sh $(BIN)

# The teaching examples run as transcripts too (expected output in tests/examples/).
examples: $(BIN)
	@bash tests/e2e/run.sh --dir examples $(BIN)

cli: $(BIN)
	@bash tests/cli/run.sh $(BIN)

# `mask` and `subnet` against Python's ipaddress on generated cases.
.PHONY: addr-check
addr-check: $(BIN)
	@python3 tests/addr/crosscheck.py $(BIN) 6000

# `lookup --full` and any-type lookups against dig on the same nsd.
.PHONY: dns-check
dns-check: $(BIN)
	@bash tests/dns/check_full.sh $(BIN)

# `lookup trace` through a hierarchy of nsd instances in a network namespace,
# against dig +trace (skips unless root).
.PHONY: trace-check
trace-check: $(BIN)
	@bash tests/dns/trace/run.sh $(BIN)

# TLS against openssl s_server/s_client, socat and Python ssl peers, with a
# test PKI made at test time (tests/tls/).
tls: $(BIN)
	@bash tests/tls/run.sh $(BIN)

# One full pass (unit, command line, transcripts, terminal, docs) over one build.
check-run: unit cli e2e examples tty docs addr-check dns-check trace-check tls

# The differential test against Go's net package (tests/go/; skips, saying
# so, when go is missing).
.PHONY: godiff
godiff: $(BIN)
	@bash tests/go/run.sh $(BIN)
check-run: godiff

# ping's socket kinds and loss handling in network namespaces (skips unless root).
.PHONY: ping-tests
ping-tests: $(BIN)
	@bash tests/ping/run.sh $(BIN)
check-run: ping-tests

# Raw IP sessions (dial/listen ip4:PROTO, ip6:PROTO) in network namespaces
# (skips unless root).
.PHONY: raw-tests
raw-tests: $(BIN)
	@bash tests/raw/run.sh $(BIN)
check-run: raw-tests

# trace and capture on the wire in network namespaces (skips unless root).
.PHONY: capture-tests
capture-tests: $(BIN)
	@bash tests/capture/run.sh $(BIN)
check-run: capture-tests

# The event loop's poll(2) fallback (lib/loop.c without epoll): the unit
# tests and the transcripts again on a build that forces it.
check-poll:
	@echo "== the poll(2) fallback of the event loop =="
	@$(MAKE) --no-print-directory BUILD=build-poll CFLAGS=-DNR_FORCE_POLL unit e2e

check: test-deps
	@$(MAKE) --no-print-directory check-run
	@$(MAKE) --no-print-directory check-poll
	@$(MAKE) --no-print-directory fuzz-regress
	@echo "== again under AddressSanitizer + UBSan =="
	@ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	  $(MAKE) --no-print-directory BUILD=build-asan SAN=1 check-run

# The transcripts and examples under valgrind: any error or definite leak fails.
memcheck: $(BIN)
	@NR_NO_JSON=1 NR_WRAP="valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite --track-fds=no" \
	  bash tests/e2e/run.sh $(BIN)
	@NR_NO_JSON=1 NR_WRAP="valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite --track-fds=no" \
	  bash tests/e2e/run.sh --dir examples $(BIN)

# libFuzzer targets (clang): tests/fuzz/fuzz_*.c, seeds in tests/fuzz/corpus/NAME.
# `make fuzz` fuzzes each for FUZZ_TIME seconds; `make fuzz-regress` only
# replays the corpus (part of make check).
FUZZ_TIME ?= 60
FUZZ_SRC  := $(sort $(wildcard tests/fuzz/fuzz_*.c))
FUZZ_BIN  := $(FUZZ_SRC:tests/fuzz/%.c=build-fuzz/%)
FUZZ_OBJ   = $(filter-out build-fuzz/shell/main.o,$(patsubst %.c,build-fuzz/%.o,$(LIB_SRC) $(SHELL_SRC) $(CMD_SRC)))
build-fuzz/%.o: %.c
	@mkdir -p $(dir $@)
	clang $(CSTD) $(WARN) -O1 -g -fsanitize=fuzzer-no-link,address,undefined -I. $(PKG_CFLAGS) -c $< -o $@
build-fuzz/fuzz_%: tests/fuzz/fuzz_%.c $(FUZZ_OBJ)
	clang $(CSTD) $(WARN) -O1 -g -fsanitize=fuzzer,address,undefined -I. $(PKG_CFLAGS) -o $@ $^ $(PKG_LIBS) -lm
fuzz: $(FUZZ_BIN)
	@for f in $(FUZZ_BIN); do n=$${f#build-fuzz/fuzz_}; mkdir -p build-fuzz/corpus/$$n; \
	  echo "== $$f for $(FUZZ_TIME) s"; \
	  $$f -max_total_time=$(FUZZ_TIME) -print_final_stats=1 build-fuzz/corpus/$$n tests/fuzz/corpus/$$n 2>&1 | grep -E 'stat::number_of_executed_units|cov:.*DONE|ERROR|SUMMARY' ; done
fuzz-regress: $(FUZZ_BIN)
	@for f in $(FUZZ_BIN); do n=$${f#build-fuzz/fuzz_}; $$f -runs=0 tests/fuzz/corpus/$$n >/dev/null 2>&1 || { echo "FAIL fuzz corpus $$n"; $$f -runs=0 tests/fuzz/corpus/$$n; exit 1; }; done; \
	  echo "fuzz: $(words $(FUZZ_BIN)) passed, 0 failed"

install: $(BIN)
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/man/man1
	install -m 755 $(BIN) $(DESTDIR)$(PREFIX)/bin/netrepl
	if [ -f netrepl.1 ]; then install -m 644 netrepl.1 $(DESTDIR)$(PREFIX)/share/man/man1/netrepl.1; fi

uninstall:
	rm -f $(DESTDIR)$(PREFIX)/bin/netrepl $(DESTDIR)$(PREFIX)/share/man/man1/netrepl.1

bench: $(BIN)
	@for b in bench/*; do [ -x "$$b" ] && [ -f "$$b" ] && "$$b" $(BIN); done; true

clean:
	rm -rf build build-asan build-*

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
