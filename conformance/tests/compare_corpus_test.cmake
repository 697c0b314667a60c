# The JS comparator (tools/adapters/lib/compare.mjs, which reproducers run) agrees with the C++
# one (conformance/compare.cpp) on a corpus of Observation pairs: pmconf_compare_corpus writes the
# pairs with the C++ verdicts, tools/adapters/test/compare_corpus_check.mjs checks each with
# compare.mjs (verdict, field, where, expected, observed, step, signature, summary).
#
#   cmake -DCORPUS=<pmconf_compare_corpus> -DNODE=<node> -DCHECK=<compare_corpus_check.mjs>
#         -DWORK=<directory> [-DSEED=N] [-DCASES=N] -P compare_corpus_test.cmake
foreach(var CORPUS NODE CHECK WORK)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "compare_corpus_test.cmake: -D${var}=... is required")
  endif()
endforeach()
if(NOT DEFINED SEED)
  set(SEED 20261125)
endif()
if(NOT DEFINED CASES)
  set(CASES 120)
endif()

file(MAKE_DIRECTORY ${WORK})
set(file ${WORK}/compare-corpus.jsonl)
file(REMOVE ${file})
execute_process(COMMAND ${CORPUS} --out ${file} --seed ${SEED} --cases ${CASES}
  RESULT_VARIABLE status OUTPUT_VARIABLE out ERROR_VARIABLE err)
message("${out}${err}")
if(NOT status EQUAL 0)
  message(FATAL_ERROR "pmconf_compare_corpus failed (status ${status})")
endif()

execute_process(COMMAND ${NODE} ${CHECK} ${file}
  RESULT_VARIABLE status OUTPUT_VARIABLE out ERROR_VARIABLE err)
message("${out}${err}")
if(NOT status EQUAL 0)
  message(FATAL_ERROR "compare.mjs disagrees with the C++ comparator (status ${status}); the corpus is ${file}")
endif()
