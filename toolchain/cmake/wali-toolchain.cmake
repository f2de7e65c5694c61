# CMake toolchain file for WALI: C and C++ programs for wasm32-linux-muslwali,
# built with lamina-cc and lamina-c++ against the WALI sysroot, made into
# .wasm modules that `lamina run` runs.
#
#   cmake -DCMAKE_TOOLCHAIN_FILE=REPO/toolchain/cmake/wali-toolchain.cmake SOURCE_DIR
#
# lamina-cc is $LAMINA_CC if set (a path, or a name on PATH), else
# REPO/build/bin/lamina-cc (made by toolchain/install-bin.sh), else
# lamina-cc on PATH; lamina-ar, lamina-ranlib and lamina are taken from the
# same directory.

set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR wasm32)

if(DEFINED ENV{LAMINA_CC} AND NOT "$ENV{LAMINA_CC}" STREQUAL "")
  find_program(LAMINA_CC NAMES "$ENV{LAMINA_CC}" NO_CMAKE_FIND_ROOT_PATH)
else()
  find_program(LAMINA_CC lamina-cc HINTS "${CMAKE_CURRENT_LIST_DIR}/../../build/bin" NO_CMAKE_FIND_ROOT_PATH)
endif()
if(NOT LAMINA_CC)
  message(FATAL_ERROR "lamina-cc not found: run toolchain/install-bin.sh, put lamina-cc on PATH, or set LAMINA_CC")
endif()
get_filename_component(_lamina_bin "${LAMINA_CC}" DIRECTORY)
foreach(_lamina_tool lamina lamina-c++ lamina-ar lamina-ranlib)
  if(NOT EXISTS "${_lamina_bin}/${_lamina_tool}")
    message(FATAL_ERROR "${_lamina_bin}/${_lamina_tool} is missing (toolchain/install-bin.sh makes the set)")
  endif()
endforeach()

set(CMAKE_C_COMPILER "${LAMINA_CC}")
set(CMAKE_CXX_COMPILER "${_lamina_bin}/lamina-c++")
set(CMAKE_AR "${_lamina_bin}/lamina-ar" CACHE FILEPATH "Archiver")
set(CMAKE_RANLIB "${_lamina_bin}/lamina-ranlib" CACHE FILEPATH "Archive indexer")

# A link makes a .wasm module; name it so.
set(CMAKE_EXECUTABLE_SUFFIX_C .wasm)
set(CMAKE_EXECUTABLE_SUFFIX_CXX .wasm)

# try_run, and tests added with add_test, run the modules under lamina.
set(CMAKE_CROSSCOMPILING_EMULATOR "${_lamina_bin}/lamina;run")

# Compiler checks can link real programs (the sysroot has crt1.o and
# libc.a), so try_compile builds executables, as natively; its projects get
# the same compiler.
set(CMAKE_TRY_COMPILE_TARGET_TYPE EXECUTABLE)
list(APPEND CMAKE_TRY_COMPILE_PLATFORM_VARIABLES LAMINA_CC)

# Headers and libraries come from the WALI sysroot only; programs (build
# tools) from the host.
execute_process(
  COMMAND "${LAMINA_CC}" --print-sysroot
  OUTPUT_VARIABLE LAMINA_SYSROOT
  OUTPUT_STRIP_TRAILING_WHITESPACE
  RESULT_VARIABLE _lamina_status)
if(NOT _lamina_status EQUAL 0)
  message(FATAL_ERROR "${LAMINA_CC} --print-sysroot failed; build the sysroot with toolchain/build-sysroot.sh")
endif()
set(CMAKE_FIND_ROOT_PATH "${LAMINA_SYSROOT}")
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)
