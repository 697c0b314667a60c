// The test support itself: exact graph equality and the serialization oracle, on hand-made cases.

#include "conformance/canonical.h"
#include "conformance/tests/graph_equality.h"
#include "conformance/tests/scenario_builder.h"
#include "conformance/tests/serialization_oracle.h"

#include <gtest/gtest.h>

#include <limits>

namespace pmconf::conformance::tests {
namespace {

TEST(GraphEquality, NumbersCompareWithSameValue)
{
    GraphBuilder a, b, c;
    a.graph.root = a.object({ { u"x", std::numeric_limits<double>::quiet_NaN() } });
    b.graph.root = b.object({ { u"x", std::numeric_limits<double>::quiet_NaN() } });
    c.graph.root = c.object({ { u"x", -0.0 } });
    EXPECT_TRUE(same_graph(a.graph, b.graph));
    GraphBuilder zero;
    zero.graph.root = zero.object({ { u"x", 0.0 } });
    EXPECT_FALSE(same_graph(c.graph, zero.graph));
    EXPECT_EQ(graph_difference(c.graph, zero.graph), std::optional<std::string>("#0.properties[0].value: expected -0, got 0"));
}

TEST(GraphEquality, EveryFieldCounts)
{
    GraphBuilder a;
    a.graph.root = a.error("TypeError", u"m");
    auto b = a.graph;
    b.nodes[0].stack = u"other";
    EXPECT_FALSE(same_graph(a.graph, b));
    b = a.graph;
    b.nodes[0].properties[0].enumerable = true;
    EXPECT_FALSE(same_graph(a.graph, b));
}

TEST(SerializationOracle, NumberToStringFollowsNumberToString)
{
    struct Case {
        double number;
        char16_t const* text;
    };
    for (auto const& c : { Case { 0.0, u"0" }, Case { -0.0, u"0" }, Case { 1.5, u"1.5" }, Case { -42, u"-42" },
             Case { 0.1, u"0.1" }, Case { 1e21, u"1e+21" }, Case { 1e20, u"100000000000000000000" },
             Case { 123456789012345680000.0, u"123456789012345680000" }, Case { 1e-6, u"0.000001" },
             Case { 1e-7, u"1e-7" }, Case { 1.25e-7, u"1.25e-7" }, Case { 5e-324, u"5e-324" },
             Case { 9007199254740993.0, u"9007199254740992" }, Case { std::numeric_limits<double>::infinity(), u"Infinity" },
             Case { -std::numeric_limits<double>::infinity(), u"-Infinity" },
             Case { std::numeric_limits<double>::quiet_NaN(), u"NaN" }, Case { 1.7976931348623157e308, u"1.7976931348623157e+308" } })
        EXPECT_EQ(js_to_string(c.number), std::u16string(c.text)) << c.number;
    EXPECT_EQ(js_to_string(Null {}), u"null");
    EXPECT_EQ(js_to_string(true), u"true");
    EXPECT_EQ(js_to_string(BigInt { "-5" }), u"-5");
}

TEST(SerializationOracle, PredictsSharingCyclesAndDroppedProperties)
{
    GraphBuilder g;
    auto const shared = g.object();
    auto const root = g.object({ { u"b", shared }, { u"a", shared } });
    g.put(root, u"self", root);
    g.put(root, u"hidden", 1.0, /*enumerable=*/false);
    auto const prediction = predict_clone(g.clone(root));
    ASSERT_EQ(prediction.status, Prediction::Status::returned);
    GraphBuilder e;
    auto const shared_copy = e.object();
    auto const copy = e.object({ { u"b", shared_copy }, { u"a", shared_copy } });
    e.put(copy, u"self", copy);
    e.graph.root = copy;
    EXPECT_EQ(graph_difference(canonicalize(e.graph), prediction.result), std::nullopt);
}

TEST(SerializationOracle, PredictsTheFirstNonSerializableValueInKeyOrder)
{
    GraphBuilder g;
    auto const root = g.object();
    g.put(root, u"z", g.of_kind(NodeKind::promise));
    g.put(root, u"1", g.of_kind(NodeKind::proxy)); // an index key: serialized first
    auto const prediction = predict_clone(g.clone(root));
    ASSERT_EQ(prediction.status, Prediction::Status::threw);
    EXPECT_EQ(prediction.error_name, "DataCloneError");
    EXPECT_EQ(prediction.step, "html:structuredserializeinternal:23");
}

TEST(SerializationOracle, LeavesSharedMemoryAndViewsOutOfScope)
{
    GraphBuilder g;
    auto const sab = g.buffer({ 1 }, std::nullopt, NodeKind::shared_array_buffer);
    EXPECT_EQ(predict_clone(g.clone(sab)).status, Prediction::Status::out_of_scope);
    auto const view = g.view(g.buffer({ 1, 2 }), "Uint8Array", 0, 2);
    EXPECT_EQ(predict_clone(g.clone(view)).status, Prediction::Status::out_of_scope);
}

TEST(SerializationOracle, PredictsATransferAndTheDetachedOriginal)
{
    GraphBuilder g;
    auto const b = g.buffer({ 1, 2 });
    auto const root = g.object({ { u"b", b } });
    auto const prediction = predict_clone(g.clone(root, { b }));
    ASSERT_EQ(prediction.status, Prediction::Status::returned);
    ASSERT_EQ(prediction.transferables.size(), 1u);
    EXPECT_TRUE(prediction.transferables[0].detached);
    GraphBuilder e;
    e.graph.root = e.object({ { u"b", e.buffer({ 1, 2 }) } });
    EXPECT_EQ(graph_difference(canonicalize(e.graph), prediction.result), std::nullopt);
}

TEST(SerializationOracle, PredictsAGetterThatDetachesATransferListedBuffer)
{
    GraphBuilder g;
    auto const b = g.buffer({ 1 });
    auto const root = g.object();
    Getter getter;
    getter.label = 7;
    getter.effects.push_back(GetterEffect { GetterEffect::Kind::detach, b.node, u"", Undefined {}, 0 });
    g.getter(root, u"g", getter);
    auto const prediction = predict_clone(g.clone(root, { b }));
    ASSERT_EQ(prediction.status, Prediction::Status::threw);
    EXPECT_EQ(prediction.step, "html:structuredserializewithtransfer:5.1");
    EXPECT_EQ(prediction.getter_calls, (std::vector<std::uint32_t> { 7 }));
}

} // namespace
} // namespace pmconf::conformance::tests
