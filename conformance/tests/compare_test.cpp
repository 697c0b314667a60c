// compare_observations() on hand-made observations: what the spec leaves open is accepted, the
// rest reported.

#include "conformance/canonical.h"
#include "conformance/compare.h"
#include "conformance/finding_title.h"
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


TEST(CompareObservations, AResultGraphNumberedOtherwiseIsTheSameGraph)
{
    // docs/protocol.md: an IUT may number its result graph in any order; equality is isomorphism.
    GraphBuilder g;
    auto const inner = g.object({ { u"x", 1.0 } });
    auto const outer = g.object({ { u"a", inner }, { u"b", inner } });
    auto const reference = run_on_model(g.clone(outer));
    ASSERT_EQ(reference.result.nodes.size(), 2u);
    auto observed = reference;
    // The same graph, its two nodes swapped.
    std::swap(observed.result.nodes[0], observed.result.nodes[1]);
    for (auto& n : observed.result.nodes)
        for (auto& p : n.properties)
            if (auto* r = std::get_if<NodeRef>(&p.value))
                r->node = 1 - r->node;
    observed.result.root = NodeRef { 1 };
    ASSERT_NE(observed.result, reference.result);
    EXPECT_EQ(compare_observations(reference, observed), std::nullopt);
    // Sharing lost is still a difference after renumbering.
    observed.result.nodes.push_back(observed.result.nodes[0]);
    std::get<NodeRef>(observed.result.nodes[1].properties[1].value).node = 2;
    EXPECT_TRUE(compare_observations(reference, observed).has_value());
}

TEST(CompareObservations, PlusZeroForMinusZeroIsADifference)
{
    // SameValue, not ==: structuredClone(-0) must give -0 (Graph's operator== takes one for the other).
    GraphBuilder g;
    auto const o = g.object({ { u"z", -0.0 } });
    auto const reference = run_on_model(g.clone(o));
    auto observed = reference;
    observed.result.nodes[0].properties[0].value = 0.0;
    ASSERT_EQ(observed.result, reference.result);
    auto const d = compare_observations(reference, observed);
    ASSERT_TRUE(d.has_value());
    EXPECT_EQ(d->signature(), "result:.value@html:structuredserializeinternal:26.4");
}

TEST(CompareObservations, AnErrorsAccompanyingDataDoesNotSteerTheNumbering)
{
    // An Error's cause pointing at an object the value also holds: canonical numbering that
    // followed it would number that object differently from the model's graph.
    GraphBuilder g;
    auto const shared = g.object({});
    auto const c = g.object({ { u"c", shared } });
    auto const b = g.object({ { u"b", c } });
    auto const e = g.error("Error", u"m");
    auto const root = g.object({ { u"e", e }, { u"a", b } });
    auto const reference = run_on_model(g.clone(root));
    ASSERT_FALSE(reference.threw);
    // The model numbers root, Error, a, a.b, then the shared object (a.b.c).
    ASSERT_EQ(reference.result.nodes.size(), 5u);
    auto observed = reference;
    Property cause;
    cause.key = u"cause";
    cause.value = NodeRef { 4 };
    cause.enumerable = false;
    observed.result.nodes[1].properties.push_back(cause);
    // The implementation's graph numbered canonically: the cause reaches the shared object first.
    observed.result = canonicalize(observed.result);
    ASSERT_NE(observed.result.nodes[3].properties.size(), reference.result.nodes[3].properties.size());
    EXPECT_EQ(compare_observations(reference, observed), std::nullopt);
}

TEST(CompareObservations, ALengthTrackingViewThatNoBufferLengthTellsApartIsTheFixedOne)
{
    // On ArrayBuffer(0, {maxByteLength: 0}) a length-tracking view and a fixed view of length 0
    // read the same at every length the buffer can have.
    GraphBuilder g;
    auto const b = g.buffer({}, 0);
    auto const v = g.view(b, "Uint8Array", 0, std::nullopt);
    auto const reference = run_on_model(g.clone(v));
    ASSERT_FALSE(reference.threw);
    auto observed = reference;
    for (auto& n : observed.result.nodes)
        if (n.kind == NodeKind::typed_array)
            n.length = 0;
    EXPECT_EQ(compare_observations(reference, observed), std::nullopt);
    // With room to grow by one element the two differ: resize tells them apart.
    GraphBuilder h;
    auto const b2 = h.buffer({}, 4);
    auto const v2 = h.view(b2, "Uint8Array", 0, std::nullopt);
    auto const ref2 = run_on_model(h.clone(v2));
    auto obs2 = ref2;
    for (auto& n : obs2.result.nodes)
        if (n.kind == NodeKind::typed_array)
            n.length = 0;
    auto const d = compare_observations(ref2, obs2);
    ASSERT_TRUE(d.has_value());
    EXPECT_EQ(d->signature(), "result:.length@html:structureddeserialize:16.3");
}

Scenario error_with_getter(std::u16string key, std::vector<GetterEffect> effects = {})
{
    GraphBuilder g;
    auto const e = g.error("Error", u"m");
    auto& err = g.node(e);
    std::erase_if(err.properties, [&](Property const& p) { return p.key == key; });
    Getter getter;
    getter.label = 7;
    getter.result = std::u16string(u"TypeError");
    getter.effects = std::move(effects);
    g.getter(e, key, getter);
    return g.clone(e);
}

TEST(CompareObservations, ExtraCallsOfAnErrorsNameGetterForItsStackAreAChoice)
{
    // StructuredSerializeInternal 17.1 reads "name" once; 17.5's stack is implementation-defined,
    // and V8 calls name/message getters again when it formats the stack lazily.
    auto const reference = run_on_model(error_with_getter(u"name"));
    ASSERT_EQ(reference.getter_calls, std::vector<std::uint32_t> { 7 });
    auto observed = reference;
    observed.getter_calls = { 7, 7 };
    Choices choices;
    EXPECT_EQ(compare_observations(reference, observed, &choices), std::nullopt);
    EXPECT_EQ(choices.count("making an Error's stack string calls its own name/message getters again"), 1u);
    // Not calling the getter the spec calls is still a deviation.
    observed.getter_calls = {};
    auto const d = compare_observations(reference, observed);
    ASSERT_TRUE(d.has_value());
    EXPECT_EQ(d->field, "getter-calls");
    EXPECT_EQ(d->kind(), FindingKind::deviation);
    // So is a call of another getter.
    observed.getter_calls = { 7, 8 };
    EXPECT_TRUE(compare_observations(reference, observed).has_value());
}

TEST(CompareObservations, TransferablesDetachedAlthoughTheCallThrewAreOneSignatureWhateverStepThrew)
{
    // Whether a Symbol (StructuredSerializeInternal 5) or a duplicate entry (WithTransfer 2.3)
    // makes the call throw, step 5 never runs: nothing may be detached.
    auto signature_for = [](bool duplicate) {
        GraphBuilder g;
        auto const b = g.buffer({ 1, 2 });
        Node symbol;
        symbol.kind = NodeKind::symbol;
        auto const s = g.add(symbol);
        auto const root = g.array({ b, duplicate ? GValue(1.0) : GValue(s) });
        auto const reference = run_on_model(g.clone(root, duplicate ? std::vector<GValue> { b, b } : std::vector<GValue> { b }));
        EXPECT_TRUE(reference.threw);
        auto observed = reference;
        for (auto& t : observed.transferables)
            t.detached = true;
        auto const d = compare_observations(reference, observed);
        EXPECT_TRUE(d.has_value());
        return d ? d->signature() : std::string();
    };
    EXPECT_EQ(signature_for(false), "transferables:detached-although-thrown@html:structuredserializewithtransfer:5");
    EXPECT_EQ(signature_for(true), signature_for(false));
}

TEST(CompareObservations, AnEarlierEntryLeftAttachedWhenALaterOneFailsIsASpecQuestion)
{
    // WithTransfer step 5 read literally: the first buffer is transferred before the second is
    // found detached (5.1); every engine leaves the first attached (all-or-nothing).
    GraphBuilder g;
    auto const first = g.buffer({ 1 });
    auto const second = g.detached_buffer();
    auto const reference = run_on_model(g.clone(g.array({}), { first, second }));
    ASSERT_TRUE(reference.threw);
    ASSERT_EQ(reference.thrown_at_step, "html:structuredserializewithtransfer:5.1");
    auto observed = reference;
    for (auto& t : observed.transferables)
        if (t.node == first.node)
            t.detached = false;
    auto const d = compare_observations(reference, observed);
    ASSERT_TRUE(d.has_value());
    EXPECT_EQ(d->kind(), FindingKind::spec_question);
    EXPECT_EQ(d->spec_questions, std::vector<std::string> { "html:structuredserializewithtransfer:5" });
    EXPECT_NE(spec_question_text(d->spec_questions[0]).find("all-or-nothing"), std::string::npos);
    EXPECT_TRUE(finding_title(*d, g.clone(g.array({}), { first, second })).starts_with("spec question: "));
}

TEST(FindingTitle, SaysWhatIsWrongInWordsWithTheStepsSummary)
{
    Scenario s;
    Difference d { "error-name", "DataCloneError->TypeError", "DataCloneError", "TypeError", "html:structuredserializewithtransfer:2.1" };
    EXPECT_EQ(finding_title(d, s), "TypeError instead of DataCloneError: only buffers and transferable platform objects can be transferred");
    Difference o { "outcome", "returned", "a thrown DataCloneError", "a returned value", "html:structuredserializeinternal:5" };
    EXPECT_EQ(finding_title(o, s), "structuredClone() returns where the spec throws DataCloneError: symbols cannot be serialized");
    Difference g { "getter-calls", "", "get#1", "get#1, get#1", "html:structuredserializeinternal:26.4.1.1" };
    EXPECT_TRUE(finding_title(g, s).starts_with("a getter called more often than the spec calls it")) << finding_title(g, s);
    Difference m { "getter-calls", "", "none", "get#1", "html:structuredserializeinternal:26.4.1.1" };
    EXPECT_TRUE(finding_title(m, s).starts_with("a getter called that the spec does not call")) << finding_title(m, s);
    Difference hang { "outcome", "threw (the IUT hung: no answer within the time-out)", "a returned value",
        "a thrown (the IUT hung: no answer within the time-out)", "" };
    EXPECT_EQ(finding_title(hang, s), "structuredClone() hangs where the spec returns");
}

} // namespace
} // namespace pmconf::conformance::tests
