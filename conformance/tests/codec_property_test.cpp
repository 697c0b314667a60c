// The protocol codec (conformance/protocol/codec.h): what goes out comes back exactly, numbers to
// the last bit, strings to the code unit; what does not fit the protocol is refused with the JSON
// pointer of the bad part.

#include "conformance/compare.h"
#include "conformance/messaging.h"
#include "conformance/model_runner.h"
#include "conformance/protocol/codec.h"
#include "conformance/tests/graph_equality.h"
#include "conformance/tests/property_support.h"

#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <cmath>
#include <limits>
#include <string>
#include <vector>

namespace pmconf::conformance::tests {
namespace {

namespace protocol = conformance::protocol;

// What an IUT runs: the mode is one of the two an IUT knows, realm settings are the model's alone,
// and a getter effect carries only the fields of its kind.
Scenario as_sent(Scenario s)
{
    if (s.mode != PassMode::message_channel)
        s.mode = PassMode::structured_clone;
    s.source = { };
    s.target = { };
    for (auto& node : s.graph.nodes)
        for (auto& p : node.properties)
            if (p.getter)
                for (auto& e : p.getter->effects) {
                    using Kind = GetterEffect::Kind;
                    if (e.kind != Kind::define_property)
                        e.value = GValue { };
                    if (e.kind != Kind::define_property && e.kind != Kind::delete_property)
                        e.key.clear();
                    if (e.kind != Kind::delete_collection_entry)
                        e.entry = 0;
                }
    return s;
}

RC_GTEST_PROP(ProtocolCodec, ScenariosComeBackExactly, ())
{
    auto const scenario = as_sent(draw_scenario_of_any_profile());
    auto const text = protocol::encode_scenario(scenario);
    RC_LOG() << "encoded: " << text << "\n";
    auto const decoded = protocol::decode_scenario(text);
    if (auto const d = graph_difference(scenario.graph, decoded.graph))
        RC_FAIL(*d);
    RC_ASSERT(decoded.transfer.size() == scenario.transfer.size());
    for (std::size_t i = 0; i < scenario.transfer.size(); ++i)
        RC_ASSERT(same_value(decoded.transfer[i], scenario.transfer[i]));
    RC_ASSERT(decoded.mode == scenario.mode);
}

// The model's Observations, sent back as an adapter's reply, decode to themselves (the step the
// model threw at is the model's own and not part of the encoding).
RC_GTEST_PROP(ProtocolCodec, ObservationsComeBackExactlyInAReply, ())
{
    std::vector<Observation> observations;
    auto const n = *rc::gen::inRange(1, 4);
    for (int i = 0; i < n; ++i) {
        observations.push_back(run_on_model(draw_scenario_of_any_profile()));
        observations.back().thrown_at_step.clear();
    }
    auto const line = protocol::encode_observations_reply(42, observations);
    RC_LOG() << "reply: " << line << "\n";
    auto const reply = protocol::decode_reply(line);
    RC_ASSERT(reply.kind == "observations");
    RC_ASSERT(reply.id == "42");
    RC_ASSERT(reply.observations.size() == observations.size());
    for (std::size_t i = 0; i < observations.size(); ++i) {
        auto const& expected = observations[i];
        auto const& decoded = reply.observations[i];
        RC_ASSERT(decoded.threw == expected.threw);
        RC_ASSERT(decoded.error_name == expected.error_name);
        RC_ASSERT(decoded.error_is_dom_exception == expected.error_is_dom_exception);
        if (expected.error_name == "user value")
            RC_ASSERT(same_value(decoded.thrown_value, expected.thrown_value));
        if (auto const d = graph_difference(expected.result, decoded.result))
            RC_FAIL(*d);
        RC_ASSERT(decoded.transferables == expected.transferables);
        RC_ASSERT(decoded.getter_calls == expected.getter_calls);
    }
}

Scenario one_value(GValue v)
{
    Scenario s;
    s.graph.root = std::move(v);
    return s;
}

TEST(ProtocolCodec, NumbersKeepEveryBit)
{
    double const numbers[] = { 0.1 + 0.2, 5e-324, std::numeric_limits<double>::max(), -0.0, 1e21, 123456789012345680000.0,
        9007199254740993.0, std::numeric_limits<double>::quiet_NaN(), -std::numeric_limits<double>::infinity(),
        std::numeric_limits<double>::infinity(), 2.2250738585072014e-308 };
    for (double x : numbers) {
        auto const decoded = protocol::decode_scenario(protocol::encode_scenario(one_value(x)));
        ASSERT_TRUE(std::holds_alternative<double>(decoded.graph.root)) << x;
        EXPECT_TRUE(same_value(decoded.graph.root, GValue(x))) << x << " came back as " << std::get<double>(decoded.graph.root);
    }
}

TEST(ProtocolCodec, StringsKeepLoneSurrogatesNulAndControls)
{
    std::u16string const strings[] = { u"plain", std::u16string(u"a\0b", 3), u"\x01\x1f\"\\/", u"\xD800", u"x\xDC00y",
        u"\xD83D\xDE00", u"\xFFFE\xFFFF", u"" };
    for (auto const& s : strings) {
        auto const text = protocol::encode_scenario(one_value(s));
        auto const decoded = protocol::decode_scenario(text);
        ASSERT_TRUE(std::holds_alternative<std::u16string>(decoded.graph.root)) << text;
        EXPECT_EQ(std::get<std::u16string>(decoded.graph.root), s) << text;
    }
    // Lone surrogates travel as code units, everything else as UTF-8.
    EXPECT_NE(protocol::encode_scenario(one_value(std::u16string(u"\xD800"))).find("\"u16\":[55296]"), std::string::npos);
    EXPECT_NE(protocol::encode_scenario(one_value(std::u16string(u"\xD83D\xDE00"))).find("\"\xF0\x9F\x98\x80\""), std::string::npos);
}

TEST(ProtocolCodec, ModelOnlyModesAreNotSent)
{
    auto s = one_value(1.0);
    s.mode = PassMode::with_transfer_to_realm;
    EXPECT_THROW(protocol::encode_scenario(s), protocol::ProtocolError);
}

// The error names the JSON pointer of what is wrong and what was expected there.
std::string decode_error(std::string const& line)
{
    try {
        protocol::decode_reply(line);
    } catch (protocol::ProtocolError const& e) {
        return e.what();
    } catch (protocol::NotJson const& e) {
        return std::string("not JSON: ") + e.what();
    }
    return "(decoded)";
}

TEST(ProtocolCodec, BadRepliesAreRefusedWithWhereAndWhat)
{
    auto const observation = [](std::string const& result) {
        return R"({"pmconf":"observations","id":1,"observations":[{"threw":false,"transferables":[],"getterCalls":[],"result":)"
            + result + "}]}";
    };
    EXPECT_EQ(decode_error(observation(R"({"root":{"ref":0},"nodes":[{"kind":"Object"},{"kind":"Nope"}]})")),
        "/observations/0/result/nodes/1/kind: expected a node kind (Object, Array, Map, ...; see docs/protocol.md)");
    EXPECT_EQ(decode_error(observation(R"({"root":{"ref":0},"nodes":[{"kind":"Object","props":[{"key":"a","value":{"t":"number","v":"0"}}]}]})")),
        "/observations/0/result/nodes/0/props/0/value/v: expected \"-0\", \"NaN\", \"Infinity\" or \"-Infinity\"");
    EXPECT_EQ(decode_error(observation(R"({"root":{"ref":3},"nodes":[]})")), "/observations/0/result: the root refers to node 3, but there are 0 nodes");
    EXPECT_EQ(decode_error(observation(R"({"root":{"ref":0},"nodes":[{"kind":"Array","arrayLength":-1}]})")),
        "/observations/0/result/nodes/0/arrayLength: expected a non-negative integer");
    EXPECT_EQ(decode_error(observation(R"({"root":{"ref":0},"nodes":[{"kind":"Array","arrayLength":4294967296}]})")),
        "/observations/0/result/nodes/0/arrayLength: expected a non-negative integer");
    EXPECT_EQ(decode_error(R"({"pmconf":"observations","id":1,"observations":[{"transferables":[]}]})"),
        "/observations/0: expected a field \"threw\"");
    EXPECT_EQ(decode_error(R"({"pmconf":"observations","id":1,"observations":[{"threw":false,"result":{"root":"\ud800","nodes":[]}}]})"),
        "not JSON: The surrogate pair in string is invalid. (at byte 81)");
    EXPECT_EQ(decode_error("{\"pmconf\":\"observations\",\"id\":1,\"obs"), "not JSON: Missing a closing quotation mark in string. (at byte 36)");
    EXPECT_EQ(decode_error("{\"pmconf\":\"error\",\"id\":1,\"message\":\"\xff\"}"), "not JSON: Invalid encoding in string. (at byte 36)");
}

TEST(ProtocolCodec, ReplyEnvelope)
{
    auto const error = protocol::decode_reply(R"({"pmconf":"error","id":7,"message":"cannot build node 3"})");
    EXPECT_EQ(error.kind, "error");
    EXPECT_EQ(error.id, "7");
    EXPECT_EQ(error.message, "cannot build node 3");
    EXPECT_FALSE(error.has_observations);
    auto const odd = protocol::decode_reply(R"({"id":"7","observations":[]})");
    EXPECT_EQ(odd.kind, "");
    EXPECT_EQ(odd.id, "\"7\"");
    EXPECT_TRUE(odd.has_observations);
}

// Operation sequences and their observations (docs/protocol.md, "Operation sequences"): every
// field survives, except what the protocol leaves out on purpose (a messageerror's message and
// the model's steps).
RC_GTEST_PROP(ProtocolCodec, OperationSequencesAndTheirObservationsComeBack, ())
{
    Scenario s;
    s.mode = PassMode::operations;
    s.operations = *messaging::operation_sequences();
    auto const back = protocol::decode_scenario(protocol::encode_scenario(s));
    RC_ASSERT(back.mode == PassMode::operations);
    RC_ASSERT(back.operations == s.operations);

    auto const o = run_on_model(s);
    auto const decoded = protocol::decode_observation(protocol::encode_observation(o));
    RC_ASSERT(decoded.outcomes == o.outcomes);
    RC_ASSERT(decoded.events.size() == o.events.size());
    for (std::size_t i = 0; i < o.events.size(); ++i) {
        auto expected = o.events[i];
        if (expected.type != "message")
            expected.message = 0;
        RC_ASSERT(decoded.events[i] == expected);
    }
    RC_ASSERT(!compare_observations(o, decoded).has_value());
}

TEST(ProtocolCodec, RejectsABadOperationWithItsPointer)
{
    auto const bad = R"({"mode":"operations","operations":[{"op":"newChannel","label":0},{"op":"portPost","label":1,"port":[0]}]})";
    try {
        (void)protocol::decode_scenario(bad);
        FAIL() << "accepted";
    } catch (protocol::ProtocolError const& e) {
        EXPECT_EQ(e.where(), "/operations/1/port");
        EXPECT_NE(std::string(e.what()).find("[label, index]"), std::string::npos) << e.what();
    }
}

} // namespace
} // namespace pmconf::conformance::tests
