// Values that cannot be serialized, checked against the independent oracle of
// serialization_oracle.h: it walks the input in serialization order and predicts the first value
// that is rejected and the step that rejects it.

#include "conformance/model_runner.h"
#include "conformance/tests/property_support.h"
#include "conformance/tests/serialization_oracle.h"

#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

namespace pmconf::conformance::tests {
namespace {

// Checks html:structuredserializeinternal:5 (a Symbol), :20 (a platform object that is not
// serializable, a MessagePort outside a transfer list included), :21 (a function or a callable
// proxy), :22 (WeakMap, WeakSet, WeakRef, Promise), :23 (a proxy), and the order of step 26 that
// decides which of several is reached first; a graph with none of them clones.
RC_GTEST_PROP(StructuredSerializeInternal, FirstNonSerializableValueInSerializationOrderThrowsDataCloneErrorAtItsStep, ())
{
    auto const scenario = draw_scenario("non-serializable-values");
    auto const expected = predict_clone(scenario);
    RC_ASSERT(expected.status != Prediction::Status::out_of_scope);
    if (expected.status == Prediction::Status::threw)
        RC_ASSERT(expected.error_name == std::string("DataCloneError"));
    RC_TAG(expected.status == Prediction::Status::threw ? expected.step : std::string("returned"));
    auto const observed = run_on_model(scenario);
    RC_LOG() << "model: " << to_display(observed) << "\n";
    if (auto const d = outcome_difference(expected, observed))
        RC_FAIL(*d);
}

} // namespace
} // namespace pmconf::conformance::tests
