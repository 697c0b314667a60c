# Checks one report with xmllint (Debian: libxml2-utils) against one XSD.
#
#   cmake -DXMLLINT=<path> -DSCHEMA=<xsd> -DREPORT=<xml> [-DEXPECT=invalid] -P check_junit_schema.cmake
#
# EXPECT=invalid is for negative controls: it passes only when xmllint ran and rejected the
# report (exit 1: not well-formed, 3: not valid), never because xmllint or a file is missing.

if(NOT XMLLINT OR XMLLINT MATCHES "NOTFOUND$")
  message(FATAL_ERROR "xmllint was not found when CMake ran; install libxml2-utils and re-run CMake")
endif()
foreach(file IN ITEMS "${SCHEMA}" "${REPORT}")
  if(NOT EXISTS "${file}")
    message(FATAL_ERROR "missing file: ${file}")
  endif()
endforeach()

execute_process(
  COMMAND "${XMLLINT}" --noout --nonet --schema "${SCHEMA}" "${REPORT}"
  RESULT_VARIABLE status
  OUTPUT_VARIABLE output
  ERROR_VARIABLE output)
string(SUBSTRING "${output}" 0 4000 output)

if(EXPECT STREQUAL "invalid")
  if(status EQUAL 1 OR status EQUAL 3)
    message(STATUS "rejected as expected (xmllint exit ${status}):\n${output}")
  else()
    message(FATAL_ERROR "expected xmllint to reject ${REPORT} against ${SCHEMA}; exit ${status}:\n${output}")
  endif()
elseif(NOT status EQUAL 0)
  message(FATAL_ERROR "${REPORT} is not valid against ${SCHEMA} (xmllint exit ${status}):\n${output}")
endif()
