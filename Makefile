# kiplan: a plain GNU Makefile.  Everything built goes below $(BUILD), so
# that several builds (plain, sanitizers) can live side by side:
#   make                     build/kiplan and its plugins, build/kiplan-*.so
#   make check               install what is missing, build, run every test
#   make demo                install what is missing, build, run on examples/
#   make bench               the benchmarks (bench/README.md), not part of check
#   make SANITIZE=address,undefined BUILD=build-san check
#   make WERROR=1            warnings are errors (CI)
#   make install PREFIX=/usr/local DESTDIR=

BUILD    ?= build
PREFIX   ?= /usr/local
BINDIR   ?= $(PREFIX)/bin
PKGLIBDIR ?= $(PREFIX)/lib/kiplan
MANDIR   ?= $(PREFIX)/share/man
DATADIR  ?= $(PREFIX)/share/kiplan
LOCALEDIR ?= $(PREFIX)/share/locale
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions
ZSHCOMPDIR ?= $(PREFIX)/share/zsh/site-functions
SHARED   ?= ../shared
CC       ?= cc
CFLAGS   ?= -O2 -g
PKG_CONFIG ?= pkg-config

PKGS := yaml-0.1 libcmark libgit2 libpcre2-8 cairo pangocairo zlib
# The kiplan executable links only these; libgit2 is the git plugin's,
# cairo and pango the PDF plugin's (see "The plugins" below).
EXE_PKGS := yaml-0.1 libcmark libpcre2-8
GIT_PKGS := libgit2
PDF_PKGS := cairo pangocairo libcmark zlib

KP_CFLAGS := -std=c11 -D_POSIX_C_SOURCE=200809L \
	-Wall -Wextra -Wpedantic -Wstrict-prototypes -Wmissing-prototypes \
	-Wwrite-strings -Wvla -Wformat-security -fno-common
ifeq ($(WERROR),1)
KP_CFLAGS += -Werror
endif
ifneq ($(SANITIZE),)
KP_CFLAGS += -fsanitize=$(SANITIZE) -fno-omit-frame-pointer \
	-fno-sanitize-recover=all
KP_LDFLAGS += -fsanitize=$(SANITIZE)
endif

# Evaluated when a recipe runs, so that `make check` can install the
# packages before anything asks pkg-config about them.
PKG_CFLAGS = $(shell $(PKG_CONFIG) --cflags $(PKGS))
PKG_LIBS = $(shell $(PKG_CONFIG) --libs $(PKGS)) -lpthread -lm
EXE_LIBS = -Wl,--as-needed $(shell $(PKG_CONFIG) --libs $(EXE_PKGS)) \
	-lpthread -lm -ldl
GIT_LIBS = -Wl,--as-needed $(shell $(PKG_CONFIG) --libs $(GIT_PKGS))
PDF_LIBS = -Wl,--as-needed $(shell $(PKG_CONFIG) --libs $(PDF_PKGS))

ALL_CFLAGS = $(KP_CFLAGS) $(PKG_CFLAGS) -Ilib $(CFLAGS) $(CPPFLAGS)
# Every object records the headers it includes (-MMD); -MP keeps a
# deleted header from breaking the build.
DEPFLAGS = -MMD -MP
ALL_LDFLAGS = $(KP_LDFLAGS) $(LDFLAGS)

# The plugins' tables (*_plugin.c) and the executable's stubs for them
# (*_stubs.c) are not part of libkiplan.a, which has the real functions.
GLUE_SRC := $(wildcard lib/*/*_plugin.c lib/*/*_stubs.c)
LIB_SRC  := $(sort $(filter-out $(GLUE_SRC),$(wildcard lib/*/*.c)))
CMD_SRC  := $(sort $(wildcard cmd/*.c))
UNIT_SRC := $(sort $(wildcard tests/unit/*.c))
LIB_OBJ  := $(LIB_SRC:%.c=$(BUILD)/%.o) $(BUILD)/gen/schema_builtin.o
CMD_OBJ  := $(CMD_SRC:%.c=$(BUILD)/%.o)
UNIT_OBJ := $(UNIT_SRC:%.c=$(BUILD)/%.o)
MAN      := $(sort $(wildcard man/*.[1-9]))
LINGUAS  := da
MO       := $(LINGUAS:%=$(BUILD)/locale/%/LC_MESSAGES/kiplan.mo)

# The plugins (README, Layout): what uses libgit2, and the PDF writer.
# Their sources are compiled a second time, -fPIC -fvisibility=hidden, so
# that their calls among themselves stay inside the plugin; each exports
# one symbol, its table (lib/repo/git_api.def, lib/render/pdf_api.def).
GIT_PLUGIN_SRC := lib/repo/change.c lib/repo/drafts.c lib/repo/repo.c \
	lib/repo/revs.c lib/repo/send.c lib/repo/template.c lib/repo/merge.c \
	lib/repo/txn.c lib/repo/walk.c lib/repo/share.c lib/repo/outbox.c
PDF_PLUGIN_SRC := lib/render/pdf.c lib/render/pdfpost.c lib/render/icc.c
GIT_PLUGIN_OBJ := $(GIT_PLUGIN_SRC:%.c=$(BUILD)/plugin/%.o) \
	$(BUILD)/plugin/lib/repo/git_plugin.o
PDF_PLUGIN_OBJ := $(PDF_PLUGIN_SRC:%.c=$(BUILD)/plugin/%.o) \
	$(BUILD)/plugin/lib/render/pdf_plugin.o
# The executable: every other object of libkiplan.a, all of them (the
# plugins call into any), and the stubs that load the plugins.
EXE_OBJ := $(filter-out $(GIT_PLUGIN_SRC:%.c=$(BUILD)/%.o) \
	$(PDF_PLUGIN_SRC:%.c=$(BUILD)/%.o),$(LIB_OBJ)) \
	$(BUILD)/lib/repo/git_stubs.o $(BUILD)/lib/render/pdf_stubs.o

LIBKIPLAN := $(BUILD)/libkiplan.a
KIPLAN    := $(BUILD)/kiplan
PLUGINS   := $(BUILD)/kiplan-git.so $(BUILD)/kiplan-pdf.so
# The fuzz targets (tests/fuzz/fuzz_T.c), each with its corpus in
# tests/fuzz/corpus/T/, replayed in `make check` without libFuzzer.
FUZZ     := plan fast validate html json merge
TEST_BINS := $(BUILD)/tests/unit-tests $(BUILD)/tests/jsonschema-suite \
	$(BUILD)/tests/yaml-suite $(FUZZ:%=$(BUILD)/tests/fuzz-replay-%)

.PHONY: all bench check check-run crashtest demo demo-run deps fuzz lint \
	install uninstall clean
.SUFFIXES:

all: $(KIPLAN) $(PLUGINS) $(TEST_BINS) $(MO)

# Where the installed kiplan finds its catalogues; $KIPLAN_LOCALEDIR
# overrides it (the tests point it at $(BUILD)/locale).
$(BUILD)/cmd/kiplan.o: ALL_CFLAGS += -DKP_LOCALEDIR='"$(LOCALEDIR)"'
# Where the installed kiplan finds its plugins when they are neither
# beside it nor in ../lib/kiplan from it; $KIPLAN_PLUGINDIR overrides.
$(BUILD)/lib/base/plugin.o: ALL_CFLAGS += -DKP_PKGLIBDIR='"$(PKGLIBDIR)"'

# The Danish catalogue (po/da.po, kept by hand) compiled for gettext.
$(BUILD)/locale/%/LC_MESSAGES/kiplan.mo: po/%.po
	@mkdir -p $(dir $@)
	msgfmt -c --check-format -o $@.tmp $< && mv $@.tmp $@

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(DEPFLAGS) -c -o $@ $<

$(BUILD)/plugin/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -fPIC -fvisibility=hidden $(DEPFLAGS) -c -o $@ $<

# The schema is compiled into the binary: kiplan needs no installed file.
$(BUILD)/gen/schema_builtin.c: schema/kiplan-1.schema.yaml schema/embed.sh
	@mkdir -p $(dir $@)
	sh schema/embed.sh kp_schema_text $< > $@.tmp && mv $@.tmp $@

$(BUILD)/gen/schema_builtin.o: $(BUILD)/gen/schema_builtin.c
	$(CC) $(ALL_CFLAGS) $(DEPFLAGS) -c -o $@ $<

$(LIBKIPLAN): $(LIB_OBJ)
	rm -f $@
	ar rcs $@ $(LIB_OBJ)

# -rdynamic: the plugins resolve the kp_ functions they call in the
# executable.
$(KIPLAN): $(CMD_OBJ) $(EXE_OBJ)
	$(CC) $(ALL_LDFLAGS) -rdynamic -o $@ $(CMD_OBJ) $(EXE_OBJ) $(EXE_LIBS)

$(BUILD)/kiplan-git.so: $(GIT_PLUGIN_OBJ)
	$(CC) $(ALL_LDFLAGS) -shared -o $@ $(GIT_PLUGIN_OBJ) $(GIT_LIBS)

$(BUILD)/kiplan-pdf.so: $(PDF_PLUGIN_OBJ)
	$(CC) $(ALL_LDFLAGS) -shared -o $@ $(PDF_PLUGIN_OBJ) $(PDF_LIBS)

# Unit tests register themselves by name: void test_<module>__<name>(void).
$(BUILD)/gen/unit_list.h: $(UNIT_SRC)
	@mkdir -p $(dir $@)
	sed -n 's/^void \(test_[a-z0-9_]*__[a-z0-9_]*\)(void)$$/T(\1)/p' \
		$(UNIT_SRC) > $@.tmp && mv $@.tmp $@

# Test functions are found by name, not declared in a header.
$(UNIT_OBJ): ALL_CFLAGS += -Wno-missing-prototypes -Itests/unit

$(BUILD)/tests/unit/main.o: $(BUILD)/gen/unit_list.h
$(BUILD)/tests/unit/main.o: ALL_CFLAGS += -I$(BUILD)/gen

$(BUILD)/tests/unit-tests: $(UNIT_OBJ) $(LIBKIPLAN)
	$(CC) $(ALL_LDFLAGS) -o $@ $(UNIT_OBJ) $(LIBKIPLAN) $(PKG_LIBS)

$(BUILD)/tests/jsonschema-suite: $(BUILD)/tests/suite/jsonschema_suite.o $(LIBKIPLAN)
	$(CC) $(ALL_LDFLAGS) -o $@ $< $(LIBKIPLAN) $(PKG_LIBS)

$(BUILD)/tests/yaml-suite: $(BUILD)/tests/suite/yaml_suite.o $(LIBKIPLAN)
	$(CC) $(ALL_LDFLAGS) -o $@ $< $(LIBKIPLAN) $(PKG_LIBS)

# The objects of a pattern rule's chain are kept, so that a second make
# has nothing to do.
.SECONDARY: $(FUZZ:%=$(BUILD)/tests/fuzz/fuzz_%.o) $(BUILD)/tests/fuzz/driver.o

$(BUILD)/tests/fuzz-replay-%: $(BUILD)/tests/fuzz/fuzz_%.o \
		$(BUILD)/tests/fuzz/driver.o $(LIBKIPLAN)
	$(CC) $(ALL_LDFLAGS) -o $@ $< $(BUILD)/tests/fuzz/driver.o \
		$(LIBKIPLAN) $(PKG_LIBS)

# libFuzzer targets (clang only): the loader, the fast reader against
# the loader, validate, render to HTML, the JSON reader.
fuzz: deps
	@$(MAKE) --no-print-directory CC=clang BUILD=$(BUILD)-fuzz \
		CFLAGS="-O1 -g -fsanitize=fuzzer-no-link" \
		SANITIZE=address,undefined $(BUILD)-fuzz/libkiplan.a
	for t in $(FUZZ); do \
		clang -std=c11 -D_POSIX_C_SOURCE=200809L -g -O1 \
			-fsanitize=fuzzer,address,undefined -Ilib $(PKG_CFLAGS) \
			-o $(BUILD)-fuzz/fuzz_$$t tests/fuzz/fuzz_$$t.c \
			$(BUILD)-fuzz/libkiplan.a $(PKG_LIBS) || exit 1; \
	done
	@echo "run: $(BUILD)-fuzz/fuzz_T -max_total_time=1200 tests/fuzz/corpus/T  (T: $(FUZZ))"

# The whole crash sweeps (tests/crash/sweep.sh over the committing
# commands, tests/crash/merge-file.sh); make check runs a sample.
crashtest: $(KIPLAN)
	KIPLAN=$(KIPLAN) sh tests/crash/sweep.sh
	KIPLAN=$(KIPLAN) sh tests/crash/merge-file.sh

deps:
	@sh tests/install-deps.sh

check: deps
	@$(MAKE) --no-print-directory check-run

check-run: all
	@BUILD=$(BUILD) SHARED=$(SHARED) sh tests/run-all.sh

demo: deps
	@$(MAKE) --no-print-directory demo-run

demo-run: $(KIPLAN)
	@sh tests/demo.sh $(KIPLAN)

# The benchmarks against the floor (bench/README.md), a few minutes; not
# part of check.
bench: $(KIPLAN) $(PLUGINS)
	@KIPLAN=$(abspath $(KIPLAN)) sh bench/run.sh

# Every header compiles on its own (as libgit2's headertest), the
# modules stand in layers (tests/layers.sh), and the man pages are clean.
lint: $(KIPLAN)
	clang-format --dry-run -Werror lib/*.h lib/*/*.[ch] cmd/*.[ch]
	cppcheck -q --error-exitcode=1 --std=c11 --inline-suppr -Ilib lib cmd
	for h in lib/*.h lib/*/*.h cmd/*.h; do \
		printf "#include \"%s\"\ntypedef int kp_lint_unit;\n" $$h | $(CC) $(KP_CFLAGS) -Werror \
			$(PKG_CFLAGS) -Ilib -I. -fsyntax-only -x c - || exit 1; \
	done
	sh tests/layers.sh
	for m in $(MAN); do mandoc -Tlint -Wwarning $$m || exit 1; done

install: $(KIPLAN) $(PLUGINS) $(MO)
	for l in $(LINGUAS); do \
		mkdir -p $(DESTDIR)$(LOCALEDIR)/$$l/LC_MESSAGES && \
		install -m 644 $(BUILD)/locale/$$l/LC_MESSAGES/kiplan.mo \
			$(DESTDIR)$(LOCALEDIR)/$$l/LC_MESSAGES/kiplan.mo || exit 1; \
	done
	mkdir -p $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 \
		$(DESTDIR)$(MANDIR)/man5 $(DESTDIR)$(DATADIR)
	install -m 755 $(KIPLAN) $(DESTDIR)$(BINDIR)/kiplan
	mkdir -p $(DESTDIR)$(PKGLIBDIR)
	install -m 755 $(PLUGINS) $(DESTDIR)$(PKGLIBDIR)/
	for m in $(MAN); do \
		s=$${m##*.}; install -m 644 $$m $(DESTDIR)$(MANDIR)/man$$s/ || exit 1; \
	done
	install -m 644 schema/kiplan-1.schema.yaml $(DESTDIR)$(DATADIR)/
	install -m 644 examples/region-syddanmark.schema.yaml $(DESTDIR)$(DATADIR)/
	mkdir -p $(DESTDIR)$(BASHCOMPDIR) $(DESTDIR)$(ZSHCOMPDIR)
	install -m 644 completion/kiplan.bash $(DESTDIR)$(BASHCOMPDIR)/kiplan
	sed 's|@BASHCOMPDIR@|$(BASHCOMPDIR)|' completion/_kiplan \
		> $(DESTDIR)$(ZSHCOMPDIR)/_kiplan
	chmod 644 $(DESTDIR)$(ZSHCOMPDIR)/_kiplan

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/kiplan
	rm -f $(PLUGINS:$(BUILD)/%=$(DESTDIR)$(PKGLIBDIR)/%)
	rmdir $(DESTDIR)$(PKGLIBDIR) 2>/dev/null || true
	for l in $(LINGUAS); do \
		rm -f $(DESTDIR)$(LOCALEDIR)/$$l/LC_MESSAGES/kiplan.mo; \
	done
	for m in $(MAN); do \
		s=$${m##*.}; rm -f $(DESTDIR)$(MANDIR)/man$$s/$${m##*/}; \
	done
	rm -rf $(DESTDIR)$(DATADIR)
	rm -f $(DESTDIR)$(BASHCOMPDIR)/kiplan $(DESTDIR)$(ZSHCOMPDIR)/_kiplan

clean:
	rm -rf $(BUILD) $(BUILD)-fuzz

-include $(LIB_OBJ:.o=.d) $(CMD_OBJ:.o=.d) $(UNIT_OBJ:.o=.d) \
	$(EXE_OBJ:.o=.d) $(GIT_PLUGIN_OBJ:.o=.d) $(PDF_PLUGIN_OBJ:.o=.d) \
	$(BUILD)/tests/suite/jsonschema_suite.d $(BUILD)/tests/suite/yaml_suite.d \
	$(FUZZ:%=$(BUILD)/tests/fuzz/fuzz_%.d) $(BUILD)/tests/fuzz/driver.d
