// Mirrors web-platform-tests html/webappapis/structured-clone/structured-clone-battery-of-tests.js
// (run by structured-clone.any.js through structured-clone-battery-of-tests-harness.js): the cases
// that apply outside a browser, written as Scenarios and run on the model. Left out: Blob, File,
// FileList, ImageData and ImageBitmap (they need a document or the File API), "Object with
// property on prototype" (prototype chains are not part of the encoded graph), and the subclass /
// deleted-interface cases (interface objects are not modelled).

#include "conformance/canonical.h"
#include "conformance/model_runner.h"
#include "conformance/tests/graph_equality.h"
#include "conformance/tests/scenario_builder.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

namespace pmconf::conformance::tests {
namespace {

GValue str(std::u16string s) { return GValue(std::move(s)); }
constexpr double nan = std::numeric_limits<double>::quiet_NaN();
constexpr double inf = std::numeric_limits<double>::infinity();

// The primitives of the battery's "primitive ..." checks.
std::vector<GValue> battery_primitives()
{
    return { Undefined {}, Null {}, true, false, str(u""), str(std::u16string(1, char16_t(0xD800))),
        str(std::u16string(1, char16_t(0xDC00))), str(std::u16string(1, u'\0')), str(u"\U0010FFFD"), 0.2, 0.0, -0.0, nan,
        inf, -inf, 9007199254740992.0, -9007199254740992.0, 9007199254740994.0, -9007199254740994.0, BigInt { "0" },
        BigInt { "-9007199254740994000" },
        BigInt { "-9007199254740994000900719925474099400090071992547409940009007199254740994000" } };
}

::testing::AssertionResult clones_to(Scenario const& scenario, Graph expected)
{
    auto const observed = run_on_model(scenario);
    if (observed.threw)
        return ::testing::AssertionFailure() << "threw " << observed.error_name << " at " << observed.thrown_at_step;
    if (auto const d = graph_difference(canonicalize(expected), observed.result))
        return ::testing::AssertionFailure() << *d << "\nexpected " << to_display(canonicalize(expected)) << "\nmodel gave "
                                             << to_display(observed.result);
    return ::testing::AssertionSuccess();
}

// Plain data clones to an isomorphic copy of itself.
::testing::AssertionResult clones_to_itself(Scenario const& scenario) { return clones_to(scenario, scenario.graph); }

::testing::AssertionResult throws_at(Scenario const& scenario, std::string const& error, std::string const& step)
{
    auto const observed = run_on_model(scenario);
    if (!observed.threw)
        return ::testing::AssertionFailure() << "returned " << to_display(observed.result);
    if (observed.error_name != error || observed.thrown_at_step != step)
        return ::testing::AssertionFailure() << "threw " << observed.error_name << " at " << observed.thrown_at_step;
    return ::testing::AssertionSuccess();
}

// "structuredClone returns a structural clone of an object"
TEST(StructuredClone, ReturnsAStructuralCloneOfANestedObject)
{
    GraphBuilder g;
    auto const inner = g.object({ { u"a", 1.0 }, { u"b", g.array({ 2.0, 3.0, 4.0 }) } });
    auto const root = g.object({ { u"a", 1.0 }, { u"b", inner }, { u"c", g.array({ 7.0, 8.0, 9.0 }) } });
    EXPECT_TRUE(clones_to_itself(g.clone(root)));
}

// "primitive undefined", "primitive string, lone high surrogate", "primitive number, -0",
// "primitive BigInt, -0n", ... and "structuredClone handles primitives".
TEST(StructuredClone, PrimitivesCloneToThemselves)
{
    for (auto const& p : battery_primitives()) {
        SCOPED_TRACE(to_display(p));
        GraphBuilder g;
        auto const observed = run_on_model(g.clone(p));
        ASSERT_FALSE(observed.threw);
        EXPECT_TRUE(same_value(observed.result.root, p)) << to_display(observed.result.root);
        EXPECT_TRUE(observed.result.nodes.empty());
    }
}

// "Array primitives" and "Object primitives".
TEST(StructuredClone, ArraysAndObjectsOfPrimitivesClone)
{
    GraphBuilder g;
    auto const primitives = battery_primitives();
    auto const array = g.array(primitives);
    auto const object = g.object();
    for (std::size_t i = 0; i < primitives.size(); ++i)
        g.put(object, u"key " + GraphBuilder::to_u16(std::to_string(i)), primitives[i]);
    EXPECT_TRUE(clones_to_itself(g.clone(array)));
    EXPECT_TRUE(clones_to_itself(g.clone(object)));
}

// "Boolean true", "Boolean false", "Array Boolean objects", "Object Boolean objects", "String
// empty string", "String lone high surrogate", ..., "Number -0", "Number NaN", ..., "BigInt
// -9007199254740994n" and their Array / Object variants.
TEST(StructuredClone, PrimitiveWrapperObjectsKeepTheirPrimitive)
{
    GraphBuilder g;
    std::vector<GValue> wrappers;
    for (bool b : { true, false })
        wrappers.push_back(g.wrapper(NodeKind::boolean_object, b));
    for (auto const& s : { std::u16string(u""), std::u16string(1, char16_t(0xD800)), std::u16string(1, char16_t(0xDC00)),
             std::u16string(1, u'\0'), std::u16string(u"\U0010FFFD") })
        wrappers.push_back(g.wrapper(NodeKind::string_object, s));
    for (double d : { 0.2, 0.0, -0.0, nan, inf, -inf, 9007199254740992.0, -9007199254740992.0, 9007199254740994.0, -9007199254740994.0 })
        wrappers.push_back(g.wrapper(NodeKind::number_object, d));
    wrappers.push_back(g.wrapper(NodeKind::bigint_object, BigInt { "-9007199254740994" }));
    for (auto const& w : wrappers)
        EXPECT_TRUE(clones_to_itself(g.clone(w))) << to_display(g.graph.nodes[std::get<NodeRef>(w).node].primitive);
    EXPECT_TRUE(clones_to_itself(g.clone(g.array(wrappers))));
}

// "Date 0", "Date -0", "Date -8.64e15", "Date 8.64e15" and the Array / Object variants.
TEST(StructuredClone, DatesKeepTheirTimeValue)
{
    GraphBuilder g;
    std::vector<GValue> dates;
    for (double t : { 0.0, -0.0, -8.64e15, 8.64e15 })
        dates.push_back(g.date(t));
    auto const root = g.object({ { u"0", dates[0] }, { u"-0", dates[1] }, { u"-8.64e15", dates[2] }, { u"8.64e15", dates[3] } });
    EXPECT_TRUE(clones_to_itself(g.clone(root)));
    EXPECT_TRUE(clones_to_itself(g.clone(g.array(dates))));
}

// "RegExp flags and lastIndex", "RegExp sticky flag", "RegExp unicode flag", "RegExp empty",
// "RegExp slash", "RegExp new line" and the Array / Object variants: same source and flags,
// lastIndex 0.
TEST(StructuredClone, RegExpsKeepSourceAndFlagsWithLastIndexZero)
{
    struct Case {
        std::u16string source;
        std::string flags;
        double last_index;
    };
    for (auto const& c : { Case { u"foo", "gim", 2 }, Case { u"foo", "y", 0 }, Case { u"foo", "u", 0 }, Case { u"(?:)", "", 0 },
             Case { u"\\/", "", 0 }, Case { u"\\n", "", 0 } }) {
        GraphBuilder in;
        auto const r = in.regexp(c.source, c.flags, c.last_index);
        auto const root = in.object({ { u"x", r } });
        GraphBuilder out;
        auto const expected = out.object({ { u"x", out.regexp(c.source, c.flags, 0) } });
        out.graph.root = expected;
        EXPECT_TRUE(clones_to(in.clone(root), out.graph)) << c.flags;
    }
}

// "Empty Error object", and "Error object", "EvalError object", ..., "URIError object": the
// clone has the same constructor, name and message, and not the custom property foo.
TEST(StructuredClone, ErrorsKeepConstructorAndMessageButNotOtherOwnProperties)
{
    {
        GraphBuilder g;
        auto const e = g.error("Error");
        EXPECT_TRUE(clones_to_itself(g.clone(e)));
    }
    for (char const* constructor : { "Error", "EvalError", "RangeError", "ReferenceError", "SyntaxError", "TypeError", "URIError" }) {
        GraphBuilder in;
        auto const e = in.error(constructor, u"Error message here");
        in.put(e, u"foo", str(u"testing"));
        GraphBuilder out;
        out.graph.root = out.error(constructor, u"Error message here");
        EXPECT_TRUE(clones_to(in.clone(e), out.graph)) << constructor;
    }
}

// "Array sparse": new Array(10).
TEST(StructuredClone, SparseArrayKeepsItsLengthAndHoles)
{
    GraphBuilder g;
    EXPECT_TRUE(clones_to_itself(g.clone(g.sparse_array(10))));
}

// "Array with non-index property".
TEST(StructuredClone, ArrayKeepsANonIndexProperty)
{
    GraphBuilder g;
    auto const a = g.array({});
    g.put(a, u"foo", str(u"bar"));
    EXPECT_TRUE(clones_to_itself(g.clone(a)));
}

// "Object with index property and length": stays an ordinary object.
TEST(StructuredClone, ObjectWithAnIndexPropertyAndLengthStaysAnObject)
{
    GraphBuilder g;
    auto const o = g.object({ { u"0", str(u"foo") }, { u"length", 1.0 } });
    EXPECT_TRUE(clones_to_itself(g.clone(o)));
    EXPECT_EQ(run_on_model(g.clone(o)).result.nodes.at(0).kind, NodeKind::object);
}

// "Array with circular reference", "Object with circular reference".
TEST(StructuredClone, CircularReferencesPointToTheClone)
{
    GraphBuilder g;
    auto const a = g.array({});
    g.put(a, u"0", a);
    g.node(a).array_length = 1;
    auto const o = g.object();
    g.put(o, u"x", o);
    for (auto root : { a, o }) {
        auto const observed = run_on_model(g.clone(root));
        ASSERT_FALSE(observed.threw);
        ASSERT_EQ(observed.result.nodes.size(), 1u);
        EXPECT_TRUE(same_value(observed.result.nodes[0].properties.at(0).value, NodeRef { 0 }));
    }
}

// "Array with identical property values", "Object with identical property values".
TEST(StructuredClone, IdenticalPropertyValuesStayIdentical)
{
    GraphBuilder g;
    auto const shared = g.object();
    auto const a = g.array({ shared, shared });
    auto const o = g.object({ { u"x", shared }, { u"y", shared } });
    for (auto root : { a, o }) {
        auto const observed = run_on_model(g.clone(root));
        ASSERT_FALSE(observed.threw);
        ASSERT_EQ(observed.result.nodes.size(), 2u);
        EXPECT_TRUE(same_value(observed.result.nodes[0].properties.at(0).value, observed.result.nodes[0].properties.at(1).value));
    }
}

// "Object with non-enumerable property": absent from the clone.
TEST(StructuredClone, NonEnumerablePropertyIsAbsentFromTheClone)
{
    GraphBuilder g;
    auto const o = g.object();
    g.put(o, u"foo", str(u"bar"), /*enumerable=*/false);
    GraphBuilder expected;
    expected.graph.root = expected.object();
    EXPECT_TRUE(clones_to(g.clone(o), expected.graph));
}

// "Object with non-writable property", "Object with non-configurable property": the clone has
// the property (as a plain, writable and configurable data property).
TEST(StructuredClone, NonWritableAndNonConfigurablePropertiesAreCopied)
{
    GraphBuilder g;
    auto const o = g.object({ { u"foo", str(u"bar") } });
    EXPECT_TRUE(clones_to_itself(g.clone(o)));
}

// "Object with a getter that throws": the clone rejects with exactly the thrown exception.
TEST(StructuredClone, GetterThatThrowsRejectsWithTheThrownValue)
{
    GraphBuilder g;
    auto const exception = g.error("Error");
    auto const o = g.object();
    Getter getter;
    getter.label = 1;
    getter.throws = true;
    getter.result = exception;
    g.getter(o, u"testProperty", getter);
    auto const observed = run_on_model(g.clone(o));
    ASSERT_TRUE(observed.threw);
    EXPECT_EQ(observed.error_name, "user value");
    EXPECT_EQ(observed.thrown_at_step, "html:structuredserializeinternal:26.4.1.1");
    EXPECT_TRUE(same_value(observed.thrown_value, str(u"<object>")));
    EXPECT_EQ(observed.getter_calls, (std::vector<std::uint32_t> { 1 }));
}

// "ObjectPrototype must lose its exotic-ness when cloned".
TEST(StructuredClone, ObjectPrototypeLosesItsExoticnessWhenCloned)
{
    GraphBuilder g;
    auto const proto = g.of_kind(NodeKind::object_prototype);
    auto const observed = run_on_model(g.clone(proto));
    ASSERT_FALSE(observed.threw);
    ASSERT_EQ(observed.result.nodes.size(), 1u);
    EXPECT_EQ(observed.result.nodes[0].kind, NodeKind::object);
    EXPECT_TRUE(observed.result.nodes[0].properties.empty());
}

// "Serializing a non-serializable platform object fails" (a Response there).
TEST(StructuredClone, NonSerializablePlatformObjectThrowsDataCloneError)
{
    GraphBuilder g;
    EXPECT_TRUE(throws_at(g.clone(g.of_kind(NodeKind::platform_object)), "DataCloneError", "html:structuredserializeinternal:20"));
}

// "Resizable ArrayBuffer": same byteLength and maxByteLength, resizable.
TEST(StructuredClone, ResizableArrayBufferStaysResizable)
{
    GraphBuilder g;
    auto const b = g.buffer(std::vector<std::uint8_t>(16, 7), 1024);
    EXPECT_TRUE(clones_to_itself(g.clone(b)));
}

// "Growable SharedArrayBuffer": clones when cross-origin isolated, DataCloneError otherwise.
TEST(StructuredClone, GrowableSharedArrayBufferClonesOnlyWhenCrossOriginIsolated)
{
    GraphBuilder g;
    auto const sab = g.buffer(std::vector<std::uint8_t>(16, 1), 1024, NodeKind::shared_array_buffer);
    auto scenario = g.clone(sab);
    EXPECT_TRUE(clones_to_itself(scenario));
    scenario.source.cross_origin_isolated = false;
    EXPECT_TRUE(throws_at(scenario, "DataCloneError", "html:structuredserializeinternal:13.1.1"));
}

// "Length-tracking TypedArray", "Length-tracking DataView".
TEST(StructuredClone, LengthTrackingViewsStayLengthTracking)
{
    for (char const* type : { "Uint8Array", "DataView" }) {
        GraphBuilder g;
        auto const b = g.buffer(std::vector<std::uint8_t>(16, 3), 1024);
        auto const v = g.view(b, type, 0, std::nullopt);
        EXPECT_TRUE(clones_to_itself(g.clone(v))) << type;
    }
}

// "Serializing OOB TypedArray throws", "Serializing OOB DataView throws": a view at offset 8 of
// a resizable buffer that was then resized to 0.
TEST(StructuredClone, OutOfBoundsViewThrowsDataCloneError)
{
    for (char const* type : { "Uint8Array", "DataView" }) {
        GraphBuilder g;
        auto const b = g.buffer({}, 1024);
        auto const v = g.view(b, type, 8, std::nullopt);
        EXPECT_TRUE(throws_at(g.clone(v), "DataCloneError", "html:structuredserializeinternal:14.1")) << type;
    }
}

} // namespace
} // namespace pmconf::conformance::tests
