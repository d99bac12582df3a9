# Stethoscope in C: build, test, demo and install.
#
#   make            build build/stethoscope and the test programs
#   make check      every test: unit suites, integration tests, then the
#                   same again built with AddressSanitizer and UBSan
#   make demo       start the whole product on http://127.0.0.1:8080/
#   make install    install under $(DESTDIR)$(PREFIX)
#
# V=1 prints full command lines.

PREFIX		?= /usr/local
SYSCONFDIR	?= /etc
DESTDIR		?=
BUILD		?= build

CC		?= cc
PKG_CONFIG	?= pkg-config
PACKAGES	 = fcgi json-c libcurl libxml-2.0 yaml-0.1 libcrypto
VERSION		 = 0.1.0

CFLAGS		?= -O2 -g
WARNINGS	 = -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes \
		   -Wmissing-prototypes -Wpointer-arith -Wformat=2
ALL_CFLAGS	 = -std=c11 -D_GNU_SOURCE $(WARNINGS) -Iinclude \
		   -DSTETHOSCOPE_VERSION='"$(VERSION)"' \
		   -DSTETHOSCOPE_SYSCONFDIR='"$(SYSCONFDIR)/stethoscope"' \
		   $(shell $(PKG_CONFIG) --cflags $(PACKAGES) 2>/dev/null) \
		   $(SANITIZE_FLAGS) $(CFLAGS)
LIBS		 = $(shell $(PKG_CONFIG) --libs $(PACKAGES) 2>/dev/null)
TEST_CFLAGS	 = $(shell $(PKG_CONFIG) --cflags cmocka 2>/dev/null)
TEST_LIBS	 = $(shell $(PKG_CONFIG) --libs cmocka 2>/dev/null)
ALL_LDFLAGS	 = $(SANITIZE_FLAGS) $(LDFLAGS)

ifeq ($(V),1)
Q	=
else
Q	= @
endif

# Everything under src/ and sources/ except main.c goes into one static
# library that the program, the tests and the fake servers link against.
LIB_SRC		 = $(filter-out src/main.c,$(wildcard src/*.c sources/*.c))
LIB_OBJ		 = $(LIB_SRC:%.c=$(BUILD)/%.o)
LIB		 = $(BUILD)/libstethoscope.a
PROG		 = $(BUILD)/stethoscope

UNIT_SRC	 = $(wildcard tests/test_*.c)
UNIT_BIN	 = $(UNIT_SRC:tests/%.c=$(BUILD)/tests/%)
FAKE_SRC	 = $(wildcard tests/fakes/*.c)
FAKE_BIN	 = $(FAKE_SRC:tests/fakes/%.c=$(BUILD)/fakes/%)
FAKE_COMMON	 = $(wildcard tests/fakes/common/*.c)
FAKE_COMMON_OBJ	 = $(FAKE_COMMON:%.c=$(BUILD)/%.o)
FAKE_LIB	 = $(BUILD)/libfakes.a
TOOL_SRC	 = $(wildcard tests/tools/*.c)
TOOL_BIN	 = $(TOOL_SRC:tests/tools/%.c=$(BUILD)/tools/%)

BENCH_BIN	 = $(BUILD)/bench/bench_merge

FUZZ_SRC	 = $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_BIN	 = $(FUZZ_SRC:tests/fuzz/%.c=$(BUILD)/fuzz/%)
FUZZ_SECONDS	?= 4
FUZZ_FLAGS	 = -fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer

DEPFILES	 = $(shell find $(BUILD) -name '*.d' 2>/dev/null)

.PHONY: all check check-unit check-integration check-asan test-programs \
	fuzz fuzz-programs check-fuzz bench \
	demo demo-stop deps install clean

all: $(PROG) test-programs

test-programs: $(UNIT_BIN) $(FAKE_BIN) $(TOOL_BIN)

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(ALL_CFLAGS) -MMD -MP -c -o $@ $<

$(LIB): $(LIB_OBJ)
	@$(if $(Q),echo "  AR      $@")
	$(Q)rm -f $@ && ar rcs $@ $^

$(PROG): $(BUILD)/src/main.o $(LIB)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(ALL_LDFLAGS) -o $@ $^ $(LIBS)

# Unit tests may start the fakes' HTTP server in-process, so they link its
# objects too.
$(BUILD)/tests/%: tests/%.c $(FAKE_LIB) $(LIB)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(ALL_CFLAGS) $(TEST_CFLAGS) -Itests/fakes/common -MMD -MP \
	    -o $@ $< $(FAKE_LIB) $(LIB) $(ALL_LDFLAGS) $(LIBS) $(TEST_LIBS)

$(FAKE_LIB): $(FAKE_COMMON_OBJ)
	@$(if $(Q),echo "  AR      $@")
	$(Q)rm -f $@ && ar rcs $@ $^

$(BUILD)/fakes/%: tests/fakes/%.c $(FAKE_LIB) $(LIB)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(ALL_CFLAGS) -Itests/fakes/common -MMD -MP -o $@ $< \
	    $(FAKE_LIB) $(LIB) $(ALL_LDFLAGS) $(LIBS)

$(BUILD)/tools/%: tests/tools/%.c $(LIB)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(ALL_CFLAGS) -MMD -MP -o $@ $< $(LIB) $(ALL_LDFLAGS) $(LIBS)

$(BUILD)/fuzz/%: tests/fuzz/%.c $(LIB)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(ALL_CFLAGS) -MMD -MP -fsanitize=fuzzer -o $@ $< $(LIB) \
	    $(ALL_LDFLAGS) $(LIBS)

# --- tests ---------------------------------------------------------------

check: deps
	$(Q)$(MAKE) --no-print-directory check-unit check-integration
	$(Q)$(MAKE) --no-print-directory check-asan
	$(Q)$(MAKE) --no-print-directory check-fuzz

check-unit: all
	$(Q)tests/run-unit $(UNIT_BIN)

check-integration: all
	$(Q)tests/run-integration $(BUILD)

# The sanitizer build lives in its own directory so that it never mixes
# objects with the normal build.
check-asan:
	$(Q)$(MAKE) --no-print-directory BUILD=build-asan \
	    SANITIZE_FLAGS="-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer" \
	    CFLAGS="-O1 -g" check-unit check-integration

# libFuzzer targets, one per parser, built with clang under build-fuzz/.
fuzz:
	$(Q)$(MAKE) --no-print-directory BUILD=build-fuzz CC=clang \
	    SANITIZE_FLAGS="$(FUZZ_FLAGS)" CFLAGS="-O1 -g" fuzz-programs

fuzz-programs: $(FUZZ_BIN)

# Run each target briefly from its seed corpus so that none of them rots;
# new inputs go to a scratch directory, never into the repository.
check-fuzz: fuzz
	$(Q)tests/run-fuzz $(FUZZ_SECONDS) $(FUZZ_SRC:tests/fuzz/%.c=build-fuzz/fuzz/%)

# --- browser test --------------------------------------------------------

# Screenshots and axe-core checks of the demo pages in Debian's Chromium,
# driven by playwright-core (tests/browser/README.md). Needs Node.js 20+.
.PHONY: check-browser

BROWSER_LOCK	 = tests/browser/node_modules/.package-lock.json

# npm ci writes node_modules/.package-lock.json, so the packages are
# installed again only when node_modules is missing or the lock file changed.
$(BROWSER_LOCK): tests/browser/package.json tests/browser/package-lock.json
	$(Q)npm ci --prefix tests/browser --no-audit --no-fund

check-browser: deps
	$(Q)scripts/deps-browser
	$(Q)$(MAKE) --no-print-directory all $(BROWSER_LOCK)
	$(Q)BUILD=$(BUILD) node tests/browser/run.mjs

# --- benchmarks ----------------------------------------------------------

$(BENCH_BIN): tests/bench/bench_merge.c tests/bench/fleet.c $(LIB)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $@")
	$(Q)$(CC) $(ALL_CFLAGS) -Itests/bench -MMD -MP -o $@ \
	    tests/bench/bench_merge.c tests/bench/fleet.c $(LIB) \
	    $(ALL_LDFLAGS) $(LIBS)

# The fan-out benchmark starts its fake sources from the fakes' HTTP
# server, so it links their objects too.
BENCH_FANOUT_BIN = $(BUILD)/bench/bench_fanout

$(BENCH_FANOUT_BIN): tests/bench/bench_fanout.c $(FAKE_LIB) $(LIB)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $@")
	$(Q)$(CC) $(ALL_CFLAGS) -Itests/fakes/common -MMD -MP -o $@ \
	    tests/bench/bench_fanout.c $(FAKE_LIB) $(LIB) \
	    $(ALL_LDFLAGS) $(LIBS)

# Performance is measured here, never in timed tests.
bench: $(BENCH_BIN) $(BENCH_FANOUT_BIN)
	$(Q)$(BENCH_BIN) etc/practices.yaml
	$(Q)$(BENCH_FANOUT_BIN)

# --- demo ----------------------------------------------------------------

demo: deps all
	$(Q)scripts/demo start

demo-stop:
	$(Q)scripts/demo stop

deps:
	$(Q)scripts/deps

# --- install -------------------------------------------------------------

install: $(PROG)
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/stethoscope/templates/partials \
	    $(DESTDIR)$(PREFIX)/share/stethoscope/static \
	    $(DESTDIR)$(PREFIX)/share/stethoscope/examples \
	    $(DESTDIR)$(PREFIX)/share/man/man5 $(DESTDIR)$(PREFIX)/share/man/man8 \
	    $(DESTDIR)$(PREFIX)/lib/systemd/system \
	    $(DESTDIR)$(SYSCONFDIR)/stethoscope $(DESTDIR)$(SYSCONFDIR)/nginx/snippets
	install -m 0755 $(PROG) $(DESTDIR)$(PREFIX)/bin/stethoscope
	install -m 0644 templates/*.mustache $(DESTDIR)$(PREFIX)/share/stethoscope/templates/
	install -m 0644 templates/partials/*.mustache $(DESTDIR)$(PREFIX)/share/stethoscope/templates/partials/
	cp -R static/. $(DESTDIR)$(PREFIX)/share/stethoscope/static/
	install -m 0644 etc/stethoscope.yaml etc/practices.yaml $(DESTDIR)$(PREFIX)/share/stethoscope/examples/
	test -e $(DESTDIR)$(SYSCONFDIR)/stethoscope/stethoscope.yaml || \
	    install -m 0644 etc/stethoscope.yaml $(DESTDIR)$(SYSCONFDIR)/stethoscope/stethoscope.yaml
	test -e $(DESTDIR)$(SYSCONFDIR)/stethoscope/practices.yaml || \
	    install -m 0644 etc/practices.yaml $(DESTDIR)$(SYSCONFDIR)/stethoscope/practices.yaml
	install -m 0644 man/*.5 $(DESTDIR)$(PREFIX)/share/man/man5/
	install -m 0644 man/*.8 $(DESTDIR)$(PREFIX)/share/man/man8/
	for unit in stethoscope.service stethoscope.socket; do \
	    sed -e 's|/usr/bin/stethoscope|$(PREFIX)/bin/stethoscope|g' \
	        -e 's|/etc/stethoscope|$(SYSCONFDIR)/stethoscope|g' etc/$$unit \
	        >$(DESTDIR)$(PREFIX)/lib/systemd/system/$$unit; \
	done
	install -m 0644 nginx/stethoscope.conf $(DESTDIR)$(PREFIX)/share/stethoscope/examples/nginx-site.conf
	install -m 0644 nginx/stethoscope-app.conf nginx/stethoscope-headers.conf \
	    $(DESTDIR)$(SYSCONFDIR)/nginx/snippets/

clean:
	rm -rf build build-asan build-fuzz

# Keep the fakes' shared objects between builds instead of treating them
# as intermediate files.
.SECONDARY: $(FAKE_COMMON_OBJ)

-include $(DEPFILES)
