// compare_observations() on hand-made observations: what the spec leaves open is accepted, the
// rest reported.

#include "conformance/compare.h"
#include "conformance/model_runner.h"
#include "conformance/tests/scenario_builder.h"

#include <gtest/gtest.h>

namespace pmconf::conformance::tests {
namespace {

Observation data_clone_error_at_step_5()
{
    GraphBuilder g;
    Node symbol;
    symbol.kind = NodeKind::symbol;
    auto const s = g.add(symbol);
    auto const observed = run_on_model(g.clone(s));
    EXPECT_TRUE(observed.threw);
    EXPECT_TRUE(observed.error_is_dom_exception);
    return observed;
}

TEST(CompareObservations, ADataCloneErrorThatIsNotADomExceptionIsReported)
{
    // StructuredSerializeInternal step 5 throws a "DataCloneError" DOMException. An implementation
    // that throws some other object whose name is "DataCloneError" (an Error subclass, say) does
    // not conform, and the Observation says so in error_is_dom_exception.
    auto const reference = data_clone_error_at_step_5();
    auto impostor = reference;
    impostor.error_is_dom_exception = false;
    auto const d = compare_observations(reference, impostor);
    ASSERT_TRUE(d.has_value()) << "a DataCloneError that is not a DOMException passes as one";
    EXPECT_EQ(d->step, "html:structuredserializeinternal:5");
}

TEST(CompareObservations, ADifferentErrorNameIsReportedWithTheStepThatThrew)
{
    auto const reference = data_clone_error_at_step_5();
    auto observed = reference;
    observed.error_name = "TypeError";
    observed.error_is_dom_exception = false;
    auto const d = compare_observations(reference, observed);
    ASSERT_TRUE(d.has_value());
    EXPECT_EQ(d->field, "error-name");
    EXPECT_EQ(d->step, "html:structuredserializeinternal:5");
}

TEST(CompareObservations, ImplementationDefinedErrorDataIsAccepted)
{
    // StructuredSerializeInternal 17.5 and 17.7: [[Stack]] and extra data such as cause are up to
    // the implementation.
    GraphBuilder g;
    auto const e = g.error("RangeError", u"m");
    auto const reference = run_on_model(g.clone(e));
    ASSERT_FALSE(reference.threw);
    auto observed = reference;
    observed.result.nodes[0].stack = u"another stack";
    Property cause;
    cause.key = u"cause";
    cause.value = std::u16string(u"because");
    cause.enumerable = false;
    observed.result.nodes[0].properties.push_back(cause);
    EXPECT_EQ(compare_observations(reference, observed), std::nullopt);
    observed.result.nodes[0].error_prototype = "Error";
    EXPECT_TRUE(compare_observations(reference, observed).has_value());
}

} // namespace
} // namespace pmconf::conformance::tests
