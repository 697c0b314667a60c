// The trace of executed spec steps (PM_STEP): the order the model records them in, and that a
// throw is the last thing recorded.

#include "model/html/structured_data/deserialize.h"
#include "model/html/structured_data/serialize.h"
#include "model/html/structured_data/with_transfer.h"
#include "model/infra/trace.h"
#include "model/tests/heap_builder.h"

#include <gtest/gtest.h>

#include <functional>
#include <string>
#include <vector>

namespace pmconf::model::tests {
namespace {

std::vector<std::string> ids(std::vector<spec::StepId> const& steps)
{
    std::vector<std::string> out;
    for (auto s : steps)
        out.push_back(step_id(s));
    return out;
}

TEST(Trace, StructuredCloneOfAnEmptyObjectRecordsEveryStepInSpecOrder)
{
    HeapBuilder h;
    auto const o = h.object();
    Trace trace(true);
    {
        TraceScope scope(trace);
        ASSERT_FALSE(html::structured_clone(h.heap, h.realm, HeapBuilder::obj(o), {}).is_throw());
    }
    std::vector<std::string> const expected {
        "html:dom-structuredclone:1",
        "html:structuredserializewithtransfer:1",
        "html:structuredserializewithtransfer:2",
        "html:structuredserializewithtransfer:3",
        "html:structuredserializeinternal:1",
        "html:structuredserializeinternal:2",
        "html:structuredserializeinternal:3",
        "html:structuredserializeinternal:4",
        "html:structuredserializeinternal:5",
        "html:structuredserializeinternal:6",
        "html:structuredserializeinternal:24",
        "html:structuredserializeinternal:24.1",
        "html:structuredserializeinternal:24.2",
        "html:structuredserializeinternal:25",
        "html:structuredserializeinternal:26",
        "html:structuredserializeinternal:26.4",
        "html:structuredserializeinternal:27",
        "html:structuredserializewithtransfer:4",
        "html:structuredserializewithtransfer:5",
        "html:structuredserializewithtransfer:6",
        "html:dom-structuredclone:2",
        "html:structureddeserializewithtransfer:1",
        "html:structureddeserializewithtransfer:2",
        "html:structureddeserializewithtransfer:3",
        "html:structureddeserializewithtransfer:4",
        "html:structureddeserialize:1",
        "html:structureddeserialize:2",
        "html:structureddeserialize:3",
        "html:structureddeserialize:4",
        "html:structureddeserialize:20",
        "html:structureddeserialize:20.1",
        "html:structureddeserialize:20.2",
        "html:structureddeserialize:23",
        "html:structureddeserialize:24",
        "html:structureddeserialize:24.3",
        "html:structureddeserialize:24.3.1",
        "html:structureddeserialize:25",
        "html:structureddeserializewithtransfer:5",
        "html:dom-structuredclone:3",
    };
    EXPECT_EQ(ids(trace.sequence()), expected);
    // Counts agree with the sequence.
    EXPECT_EQ(trace.count(spec::steps::structured_clone::s1), 1u);
    EXPECT_EQ(trace.count(spec::steps::structured_serialize_internal::s7), 0u);
}

TEST(Trace, CountsAreKeptWithoutTheSequence)
{
    HeapBuilder h;
    auto const a = h.array();
    h.put(a, u"0", HeapBuilder::num(1));
    h.put(a, u"1", HeapBuilder::num(2));
    Trace trace; // counts only
    {
        TraceScope scope(trace);
        ASSERT_FALSE(html::structured_clone(h.heap, h.realm, HeapBuilder::obj(a), {}).is_throw());
    }
    EXPECT_TRUE(trace.sequence().empty());
    EXPECT_EQ(trace.count(spec::steps::structured_serialize_internal::s26_4_1_3), 2u);
    EXPECT_EQ(trace.count(spec::steps::structured_deserialize::s24_3_1_2), 2u);
    EXPECT_TRUE(trace.reached(spec::steps::structured_serialize_internal::s18));
}

TEST(Trace, NothingIsRecordedOutsideATraceScope)
{
    HeapBuilder h;
    Trace trace(true);
    {
        TraceScope scope(trace);
    }
    ASSERT_FALSE(html::structured_clone(h.heap, h.realm, HeapBuilder::obj(h.object()), {}).is_throw());
    EXPECT_TRUE(trace.sequence().empty());
    EXPECT_FALSE(trace.reached(spec::steps::structured_clone::s1));
}

struct ThrowCase {
    char const* name;
    std::function<std::optional<Throw>(HeapBuilder&)> run;
};

template<class T>
std::optional<Throw> thrown(Completion<T> c)
{
    if (c.is_throw())
        return c.thrown();
    return std::nullopt;
}

TEST(Trace, TheLastStepRecordedBeforeAThrowIsTheStepThatThrew)
{
    std::vector<ThrowCase> const cases {
        { "symbol", [](HeapBuilder& h) { return thrown(html::structured_clone(h.heap, h.realm, h.heap.new_symbol(u"s"), {})); } },
        { "duplicate transfer",
            [](HeapBuilder& h) {
                auto const b = h.buffer(1);
                return thrown(html::structured_clone(h.heap, h.realm, Value::undefined(), { b, b }));
            } },
        { "getter throws",
            [](HeapBuilder& h) {
                auto const o = h.object();
                h.put(o, u"a", HeapBuilder::num(1));
                h.getter(o, u"b", throwing(1, HeapBuilder::num(2)));
                return thrown(html::structured_clone(h.heap, h.realm, HeapBuilder::obj(o), {}));
            } },
        { "error name getter throws",
            [](HeapBuilder& h) {
                auto const e = h.error(ErrorPrototype::Error);
                h.getter(e, u"name", throwing(1, HeapBuilder::num(2)), false);
                return thrown(html::structured_clone(h.heap, h.realm, HeapBuilder::obj(e), {}));
            } },
        { "shared memory without isolation",
            [](HeapBuilder& h) {
                h.heap.realm(h.realm).cross_origin_isolated = false;
                return thrown(html::structured_clone(h.heap, h.realm, HeapBuilder::obj(h.shared_buffer(4)), {}));
            } },
        { "detached transfer",
            [](HeapBuilder& h) {
                auto const b = h.detached_buffer();
                return thrown(html::structured_clone(h.heap, h.realm, Value::undefined(), { b }));
            } },
        { "detach key",
            [](HeapBuilder& h) {
                auto const b = h.buffer(2);
                slots_of<ArrayBufferSlots>(h.heap.object(b)).has_detach_key = true;
                return thrown(html::structured_clone(h.heap, h.realm, Value::undefined(), { b }));
            } },
        { "other agent cluster",
            [](HeapBuilder& h) -> std::optional<Throw> {
                auto const target = h.add_realm(realm_named("far", 7));
                auto s = html::structured_serialize(h.heap, h.realm, HeapBuilder::obj(h.shared_buffer(4)));
                if (s.is_throw())
                    return s.thrown();
                return thrown(html::structured_deserialize(h.heap, s.value(), target));
            } },
        { "allocation in the target realm",
            [](HeapBuilder& h) -> std::optional<Throw> {
                Realm small = realm_named("small");
                small.max_allocation = 1;
                auto const target = h.add_realm(small);
                auto const root = h.array();
                h.put(root, u"0", HeapBuilder::obj(h.buffer(8)));
                auto s = html::structured_serialize(h.heap, h.realm, HeapBuilder::obj(root));
                if (s.is_throw())
                    return s.thrown();
                return thrown(html::structured_deserialize(h.heap, s.value(), target));
            } },
    };
    for (auto const& c : cases) {
        SCOPED_TRACE(c.name);
        HeapBuilder h;
        Trace trace(true);
        std::optional<Throw> t;
        {
            TraceScope scope(trace);
            t = c.run(h);
        }
        ASSERT_TRUE(t.has_value());
        ASSERT_FALSE(trace.sequence().empty());
        EXPECT_EQ(step_id(trace.sequence().back()), step_id(t->step));
    }
}

} // namespace
} // namespace pmconf::model::tests
