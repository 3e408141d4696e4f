# nsc_add_library(NAME DIRS dir... DEPS dep...): a static library from every
# .cpp in the given folders, so adding a source file needs no CMake edit.
function(nsc_add_library name)
  cmake_parse_arguments(ARG "" "" "DIRS;DEPS" ${ARGN})
  set(srcs)
  foreach(dir ${ARG_DIRS})
    file(GLOB dir_srcs CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/${dir}/*.cpp)
    list(APPEND srcs ${dir_srcs})
  endforeach()
  add_library(${name} STATIC ${srcs})
  target_link_libraries(${name} PUBLIC ${ARG_DEPS})
  target_compile_options(${name} PRIVATE -Wall -Wextra -Wno-unused-parameter)
endfunction()

# nsc_add_unittests(COMPONENT DEPS lib...): one GoogleTest binary
# nsc-COMPONENT-tests from test/unit/COMPONENT/*.cpp; every TEST is a ctest test.
function(nsc_add_unittests component)
  cmake_parse_arguments(ARG "" "" "DEPS" ${ARGN})
  file(GLOB srcs CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/${component}/*.cpp)
  if(NOT srcs)
    return()
  endif()
  set(exe nsc-${component}-tests)
  add_executable(${exe} ${srcs})
  target_link_libraries(${exe} PRIVATE ${ARG_DEPS} GTest::gtest GTest::gtest_main)
  target_compile_definitions(${exe} PRIVATE NSC_SOURCE_DIR="${PROJECT_SOURCE_DIR}")
  # Test bodies are gtest macro expansions that take most of the build's
  # time to optimise and almost none of the suite's time to run (the code
  # under test is in the libraries, built with the tree's flags): -O0 here
  # cuts the clean-clone CI build by minutes. The last -O on the line wins.
  target_compile_options(${exe} PRIVATE -O0)
  gtest_discover_tests(${exe} TEST_PREFIX "${component}." DISCOVERY_TIMEOUT 60)
endfunction()
