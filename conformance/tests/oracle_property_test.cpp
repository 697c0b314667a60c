// Clones checked against the independent oracle of serialization_oracle.h, profile by profile:
// the outcome (returned, or the error and the step that threw it), the result graph, the
// transferables' states and the getter calls must all be as the oracle predicts.

#include "conformance/model_runner.h"
#include "conformance/tests/property_support.h"
#include "conformance/tests/serialization_oracle.h"

#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

namespace pmconf::conformance::tests {
namespace {

// Runs a Scenario of the profile on the model and compares with the oracle. Scenarios the oracle
// does not model (views, shared memory: other properties check those) are discarded when
// `discard_out_of_scope`, and fail the property otherwise.
void check_against_oracle(std::string_view property, bool discard_out_of_scope)
{
    auto const scenario = draw_scenario(property);
    auto const expected = predict_clone(scenario);
    if (discard_out_of_scope)
        RC_PRE(expected.status != Prediction::Status::out_of_scope);
    RC_ASSERT(expected.status != Prediction::Status::out_of_scope);
    RC_TAG(expected.status == Prediction::Status::threw ? expected.step : std::string("returned"));
    auto const observed = run_on_model(scenario);
    RC_LOG() << "model: " << to_display(observed) << "\n";
    if (auto const d = outcome_difference(expected, observed))
        RC_FAIL(*d);
}

// Checks html:structuredserializeinternal:17.1-17.6 (name read with Get and normalized to the
// seven native error names, message an own data property converted with ToString, an accessor
// message ignored without calling it), :19 and :26.3 (DOMException keeps name and message),
// :26.4.1.1 (a getter's throw propagates), html:structureddeserialize:21.1-21.11 (prototype from
// the name, message non-enumerable) and :22.2 (an interface the target does not expose).
RC_GTEST_PROP(StructuredClone, ErrorObjectsCloneAsTheOracleSays, ()) { check_against_oracle("error-objects", false); }

// Checks html:structuredserializeinternal:26.4 (keys listed before any getter runs), :26.4.1
// (a key deleted by an earlier getter is skipped), :26.4.1.1 (getters run once each, in key order;
// a throw propagates), :26.1.1-26.1.2.2 (a Map's entries copied before any of them is serialized,
// deleted entries skipped), :26.2.1-26.2.2.1 (likewise a Set's), :13.2 (a buffer's bytes copied as
// they are when it is reached), html:structuredserializewithtransfer:2-5 (a transfer-listed buffer
// or port is referenced, not copied, and detached after serializing; one a getter detached fails
// at 5.1 or 5.2), against getters that delete and define properties, detach buffers and ports and
// delete Map and Set entries.
RC_GTEST_PROP(StructuredClone, GettersAndTheirSideEffectsCloneAsTheOracleSays, ())
{
    check_against_oracle("getters-and-side-effects", false);
}

// Checks html:structuredserializewithtransfer:2.1-2.4 (non-transferables, shared buffers and
// duplicates rejected in list order, before serializing), :3, :5.1-5.6 (detached entries
// rejected; buffers and platform objects transferred and detached one by one; a detach key fails
// at 5.4.3; ImageBitmap's transfer steps reject a bitmap that is not origin-clean at 5.5.4),
// html:structureddeserializewithtransfer:3.2-3.6 and :3.4.2, and :19.1 / :26.3 for bitmaps
// serialized rather than transferred.
RC_GTEST_PROP(StructuredSerializeWithTransfer, TransferListsCloneAsTheOracleSays, ()) { check_against_oracle("transfer-lists", true); }

// Checks html:structuredserialize:1, html:structuredserializeforstorage:1,
// html:structuredserializeinternal:13.2.1-13.2.6 (detached buffers, the allocation limit of the
// source realm, resizable buffers), :19.1 and :26.3, and deserialization into another realm:
// html:structureddeserialize:22.2 and html:structureddeserializewithtransfer:3.4.2 for an
// interface it does not expose.
RC_GTEST_PROP(StructuredDeserialize, StorageAndOtherRealmsCloneAsTheOracleSays, ())
{
    check_against_oracle("storage-and-realms", true);
}

} // namespace
} // namespace pmconf::conformance::tests
