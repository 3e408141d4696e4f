# Every dependency comes from Debian's packages (scripts/install-deps installs
# them). A missing one is a configure error, never a silently skipped feature.

find_package(LLVM REQUIRED CONFIG HINTS /usr/lib/llvm-19/lib/cmake/llvm)
if(NOT LLVM_VERSION_MAJOR EQUAL 19)
  message(FATAL_ERROR "nsc needs LLVM 19 (llvm-19-dev), found ${LLVM_PACKAGE_VERSION}")
endif()
message(STATUS "nsc: LLVM ${LLVM_PACKAGE_VERSION} at ${LLVM_TOOLS_BINARY_DIR}")

find_package(fmt REQUIRED)
find_package(nlohmann_json 3 REQUIRED)
find_package(CLI11 REQUIRED)
find_package(GTest REQUIRED)

# HDF5 (Debian's serial libhdf5-dev) for the .h5 spike and trace writers.
# Not REQUIRED: FindHDF5's own failure does not say how to install it.
find_package(HDF5 COMPONENTS C)
if(NOT HDF5_FOUND)
  message(FATAL_ERROR "nsc needs HDF5's C library (Debian libhdf5-dev) for .h5 "
                      "recordings: run scripts/install-deps")
endif()

# ANTLR: the 4.7.2 tool (Java) generates C++ that builds against the 4.9
# runtime from libantlr4-runtime-dev.
find_package(Java REQUIRED COMPONENTS Runtime)
find_file(ANTLR4_JAR NAMES antlr4.jar antlr4-4.7.2.jar
          PATHS /usr/share/java REQUIRED NO_DEFAULT_PATH)
find_path(ANTLR4_RUNTIME_INCLUDE_DIR antlr4-runtime.h
          PATH_SUFFIXES antlr4-runtime REQUIRED)
find_library(ANTLR4_RUNTIME_LIBRARY NAMES antlr4-runtime REQUIRED)
add_library(nsc_antlr4_runtime INTERFACE)
target_include_directories(nsc_antlr4_runtime SYSTEM INTERFACE ${ANTLR4_RUNTIME_INCLUDE_DIR})
target_link_libraries(nsc_antlr4_runtime INTERFACE ${ANTLR4_RUNTIME_LIBRARY})

find_program(NSC_FILECHECK FileCheck HINTS ${LLVM_TOOLS_BINARY_DIR} REQUIRED NO_DEFAULT_PATH)
find_program(NSC_NOT not HINTS ${LLVM_TOOLS_BINARY_DIR} REQUIRED NO_DEFAULT_PATH)
find_file(NSC_LIT lit.py PATHS ${LLVM_TOOLS_BINARY_DIR}/../build/utils/lit
          /usr/lib/llvm-19/build/utils/lit REQUIRED NO_DEFAULT_PATH)
# Debian's interpreter, the one the README installs packages for. A pyenv
# (or other) shim found first on PATH costs ~0.3 s per start against 0.03 s,
# and lit starts Python for hundreds of RUN lines: the lit suite took 191 s
# with the shim on the 2-core CI machine.
if(NOT Python3_EXECUTABLE AND EXISTS /usr/bin/python3)
  set(Python3_EXECUTABLE /usr/bin/python3)
endif()
find_package(Python3 REQUIRED COMPONENTS Interpreter)

# MPI (Debian libopenmpi-dev, openmpi-bin): optional. With it, `mpirun -np N
# nsc ...` spreads a run over N processes (docs/mpi.md); without it, nsc
# refuses to run under a launcher with several ranks.
find_package(MPI COMPONENTS CXX)
if(MPI_CXX_FOUND)
  message(STATUS "nsc: MPI found (${MPI_CXX_LIBRARY_VERSION_STRING}): distributed runs enabled")
else()
  message(STATUS "nsc: MPI not found: runs use one process (scripts/install-deps installs Open MPI)")
endif()
