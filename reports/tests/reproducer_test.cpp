// Tests of the reproducer writer (reports/reproducer/): the JavaScript it writes, and, where node
// is installed, what that JavaScript does: the Observation it prints must be what the C++
// comparator expects (the model's, on a case node 20 conforms on; the known deviation otherwise),
// and its exit status must agree with the comparator (0 when it finds no difference, 1 when it
// finds the one the reproducer was written for).

#include "conformance/capabilities.h"
#include "conformance/compare.h"
#include "conformance/generators/rc_generators.h"
#include "conformance/model_runner.h"
#include "conformance/properties.h"
#include "reports/reproducer/js_text.h"
#include "reports/reproducer/js_value.h"
#include "reports/reproducer/reproducer.h"
#include "reports/tests/reproducer_support.h"
#include "reports/tests/temp_dir.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

namespace pmconf::reports::testing {
namespace {

    using namespace conformance;
    using reproducer::js_comment;
    using reproducer::js_member;
    using reproducer::js_number;
    using reproducer::js_string;

    // --- Building graphs by hand.

    struct G {
        Scenario s;
        NodeRef add(NodeKind kind)
        {
            Node n;
            n.kind = kind;
            s.graph.nodes.push_back(std::move(n));
            return NodeRef { static_cast<NodeIndex>(s.graph.nodes.size() - 1) };
        }
        Node& at(NodeRef r) { return s.graph.nodes[r.node]; }
        void put(NodeRef o, std::u16string key, GValue v, bool enumerable = true)
        {
            Property p;
            p.key = std::move(key);
            p.value = std::move(v);
            p.enumerable = enumerable;
            at(o).properties.push_back(std::move(p));
        }
        void getter(NodeRef o, std::u16string key, Getter g)
        {
            Property p;
            p.key = std::move(key);
            p.getter = std::move(g);
            at(o).properties.push_back(std::move(p));
        }
        NodeRef buffer(std::vector<std::uint8_t> bytes, std::optional<std::uint64_t> max = std::nullopt,
            NodeKind kind = NodeKind::array_buffer)
        {
            auto b = add(kind);
            at(b).byte_length = bytes.size();
            at(b).bytes = std::move(bytes);
            at(b).max_byte_length = max;
            return b;
        }
        NodeRef view(
            NodeRef buffer, std::string type, std::uint64_t offset, std::optional<std::uint64_t> length)
        {
            auto v = add(type == "DataView" ? NodeKind::data_view : NodeKind::typed_array);
            at(v).buffer = buffer.node;
            at(v).view_type = std::move(type);
            at(v).byte_offset = offset;
            at(v).length = length;
            return v;
        }
        Scenario done(
            GValue root, std::vector<GValue> transfer = {}, PassMode mode = PassMode::structured_clone)
        {
            s.graph.root = std::move(root);
            s.transfer = std::move(transfer);
            s.mode = mode;
            return s;
        }
    };

    std::u16string to_u16(std::string const& s)
    {
        return std::u16string(s.begin(), s.end());
    }

    Difference made_up()
    {
        return Difference { "outcome", "returned", "", "", "" };
    }

    // --- The JavaScript text.

    TEST(ReproducerJsText, NumbersKeepNegativeZeroNaNAndInfinity)
    {
        EXPECT_EQ(js_number(-0.0), "-0");
        EXPECT_EQ(js_number(0.0), "0");
        EXPECT_EQ(js_number(std::numeric_limits<double>::quiet_NaN()), "NaN");
        EXPECT_EQ(js_number(-std::numeric_limits<double>::infinity()), "-Infinity");
        EXPECT_EQ(js_number(0.1), "0.1");
        EXPECT_EQ(js_number(1e21), "1e+21");
        EXPECT_EQ(js_number(9007199254740993.0), "9007199254740992");
    }

    TEST(ReproducerJsText, StringsAreAsciiWithLoneSurrogatesEscaped)
    {
        EXPECT_EQ(js_string(std::u16string(u"a\xD800"
                                           u"b\"\\\n")),
            "\"a\\uD800b\\\"\\\\\\n\"");
        EXPECT_EQ(js_string(std::u16string(u"\U0001F600")), "\"\\uD83D\\uDE00\"");
        EXPECT_EQ(js_string(std::u16string(u"nul\u0000", 4)), "\"nul\\u0000\"");
    }

    TEST(ReproducerJsText, KeysAreMembersOnlyWhenTheyAreIdentifiers)
    {
        EXPECT_EQ(js_member(u"a_1"), ".a_1");
        EXPECT_EQ(js_member(u"0"), "[\"0\"]");
        EXPECT_EQ(js_member(u"a-b"), "[\"a-b\"]");
    }

    TEST(ReproducerJsText, ACommentCannotEndEarly)
    {
        // U+2028 ends a line in JavaScript: a comment holding it would turn the rest into code.
        EXPECT_EQ(js_comment("a\xE2\x80\xA8"
                             "b\x01"
                             "c\nd"),
            "// a\\u2028b c\n// d\n");
    }

    // --- The value as code.

    TEST(ReproducerValue, ACycleIsAnAssignmentAfterTheLiteral)
    {
        G g;
        auto o = g.add(NodeKind::object);
        g.put(o, u"a", 1.0);
        g.put(o, u"self", o);
        auto const code = reproducer::value_code(g.done(o).graph);
        EXPECT_NE(code.text.find("const o0 = { a: 1 };"), std::string::npos) << code.text;
        EXPECT_NE(code.text.find("o0.self = o0;"), std::string::npos) << code.text;
    }

    TEST(ReproducerValue, ChildrenComeFirstSoThatLiteralsHoldThem)
    {
        G g;
        auto root = g.add(NodeKind::object);
        auto list = g.add(NodeKind::array);
        g.at(list).array_length = 3;
        g.put(list, u"0", -0.0);
        g.put(list, u"2", BigInt { "-12" });
        g.put(root, u"list", list);
        g.put(root, u"__proto__", 5.0);
        auto const code = reproducer::value_code(g.done(root).graph);
        EXPECT_NE(code.text.find("const o1 = [-0, , -12n];"), std::string::npos) << code.text;
        EXPECT_NE(code.text.find("const o0 = { list: o1 };"), std::string::npos) << code.text;
        // A literal or an assignment would set the prototype: __proto__ is defined.
        EXPECT_NE(code.text.find("define(o0, \"__proto__\", 5);"), std::string::npos) << code.text;
    }

    TEST(ReproducerValue, BytesAreWrittenAfterEveryViewAndResize)
    {
        G g;
        auto b = g.buffer({ 1, 2, 3, 4, 5, 6, 7 }, 16);
        auto v = g.view(
            b, "Uint16Array", 2, std::nullopt); // length-tracking over 5 bytes: Node 20 needs whole elements
        auto w = g.view(b, "Uint8Array", 8, 4); // out of bounds once the buffer is 7 bytes long
        auto root = g.add(NodeKind::array);
        g.at(root).array_length = 2;
        g.put(root, u"0", v);
        g.put(root, u"1", w);
        auto const text = reproducer::value_code(g.done(root).graph).text;
        auto const bytes = text.find(".set([1, 2, 3, 4, 5, 6, 7]);");
        ASSERT_NE(bytes, std::string::npos) << text;
        EXPECT_NE(text.find("const b0 = new ArrayBuffer(12, { maxByteLength: 16 });"), std::string::npos)
            << text;
        EXPECT_LT(text.rfind("resize("), bytes) << text;
        EXPECT_LT(text.find("new Uint16Array(b0, 2)"), bytes) << text;
        EXPECT_LT(text.find("new Uint8Array(b0, 8, 4)"), bytes) << text;
    }

    TEST(ReproducerValue, GettersRecordTheirLabelActAndThrow)
    {
        G g;
        auto o = g.add(NodeKind::object);
        auto m = g.add(NodeKind::map);
        g.at(m).map_entries = { { std::u16string(u"k"), 1.0 } };
        auto b = g.buffer({ 9 });
        Getter get;
        get.label = 7;
        get.effects = { GetterEffect { GetterEffect::Kind::delete_collection_entry, m.node, {}, {}, 0 },
            GetterEffect { GetterEffect::Kind::detach, b.node, {}, {}, 0 },
            GetterEffect { GetterEffect::Kind::define_property, o.node, u"later", 2.0, 0 } };
        get.throws = true;
        get.result = std::u16string(u"boom");
        g.getter(o, u"a", get);
        g.put(o, u"m", m);
        g.put(o, u"b", b);
        auto const code = reproducer::value_code(g.done(o).graph);
        EXPECT_TRUE(code.getters);
        EXPECT_NE(code.text.find("get a() { log.push(7); o1.delete(\"k\"); detach(b2); "
                                 "Reflect.defineProperty(o0, \"later\", { value: 2, writable: true, "
                                 "enumerable: true, configurable: true }); throw \"boom\"; }"),
            std::string::npos)
            << code.text;
        ASSERT_EQ(code.thrown_by_getters.size(), 1u);
        EXPECT_EQ(code.thrown_by_getters[0], "\"boom\"");
    }

    TEST(ReproducerText, HoldsNoAdapterCodeAndNoScenarioLine)
    {
        G g;
        auto o = g.add(NodeKind::object);
        auto const text = reproducer_text(node_case(g.done(o), made_up()));
        for (auto const* adapter_name :
            { "parseScenario", "runScenario", "buildNodes", "setImplementation", "const SCENARIO" })
            EXPECT_EQ(text.find(adapter_name), std::string::npos) << adapter_name;
        EXPECT_NE(text.find("structuredClone(o0, { transfer: [] })"), std::string::npos);
    }

    TEST(ReproducerText, APolyfillIsImportedFromTheAdaptersNodeModulesWithTheNativeHidden)
    {
        G g;
        auto c = node_case(g.done(g.add(NodeKind::object)), made_up());
        c.impl = "core-js";
        auto const text = reproducer_text(c);
        EXPECT_NE(text.find("await "
                            "import(pathToFileURL('tools/adapters/node_modules/core-js/actual/"
                            "structured-clone.js').href)"),
            std::string::npos)
            << text;
        EXPECT_LT(
            text.find("delete globalThis[key]"), text.find("core-js/actual/structured-clone.js').href)"))
            << text;
        EXPECT_NE(text.find("polyfillStructuredClone(o0, { transfer: [] })"), std::string::npos) << text;
    }

    // --- Run on node.

    class ReproducerOnNode : public ::testing::Test {
    protected:
        void SetUp() override
        {
            if (!have_node())
                GTEST_SKIP() << "node is not installed";
        }

        // Runs the reproducer of *s* and returns its Observation; checks that its exit status agrees
        // with the comparator: 0 when the comparator finds no difference, else (written for that
        // difference) 1 with the same signature. The difference found, if any.
        std::optional<Difference> run(Scenario const& s, std::string const& name)
        {
            auto c = node_case(s, made_up());
            auto const first = run_reproducer(c, m_dir.path().string(), name);
            auto const o = printed_observation(first.out);
            EXPECT_TRUE(o) << name << ": no observation (exit " << first.exit_code << ")\n" << first.out;
            if (!o)
                return std::nullopt;
            auto const d = compare_observations(c.expected, *o);
            if (!d) {
                EXPECT_EQ(first.exit_code, 0) << name << ": conforms, yet the reproducer says otherwise\n"
                                              << first.out;
                return std::nullopt;
            }
            c.difference = *d;
            c.signature = d->signature();
            c.observed = *o;
            auto const again = run_reproducer(c, m_dir.path().string(), name + "-deviation");
            EXPECT_EQ(again.exit_code, 1) << name << ": " << d->summary() << "\n" << again.out;
            auto const o2 = printed_observation(again.out);
            EXPECT_TRUE(o2 && compare_observations(c.expected, *o2)
                && compare_observations(c.expected, *o2)->signature() == d->signature())
                << name << ": the deviation " << d->signature() << " did not show again\n"
                << again.out;
            return d;
        }

        void expect_conforms(Scenario const& s, std::string const& name)
        {
            auto const d = run(s, name);
            EXPECT_FALSE(d) << name << ": " << (d ? d->summary() : "") << "\n" << to_display(s);
        }

        TempDir m_dir;
    };

    TEST_F(ReproducerOnNode, PlainDataOfEveryKindConformsAsTheModelSays)
    {
        G g;
        auto root = g.add(NodeKind::object);
        auto holes = g.add(NodeKind::array);
        g.at(holes).array_length = 5;
        g.put(holes, u"1", std::u16string(u"x\xDC00y"));
        g.put(holes, u"3", std::numeric_limits<double>::quiet_NaN());
        auto const wrappers = std::vector<std::pair<NodeKind, GValue>> { { NodeKind::boolean_object, true },
            { NodeKind::number_object, -0.0 },
            { NodeKind::bigint_object, BigInt { "123456789012345678901234567890" } },
            { NodeKind::string_object, std::u16string(u"s\xD800") } };
        g.put(root, u"holes", holes);
        for (auto const& [kind, primitive] : wrappers) {
            auto w = g.add(kind);
            g.at(w).primitive = primitive;
            g.put(root, u"w" + std::u16string(1, char16_t(u'0' + static_cast<int>(kind))), w);
        }
        auto date = g.add(NodeKind::date);
        g.at(date).date_value = 8.64e15;
        auto re = g.add(NodeKind::regexp);
        g.at(re).source = u"a/b";
        g.at(re).flags = "yg";
        g.at(re).last_index = 3;
        auto map = g.add(NodeKind::map);
        auto set = g.add(NodeKind::set);
        g.at(map).map_entries = { { root, date }, { std::numeric_limits<double>::infinity(), holes } };
        g.at(set).set_entries = { set, BigInt { "0" } };
        auto err = g.add(NodeKind::error);
        g.at(err).error_prototype = "RangeError";
        g.put(err, u"message", std::u16string(u"m"), false);
        g.put(err, u"cause", map, false);
        g.put(root, u"date", date);
        g.put(root, u"re", re);
        g.put(root, u"map", map);
        g.put(root, u"set", set);
        g.put(root, u"err", err);
        g.put(root, u"hidden", 1.0, false); // not copied
        g.put(root, u"0", Undefined {});
        expect_conforms(g.done(root), "plain-data");
    }

    TEST_F(ReproducerOnNode, BuffersAndViewsOfEveryShapeConform)
    {
        G g;
        auto root = g.add(NodeKind::array);
        auto fixed = g.buffer({ 1, 2, 3, 4, 5, 6, 7, 8 });
        auto resizable = g.buffer({ 9, 8, 7, 6, 5, 4, 3 }, 16);
        auto shared = g.buffer({ 1, 1 }, std::nullopt, NodeKind::shared_array_buffer);
        auto growable = g.buffer({ 2, 2, 2, 2 }, 8, NodeKind::shared_array_buffer);
        auto detached = g.add(NodeKind::array_buffer);
        g.at(detached).detached = true;
        std::vector<GValue> items { fixed, resizable, shared, growable, detached,
            g.view(fixed, "Int16Array", 2, 3), g.view(fixed, "DataView", 1, 6),
            g.view(resizable, "Uint16Array", 2, std::nullopt), g.view(resizable, "DataView", 3, std::nullopt),
            g.view(resizable, "Uint8Array", 6, 4), g.view(growable, "Uint8Array", 1, std::nullopt),
            g.view(detached, "Float64Array", 0, 0) };
        g.at(root).array_length = static_cast<std::uint32_t>(items.size());
        for (std::size_t i = 0; i < items.size(); ++i)
            g.put(root, to_u16(std::to_string(i)), items[i]);
        expect_conforms(g.done(root), "buffers-and-views");
    }

    TEST_F(ReproducerOnNode, TransfersDetachTheInputsAndMoveThePorts)
    {
        G g;
        auto root = g.add(NodeKind::object);
        auto buffer = g.buffer({ 5, 6 });
        auto port = g.add(NodeKind::message_port);
        g.at(port).port_id = 4;
        g.put(root, u"b", buffer);
        g.put(root, u"p", port);
        expect_conforms(g.done(root, { buffer, port }), "transfer");
        G h;
        auto b2 = h.buffer({ 1 });
        expect_conforms(h.done(b2, { b2 }, PassMode::message_channel), "transfer-through-a-channel");
    }

    TEST_F(ReproducerOnNode, GettersRunInOrderWithTheirEffects)
    {
        G g;
        auto root = g.add(NodeKind::object);
        auto inner = g.add(NodeKind::object);
        auto set = g.add(NodeKind::set);
        g.at(set).set_entries = { 1.0, 2.0 };
        g.put(inner, u"gone", 1.0);
        g.put(inner, u"kept", 2.0);
        Getter first;
        first.label = 1;
        first.effects = { GetterEffect { GetterEffect::Kind::delete_property, inner.node, u"gone", {}, 0 },
            GetterEffect { GetterEffect::Kind::delete_collection_entry, set.node, {}, {}, 1 } };
        first.result = inner;
        g.getter(root, u"a", first);
        g.put(root, u"s", set);
        Getter second;
        second.label = 2;
        second.result = std::u16string(u"two");
        g.getter(inner, u"later", second);
        expect_conforms(g.done(root), "getters");

        G t;
        auto o = t.add(NodeKind::object);
        Getter thrower;
        thrower.label = 3;
        thrower.throws = true;
        thrower.result = 42.0;
        t.getter(o, u"x", thrower);
        expect_conforms(t.done(o), "a-getter-throws");
    }

    TEST_F(ReproducerOnNode, WhatCannotBeClonedThrowsDataCloneError)
    {
        for (auto kind : { NodeKind::symbol, NodeKind::function, NodeKind::weak_map, NodeKind::weak_set,
                 NodeKind::weak_ref, NodeKind::promise, NodeKind::proxy, NodeKind::callable_proxy }) {
            G g;
            auto root = g.add(NodeKind::object);
            g.put(root, u"x", g.add(kind));
            expect_conforms(g.done(root), std::string("non-serializable-") + node_kind_name(kind));
        }
        // A symbol as a key is not copied.
        G g;
        auto root = g.add(NodeKind::object);
        Property p;
        p.symbol = g.add(NodeKind::symbol).node;
        p.value = 1.0;
        g.at(root).properties.push_back(p);
        expect_conforms(g.done(root), "symbol-key");
    }

    TEST_F(ReproducerOnNode, ObjectPrototypePropertiesAreNotCopiedAndArePutBack)
    {
        G g;
        auto root = g.add(NodeKind::object);
        auto proto = g.add(NodeKind::object_prototype);
        g.put(proto, u"0", 1.0);
        Getter get;
        get.label = 1;
        get.effects
            = { GetterEffect { GetterEffect::Kind::define_property, proto.node, u"polluted", 2.0, 0 } };
        g.getter(proto, u"1", get);
        Getter own;
        own.label = 2;
        own.result = 3.0;
        g.getter(root, u"a", own);
        g.put(root, u"p", proto);
        expect_conforms(g.done(root), "object-prototype");
    }

    // Node 20's known deviations show as themselves.
    TEST_F(ReproducerOnNode, NodesKnownDeviationsShow)
    {
        G g;
        auto e = g.add(NodeKind::dom_exception);
        g.at(e).name = u"DataCloneError";
        auto const d = run(g.done(e), "dom-exception");
        ASSERT_TRUE(d);
        EXPECT_EQ(d->field + ":" + d->where, "result:#0.kind");
        G h;
        auto p = h.add(NodeKind::platform_object);
        auto const e2 = run(h.done(p), "platform-object");
        ASSERT_TRUE(e2);
        EXPECT_EQ(e2->field + ":" + e2->where, "outcome:returned"); // node 20 clones an EventTarget to {}
    }

    TEST_F(ReproducerOnNode, OperationSequencesConformAsTheModelSays)
    {
        using model::web_messaging::Operation;
        using K = Operation::Kind;
        auto op = [](K kind, std::uint32_t label) {
            Operation o;
            o.kind = kind;
            o.label = label;
            return o;
        };
        Scenario s;
        s.mode = PassMode::operations;
        s.operations.push_back(op(K::new_channel, 0));
        auto post = op(K::port_post, 1);
        post.port = { 0, 0 };
        s.operations.push_back(post);
        auto start = op(K::port_start, 2);
        start.port = { 0, 1 };
        s.operations.push_back(start);
        s.operations.push_back(op(K::run_event_loops, 3));
        auto b1 = op(K::new_broadcast, 4);
        auto b2 = op(K::new_broadcast, 5);
        s.operations.push_back(b1);
        s.operations.push_back(b2);
        auto cast = op(K::broadcast_post, 6);
        cast.channel = 4;
        s.operations.push_back(cast);
        auto self = op(K::port_post, 7);
        self.port = { 0, 0 };
        self.transfer = { { 0, 0 } }; // the source port: DataCloneError
        s.operations.push_back(self);
        s.operations.push_back(op(K::run_event_loops, 8));
        expect_conforms(s, "operations");
    }

    // Generated cases of every clone property: whatever node does, the reproducer's verdict agrees
    // with the comparator on the Observation it printed.
    TEST_F(ReproducerOnNode, GeneratedCasesGiveTheComparatorsVerdict)
    {
        Capabilities const node { "structured-clone", "message-channel", "shared-array-buffer",
            "growable-shared-array-buffer", "resizable-array-buffer", "message-port", "dom-exception",
            "weak-ref", "detach-key", "huge-sparse-array" };
        int ran = 0;
        for (auto const& p : conformance_properties()) {
            auto profile = p.profile;
            std::string why;
            if (profile.operations || !restrict_profile(profile, node, why))
                continue;
            auto const gen = generators::scenario_recipe(profile);
            for (int k = 0, taken = 0; k < 40 && taken < 6; ++k) {
                auto const s = generators::build_scenario(gen(rc::Random(7700 + k), 20).value(), profile);
                if (!missing_capability(s, node).empty())
                    continue;
                ++taken;
                auto c = node_case(s, made_up());
                auto const out = run_reproducer(c, m_dir.path().string(), "probe");
                if (out.exit_code == 2) // a value no script can build (a Date holding -0, ...)
                    continue;
                ++ran;
                run(s, p.name + "-" + std::to_string(k));
            }
        }
        EXPECT_GE(ran, 20);
    }

} // namespace
} // namespace pmconf::reports::testing
