# Builds Lua's interpreter from Debian's lua5.4 source tree with any C
# compiler, as Lua's own `make linux-noreadline` does: every src/*.c except
# luac.c (Lua's CORE_O, LIB_O and LUA_O lists), compiled with Lua's flags and
# linked with -lm -ldl. Called by apps/build.sh:
#   make -f apps/lua.mk SRC=<tree>/src OUT=<dir> CC=<compiler> EXE=<name>
#        MULTIARCH=<triple> [LDFLAGS=...] [LIBC=<libc.a the link depends on>]
# OUT/inputs, written by apps/build.sh, changes when the unpacked source, CC
# or LDFLAGS do.

CFLAGS = -std=gnu99 -O2 -Wall -Wextra -DLUA_COMPAT_5_3 -DLUA_USE_LINUX
LIBS = -lm -ldl

SOURCES := $(filter-out $(SRC)/luac.c,$(wildcard $(SRC)/*.c))
OBJECTS := $(patsubst $(SRC)/%.c,$(OUT)/%.o,$(SOURCES))
# Debian's luaconf.h includes this header for its module search paths;
# debian/rules writes it at configure time, and so do we, per target.
MULTIARCH_H := $(OUT)/lua5.4-deb-multiarch.h

$(OUT)/$(EXE): $(OBJECTS) $(LIBC) $(OUT)/inputs
	$(CC) $(LDFLAGS) -o $@ $(OBJECTS) $(LIBS)

$(OUT)/%.o: $(SRC)/%.c $(MULTIARCH_H) $(OUT)/inputs
	$(CC) $(CFLAGS) -I$(OUT) -MD -MP -c $< -o $@

$(MULTIARCH_H): | $(OUT)
	printf '#ifndef _LUA_DEB_MULTIARCH_\n#define _LUA_DEB_MULTIARCH_\n#define DEB_HOST_MULTIARCH "%s"\n#endif\n' '$(MULTIARCH)' > $@

$(OUT):
	mkdir -p $@

-include $(OBJECTS:.o=.d)
