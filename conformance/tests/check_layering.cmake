# The layering rule of DESIGN.md: link edges point one way (tools -> reports -> conformance ->
# model -> spec), so no #include goes against them:
#   spec/        includes nothing from model/, conformance/, reports/, tools/
#   model/       includes nothing from conformance/, reports/, tools/
#   conformance/ includes nothing from reports/, tools/
#   reports/     includes nothing from tools/
# Every file of each folder is read, its tests included. Each violation is printed as
# file:line: the include line; any violation fails the check.
#
#   cmake -DROOT=<repository root> -P check_layering.cmake
#   cmake -DSELF_TEST_DIR=<scratch directory> -P check_layering.cmake
# The second form writes a tree with one violation per rule into the scratch directory, checks it,
# and fails unless every violation is reported: it shows that the check can fail.

cmake_minimum_required(VERSION 3.25)

set(pmconf_layers spec model conformance reports tools)
set(pmconf_forbidden_spec model conformance reports tools)
set(pmconf_forbidden_model conformance reports tools)
set(pmconf_forbidden_conformance reports tools)
set(pmconf_forbidden_reports tools)

# Sets out_var to the list of "file:line: ..." for each include in <root>/<layer> of a forbidden
# folder, and prints each one (the list form mangles a ';' in a line; the printed form does not).
function(pmconf_layering_violations root print out_var)
  set(violations)
  set(count 0)
  foreach(layer IN ITEMS spec model conformance reports)
    string(JOIN "|" forbidden ${pmconf_forbidden_${layer}})
    file(GLOB_RECURSE files LIST_DIRECTORIES false
      "${root}/${layer}/*.h" "${root}/${layer}/*.hpp" "${root}/${layer}/*.cpp" "${root}/${layer}/*.cc" "${root}/${layer}/*.inc")
    list(SORT files)
    foreach(file IN LISTS files)
      # Whole-text matching: a CMake list of lines would split at ';' and merge at '[', ']'.
      file(READ "${file}" content)
      file(RELATIVE_PATH relative "${root}" "${file}")
      set(rest "\n${content}")
      set(lines_before 0)
      while(TRUE)
        string(REGEX MATCH "\n[ \t]*#[ \t]*include[ \t]*[<\"](${forbidden})/[^\n]*" match "${rest}")
        if(NOT match)
          break()
        endif()
        set(folder "${CMAKE_MATCH_1}")
        string(FIND "${rest}" "${match}" position)
        string(SUBSTRING "${rest}" 0 ${position} before)
        string(REGEX MATCHALL "\n" newlines "${before}")
        list(LENGTH newlines skipped)
        math(EXPR number "${lines_before} + ${skipped} + 1")
        string(STRIP "${match}" text)
        set(violation "${relative}:${number}: ${layer}/ must not include ${folder}/: ${text}")
        if(print)
          message("${violation}")
        endif()
        list(APPEND violations "${violation}")
        math(EXPR count "${count} + 1")
        string(LENGTH "${match}" length)
        math(EXPR cut "${position} + ${length}")
        string(SUBSTRING "${rest}" ${cut} -1 rest)
        set(lines_before ${number})
      endwhile()
    endforeach()
  endforeach()
  set(${out_var} "${violations}" PARENT_SCOPE)
  set(${out_var}_count ${count} PARENT_SCOPE)
endfunction()

if(DEFINED SELF_TEST_DIR)
  file(REMOVE_RECURSE "${SELF_TEST_DIR}")
  file(WRITE "${SELF_TEST_DIR}/spec/a.h" "#pragma once\n#include \"spec/ok.h\"\n#include \"model/x.h\"\n")
  file(WRITE "${SELF_TEST_DIR}/model/tests/b.cpp" "#include <gtest/gtest.h>\n  #  include <conformance/y.h>\n")
  file(WRITE "${SELF_TEST_DIR}/conformance/c.cpp" "#include \"model/ok.h\"\n#include \"reports/z.h\"\n")
  file(WRITE "${SELF_TEST_DIR}/reports/d.cpp" "#include \"conformance/ok.h\"\n\n#include \"tools/w.h\"\n")
  file(WRITE "${SELF_TEST_DIR}/tools/e.cpp" "#include \"reports/ok.h\"\n")
  pmconf_layering_violations("${SELF_TEST_DIR}" FALSE found)
  set(expected
    "conformance/c.cpp:2: conformance/ must not include reports/: #include \"reports/z.h\""
    "model/tests/b.cpp:2: model/ must not include conformance/: #  include <conformance/y.h>"
    "reports/d.cpp:3: reports/ must not include tools/: #include \"tools/w.h\""
    "spec/a.h:3: spec/ must not include model/: #include \"model/x.h\"")
  list(SORT found)
  if(NOT found STREQUAL expected)
    string(REPLACE ";" "\n  " found_text "${found}")
    message(FATAL_ERROR "the layering check missed or misreported violations; it reported:\n  ${found_text}")
  endif()
  message(STATUS "the layering check reports each of the 4 planted violations")
  return()
endif()

if(NOT DEFINED ROOT)
  message(FATAL_ERROR "usage: cmake -DROOT=<repository root> -P check_layering.cmake")
endif()
pmconf_layering_violations("${ROOT}" TRUE found)
if(found_count GREATER 0)
  message(FATAL_ERROR "${found_count} #include(s) against the layering (tools -> reports -> conformance -> model -> spec)")
endif()
message(STATUS "no #include goes against the layering")
