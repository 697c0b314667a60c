# Reproducers are plain JavaScript written from the counterexample, not the adapter's code: a
# deviation that only the adapter made (an artefact) must not reproduce. Run as
#   cmake -DPMCONF=... -DCASE=planted_artefact -DCASES=... -DWORK=... -DSOURCE=... -P repro_test.cmake
#
# planted_artefact: pmconf runs node through an adapter with a deliberate bug
# (pmconf-adapter.mjs --plant zero-buffer-bytes zeroes the first byte of every ArrayBuffer it
# builds), so the clones it reports lose their first byte; every reproducer of such a "bytes"
# deviation must be reported by verify-repro as not reproducing.

include(${CMAKE_CURRENT_LIST_DIR}/test_helpers.cmake)

file(REMOVE_RECURSE ${WORK})
file(MAKE_DIRECTORY ${WORK})

if(CASE STREQUAL "planted_artefact")
  # The registry's root is two folders above it (tools/iut_registry.cpp), here WORK: the adapter
  # is named by its absolute path. Its reproducers run on node like node's.
  file(MAKE_DIRECTORY ${WORK}/registry/planted)
  set(registry ${WORK}/registry/planted/iuts.json)
  file(WRITE ${registry} "{\"iuts\": [{\"name\": \"node-planted\", \"argv\": [\"node\", \"${SOURCE}/tools/adapters/pmconf-adapter.mjs\", \"--plant\", \"zero-buffer-bytes\"], \"impl\": \"native\", \"repro\": [\"node\"], \"description\": \"node through an adapter with a planted bug\"}]}\n")
  run_pmconf(run -q --registry ${registry} --iut node-planted --property buffers-and-views --cases ${CASES} --out ${WORK}/out)
  if(NOT rc STREQUAL "1")
    message(FATAL_ERROR "pmconf run with the planted adapter: expected exit 1 (deviations), got ${rc}\n${err}")
  endif()

  # The reproducers of the deviations the planted bug made: the result's bytes differ.
  file(READ ${WORK}/out/repro/index.json index)
  string(JSON count LENGTH "${index}" reproducers)
  set(planted)
  math(EXPR last "${count} - 1")
  foreach(i RANGE ${last})
    string(JSON signature GET "${index}" reproducers ${i} signature)
    string(JSON file GET "${index}" reproducers ${i} file)
    if(signature MATCHES "^result:\\.bytes")
      list(APPEND planted ${file})
    endif()
  endforeach()
  if(NOT planted)
    message(FATAL_ERROR "no bytes deviation was found with the planted adapter (${count} reproducers):\n${index}")
  endif()
  foreach(file IN LISTS planted)
    file(READ ${WORK}/out/${file} text)
    expect_no_match("${text}" "pmconf-adapter|lib/core\\.mjs|const SCENARIO" "${file} is plain code, without the adapter")
  endforeach()

  # verify-repro runs each alone: the plain code builds the buffer right, so the clone keeps its
  # bytes, its Observation conforms to the model, and it does not reproduce.
  run_pmconf(verify-repro --out ${WORK}/out)
  if(rc STREQUAL "0")
    message(FATAL_ERROR "verify-repro says every reproducer reproduces, the planted artefact too:\n${out}")
  endif()
  expect_rc(1)
  foreach(file IN LISTS planted)
    string(REPLACE "." "\\." file_re "${file}")
    expect_match("${out}" "FAILED      node-planted ${file_re}: its observation conforms to the model: it does not reproduce"
      "verify-repro reports the planted artefact's reproducer ${file} as not reproducing")
  endforeach()
  list(LENGTH planted n)
  message(STATUS "${n} reproducer(s) of the planted artefact do not reproduce, as they must")

else()
  message(FATAL_ERROR "unknown CASE ${CASE}")
endif()
