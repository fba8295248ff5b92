"""GNU make 4.3's built-in variables on GNU/Linux (origin "default"), as `make -p -f /dev/null` prints them.

They matter when a Makefile uses `$(CC)`, `$(RM)`, `$(MAKE_VERSION)`...: make defines them before reading
any makefile (unless -R), and never exports them. Variables make computes per run (MAKE, MAKE_COMMAND,
MAKECMDGOALS, .VARIABLES, SHELL, MAKEFILES) are defined by walk.py instead. tests/make/test_make_defaults.py
compares this table with the installed make.
"""

from __future__ import annotations

# Defined even under -R (main.c defines them itself, not from the built-in table).
ALWAYS_DEFINED = (".FEATURES", ".INCLUDE_DIRS", ".LOADED", ".SHELLFLAGS", "MAKE_HOST", "MAKE_VERSION")

# name -> (value, recursive)
DEFAULT_VARIABLES: dict[str, tuple[str, bool]] = {
    '.LOADED': ('', False),
    '.FEATURES': ('target-specific order-only second-expansion else-if shortest-stem undefine oneshell nocomment '
                  'grouped-target extra-prereqs archives jobserver output-sync check-symlink load', False),
    '.INCLUDE_DIRS': ('/usr/local/include /usr/include /usr/include', True),
    '.LIBPATTERNS': ('lib%.so lib%.a', True),
    '.SHELLFLAGS': ('-c', False),
    'AR': ('ar', True),
    'ARFLAGS': ('rv', True),
    'AS': ('as', True),
    'CC': ('cc', True),
    'CHECKOUT,v': ('+$(if $(wildcard $@),,$(CO) $(COFLAGS) $< $@)', True),
    'CO': ('co', True),
    'COFLAGS': ('', True),
    'COMPILE.C': ('$(COMPILE.cc)', True),
    'COMPILE.F': ('$(FC) $(FFLAGS) $(CPPFLAGS) $(TARGET_ARCH) -c', True),
    'COMPILE.S': ('$(CC) $(ASFLAGS) $(CPPFLAGS) $(TARGET_MACH) -c', True),
    'COMPILE.c': ('$(CC) $(CFLAGS) $(CPPFLAGS) $(TARGET_ARCH) -c', True),
    'COMPILE.cc': ('$(CXX) $(CXXFLAGS) $(CPPFLAGS) $(TARGET_ARCH) -c', True),
    'COMPILE.cpp': ('$(COMPILE.cc)', True),
    'COMPILE.def': ('$(M2C) $(M2FLAGS) $(DEFFLAGS) $(TARGET_ARCH)', True),
    'COMPILE.f': ('$(FC) $(FFLAGS) $(TARGET_ARCH) -c', True),
    'COMPILE.m': ('$(OBJC) $(OBJCFLAGS) $(CPPFLAGS) $(TARGET_ARCH) -c', True),
    'COMPILE.mod': ('$(M2C) $(M2FLAGS) $(MODFLAGS) $(TARGET_ARCH)', True),
    'COMPILE.p': ('$(PC) $(PFLAGS) $(CPPFLAGS) $(TARGET_ARCH) -c', True),
    'COMPILE.r': ('$(FC) $(FFLAGS) $(RFLAGS) $(TARGET_ARCH) -c', True),
    'COMPILE.s': ('$(AS) $(ASFLAGS) $(TARGET_MACH)', True),
    'CPP': ('$(CC) -E', True),
    'CTANGLE': ('ctangle', True),
    'CWEAVE': ('cweave', True),
    'CXX': ('g++', True),
    'F77': ('$(FC)', True),
    'F77FLAGS': ('$(FFLAGS)', True),
    'FC': ('f77', True),
    'GET': ('get', True),
    'LD': ('ld', True),
    'LEX': ('lex', True),
    'LEX.l': ('$(LEX) $(LFLAGS) -t', True),
    'LEX.m': ('$(LEX) $(LFLAGS) -t', True),
    'LINK.C': ('$(LINK.cc)', True),
    'LINK.F': ('$(FC) $(FFLAGS) $(CPPFLAGS) $(LDFLAGS) $(TARGET_ARCH)', True),
    'LINK.S': ('$(CC) $(ASFLAGS) $(CPPFLAGS) $(LDFLAGS) $(TARGET_MACH)', True),
    'LINK.c': ('$(CC) $(CFLAGS) $(CPPFLAGS) $(LDFLAGS) $(TARGET_ARCH)', True),
    'LINK.cc': ('$(CXX) $(CXXFLAGS) $(CPPFLAGS) $(LDFLAGS) $(TARGET_ARCH)', True),
    'LINK.cpp': ('$(LINK.cc)', True),
    'LINK.f': ('$(FC) $(FFLAGS) $(LDFLAGS) $(TARGET_ARCH)', True),
    'LINK.m': ('$(OBJC) $(OBJCFLAGS) $(CPPFLAGS) $(LDFLAGS) $(TARGET_ARCH)', True),
    'LINK.o': ('$(CC) $(LDFLAGS) $(TARGET_ARCH)', True),
    'LINK.p': ('$(PC) $(PFLAGS) $(CPPFLAGS) $(LDFLAGS) $(TARGET_ARCH)', True),
    'LINK.r': ('$(FC) $(FFLAGS) $(RFLAGS) $(LDFLAGS) $(TARGET_ARCH)', True),
    'LINK.s': ('$(CC) $(ASFLAGS) $(LDFLAGS) $(TARGET_MACH)', True),
    'LINT': ('lint', True),
    'LINT.c': ('$(LINT) $(LINTFLAGS) $(CPPFLAGS) $(TARGET_ARCH)', True),
    'M2C': ('m2c', True),
    'MAKEINFO': ('makeinfo', True),
    'MAKE_HOST': ('x86_64-pc-linux-gnu', False),
    'MAKE_VERSION': ('4.3', False),
    'OBJC': ('cc', True),
    'OUTPUT_OPTION': ('-o $@', True),
    'PC': ('pc', True),
    'PREPROCESS.F': ('$(FC) $(FFLAGS) $(CPPFLAGS) $(TARGET_ARCH) -F', True),
    'PREPROCESS.S': ('$(CC) -E $(CPPFLAGS)', True),
    'PREPROCESS.r': ('$(FC) $(FFLAGS) $(RFLAGS) $(TARGET_ARCH) -F', True),
    'RM': ('rm -f', True),
    'SUFFIXES': ('.out .a .ln .o .c .cc .C .cpp .p .f .F .m .r .y .l .ym .yl .s .S .mod .sym .def .h .info .dvi '
                 '.tex .texinfo .texi .txinfo .w .ch .web .sh .elc .el', False),
    'TANGLE': ('tangle', True),
    'TEX': ('tex', True),
    'TEXI2DVI': ('texi2dvi', True),
    'WEAVE': ('weave', True),
    'YACC': ('yacc', True),
    'YACC.m': ('$(YACC) $(YFLAGS)', True),
    'YACC.y': ('$(YACC) $(YFLAGS)', True),
}
