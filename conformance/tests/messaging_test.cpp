// The messaging model against the spec's steps: hand-written sequences for the behaviours the
// spec pins down (each test names its steps), then generated sequences checked against
// invariants that cite their steps. The seeded messaging faults are in fault_matrix_test.cpp,
// with the others.
#include "conformance/compare.h"
#include "conformance/messaging.h"
#include "conformance/model_runner.h"

#include "spec/catalogue.h"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <algorithm>
#include <map>
#include <set>

namespace pmconf::conformance::messaging {
namespace {

using model::web_messaging::Agent;
using model::web_messaging::EventTargetName;
using model::web_messaging::MessageSpec;
using model::web_messaging::MessagingObservation;
using model::web_messaging::ObservedEvent;
using model::web_messaging::PortName;
using model::web_messaging::run_operations;
using model::web_messaging::World;
using K = Operation::Kind;

// A small builder: each call appends an op labelled with its position.
struct Ops {
    std::vector<Operation> ops;
    Operation& add(K kind)
    {
        Operation op;
        op.kind = kind;
        op.label = std::uint32_t(ops.size());
        ops.push_back(op);
        return ops.back();
    }
    std::uint32_t channel(Agent agent = Agent::window_a)
    {
        add(K::new_channel).agent = agent;
        return ops.back().label;
    }
    std::uint32_t post(PortName port, std::vector<PortName> transfer = {}, MessageSpec message = {})
    {
        auto& op = add(K::port_post);
        op.port = port;
        op.transfer = std::move(transfer);
        op.message = message;
        return op.label;
    }
    void on(K kind, PortName port) { add(kind).port = port; }
    void client(K kind, std::uint32_t client) { add(kind).client = client; }
    std::uint32_t broadcast(Agent agent, std::uint8_t name = 0)
    {
        auto& op = add(K::new_broadcast);
        op.agent = agent;
        op.name = name;
        return op.label;
    }
    void run() { add(K::run_event_loops); }
};

EventTargetName at(PortName p) { return { EventTargetName::Kind::port, p, 0 }; }
EventTargetName at_channel(std::uint32_t op) { return { EventTargetName::Kind::broadcast_channel, {}, op }; }
EventTargetName at_client(std::uint32_t client) { return { EventTargetName::Kind::container, {}, client }; }

std::vector<std::uint32_t> messages_at(MessagingObservation const& o, EventTargetName target, std::string const& type = "message")
{
    std::vector<std::uint32_t> labels;
    for (auto const& e : o.events)
        if (e.target == target && e.type == type)
            labels.push_back(e.message);
    return labels;
}

// The model's Observation of a sequence, as the comparator gets it (with its alternatives).
Observation reference_of(std::vector<Operation> ops)
{
    Scenario s;
    s.mode = PassMode::operations;
    s.operations = std::move(ops);
    return run_on_model(s);
}

// html:message-port-post-message-steps:7, html:dom-messageport-start:1, and the paragraph on
// onmessage: a port's queue holds messages until it is enabled; addEventListener does not enable it.
TEST(MessagingModel, PortQueueWaitsForStartOrOnmessageNotAddEventListener)
{
    Ops o;
    auto const c = o.channel();
    PortName const p1 { c, 0 }, p2 { c, 1 };
    auto const m1 = o.post(p1);
    o.on(K::port_add_listener, p2);
    o.run();
    auto const before = run_operations(o.ops);
    EXPECT_TRUE(messages_at(before, at(p2)).empty());
    auto const m2 = o.post(p1);
    o.on(K::port_set_onmessage, p2);
    o.run();
    auto const after = run_operations(o.ops);
    EXPECT_EQ(messages_at(after, at(p2)), (std::vector { m1, m2 }));
}

// html:transfermessageport:2 and html:transfermessageport--receiving:2-3: messages queued on a
// port move with it; the received port starts disabled and is entangled with the old partner.
TEST(MessagingModel, TransferredPortTakesItsQueuedMessagesAndPartner)
{
    Ops o;
    auto const a = o.channel();
    auto const b = o.channel();
    PortName const a1 { a, 0 }, a2 { a, 1 }, b1 { b, 0 }, b2 { b, 1 };
    auto const m1 = o.post(a1);                 // queued on a2 (disabled)
    auto const carrier = o.post(b1, { a2 });    // a2 travels to b2 with m1 in its queue
    o.on(K::port_start, b2);
    o.run();
    PortName const received { carrier, 0 };
    auto const m3 = o.post(a1);                 // now goes to the received port
    o.on(K::port_start, received);
    o.run();
    auto const obs = run_operations(o.ops);
    ASSERT_EQ(messages_at(obs, at(b2)), std::vector { carrier });
    auto const delivery = std::find_if(obs.events.begin(), obs.events.end(), [&](auto const& e) { return e.target == at(b2); });
    EXPECT_EQ(delivery->ports, std::vector { received });
    // Entangling a1 with the received port disentangled it from a2, which gets a close event
    // (html:entangle:1, html:disentangle:4).
    EXPECT_EQ(obs.events.front().type, "close");
    EXPECT_EQ(obs.events.front().target, at(a2));
    EXPECT_EQ(messages_at(obs, at(received)), (std::vector { m1, m3 }));
    EXPECT_TRUE(messages_at(obs, at(a2)).empty());
}

// html:message-port-post-message-steps:2, 4 and 6: the source port in its own transfer list
// throws; the target port in it dooms the message (the port is still shipped and detached).
TEST(MessagingModel, SourcePortThrowsTargetPortDoomsTheMessage)
{
    Ops o;
    auto const c = o.channel();
    PortName const p1 { c, 0 }, p2 { c, 1 };
    o.post(p1, { p1 });
    o.post(p1, { p2 });
    o.on(K::port_start, p2);
    o.post(p1, { p2 }); // p2 is detached now: StructuredSerializeWithTransfer 5.2
    o.run();
    auto const obs = run_operations(o.ops);
    EXPECT_TRUE(obs.outcomes[1].threw);
    EXPECT_EQ(obs.outcomes[1].error, "DataCloneError");
    EXPECT_FALSE(obs.outcomes[2].threw);
    EXPECT_TRUE(obs.outcomes[4].threw);
    EXPECT_TRUE(messages_at(obs, at(p2)).empty());
}

// html:dom-messageport-close:1-2 and html:disentangle:4: close() fires close at the other port only.
TEST(MessagingModel, CloseFiresCloseAtThePartnerOnly)
{
    Ops o;
    auto const c = o.channel();
    o.on(K::port_close, PortName { c, 0 });
    auto const obs = run_operations(o.ops);
    ASSERT_EQ(obs.events.size(), 1u);
    EXPECT_EQ(obs.events[0].type, "close");
    EXPECT_EQ(obs.events[0].target, at(PortName { c, 1 }));
}

// html:dom-broadcastchannel-postmessage:2, 6, 7, 9.1: same name and storage key, never the
// source, not a channel closed before the task runs; a closed channel throws InvalidStateError.
TEST(MessagingModel, BroadcastReachesOtherOpenChannelsOfItsNameAndStorageKey)
{
    Ops o;
    auto const source = o.broadcast(Agent::window_a);
    auto const sibling = o.broadcast(Agent::window_b);
    auto const worker = o.broadcast(Agent::service_worker);
    auto const other_site = o.broadcast(Agent::window_other_site);
    auto const other_name = o.broadcast(Agent::window_b, 1);
    auto const closing = o.broadcast(Agent::window_a);
    auto& post = o.add(K::broadcast_post);
    post.channel = source;
    auto const m = post.label;
    o.add(K::broadcast_close).channel = closing;
    o.run();
    o.add(K::broadcast_post).channel = closing;
    auto const obs = run_operations(o.ops);
    EXPECT_EQ(messages_at(obs, at_channel(sibling)), std::vector { m });
    EXPECT_EQ(messages_at(obs, at_channel(worker)), std::vector { m });
    for (auto const none : { source, other_site, other_name, closing })
        EXPECT_TRUE(messages_at(obs, at_channel(none)).empty()) << none;
    EXPECT_TRUE(obs.outcomes.back().threw);
    EXPECT_EQ(obs.outcomes.back().error, "InvalidStateError");
}

// The seed: service-workers:client-postmessage-options:4.5 and the client message queue: held
// until startMessages(), the onmessage setter or the end of parsing (html:stop-parsing:6.4), not
// by addEventListener; a message that cannot be deserialized there is a messageerror.
TEST(MessagingModel, ClientMessageQueueIsEnabledByStartOnmessageOrParsingOnly)
{
    for (auto const enabler : { K::container_start, K::container_set_onmessage, K::document_parsed }) {
        Ops o;
        auto& first = o.add(K::client_post);
        first.client = 0;
        auto const m1 = first.label;
        o.client(K::container_add_listener, 0);
        o.run();
        auto const held = run_operations(o.ops);
        EXPECT_TRUE(messages_at(held, at_client(0)).empty());
        auto& second = o.add(K::client_post);
        second.client = 0;
        second.message.shared_buffer = true; // the service worker is another agent cluster
        auto const m2 = second.label;
        o.client(enabler, 0);
        o.run();
        auto const obs = run_operations(o.ops);
        EXPECT_EQ(messages_at(obs, at_client(0)), std::vector { m1 });
        EXPECT_EQ(messages_at(obs, at_client(0), "messageerror"), std::vector { m2 });
        for (auto const& e : obs.events) {
            EXPECT_EQ(e.origin, "https://a.example");
            EXPECT_EQ(e.source, "ServiceWorker");
        }
    }
}

// html:dom-worker:3-4: a script URL that does not parse throws SyntaxError and makes no worker.
TEST(MessagingModel, AnUnparsableWorkerURLThrowsSyntaxError)
{
    Ops o;
    o.add(K::new_worker).unparsable_url = true;
    auto const w = o.add(K::new_worker).label;
    o.add(K::worker_runs).channel = w;
    auto const obs = run_operations(o.ops);
    EXPECT_TRUE(obs.outcomes[0].threw);
    EXPECT_EQ(obs.outcomes[0].error, "SyntaxError");
    EXPECT_EQ(obs.outcomes[0].step, "html:dom-worker:4");
    EXPECT_FALSE(obs.outcomes[1].threw || obs.outcomes[1].skipped);
    EXPECT_FALSE(obs.outcomes[2].skipped);
}

// html:run-a-worker--oncomplete:14: a dedicated worker is a service worker client once it runs, and
// running enables its client message queue (no startMessages() needed); before that the service
// worker has no Client for it. Its ServiceWorker.postMessage() has a Client (not WindowClient) source.
TEST(MessagingModel, AWorkerClientsQueueIsEnabledWhenTheWorkerRuns)
{
    using model::web_messaging::worker_client;
    // Before the worker runs there is no worker client: nothing about it runs.
    for (auto const kind : { K::container_start, K::container_set_onmessage, K::container_add_listener, K::service_worker_post, K::client_post }) {
        Ops none;
        none.add(K::new_worker);
        none.client(kind, worker_client);
        EXPECT_TRUE(run_operations(none.ops).outcomes[1].skipped) << to_string(none.ops[1]);
    }
    Ops o;
    auto const w = o.add(K::new_worker).label;
    auto& early = o.add(K::client_post);
    early.client = worker_client;
    o.add(K::worker_runs).channel = w;
    auto& late = o.add(K::client_post);
    late.client = worker_client;
    auto const m = late.label;
    auto& up = o.add(K::service_worker_post);
    up.client = worker_client;
    auto const m_up = up.label;
    o.run();
    auto const obs = run_operations(o.ops);
    EXPECT_TRUE(obs.outcomes[1].skipped);
    EXPECT_FALSE(obs.outcomes[3].skipped);
    EXPECT_EQ(messages_at(obs, at_client(worker_client)), std::vector { m });
    EXPECT_EQ(messages_at(obs, EventTargetName { EventTargetName::Kind::service_worker_global, {}, 0 }), std::vector { m_up });
    for (auto const& e : obs.events)
        EXPECT_EQ(e.source, e.target.kind == EventTargetName::Kind::container ? "ServiceWorker" : "Client");
    // No script holds the worker's implicit ports: an op that names one does not run.
    o.post(PortName { w, 0 });
    o.post(PortName { w, 1 });
    // A worker has no document, and its end is not modelled.
    o.client(K::document_parsed, worker_client);
    o.client(K::client_gone, worker_client);
    auto const more = run_operations(o.ops);
    for (std::size_t i = o.ops.size() - 4; i < o.ops.size(); ++i)
        EXPECT_TRUE(more.outcomes[i].skipped) << to_string(o.ops[i]);
}

// service-workers:service-worker-postmessage-options:5-6.2.6 and should-skip-event-algorithm:
// a message to the service worker is an ExtendableMessageEvent with the window's origin and a
// WindowClient source; without a message listener at the service worker's first run the user agent
// may skip it (the event is optional), with one it may not; shared memory from a window cannot
// reach the service worker's agent cluster (messageerror).
TEST(MessagingModel, ServiceWorkerPostMessageMaySkipOnlyWithoutAListener)
{
    for (bool const listens : { false, true }) {
        Ops o;
        if (listens)
            o.add(K::service_worker_listens);
        auto& plain = o.add(K::service_worker_post);
        plain.client = 1;
        auto const m1 = plain.label;
        auto& shared = o.add(K::service_worker_post);
        shared.client = 0;
        shared.message.shared_buffer = true;
        o.run();
        auto const obs = run_operations(o.ops);
        ASSERT_EQ(obs.events.size(), 2u);
        EXPECT_EQ(obs.events[0].type, "message");
        EXPECT_EQ(obs.events[0].message, m1);
        EXPECT_EQ(obs.events[0].source, "WindowClient");
        EXPECT_EQ(obs.events[0].origin, "https://a.example");
        EXPECT_EQ(obs.events[1].type, "messageerror");
        for (auto const& e : obs.events)
            EXPECT_EQ(e.optional, !listens);
    }
}

// --- Invariants over generated sequences ---

// m1 delivered at p2, then m2 queued at p2 when p2 closes (whatwg/html#5765's case).
struct ClosedWithAMessageQueued {
    Ops o;
    PortName p2;
    std::uint32_t m1, m2;
};
ClosedWithAMessageQueued closed_with_a_message_queued()
{
    Ops o;
    auto const c = o.channel();
    PortName const p1 { c, 0 }, p2 { c, 1 };
    auto const m1 = o.post(p1);
    o.on(K::port_start, p2);
    o.run();
    auto const m2 = o.post(p1);
    o.on(K::port_close, p2);
    o.run();
    return { std::move(o), p2, m1, m2 };
}

// The texts in open question (model/html/web_messaging/messaging.h, SpecQuestion): the model
// notes each message it treats by one of them, and only those.
TEST(MessagingModel, NotesTheMessagesItTreatsByAQuestionedText)
{
    using model::web_messaging::QuestionedMessage;
    using model::web_messaging::SpecQuestion;
    using Q = std::vector<QuestionedMessage>;
    { // whatwg/html#5765: a message queued at a port that is then closed is still delivered
        auto const [o, p2, m1, m2] = closed_with_a_message_queued();
        auto const obs = run_operations(o.ops);
        EXPECT_EQ(messages_at(obs, at(p2)), (std::vector { m1, m2 }));
        EXPECT_EQ(obs.questioned.messages, (Q { { SpecQuestion::closed_port_delivers, m2 } }));
        EXPECT_TRUE(obs.questioned.ports.empty());
    }
    { // whatwg/html#5850: both ports of a channel shipped; each received port is entangled with
      // the other's old port, whose queue has moved already
        Ops o;
        auto const a = o.channel();
        auto const s1 = o.channel();
        auto const s2 = o.channel();
        auto const carrier1 = o.post(PortName { s1, 0 }, { PortName { a, 0 } });
        auto const carrier2 = o.post(PortName { s2, 0 }, { PortName { a, 1 } });
        o.on(K::port_start, PortName { s1, 1 });
        o.on(K::port_start, PortName { s2, 1 });
        o.run();
        PortName const first { carrier1, 0 }, second { carrier2, 0 };
        o.on(K::port_start, first);
        o.on(K::port_start, second);
        auto const m = o.post(second);
        o.run();
        auto const obs = run_operations(o.ops);
        EXPECT_TRUE(messages_at(obs, at(first)).empty());
        // m goes to the old object of the other shipped port, which the text keeps entangled.
        EXPECT_EQ(obs.questioned.messages, (Q { { SpecQuestion::shipped_port_keeps_message, m }, { SpecQuestion::transferred_port_used, m } }));
    }
    { // the doomed self-transfer: the port posted to itself is shipped, but stays entangled and
      // its queue still runs; both ports rest on the doomed-port text from then on
        Ops o;
        auto const c = o.channel();
        PortName const p1 { c, 0 }, p2 { c, 1 };
        auto const doomed = o.post(p1, { p2 });
        auto const m = o.post(p1);
        o.on(K::port_start, p2);
        o.run();
        auto const obs = run_operations(o.ops);
        EXPECT_EQ(messages_at(obs, at(p2)), std::vector { m });
        // p2 is the old object of a transferred port too: using it rests on that question as well.
        EXPECT_EQ(obs.questioned.messages,
            (Q { { SpecQuestion::doomed_port_kept, m }, { SpecQuestion::shipped_port_delivers, m }, { SpecQuestion::transferred_port_used, m } }));
        EXPECT_TRUE(obs.questioned.of_message(doomed).empty()); // delivered by no reading
        using P = std::vector<model::web_messaging::QuestionedPort>;
        EXPECT_EQ(obs.questioned.ports,
            (P { { SpecQuestion::doomed_port_kept, p1 }, { SpecQuestion::doomed_port_kept, p2 }, { SpecQuestion::transferred_port_used, p2 } }));
        EXPECT_EQ(obs.outcomes[3].questions, (std::vector { SpecQuestion::doomed_port_kept, SpecQuestion::transferred_port_used })); // p2.start()
        EXPECT_TRUE(obs.outcomes[1].questions.empty()); // the doomed post itself: returns by every reading
    }
    { // ... and a message posted from the shipped port to its old partner rests on it too
        // (port(0.0).postMessage(m, [port(0.1)]), then port(0.1).postMessage(m2))
        Ops o;
        auto const c = o.channel();
        PortName const p1 { c, 0 }, p2 { c, 1 };
        o.post(p1, { p2 });
        auto const back = o.post(p2);
        o.on(K::port_start, p1);
        o.run();
        auto const reference = reference_of(o.ops);
        EXPECT_EQ(messages_at(run_operations(o.ops), at(p1)), std::vector { back });
        auto lost = reference;
        std::erase_if(lost.events, [&](ObservedEvent const& e) { return e.type == "message" && e.message == back; });
        auto const d = compare_observations(reference, lost);
        ASSERT_TRUE(d.has_value());
        EXPECT_EQ(d->kind(), FindingKind::spec_question);
        EXPECT_EQ(d->spec_questions, (std::vector<std::string> { "html:dom-messageport-postmessage-options:1", "html:message-port-post-message-steps:4" }));
    }
    { // a transfer list that fails at a detached port leaves the entries before it shipped (step
      // 5 read literally): those ports, and what rests on them, are questioned
        Ops o;
        auto const a = o.channel();
        auto const b = o.channel();
        auto const carrier = o.channel();
        o.on(K::port_close, PortName { b, 0 });
        o.post(PortName { carrier, 0 }, { PortName { a, 0 }, PortName { b, 0 } });
        auto const later = o.post(PortName { a, 1 });
        o.run();
        auto const obs = run_operations(o.ops);
        ASSERT_TRUE(obs.outcomes[4].threw);
        EXPECT_EQ(obs.outcomes[4].step, "html:structuredserializewithtransfer:5.2");
        EXPECT_EQ(obs.outcomes[5].questions, std::vector { SpecQuestion::partial_transfer }); // a's partner posts
        EXPECT_EQ(obs.questioned.of_message(later), std::vector { SpecQuestion::partial_transfer });
    }
    { // a port object already transferred still posts to its partner (it stays entangled until
      // the new port is received): the counterexample node, deno and bun were reported for
        Ops o;
        auto const a = o.channel();
        auto const carrier = o.channel();
        o.post(PortName { carrier, 0 }, { PortName { a, 0 } }); // never received: carrier(1) not started
        o.on(K::port_start, PortName { a, 1 });
        auto const from_old = o.post(PortName { a, 0 });
        o.run();
        auto const obs = run_operations(o.ops);
        EXPECT_EQ(messages_at(obs, at(PortName { a, 1 })), std::vector { from_old });
        EXPECT_EQ(obs.outcomes[4].questions, std::vector { SpecQuestion::transferred_port_used });
        EXPECT_EQ(obs.questioned.of_message(from_old), std::vector { SpecQuestion::transferred_port_used });
        auto lost = reference_of(o.ops);
        std::erase_if(lost.events, [&](ObservedEvent const& e) { return e.message == from_old; });
        auto const d = compare_observations(reference_of(o.ops), lost);
        ASSERT_TRUE(d.has_value());
        EXPECT_EQ(d->spec_questions, std::vector<std::string> { "html:dom-messageport-postmessage-options:1" });
    }
    { // ... and closing the old object fires close at the partner: that event rests on it too
        Ops o;
        auto const a = o.channel();
        auto const carrier = o.channel();
        o.post(PortName { carrier, 0 }, { PortName { a, 0 } });
        o.on(K::port_close, PortName { a, 0 });
        o.run();
        auto const obs = run_operations(o.ops);
        EXPECT_EQ(messages_at(obs, at(PortName { a, 1 }), "close").size(), 1u);
        EXPECT_EQ(obs.questioned.of_port(PortName { a, 1 }), std::vector { SpecQuestion::transferred_port_used });
    }
    { // receiving a transferred port entangles it with the partner, which disentangles the old
      // object first: the text fires close there, engines have neutered it
        Ops o;
        auto const a = o.channel();
        auto const carrier = o.channel();
        o.on(K::port_set_onmessage, PortName { carrier, 1 });
        o.post(PortName { carrier, 0 }, { PortName { a, 0 } });
        o.run();
        auto const obs = run_operations(o.ops);
        EXPECT_EQ(messages_at(obs, at(PortName { a, 0 }), "close").size(), 1u);
        EXPECT_EQ(obs.questioned.of_port(PortName { a, 0 }), std::vector { SpecQuestion::transferred_port_used });
        EXPECT_TRUE(obs.questioned.of_port(PortName { a, 1 }).empty());
    }
    { // a port transferred in the task that fired close at it: the text fires close before it
      // leaves; engines fire it later, at whichever port has the channel then (whatwg/html#12797)
        Ops o;
        auto const a = o.channel();
        auto const carrier = o.channel();
        o.on(K::port_close, PortName { a, 0 });
        o.post(PortName { carrier, 0 }, { PortName { a, 1 } });
        o.run();
        auto const obs = run_operations(o.ops);
        EXPECT_EQ(messages_at(obs, at(PortName { a, 1 }), "close").size(), 1u);
        EXPECT_EQ(obs.questioned.of_port(PortName { a, 1 }), std::vector { SpecQuestion::close_event_timing });
        Ops later; // the same with a turn between: no question
        auto const b = later.channel();
        auto const carrier2 = later.channel();
        later.on(K::port_close, PortName { b, 0 });
        later.run();
        later.post(PortName { carrier2, 0 }, { PortName { b, 1 } });
        later.run();
        EXPECT_TRUE(run_operations(later.ops).questioned.of_port(PortName { b, 1 }).empty());
    }
    { // Worker.postMessage() before the worker runs has no target port; after, it is delivered
        Ops o;
        auto const w = o.add(K::new_worker).label;
        auto& early = o.add(K::worker_post);
        early.channel = w;
        auto const m1 = early.label;
        o.add(K::worker_runs).channel = w;
        auto& late = o.add(K::worker_post);
        late.channel = w;
        auto const m2 = late.label;
        o.run();
        auto const obs = run_operations(o.ops);
        EXPECT_EQ(messages_at(obs, EventTargetName { EventTargetName::Kind::worker_global, {}, w }), std::vector { m2 });
        EXPECT_EQ(obs.questioned.messages, (Q { { SpecQuestion::worker_message_before_run, m1 } }));
    }
    { // ... and an op on a port such a message carried names the question too (it is skipped in
      // the model, where the port never arrived; an implementation that delivered it runs the op)
        Ops o;
        auto const c = o.channel();
        auto const w = o.add(K::new_worker).label;
        auto& early = o.add(K::worker_post);
        early.channel = w;
        early.transfer = { PortName { c, 1 } };
        auto const m = early.label;
        o.add(K::worker_runs).channel = w;
        o.run();
        auto& back = o.add(K::worker_global_post);
        back.channel = w;
        back.transfer = { PortName { m, 0 } };
        auto const obs = run_operations(o.ops);
        auto const& outcome = obs.outcomes.back();
        EXPECT_TRUE(outcome.skipped);
        EXPECT_EQ(outcome.questions, std::vector { SpecQuestion::worker_message_before_run });
        EXPECT_TRUE(obs.outcomes[1].questions.empty());
        auto const reference = reference_of(o.ops);
        auto ran = reference;
        ran.outcomes.back() = {};
        auto const d = compare_observations(reference, ran);
        ASSERT_TRUE(d.has_value());
        EXPECT_EQ(d->spec_questions, std::vector<std::string> { "html:run-a-worker--oncomplete:5" });
        EXPECT_NE(spec_question_text(d->spec_questions[0]).find("no issue filed"), std::string::npos);
    }
    { // none of these in the everyday case: delivered to an open port, a port moved before use
        Ops o;
        auto const c = o.channel();
        auto const carrier = o.channel();
        o.post(PortName { c, 0 });
        o.post(PortName { carrier, 0 }, { PortName { c, 1 } });
        o.on(K::port_start, PortName { carrier, 1 });
        o.run();
        o.on(K::port_start, PortName { o.ops[3].label, 0 });
        o.post(PortName { c, 0 });
        o.run();
        auto const obs = run_operations(o.ops);
        EXPECT_EQ(messages_at(obs, at(PortName { o.ops[3].label, 0 })).size(), 2u);
        // Only the close event the text fires at the old object of the moved port (receiving the
        // new one disentangles it) rests on a question: nothing about the messages does.
        EXPECT_TRUE(obs.questioned.messages.empty());
        using P = std::vector<model::web_messaging::QuestionedPort>;
        EXPECT_EQ(obs.questioned.ports, (P { { SpecQuestion::transferred_port_used, PortName { c, 1 } } }));
    }
}

// The catalogue marks every step whose text is in question, and those are exactly the steps the
// model's questions name (the clone comparator's partial transfer is one of them).
TEST(MessagingModel, EveryQuestionItNotesIsACatalogueStepInQuestionAndNoneIsLeftOut)
{
    using model::web_messaging::SpecQuestion;
    std::set<std::string> named;
    for (auto const q : { SpecQuestion::closed_port_delivers, SpecQuestion::shipped_port_keeps_message, SpecQuestion::worker_message_before_run,
             SpecQuestion::shipped_port_delivers, SpecQuestion::doomed_port_kept, SpecQuestion::partial_transfer,
             SpecQuestion::close_event_timing, SpecQuestion::transferred_port_used }) {
        auto const& info = spec::step_info(model::web_messaging::question_step(q));
        EXPECT_FALSE(info.question.empty()) << info.id;
        named.insert(std::string(info.id));
    }
    std::set<std::string> marked;
    for (auto const& step : spec::all_steps())
        if (!step.question.empty())
            marked.insert(std::string(step.id));
    EXPECT_EQ(named, marked);
}

// An implementation that starts a port's queue on addEventListener delivers a message carrying a
// port; an operation on that port then runs there and is skipped in the model. The finding is the
// extra message event (the cause), not the skipped operation (its consequence).
TEST(MessagingComparator, AnOperationRunOnOneSideOnlyComesAfterTheEventThatDeliveredItsPort)
{
    Ops o;
    auto const c = o.channel();
    auto const other = o.channel();
    PortName const p1 { c, 0 }, p2 { c, 1 };
    o.on(K::port_add_listener, p2);
    auto const carrier = o.post(p1, { PortName { other, 0 } });
    o.run();
    o.on(K::port_start, PortName { carrier, 0 });
    o.run();
    auto const reference = reference_of(o.ops);
    ASSERT_TRUE(reference.outcomes[5].skipped); // the model never delivered the port
    auto observed = reference;
    ObservedEvent delivered;
    delivered.target = at(p2);
    delivered.type = "message";
    delivered.message = carrier;
    delivered.ports = { PortName { carrier, 0 } };
    observed.events.push_back(delivered);
    observed.outcomes[5] = {};
    auto const d = compare_observations(reference, observed);
    ASSERT_TRUE(d.has_value());
    EXPECT_EQ(d->field, "events");
    EXPECT_EQ(d->signature(), "events:port:extra message@html:message-port-post-message-steps:7.7");
    // Without the event difference, the outcome is the finding.
    observed.events = reference.events;
    auto const alone = compare_observations(reference, observed);
    ASSERT_TRUE(alone.has_value());
    EXPECT_EQ(alone->field, "outcome");
}

// A close event found after a message event the model fires after it: the close event's timing
// is in question (whatwg/html#12797), so the difference is a spec question, not a deviation.
TEST(MessagingComparator, ACloseEventLaterThanTheSpecFiresItIsASpecQuestion)
{
    Ops o;
    auto const c = o.channel();
    PortName const p1 { c, 0 }, p2 { c, 1 };
    o.on(K::port_start, p2);
    o.on(K::port_close, p1);
    auto const reference = reference_of(o.ops);
    ASSERT_FALSE(reference.events.empty());
    auto later = reference;
    // A message event at p2 before its close event, as if close came a task later.
    ObservedEvent message;
    message.target = at(p2);
    message.type = "message";
    message.message = 99;
    auto mutated = reference;
    mutated.events.insert(mutated.events.begin(), message);
    later.events.push_back(message);
    auto const d = compare_observations(mutated, later);
    ASSERT_TRUE(d.has_value());
    EXPECT_EQ(d->field, "events");
    EXPECT_EQ(d->spec_questions, std::vector<std::string> { "html:disentangle:4" });
}

// A difference about a message the model treated by a questioned text carries the question (not
// in its signature); a difference about another message does not.
TEST(MessagingComparator, NamesTheOpenSpecQuestionOfTheMessageItIsAbout)
{
    auto const [o, p2, m1, m2] = closed_with_a_message_queued();
    auto const reference = reference_of(o.ops);
    ASSERT_EQ(reference.questioned.messages.size(), 1u); // m2 was queued when p2 closed; m1 was delivered before

    auto const without = [&](std::uint32_t message) {
        auto o2 = reference;
        std::erase_if(o2.events, [&](ObservedEvent const& e) { return e.type == "message" && e.message == message; });
        return o2;
    };
    auto const d = compare_observations(reference, without(m2));
    ASSERT_TRUE(d.has_value());
    EXPECT_EQ(d->spec_questions, std::vector<std::string> { "html:message-port-post-message-steps:7" });
    EXPECT_EQ(d->kind(), FindingKind::spec_question);
    EXPECT_NE(spec_question_text(d->spec_questions[0]).find("https://github.com/whatwg/html/issues/5765"), std::string::npos);
    EXPECT_NE(d->summary().find("issues/5765"), std::string::npos);
    // A spec question is a finding of its own, apart from the same difference as a deviation.
    EXPECT_NE(d->signature().find("?html:message-port-post-message-steps:7"), std::string::npos);

    auto const other = compare_observations(reference, without(m1));
    ASSERT_TRUE(other.has_value());
    EXPECT_TRUE(other->spec_questions.empty());
    EXPECT_EQ(other->kind(), FindingKind::deviation);
}

std::map<std::uint32_t, Operation const*> by_label(std::vector<Operation> const& ops)
{
    std::map<std::uint32_t, Operation const*> map;
    for (auto const& op : ops)
        map[op.label] = &op;
    return map;
}

// html:message-port-post-message-steps:7 and 7.6, service-workers:client-postmessage-options:4.5.5:
// a posted message is delivered at most once, with exactly the ports of its transfer list, named
// in transfer order.
RC_GTEST_PROP(MessagingModel, MessagesAreDeliveredAtMostOnceWithTheirTransferredPorts, ())
{
    auto const ops = *operation_sequences();
    auto const obs = run_operations(ops);
    auto const labels = by_label(ops);
    std::set<std::uint32_t> seen;
    for (auto const& e : obs.events) {
        if (e.type == "close" || e.target.kind == EventTargetName::Kind::broadcast_channel)
            continue;
        RC_ASSERT(seen.insert(e.message).second);
        auto const& op = *labels.at(e.message);
        RC_ASSERT(!obs.outcomes[std::size_t(&op - ops.data())].threw);
        if (e.type == "message") {
            RC_ASSERT(e.ports.size() == op.transfer.size());
            for (std::size_t i = 0; i < e.ports.size(); ++i)
                RC_ASSERT(e.ports[i] == (PortName { e.message, std::uint32_t(i) }));
        }
    }
}

// html:transfermessageport--receiving:2 with the port message queue: messages posted through one
// port reach their destination in posting order, also when the receiving port is transferred.
RC_GTEST_PROP(MessagingModel, MessagesFromOnePortArriveInPostingOrder, ())
{
    auto const ops = *operation_sequences();
    auto const obs = run_operations(ops);
    auto const labels = by_label(ops);
    std::map<PortName, std::uint32_t> last_from;
    for (auto const& e : obs.events) {
        if (e.target.kind != EventTargetName::Kind::port || e.type == "close")
            continue;
        auto const source = labels.at(e.message)->port;
        if (auto it = last_from.find(source); it != last_from.end())
            RC_ASSERT(it->second < e.message);
        last_from[source] = e.message;
    }
}

// html:dom-broadcastchannel-postmessage:6-7: a broadcast reaches only other channels of its name
// and storage key, each at most once.
RC_GTEST_PROP(MessagingModel, BroadcastsReachOnlyOtherChannelsOfTheirNameAndKey, ())
{
    auto const ops = *operation_sequences();
    auto const obs = run_operations(ops);
    auto const labels = by_label(ops);
    std::set<std::pair<std::uint32_t, std::uint32_t>> seen;
    auto const site = [](Agent a) { return a == Agent::window_other_site; };
    for (auto const& e : obs.events) {
        if (e.target.kind != EventTargetName::Kind::broadcast_channel)
            continue;
        auto const& post = *labels.at(e.message);
        auto const& source = *labels.at(post.channel);
        auto const& destination = *labels.at(e.target.id);
        RC_ASSERT(destination.label != source.label);
        RC_ASSERT(destination.name == source.name);
        RC_ASSERT(site(destination.agent) == site(source.agent));
        RC_ASSERT(seen.insert({ e.message, e.target.id }).second);
    }
}

// The event loop runs every runnable task: after the last run, no enabled port of a live agent
// still holds a task (html:message-port-post-message-steps:7).
// run_operations runs the second schedule only when the first ran a task at a port in transit:
// otherwise the two take the same tasks, so nothing is lost by skipping it.
RC_GTEST_PROP(MessagingModel, TheSchedulesDifferOnlyWhereATaskRanAtAPortInTransit, ())
{
    auto const ops = *operation_sequences();
    auto const first = run_operations(ops);
    bool const ran_in_transit = std::any_of(first.questioned.messages.begin(), first.questioned.messages.end(),
        [](auto const& q) { return q.question == model::web_messaging::SpecQuestion::shipped_port_delivers; });
    RC_TAG(ran_in_transit ? "ran at a port in transit" : "did not");
    if (ran_in_transit)
        return;
    World other(model::web_messaging::Schedule::shipped_ports_last);
    std::vector<model::web_messaging::OperationOutcome> outcomes;
    for (auto const& op : ops)
        outcomes.push_back(other.run(op));
    RC_ASSERT(other.events() == first.events);
    RC_ASSERT(outcomes == first.outcomes);
    RC_ASSERT(first.alternatives.empty());
}

RC_GTEST_PROP(MessagingModel, RunningTheEventLoopsDrainsEveryEnabledPort, ())
{
    auto const ops = *operation_sequences();
    World world;
    for (auto const& op : ops)
        (void)world.run(op);
    for (auto const& p : world.ports())
        if (p.enabled && p.exists)
            RC_ASSERT(p.queued == 0u);
}

// The comparator (compare.cpp, compare_operations): every change the spec rules out is reported
// with a signature that names its kind; origin and source are the implementation's choice.
RC_GTEST_PROP(MessagingComparator, ReportsEveryChangeTheSpecRulesOutAndNoOther, ())
{
    auto const reference = reference_of(*operation_sequences());
    RC_ASSERT(!compare_observations(reference, reference).has_value());

    auto mutated = reference;
    auto const what = *rc::gen::inRange(0, 6);
    std::string expected_signature;
    switch (what) {
    case 0: { // an outcome
        auto const i = *rc::gen::inRange<std::size_t>(0, mutated.outcomes.size());
        auto& r = mutated.outcomes[i];
        r = r.threw || r.skipped ? model::web_messaging::OperationOutcome {} : model::web_messaging::OperationOutcome { true, "TypeError", false, {} };
        expected_signature = "outcome:";
        break;
    }
    case 1: { // an event dropped (one the spec lets the user agent skip is no difference)
        RC_PRE(!mutated.events.empty());
        auto const i = *rc::gen::inRange<std::size_t>(0, mutated.events.size());
        bool const optional = mutated.events[i].optional;
        mutated.events.erase(mutated.events.begin() + std::ptrdiff_t(i));
        if (optional) {
            Choices choices;
            RC_ASSERT(!compare_observations(reference, mutated, &choices).has_value());
            RC_ASSERT(choices.count("a message to a service worker without a message listener at its first run is skipped") == 1u);
            return;
        }
        expected_signature = ":missing ";
        break;
    }
    case 2: { // an event added
        ObservedEvent extra;
        extra.target = at(PortName { 9999, 0 });
        extra.type = "close";
        mutated.events.push_back(extra);
        expected_signature = "events:port:extra close";
        break;
    }
    case 3: { // two message events of one target swapped
        std::map<EventTargetName, std::vector<std::size_t>> at_target;
        for (std::size_t i = 0; i < mutated.events.size(); ++i)
            if (mutated.events[i].type == "message")
                at_target[mutated.events[i].target].push_back(i);
        std::vector<std::size_t> const* pair = nullptr;
        for (auto const& [t, is] : at_target)
            if (is.size() >= 2)
                pair = &is;
        bool const two_messages_at_one_target = pair != nullptr; // (RC_PRE would print what a pointer points to)
        RC_PRE(two_messages_at_one_target);
        std::swap(mutated.events[(*pair)[0]], mutated.events[(*pair)[1]]);
        expected_signature = ":order";
        break;
    }
    case 4: { // a message event's ports
        std::vector<std::size_t> messages;
        for (std::size_t i = 0; i < mutated.events.size(); ++i)
            if (mutated.events[i].type == "message")
                messages.push_back(i);
        RC_PRE(!messages.empty());
        auto& e = mutated.events[messages[*rc::gen::inRange<std::size_t>(0, messages.size())]];
        e.ports.push_back(PortName { 9999, 7 });
        expected_signature = ":ports";
        break;
    }
    case 5: { // origin and source: the implementation's context, not compared
        for (auto& e : mutated.events) {
            e.origin = "";
            e.source = "";
        }
        Choices choices;
        RC_ASSERT(!compare_observations(reference, mutated, &choices).has_value());
        return;
    }
    }
    // A mutation may happen to give another order of tasks the spec allows: then it is no difference.
    for (auto const& allowed : reference.alternatives)
        if (allowed.events == mutated.events && allowed.outcomes == mutated.outcomes) {
            RC_ASSERT(!compare_observations(reference, mutated).has_value());
            return;
        }
    auto const difference = compare_observations(reference, mutated);
    RC_ASSERT(difference.has_value());
    RC_ASSERT(difference->signature().find(expected_signature) != std::string::npos);
}

// Should Skip Event's events are counted, not matched by message: an implementation's messageerror
// does not say which message it was for, so two skippable messageerrors and one given is no
// difference, and none of them required.
TEST(MessagingComparator, SkippableEventsOfOneKindAreCounted)
{
    Observation reference;
    ObservedEvent e;
    e.target = { EventTargetName::Kind::service_worker_global, {}, 0 };
    e.type = "messageerror";
    e.optional = true;
    e.message = 1;
    reference.events.push_back(e);
    e.message = 2;
    reference.events.push_back(e);
    reference.outcomes.resize(1);
    for (std::size_t given = 0; given <= 2; ++given) {
        auto observed = reference;
        observed.events.resize(given);
        for (auto& o : observed.events) {
            o.optional = false;
            o.message = 0; // an IUT cannot tell
        }
        EXPECT_FALSE(compare_observations(reference, observed).has_value()) << given << " given";
    }
    auto three = reference;
    three.events.push_back(e);
    for (auto& o : three.events)
        o.optional = false;
    auto const d = compare_observations(reference, three);
    ASSERT_TRUE(d.has_value());
    EXPECT_NE(d->signature().find(":extra messageerror"), std::string::npos);
}

// Schedule: a message left on a port transferred away runs there if its task comes first, or
// moves with the port if the receiving task does (html:transfermessageport:2,
// html:transfermessageport--receiving:2); the model gives both, and the comparator takes either.
TEST(MessagingModel, TasksLeftOnAPortInTransitGiveTwoAllowedObservations)
{
    Ops o;
    auto const c = o.channel();
    auto const carrier = o.channel();
    PortName const p1 { c, 0 }, p2 { c, 1 };
    auto const m = o.post(p1);
    o.on(K::port_start, p2);
    auto const ship = o.post(PortName { carrier, 0 }, { p2 });
    o.on(K::port_start, PortName { carrier, 1 });
    o.run();
    PortName const received { ship, 0 };
    o.on(K::port_start, received);
    o.run();
    auto const reference = reference_of(o.ops);
    // The oldest task first: m at the old port.
    EXPECT_EQ(messages_at(run_operations(o.ops), at(p2)), std::vector { m });
    ASSERT_EQ(reference.alternatives.size(), 1u);
    auto const& moved = reference.alternatives[0];
    std::vector<std::uint32_t> at_received;
    for (auto const& e : moved.events)
        if (e.type == "message" && e.target == at(received))
            at_received.push_back(e.message);
    EXPECT_EQ(at_received, std::vector { m });

    Choices choices;
    EXPECT_FALSE(compare_observations(reference, moved, &choices).has_value());
    EXPECT_EQ(choices.count("a message left on a port transferred away moves with it to the new port"), 1u);
    // Neither: m moved, but with a port it did not carry. The difference is reported against the
    // nearer allowed Observation (the moved one), and says which it was.
    auto wrong = moved;
    for (auto& e : wrong.events)
        if (e.type == "message" && e.message == m)
            e.ports.push_back(PortName { 9999, 0 });
    auto const d = compare_observations(reference, wrong);
    ASSERT_TRUE(d.has_value());
    EXPECT_EQ(d->reference_index, 1u);
    EXPECT_NE(d->signature().find(":ports"), std::string::npos);
    // Without a transfer there is only one order that matters.
    Ops plain;
    auto const pc = plain.channel();
    plain.post(PortName { pc, 0 });
    plain.on(K::port_start, PortName { pc, 1 });
    plain.run();
    EXPECT_TRUE(run_operations(plain.ops).alternatives.empty());
}

} // namespace
} // namespace pmconf::conformance::messaging
