# Helpers shared by the command-line test scripts (cli_test.cmake, iut_test.cmake): run pmconf
# (in ${SOURCE} when it is set), check its exit code and output, validate JUnit reports.

function(run_pmconf)
  set(dir "")
  if(SOURCE)
    set(dir WORKING_DIRECTORY ${SOURCE})
  endif()
  execute_process(COMMAND ${PMCONF} ${ARGN} ${dir} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  set(rc "${rc}" PARENT_SCOPE)
  set(out "${out}" PARENT_SCOPE)
  set(err "${err}" PARENT_SCOPE)
endfunction()

function(expect_rc expected)
  if(NOT rc STREQUAL "${expected}")
    message(FATAL_ERROR "expected exit code ${expected}, got ${rc}\nstdout:\n${out}\nstderr:\n${err}")
  endif()
endfunction()

function(expect_match text regex what)
  if(NOT text MATCHES "${regex}")
    message(FATAL_ERROR "${what}: expected to match '${regex}', got:\n${text}")
  endif()
endfunction()

function(expect_no_match text regex what)
  if(text MATCHES "${regex}")
    message(FATAL_ERROR "${what}: expected not to match '${regex}', got:\n${text}")
  endif()
endfunction()

function(expect_valid_junit file)
  foreach(schema JUnit.xsd junit-10.xsd)
    execute_process(COMMAND xmllint --noout --nonet --schema ${SCHEMAS}/${schema} ${file}
      RESULT_VARIABLE xrc ERROR_VARIABLE xerr)
    if(NOT xrc EQUAL 0)
      message(FATAL_ERROR "${file} is not valid against ${schema}:\n${xerr}")
    endif()
  endforeach()
endfunction()
