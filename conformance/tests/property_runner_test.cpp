// The property runner's search and shrinking, against scripted implementations: one deviation
// must not mask another, even one that only shows while another is being shrunk.

#include "conformance/model_runner.h"
#include "conformance/properties.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <deque>
#include <functional>
#include <set>
#include <string>
#include <vector>

namespace pmconf::conformance {
namespace {

// The model, except that a Scenario of three or more nodes throws "TooBig", and, only in the
// batches of at most 16 Scenarios that shrinking sends (the search sends 100), a Scenario of two
// nodes throws "Two": a deviation the search cannot see, that only shrinking the first one meets.
class TwoDeviationsIut final : public Iut {
public:
    std::string name() const override { return "two-deviations"; }
    std::string version() const override { return "test"; }
    Capabilities const& capabilities() const override { return model_capabilities(); }
    std::size_t in_flight() const override { return m_replies.size(); }

    void submit(std::vector<Scenario> const& batch) override
    {
        BatchReply reply;
        for (auto const& s : batch) {
            auto o = run_on_model(s);
            auto const nodes = s.graph.nodes.size();
            if (nodes >= 3 || (nodes == 2 && batch.size() <= 16)) {
                o = Observation { };
                o.threw = true;
                o.error_name = nodes >= 3 ? "TooBig" : "Two";
                o.transferables = run_on_model(s).transferables;
            }
            reply.observations.push_back(std::move(o));
        }
        m_replies.push_back(std::move(reply));
    }

    BatchReply receive() override
    {
        auto r = std::move(m_replies.front());
        m_replies.pop_front();
        return r;
    }

private:
    std::deque<BatchReply> m_replies;
};

RunParams params()
{
    RunParams p;
    p.seed = 20261125;
    p.max_success = 300;
    p.max_size = 100;
    p.batch_size = 100;
    return p;
}

bool has_error_name(PropertyOutcome const& outcome, std::string const& name)
{
    return std::any_of(outcome.deviations.begin(), outcome.deviations.end(),
        [&](Deviation const& d) { return d.observed.threw && d.observed.error_name == name; });
}

TEST(PropertyRunner, ADeviationMetWhileShrinkingAnotherIsReportedAndShrunk)
{
    auto const* property = find_property("round-trip-plain-data");
    ASSERT_NE(property, nullptr);
    TwoDeviationsIut iut;
    model::Trace coverage;
    auto const outcome = check_property(*property, iut, params(), coverage);
    ASSERT_EQ(outcome.status, PropertyOutcome::Status::failed);
    EXPECT_TRUE(has_error_name(outcome, "TooBig"));
    ASSERT_TRUE(has_error_name(outcome, "Two")) << "the deviation that only shrinking meets is not reported";
    for (auto const& d : outcome.deviations) {
        // Each shrunk to its own minimum: three nodes for TooBig, two for Two.
        EXPECT_EQ(d.scenario.graph.nodes.size(), d.observed.error_name == "TooBig" ? 3u : 2u) << d.signature;
        // And each replays from its reproduce string, shrink path included.
        auto replay = params();
        replay.reproduce = d.reproduce;
        TwoDeviationsIut again;
        model::Trace unused;
        auto const replayed = check_property(*property, again, replay, unused);
        ASSERT_EQ(replayed.deviations.size(), 1u) << d.reproduce;
        EXPECT_EQ(replayed.deviations.front().signature, d.signature) << d.reproduce;
        EXPECT_EQ(replayed.deviations.front().scenario.graph.nodes.size(), d.scenario.graph.nodes.size()) << d.reproduce;
    }
}

// With the search stopping at its first deviation (the fault matrix's mode), shrinking adds none.
TEST(PropertyRunner, StoppingAtTheFirstDeviationReportsOnlyIt)
{
    auto const* property = find_property("round-trip-plain-data");
    ASSERT_NE(property, nullptr);
    TwoDeviationsIut iut;
    model::Trace coverage;
    auto p = params();
    p.stop_at_first_deviation = true;
    auto const outcome = check_property(*property, iut, p, coverage);
    ASSERT_EQ(outcome.deviations.size(), 1u);
    EXPECT_TRUE(has_error_name(outcome, "TooBig"));
}


// The model, with a change the test chooses applied to each Observation.
class ScriptedIut final : public Iut {
public:
    using Change = std::function<void(Scenario const&, Observation&)>;
    explicit ScriptedIut(Change change) : m_change(std::move(change)) { }
    std::string name() const override { return "scripted"; }
    std::string version() const override { return "test"; }
    Capabilities const& capabilities() const override { return model_capabilities(); }
    std::size_t in_flight() const override { return m_replies.size(); }
    void submit(std::vector<Scenario> const& batch) override
    {
        BatchReply reply;
        for (auto const& s : batch) {
            auto o = run_on_model(s);
            o.questioned = {};
            o.alternatives.clear();
            m_change(s, o);
            reply.observations.push_back(std::move(o));
        }
        m_replies.push_back(std::move(reply));
    }
    BatchReply receive() override
    {
        auto r = std::move(m_replies.front());
        m_replies.pop_front();
        return r;
    }

private:
    Change m_change;
    std::deque<BatchReply> m_replies;
};

bool has_array(Scenario const& s)
{
    return std::any_of(s.graph.nodes.begin(), s.graph.nodes.end(), [](Node const& n) { return n.kind == NodeKind::array; });
}

// Two bugs behind one signature (field getter-calls, step 26.4.1.1): a getter called twice where
// an Array is in the value, no getter called otherwise. Each is shrunk and reported on its own.
void two_getter_bugs(Scenario const& s, Observation& o)
{
    if (o.getter_calls.empty())
        return;
    if (has_array(s))
        o.getter_calls.insert(o.getter_calls.begin(), o.getter_calls.front());
    else
        o.getter_calls.clear();
}

TEST(PropertyRunner, DifferencesOfOneSignatureThatReadDifferentlyAreShrunkApart)
{
    auto const* property = find_property("getters-and-side-effects");
    ASSERT_NE(property, nullptr);
    ScriptedIut iut(two_getter_bugs);
    model::Trace coverage;
    auto const outcome = check_property(*property, iut, params(), coverage);
    ASSERT_EQ(outcome.status, PropertyOutcome::Status::failed);
    std::string found;
    for (auto const& d : outcome.deviations)
        found += "\n  " + d.title + " [" + d.signature + "]\n" + to_display(d.scenario);
    ASSERT_EQ(outcome.deviations.size(), 2u) << found;
    EXPECT_EQ(outcome.deviations[0].signature, outcome.deviations[1].signature);
    std::set<std::string> titles;
    for (auto const& d : outcome.deviations) {
        EXPECT_TRUE(d.shrunk);
        titles.insert(d.title.substr(0, d.title.find(" (")));
    }
    EXPECT_EQ(titles, (std::set<std::string> { "a getter called more often than the spec calls it", "a getter the spec calls is not called" }));

    // With one representative per signature, the second bug hides behind the first.
    auto one = params();
    one.representatives = 1;
    ScriptedIut again(two_getter_bugs);
    auto const hidden = check_property(*property, again, one, coverage);
    EXPECT_EQ(hidden.deviations.size(), 1u);
}

TEST(PropertyRunner, SignaturesBeyondTheCapAreReportedUnshrunk)
{
    auto const* property = find_property("round-trip-plain-data");
    ASSERT_NE(property, nullptr);
    TwoDeviationsIut iut;
    model::Trace coverage;
    auto p = params();
    p.max_deviations = 1;
    auto const outcome = check_property(*property, iut, p, coverage);
    ASSERT_EQ(outcome.deviations.size(), 2u);
    EXPECT_TRUE(outcome.deviations[0].shrunk);
    EXPECT_EQ(outcome.deviations[0].observed.error_name, "TooBig");
    // "Two" is met while shrinking TooBig, beyond the cap: reported with the case that showed it.
    EXPECT_FALSE(outcome.deviations[1].shrunk);
    EXPECT_EQ(outcome.deviations[1].observed.error_name, "Two");
    EXPECT_EQ(outcome.other_signatures, 1);
}

TEST(PropertyRunner, OnlySpecQuestionsLeaveThePropertyPassedAndReportThem)
{
    // An implementation that drops every message event whose delivery rests on a questioned text.
    auto const* property = find_property("message-ports");
    ASSERT_NE(property, nullptr);
    ScriptedIut iut([](Scenario const& s, Observation& o) {
        auto const reference = run_on_model(s);
        std::erase_if(o.events, [&](model::web_messaging::ObservedEvent const& e) {
            return e.type == "message" && !reference.questioned.of_event(e).empty();
        });
    });
    model::Trace coverage;
    auto const outcome = check_property(*property, iut, params(), coverage);
    EXPECT_EQ(outcome.status, PropertyOutcome::Status::passed);
    ASSERT_FALSE(outcome.deviations.empty()) << "no questioned message in 300 cases";
    for (auto const& d : outcome.deviations) {
        EXPECT_EQ(d.kind(), FindingKind::spec_question) << d.difference.summary();
        EXPECT_TRUE(d.title.starts_with("spec question: ")) << d.title;
    }
}

TEST(Deviation, IdentityIsHowTheDifferenceReadsNotItsNumbers)
{
    Deviation a, b;
    a.difference = { "getter-calls", "", "get#1", "get#1, get#1", "html:structuredserializeinternal:26.4.1.1" };
    b.difference = { "getter-calls", "", "get#4", "get#4, get#4", "html:structuredserializeinternal:26.4.1.1" };
    EXPECT_EQ(a.identity(), b.identity());
    b.difference.observed = "none";
    EXPECT_NE(a.identity(), b.identity());
    // The same reading at another step is another finding.
    Difference at_21 { "error-name", "DataCloneError->TypeError", "DataCloneError", "TypeError", "html:structuredserializewithtransfer:2.1" };
    Difference at_23 = at_21;
    at_23.step = "html:structuredserializewithtransfer:2.3";
    a.difference = at_21;
    b.difference = at_23;
    EXPECT_NE(a.identity(), b.identity());
}

TEST(Deviation, AWrongErrorClassIsOneRootCauseWhicheverStepOfAPartThrowsIt)
{
    Scenario clone;
    clone.mode = PassMode::structured_clone;
    Difference at_21 { "error-name", "DataCloneError->TypeError", "DataCloneError", "TypeError", "html:structuredserializeinternal:21" };
    Difference at_20 = at_21;
    at_20.step = "html:structuredserializeinternal:20";
    EXPECT_EQ(root_cause_of(at_21, clone), root_cause_of(at_20, clone));
    // Another wrong class, or a right class, is another cause.
    Difference range_error = at_21;
    range_error.observed = "RangeError";
    EXPECT_NE(root_cause_of(at_21, clone), root_cause_of(range_error, clone));
    // The transfer list's checks are one loop: any class they throw wrongly, or a return, is one
    // cause, apart from the same class thrown elsewhere.
    Difference listed { "error-name", "DataCloneError->TypeError", "DataCloneError", "TypeError", "html:structuredserializewithtransfer:2.1" };
    Difference listed_twice = listed;
    listed_twice.step = "html:structuredserializewithtransfer:2.3";
    listed_twice.observed = "RangeError";
    Difference accepted { "outcome", "", "a thrown DataCloneError", "a returned value", "html:structuredserializewithtransfer:2.3" };
    EXPECT_EQ(root_cause_of(listed, clone), root_cause_of(listed_twice, clone));
    EXPECT_EQ(root_cause_of(listed, clone), root_cause_of(accepted, clone));
    EXPECT_NE(root_cause_of(listed, clone), root_cause_of(at_21, clone));
    // At a structured-data step, every API that clones shows the one serializer's cause; at a
    // messaging step, each API has its own.
    Scenario port = clone;
    port.mode = PassMode::message_channel;
    EXPECT_EQ(root_cause_of(at_21, clone), root_cause_of(at_21, port));
    Difference own_port = at_21;
    own_port.step = "html:message-port-post-message-steps:2";
    Scenario two_ops;
    two_ops.mode = PassMode::operations;
    two_ops.operations.resize(2);
    Difference own_port_op { "outcome", "", "threw DataCloneError (operation 1)", "threw TypeError (operation 1)", "html:message-port-post-message-steps:2" };
    Difference own_broadcast_op = own_port_op;
    two_ops.operations[1].kind = model::web_messaging::Operation::Kind::broadcast_post;
    auto const broadcast_cause = root_cause_of(own_broadcast_op, two_ops);
    two_ops.operations[1].kind = model::web_messaging::Operation::Kind::port_post;
    EXPECT_NE(root_cause_of(own_port_op, two_ops), broadcast_cause);
    EXPECT_NE(root_cause_of(own_port, port), root_cause_of(at_21, port));
    // A getter's own value, a crash and a hang are not an error class: each is its own finding.
    Difference getter = at_21;
    getter.observed = "user value";
    Difference other_getter = getter;
    other_getter.step = "html:structuredserializeinternal:20";
    EXPECT_NE(root_cause_of(getter, clone), root_cause_of(other_getter, clone));
    Difference crash = at_20;
    crash.observed = "(the IUT process was killed by signal 6 (SIGABRT))";
    EXPECT_NE(root_cause_of(crash, clone), root_cause_of(at_20, clone));
    // Operations: "threw X (operation n)" outcomes of one API group the same way.
    Scenario ops;
    ops.mode = PassMode::operations;
    ops.operations.resize(3);
    ops.operations[1].kind = model::web_messaging::Operation::Kind::port_post;
    ops.operations[2].kind = model::web_messaging::Operation::Kind::port_post;
    Difference first { "outcome", "", "threw DataCloneError (operation 1)", "threw TypeError (operation 1)", "html:structuredserializewithtransfer:5.2" };
    Difference second { "outcome", "", "threw DataCloneError (operation 2)", "threw TypeError (operation 2)", "html:structuredserializeinternal:5" };
    EXPECT_EQ(root_cause_of(first, ops), root_cause_of(second, ops));
    Difference returned = second;
    returned.observed = "returned (operation 2)";
    EXPECT_NE(root_cause_of(first, ops), root_cause_of(returned, ops));
}

TEST(Deviation, RootCausesGroupWhatOneFixRemoves)
{
    Scenario clone;
    clone.mode = PassMode::structured_clone;
    // Returns where any check for values the spec cannot serialize throws: one cause.
    Difference symbol { "outcome", "returned", "a thrown DataCloneError", "a returned value", "html:structuredserializeinternal:5" };
    Difference function = symbol;
    function.step = "html:structuredserializeinternal:21";
    EXPECT_EQ(root_cause_of(symbol, clone), root_cause_of(function, clone));
    // ... but not where a detached buffer's check throws.
    Difference detached = symbol;
    detached.step = "html:structuredserializeinternal:13.2.1";
    EXPECT_NE(root_cause_of(symbol, clone), root_cause_of(detached, clone));
    // Buffers and views, whichever record and attribute: one cause; maps and sets: another.
    Difference offset_view { "result", "#0.byteOffset", "1", "0", "html:structureddeserialize:16.2" };
    Difference offset_array = offset_view;
    offset_array.step = "html:structureddeserialize:16.3";
    EXPECT_EQ(root_cause_of(offset_view, clone), root_cause_of(offset_array, clone));
    Difference length = offset_view;
    length.where = "#0.length";
    EXPECT_EQ(root_cause_of(offset_view, clone), root_cause_of(length, clone));
    Difference map_size { "result", "#0.size", "3", "2", "html:structureddeserialize:24.1.1.3" };
    EXPECT_NE(root_cause_of(offset_view, clone), root_cause_of(map_size, clone));
    // Sharing: a reference to another object, wherever it is held.
    Difference in_map { "result", "#0.entry", "#1 => #0", "#2 => #0", "html:structureddeserialize:24.1.1.3" };
    Difference in_object { "result", "#0.value", "\"c\": #1", "\"c\": #2", "html:structuredserializeinternal:26.4" };
    EXPECT_EQ(root_cause_of(in_map, clone), root_cause_of(in_object, clone));
    Difference minus_zero { "result", "#0.value", "\"a\": -0", "0", "html:structuredserializeinternal:26.4" };
    EXPECT_NE(root_cause_of(minus_zero, clone), root_cause_of(in_object, clone));
    // A getter the spec does not call, then a throw that follows from it: the getter is the cause.
    Observation want, got;
    want.getter_calls = { 1 };
    got.getter_calls = { 2, 1 };
    Difference thrown { "outcome", "threw user value", "a returned value", "a thrown user value", "" };
    Difference calls { "getter-calls", "", "get#1", "get#2, get#1", "html:structuredserializeinternal:26.4.1.1" };
    EXPECT_EQ(root_cause_of(thrown, clone, &want, &got), root_cause_of(calls, clone));
    // A getter called more often and one not called are two fixes, even at one step.
    Difference twice { "getter-calls", "", "get#1", "get#1, get#1", "html:structuredserializeinternal:26.4.1.1" };
    Difference never { "getter-calls", "", "get#1", "none", "html:structuredserializeinternal:26.4.1.1" };
    EXPECT_NE(root_cause_of(twice, clone), root_cause_of(never, clone));
    EXPECT_NE(root_cause_of(twice, clone), root_cause_of(calls, clone));
    // Fewer calls (it stopped early) and a stack getter's call (a choice) are not.
    want.getter_calls = { 2, 1 };
    got.getter_calls = { 2 };
    EXPECT_NE(root_cause_of(thrown, clone, &want, &got), root_cause_of(calls, clone));
    want.getter_calls = { 1 };
    got.getter_calls = { 2, 1 };
    want.stack_getters = { 2 };
    EXPECT_NE(root_cause_of(thrown, clone, &want, &got), root_cause_of(calls, clone));
    // Spec questions: one cause per question, the first of a finding's questions in catalogue
    // order (StructuredSerializeWithTransfer's before the port steps').
    Difference q1 = calls;
    q1.spec_questions = { "html:message-port-post-message-steps:4" };
    Difference q2 = length;
    q2.spec_questions = q1.spec_questions;
    EXPECT_EQ(root_cause_of(q1, clone), root_cause_of(q2, clone));
    q2.spec_questions.push_back("html:disentangle:4");
    EXPECT_NE(root_cause_of(q1, clone), root_cause_of(q2, clone));
    Difference q3 = minus_zero;
    q3.spec_questions = { "html:disentangle:4" };
    EXPECT_EQ(root_cause_of(q2, clone), root_cause_of(q3, clone));
    q2.spec_questions.push_back("html:structuredserializewithtransfer:5");
    EXPECT_NE(root_cause_of(q2, clone), root_cause_of(q3, clone));
    EXPECT_EQ(filed_question(root_cause_of(q3, clone)), "html:disentangle:4");
    EXPECT_EQ(filed_question(root_cause_of(q2, clone)), "html:structuredserializewithtransfer:5");
    EXPECT_EQ(filed_question(root_cause_of(minus_zero, clone)), "");
}

TEST(Deviation, RootCausesByWhatTheCounterexampleIsMadeOf)
{
    Difference props { "result", "#0.properties", "property \"1\"", "property \"0\"", "html:structuredserializeinternal:26.4" };
    Difference thrown { "outcome", "", "a returned value", "a thrown DataCloneError", "" };
    Difference calls { "getter-calls", "", "get#1", "get#2, get#1", "html:structuredserializeinternal:26.4.1.1" };
    // An Array with a non-enumerable index: whatever differs, one cause.
    Scenario array;
    array.mode = PassMode::structured_clone;
    Node a;
    a.kind = NodeKind::array;
    a.array_length = 2;
    a.properties = { Property { u"0", std::nullopt, 1.0, std::nullopt, false }, Property { u"1", std::nullopt, 2.0, std::nullopt, true } };
    array.graph.nodes = { a };
    array.graph.root = NodeRef { 0 };
    EXPECT_TRUE(root_cause_of(props, array).starts_with("arrays|"));
    EXPECT_EQ(root_cause_of(props, array), root_cause_of(thrown, array));
    EXPECT_EQ(root_cause_of(props, array), root_cause_of(calls, array));
    // ... and so do holes and a key that is not an index; a dense, enumerable Array is no cause.
    array.graph.nodes[0].properties[0].enumerable = true;
    EXPECT_FALSE(root_cause_of(props, array).starts_with("arrays|"));
    array.graph.nodes[0].array_length = 3;
    EXPECT_TRUE(root_cause_of(props, array).starts_with("arrays|"));
    array.graph.nodes[0].array_length = 2;
    array.graph.nodes[0].properties.push_back(Property { u"x", std::nullopt, 3.0, std::nullopt, true });
    EXPECT_TRUE(root_cause_of(props, array).starts_with("arrays|"));
    array.graph.nodes[0].properties.back().key = u"01";
    EXPECT_TRUE(root_cause_of(props, array).starts_with("arrays|"));

    // A call that returns with a detached buffer in the transfer list: that buffer is the cause,
    // whichever step the spec throws at (a view on it fails 14.1 before 5.1 is reached).
    Scenario listed;
    listed.mode = PassMode::structured_clone;
    Node buffer;
    buffer.kind = NodeKind::array_buffer;
    buffer.detached = true;
    Node view;
    view.kind = NodeKind::data_view;
    view.buffer = 0;
    listed.graph.nodes = { buffer, view };
    listed.graph.root = NodeRef { 1 };
    listed.transfer = { NodeRef { 0 } };
    Difference at_5 { "outcome", "", "a thrown DataCloneError", "a returned value", "html:structuredserializewithtransfer:5.1" };
    Difference at_14 = at_5;
    at_14.step = "html:structuredserializeinternal:14.1";
    EXPECT_EQ(root_cause_of(at_5, listed), root_cause_of(at_14, listed));
    // A detach key is another check; a throw of the wrong class is not a return.
    Scenario keyed = listed;
    keyed.graph.nodes[0].detached = false;
    keyed.graph.nodes[0].detach_key = true;
    EXPECT_NE(root_cause_of(at_5, listed), root_cause_of(at_5, keyed));
    Difference wrong_class { "error-name", "DataCloneError->Error", "DataCloneError", "Error", "html:structuredserializeinternal:14.1" };
    EXPECT_NE(root_cause_of(wrong_class, listed), root_cause_of(at_14, listed));

    // One kind of platform object in the value: its serialization and transfer are one cause.
    Scenario bitmap;
    bitmap.mode = PassMode::structured_clone;
    Node b;
    b.kind = NodeKind::image_bitmap;
    bitmap.graph.nodes = { b };
    bitmap.graph.root = NodeRef { 0 };
    Difference kind { "result", "#0.kind", "ImageBitmap", "Object", "html:structureddeserialize:24.4.1" };
    Difference refused { "outcome", "", "a returned value", "a thrown DataCloneError", "" };
    EXPECT_EQ(root_cause_of(kind, bitmap), root_cause_of(refused, bitmap));
    Scenario exception = bitmap;
    exception.graph.nodes[0].kind = NodeKind::dom_exception;
    EXPECT_NE(root_cause_of(kind, bitmap), root_cause_of(kind, exception));
    // Two kinds together: neither is the cause.
    bitmap.graph.nodes.push_back(exception.graph.nodes[0]);
    EXPECT_FALSE(root_cause_of(kind, bitmap).starts_with("platform object|"));
}

TEST(Deviation, AMissingCheckForDetachedOrOutOfBoundsValuesIsOneCauseWhateverItThrows)
{
    Scenario clone;
    clone.mode = PassMode::structured_clone;
    Difference returns { "outcome", "", "a thrown DataCloneError", "a returned value", "html:structuredserializeinternal:14.1" };
    Difference type_error { "error-name", "DataCloneError->TypeError", "DataCloneError", "TypeError", "html:structuredserializeinternal:13.2.1" };
    EXPECT_EQ(root_cause_of(returns, clone), root_cause_of(type_error, clone));
    // TypeError elsewhere is the wrong class of another part.
    type_error.step = "html:structuredserializeinternal:21";
    EXPECT_NE(root_cause_of(returns, clone), root_cause_of(type_error, clone));
    // A hang on an Array with a hole is the Array's walk.
    Scenario holes;
    holes.mode = PassMode::structured_clone;
    Node a;
    a.kind = NodeKind::array;
    a.array_length = 4;
    holes.graph.nodes = { a };
    holes.graph.root = NodeRef { 0 };
    Difference hang { "outcome", "", "a returned value", "hangs (no reply within 1 s)", "" };
    EXPECT_TRUE(root_cause_of(hang, holes).starts_with("arrays|"));
}

// Never detaches what it is asked to transfer ...
// ... but what a getter detaches is detached (the getter did it, not the transfer).
void keeps_all_but_what_getters_detach(Scenario const& s, Observation& o)
{
    for (auto& t : o.transferables) {
        bool by_getter = false;
        for (auto const& n : s.graph.nodes)
            for (auto const& p : n.properties)
                if (p.getter)
                    for (auto const& e : p.getter->effects)
                        by_getter = by_getter || (e.kind == GetterEffect::Kind::detach && e.target == t.node);
        t.detached = t.detached && by_getter;
    }
}

class TransferIgnored : public testing::TestWithParam<std::string> { };

TEST_P(TransferIgnored, AnImplementationThatNeverDetachesIgnoresTheTransferListOneCause)
{
    auto const* property = find_property(GetParam());
    ASSERT_NE(property, nullptr);
    ScriptedIut iut(keeps_all_but_what_getters_detach);
    model::Trace coverage;
    auto const outcome = check_property(*property, iut, params(), coverage);
    ASSERT_EQ(outcome.status, PropertyOutcome::Status::failed);
    int ignoring = 0;
    std::string found;
    for (auto const& d : outcome.deviations) {
        found += "\n  " + d.title + " [" + d.root_cause + "]";
        if (d.root_cause.find("ignores the transfer list") != std::string::npos)
            ++ignoring;
    }
    EXPECT_EQ(ignoring, 1) << found;
    auto const deviations = std::count_if(outcome.deviations.begin(), outcome.deviations.end(), [](Deviation const& d) { return d.kind() == FindingKind::deviation; });
    EXPECT_EQ(deviations, 1) << found;
}

INSTANTIATE_TEST_SUITE_P(Properties, TransferIgnored, testing::Values("buffers-and-views", "getters-and-side-effects", "transfer-lists"),
    [](testing::TestParamInfo<std::string> const& info) {
        auto name = info.param;
        std::replace(name.begin(), name.end(), '-', '_');
        return name;
    });

} // namespace
} // namespace pmconf::conformance
