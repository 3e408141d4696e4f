# ctest embed.package: the embedding example builds against the installed
# package and runs.
#
#   1. cmake --install <build> --prefix <work>/prefix
#   2. the installed libnsc.so exports the API and none of the internals
#   3. configure + build examples/embed (standalone) with
#      -DCMAKE_PREFIX_PATH=<work>/prefix, i.e. through find_package(nsc)
#   4. run it on the installed cuba.nrn for a few hundred steps: exit 0 and
#      the latency report
#
# Variables (-D): BUILD_DIR, SOURCE_DIR, WORK_DIR, GENERATOR, CXX_COMPILER,
# EXTRA_FLAGS (sanitizer flags of the build, empty otherwise), NM.
cmake_minimum_required(VERSION 3.20)

function(run_step what)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "${what} failed (${rc}):\n${out}\n${err}")
  endif()
  set(step_output "${out}" PARENT_SCOPE)
endfunction()

file(REMOVE_RECURSE ${WORK_DIR})
set(prefix ${WORK_DIR}/prefix)

run_step("install" ${CMAKE_COMMAND} --install ${BUILD_DIR} --prefix ${prefix})
foreach(f include/nsc/nsc.h include/nsc/Simulation.h share/nsc/examples/cuba.nrn
          share/nsc/examples/embed/main.cpp)
  if(NOT EXISTS ${prefix}/${f})
    message(FATAL_ERROR "not installed: ${f}")
  endif()
endforeach()
file(GLOB config ${prefix}/lib*/cmake/nsc/nscConfig.cmake)
file(GLOB lib ${prefix}/lib*/libnsc.so)
if(NOT config OR NOT lib)
  message(FATAL_ERROR "no nscConfig.cmake or libnsc.so under ${prefix}")
endif()
# No internal header may be installed: the API hides them (pimpl).
file(GLOB_RECURSE headers RELATIVE ${prefix}/include ${prefix}/include/*)
foreach(h ${headers})
  if(NOT h MATCHES "^nsc/[A-Za-z]+\\.h$")
    message(FATAL_ERROR "unexpected installed header: ${h}")
  endif()
  file(READ ${prefix}/include/${h} text)
  if(text MATCHES "#include [<\"](llvm|antlr|nsc/(ir|frontend|passes|network|runtime|interp|cpu)/)")
    message(FATAL_ERROR "${h} includes an internal header")
  endif()
endforeach()

# Exported symbols: the API only. Internals would show up as symbols (or
# vtables, typeinfo) of nsc::ir, nsc::network, ..., llvm:: or antlr4::.
if(NM)
  run_step("nm" ${NM} -D -C --defined-only ${lib})
  string(REGEX MATCHALL "[0-9a-f]+ [A-Za-z] ((typeinfo|typeinfo name|vtable|VTT|guard variable) for )?(nsc::(ir|ast|passes|network|runtime|interp|cpu|detail|numerics|units)::|llvm::|antlr4::|antlr::)[^\n]*"
         leaked "${step_output}")
  if(leaked)
    list(LENGTH leaked n)
    list(SUBLIST leaked 0 5 some)
    message(FATAL_ERROR "libnsc.so exports ${n} internal symbols, e.g.:\n${some}")
  endif()
  if(NOT step_output MATCHES "nsc::Compiler::compileFile")
    message(FATAL_ERROR "libnsc.so does not export nsc::Compiler::compileFile")
  endif()
endif()

set(flags)
if(EXTRA_FLAGS)
  set(flags "-DCMAKE_CXX_FLAGS=${EXTRA_FLAGS}" "-DCMAKE_EXE_LINKER_FLAGS=${EXTRA_FLAGS}")
endif()
run_step("configure examples/embed" ${CMAKE_COMMAND} -S ${SOURCE_DIR}/examples/embed -B ${WORK_DIR}/build
         -G ${GENERATOR} -DCMAKE_CXX_COMPILER=${CXX_COMPILER} -DCMAKE_BUILD_TYPE=Release
         -DCMAKE_PREFIX_PATH=${prefix} ${flags})
run_step("build examples/embed" ${CMAKE_COMMAND} --build ${WORK_DIR}/build)

# The default model is the installed cuba.nrn (nsc_EXAMPLES_DIR).
run_step("nsc-embed" ${WORK_DIR}/build/nsc-embed --steps 300)
message("${step_output}")
foreach(re "compile: +[0-9.]+ ms" "stepping: 300 steps of 0.1 ms \\(30.0 ms simulated\\) on cpu"
           "per-step latency \\(us\\): min [0-9.]+  median [0-9.]+  p99 [0-9.]+  max [0-9.]+"
           "spikes: +[1-9][0-9]* ")
  if(NOT step_output MATCHES "${re}")
    message(FATAL_ERROR "nsc-embed output lacks /${re}/")
  endif()
endforeach()

# An error in the model surfaces as the diagnostic and exit status 1.
file(WRITE ${WORK_DIR}/bad.nrn "model bad:\n    state:\n        V_m mV = 3 ms\n")
execute_process(COMMAND ${WORK_DIR}/build/nsc-embed ${WORK_DIR}/bad.nrn RESULT_VARIABLE rc
                OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL 1 OR NOT err MATCHES "bad.nrn:3:18: error: ")
  message(FATAL_ERROR "nsc-embed on a bad model: exit ${rc}, stderr:\n${err}")
endif()
