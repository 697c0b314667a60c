// Round trips checked against the independent oracle of serialization_oracle.h.

#include "conformance/model_runner.h"
#include "conformance/tests/graph_equality.h"
#include "conformance/tests/property_support.h"
#include "conformance/tests/serialization_oracle.h"

#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

namespace pmconf::conformance::tests {
namespace {

// Checks html:structuredserializeinternal:2, :4, :7-:12, :15-:16, :18, :24-:26 (26.1-26.2 and
// 26.4: enumerable own string keys only, in OrdinaryOwnPropertyKeys order), :27 and
// html:structureddeserialize:2, :5-:11, :17-:20, :23-:25: a clone of plain data (objects,
// arrays, wrappers, dates, regexps, maps, sets, %Object.prototype%, with symbol-keyed and
// non-enumerable properties) is the oracle's projection of the input up to renumbering: sharing
// and cycles kept, wrappers keep their primitive, RegExp lastIndex 0, arrays keep their length.
RC_GTEST_PROP(StructuredClone, PlainDataClonesToTheProjectionOfItsEnumerableStringKeyedData, ())
{
    auto const scenario = draw_scenario("round-trip-plain-data");
    auto const expected = predict_clone(scenario);
    RC_ASSERT(expected.status == Prediction::Status::returned);
    auto const observed = run_on_model(scenario);
    RC_LOG() << "model: " << to_display(observed) << "\n";
    RC_ASSERT(!observed.threw);
    if (auto const d = graph_difference(expected.result, observed.result))
        RC_FAIL(*d);
    RC_ASSERT(observed.getter_calls.empty());
}

} // namespace
} // namespace pmconf::conformance::tests
