#include "model/html/web_messaging/messaging.h"

#include "model/html/structured_data/deserialize.h"
#include "model/html/structured_data/serialize.h"
#include "model/html/structured_data/with_transfer.h"
#include "model/html/web_messaging/message_port.h"
#include "model/infra/faults.h"
#include "model/infra/trace.h"
#include "spec/catalogue.h"

#include <algorithm>
#include <array>
#include <functional>
#include <limits>

namespace pmconf::model::web_messaging {

using ecma262::Heap;
using ecma262::ObjectId;
using ecma262::ObjectKind;
using ecma262::PlatformInterface;
using ecma262::PlatformSlots;
using ecma262::RealmId;
using ecma262::Value;

// --- Names ---

std::string to_string(PortName name) { return "port(" + std::to_string(name.op) + "." + std::to_string(name.index) + ")"; }

char const* agent_name(Agent agent)
{
    switch (agent) {
    case Agent::window_a: return "window A";
    case Agent::window_b: return "window B";
    case Agent::window_other_site: return "window C (other site)";
    case Agent::service_worker: return "service worker";
    case Agent::dedicated_worker: return "the dedicated worker";
    }
    return "?";
}

Agent client_agent(std::uint32_t client) { return client == worker_client ? Agent::dedicated_worker : Agent(client); }

spec::StepId question_step(SpecQuestion question)
{
    namespace S = spec::steps;
    switch (question) {
    case SpecQuestion::closed_port_delivers: return S::message_port_post_message::s7;
    case SpecQuestion::shipped_port_keeps_message: return S::message_port_transfer_receiving::s2;
    case SpecQuestion::worker_message_before_run: return S::run_a_worker_on_complete::s5;
    case SpecQuestion::shipped_port_delivers: return S::message_port_post_message::s7_1;
    case SpecQuestion::doomed_port_kept: return S::message_port_post_message::s4;
    case SpecQuestion::partial_transfer: return S::structured_serialize_with_transfer::s5;
    case SpecQuestion::close_event_timing: return S::disentangle::s4;
    case SpecQuestion::transferred_port_used: return S::message_port_post_message_options::s1;
    }
    return S::message_port_post_message::s7;
}

namespace {

void add_question(std::vector<SpecQuestion>& to, SpecQuestion q)
{
    if (std::find(to.begin(), to.end(), q) == to.end())
        to.push_back(q);
}

} // namespace

void Questioned::add(SpecQuestion question, std::uint32_t message)
{
    QuestionedMessage const q { question, message };
    if (std::find(messages.begin(), messages.end(), q) == messages.end())
        messages.push_back(q);
}

void Questioned::add(SpecQuestion question, PortName port)
{
    QuestionedPort const q { question, port };
    if (std::find(ports.begin(), ports.end(), q) == ports.end())
        ports.push_back(q);
}

std::vector<SpecQuestion> Questioned::of_message(std::uint32_t message) const
{
    std::vector<SpecQuestion> out;
    for (auto const& q : messages)
        if (q.message == message)
            add_question(out, q.question);
    return out;
}

std::vector<SpecQuestion> Questioned::of_port(PortName port) const
{
    // A port received with a questioned message (its name is that message's label).
    auto out = of_message(port.op);
    for (auto const& q : ports)
        if (q.port == port)
            add_question(out, q.question);
    return out;
}

std::vector<SpecQuestion> Questioned::of_event(ObservedEvent const& e) const
{
    if (empty())
        return {};
    bool const at_port = e.target.kind == EventTargetName::Kind::port;
    if (e.type == "close")
        return at_port ? of_port(e.target.port) : std::vector<SpecQuestion> {};
    // A message event: its message's questions (a message posted to or from a questioned port
    // has them too), and those of the message that delivered its target port. Not the target
    // port's own: a message that no reading delivers there is a deviation wherever it lands.
    auto out = of_message(e.message);
    if (at_port)
        for (auto const q : of_message(e.target.port.op))
            add_question(out, q);
    return out;
}

std::string to_string(EventTargetName target)
{
    switch (target.kind) {
    case EventTargetName::Kind::port: return to_string(target.port);
    case EventTargetName::Kind::broadcast_channel: return "broadcast(" + std::to_string(target.id) + ")";
    case EventTargetName::Kind::container: return "client(" + std::to_string(target.id) + ").serviceWorker";
    case EventTargetName::Kind::worker: return "worker(" + std::to_string(target.id) + ")";
    case EventTargetName::Kind::worker_global: return "worker(" + std::to_string(target.id) + ") global";
    case EventTargetName::Kind::service_worker_global: return "the service worker's global";
    }
    return "?";
}

std::string to_string(ObservedEvent const& event)
{
    std::string s = event.type + " at " + to_string(event.target);
    if (event.type != "close")
        s += " (message " + std::to_string(event.message) + ")";
    if (!event.ports.empty()) {
        s += " ports [";
        for (std::size_t i = 0; i < event.ports.size(); ++i)
            s += (i ? ", " : "") + to_string(event.ports[i]);
        s += "]";
    }
    if (!event.origin.empty())
        s += " origin " + event.origin;
    if (!event.source.empty())
        s += " source " + event.source;
    if (event.optional)
        s += " (may be skipped)";
    return s;
}

std::string to_string(Operation const& op)
{
    auto const index = op.label;
    using K = Operation::Kind;
    auto transfer = [&] {
        std::string s;
        for (std::size_t i = 0; i < op.transfer.size(); ++i)
            s += (i ? ", " : "") + to_string(op.transfer[i]);
        return s;
    };
    auto message = [&] {
        std::string s = "[" + std::to_string(index) + "]";
        if (op.message.symbol)
            s += "+Symbol";
        if (op.message.shared_buffer)
            s += "+SharedArrayBuffer";
        return s;
    };
    auto post_args = [&] {
        if (op.sequence_overload)
            return message() + ", [" + transfer() + "]";
        return message() + (op.transfer.empty() ? std::string() : ", {transfer: [" + transfer() + "]}");
    };
    std::string const n = "#" + std::to_string(index) + " ";
    switch (op.kind) {
    case K::new_channel: return n + "in " + agent_name(op.agent) + ": new MessageChannel() -> " + to_string(PortName { std::uint32_t(index), 0 }) + ", " + to_string(PortName { std::uint32_t(index), 1 });
    case K::port_post: return n + to_string(op.port) + ".postMessage(" + post_args() + ")";
    case K::port_start: return n + to_string(op.port) + ".start()";
    case K::port_set_onmessage: return n + to_string(op.port) + ".onmessage = f";
    case K::port_add_listener: return n + to_string(op.port) + ".addEventListener('message', f)";
    case K::port_close: return n + to_string(op.port) + ".close()";
    case K::new_broadcast: return n + "in " + agent_name(op.agent) + ": broadcast(" + std::to_string(index) + ") = new BroadcastChannel('" + std::string(1, char('a' + op.name)) + "')";
    case K::broadcast_post: return n + "broadcast(" + std::to_string(op.channel) + ").postMessage(" + message() + ")";
    case K::broadcast_close: return n + "broadcast(" + std::to_string(op.channel) + ").close()";
    case K::client_post: return n + "in the service worker: client(" + std::to_string(op.client) + ").postMessage(" + post_args() + ")";
    case K::client_gone: return n + "client(" + std::to_string(op.client) + ") goes away";
    case K::container_start: return n + "client(" + std::to_string(op.client) + "): navigator.serviceWorker.startMessages()";
    case K::container_set_onmessage: return n + "client(" + std::to_string(op.client) + "): navigator.serviceWorker.onmessage = f";
    case K::container_add_listener: return n + "client(" + std::to_string(op.client) + "): navigator.serviceWorker.addEventListener('message', f)";
    case K::document_parsed: return n + "client(" + std::to_string(op.client) + "): the document finishes parsing";
    case K::run_event_loops: return n + "run the event loops";
    case K::new_worker: return n + "in window A: worker(" + std::to_string(index) + ") = new Worker(" + (op.unparsable_url ? "an unparsable URL" : "url") + ")";
    case K::worker_runs: return n + "worker(" + std::to_string(op.channel) + ")'s script has loaded and runs";
    case K::worker_post: return n + "worker(" + std::to_string(op.channel) + ").postMessage(" + post_args() + ")";
    case K::worker_global_post: return n + "in worker(" + std::to_string(op.channel) + "): postMessage(" + post_args() + ")";
    case K::service_worker_listens: return n + "the service worker's first run adds a message listener";
    case K::service_worker_post: return n + "client(" + std::to_string(op.client) + "): navigator.serviceWorker.controller.postMessage(" + post_args() + ")";
    }
    return n + "?";
}

// --- The World ---

namespace {

// The last step of an operation that returned: where the model went on without throwing.
std::string_view returning_step(Operation::Kind kind)
{
    using K = Operation::Kind;
    switch (kind) {
    case K::new_channel: return "html:dom-messagechannel:3";
    case K::port_post: return "html:message-port-post-message-steps:6";
    case K::port_start: return "html:dom-messageport-start:1";
    case K::port_set_onmessage: return "html:handler-messageeventtarget-onmessage:1";
    case K::port_close: return "html:dom-messageport-close:2";
    case K::new_broadcast: return "html:dom-broadcastchannel:2";
    case K::broadcast_post: return "html:dom-broadcastchannel-postmessage:9";
    case K::broadcast_close: return "html:dom-broadcastchannel-close:1";
    case K::client_post: return "service-workers:client-postmessage-options:4";
    case K::container_start: return "service-workers:navigator-service-worker-startmessages:1";
    case K::container_set_onmessage: return "service-workers:service-worker-container-event-handlers:1";
    case K::document_parsed: return "html:stop-parsing:6.4";
    case K::new_worker: return "html:dom-worker:9";
    case K::worker_runs: return "html:run-a-worker--oncomplete:12";
    case K::worker_post:
    case K::worker_global_post: return "html:message-port-post-message-steps:6";
    case K::service_worker_post: return "service-workers:service-worker-postmessage-options:6";
    default: return { };
    }
}


namespace MC = spec::steps::message_channel_constructor;
namespace EN = spec::steps::entangle;
namespace DI = spec::steps::disentangle;
namespace TR = spec::steps::message_port_transfer;
namespace RC = spec::steps::message_port_transfer_receiving;
namespace PM = spec::steps::message_port_post_message;
namespace PO = spec::steps::message_port_post_message_options;
namespace PT = spec::steps::message_port_post_message_transfer;
namespace ST = spec::steps::message_port_start;
namespace CL = spec::steps::message_port_close;
namespace OM = spec::steps::message_port_onmessage;
namespace BC = spec::steps::broadcast_channel_constructor;
namespace BP = spec::steps::broadcast_channel_post_message;
namespace BX = spec::steps::broadcast_channel_close;
namespace SP = spec::steps::stop_parsing;
namespace CT = spec::steps::client_post_message_transfer;
namespace CP = spec::steps::client_post_message;
namespace SM = spec::steps::container_start_messages;
namespace CO = spec::steps::container_onmessage;
namespace WC = spec::steps::worker_constructor;
namespace RW = spec::steps::run_a_worker_on_complete;
namespace WP = spec::steps::worker_post_message;
namespace WG = spec::steps::worker_global_post_message;
namespace SWT = spec::steps::service_worker_post_message_transfer;
namespace SWP = spec::steps::service_worker_post_message;
namespace SSE = spec::steps::should_skip_event;

constexpr std::size_t no_port = std::numeric_limits<std::size_t>::max();

std::string origin_of(Agent agent) { return agent == Agent::window_other_site ? "https://b.example" : "https://a.example"; }
// Storage keys for non-storage purposes: the origin's (no partitioning among these agents).
std::string storage_key_of(Agent agent) { return origin_of(agent); }

// A task on a port message queue: the message port post message steps' step 7.
struct PortTask {
    std::uint64_t sequence = 0;     // when it was queued (the order of the unshipped port message queue)
    std::uint32_t message = 0;      // the posting op
    std::shared_ptr<html::SerializeWithTransferResult> serialized;
};
using PortMessageQueue = std::deque<PortTask>;

struct Port {
    PortName name;
    Agent agent = Agent::window_a;
    ObjectId object;                            // the MessagePort platform object
    std::size_t entangled = no_port;
    std::shared_ptr<PortMessageQueue> queue = std::make_shared<PortMessageQueue>();
    bool enabled = false;
    bool shipped = false;
    bool onmessage_set = false;
    bool implicit = false;     // a worker's outside or inside port: no script holds it
    bool closed = false;       // close() was called (the model's note, for the questioned delivery)
    bool queue_moved = false;  // shipped and received: its queued tasks moved to the new port
    bool transferred = false;  // this port object was transferred (its transfer steps ran): the script's is the old one
    bool closed_in_task = false; // a close event fired at it in the task running now (the ops before the next turn)
    std::optional<EventTargetName> message_event_target; // absent: the port itself
};

// A dedicated worker: its Worker object's outside port, and once it runs its inside port.
struct DedicatedWorker {
    std::uint32_t op = 0;
    std::size_t outside_port = std::numeric_limits<std::size_t>::max();
    std::size_t inside_port = std::numeric_limits<std::size_t>::max();
    bool running = false;
};

// What a MessagePort's transfer steps put in its data holder: [[PortMessageQueue]], [[RemotePort]].
struct PortHolder {
    std::shared_ptr<PortMessageQueue> queue;
    std::size_t remote_port = no_port;
    std::size_t port = no_port; // the port that was transferred (the model's note)
};

struct BroadcastChannel {
    std::uint32_t op = 0;           // creation order
    Agent agent = Agent::window_a;
    std::uint8_t name = 0;
    bool closed = false;
};

// A task of some other task source (the DOM manipulation task source).
struct Task {
    std::uint64_t sequence = 0;
    Agent agent = Agent::window_a;
    std::function<void()> steps;
};

struct ClientTask {
    std::uint64_t sequence = 0;
    std::function<void()> steps;
};

struct Container {
    bool exists = true;             // the client still exists
    bool enabled = false;           // the client message queue
    bool onmessage_set = false;
    bool parsed = false;            // "the end" has run for its document
    std::deque<ClientTask> client_message_queue;
};

} // namespace

struct World::Impl final : PortHost {
    World& world;
    Schedule schedule = Schedule::oldest_first;
    Heap heap;
    std::array<RealmId, agent_count> realms {};
    std::vector<Port> ports;
    std::vector<PortHolder> holders;
    std::vector<BroadcastChannel> channels;
    std::array<Container, client_count> containers;
    std::optional<DedicatedWorker> worker;
    bool service_worker_ran = false;            // its first script run is over
    bool service_worker_handles_message = false; // its set of event types to handle has "message"
    std::vector<Task> dom_manipulation; // every agent's, in queueing order
    std::uint64_t next_sequence = 1;
    std::uint32_t current_op = 0;
    // While a message is deserialized: the posting op and the ports received so far.
    std::uint32_t receiving_message = 0;
    Agent receiving_agent = Agent::window_a;
    std::vector<std::size_t> received_ports;

    Impl(World& w, Schedule s) : world(w), schedule(s)
    {
        // Windows A and B: one site, one agent cluster; window C: another site; the service
        // worker: an agent cluster of its own (so shared memory does not reach it).
        std::array<ecma262::AgentClusterId, agent_count> const clusters { 1, 1, 2, 3, 1 };
        for (int a = 0; a < agent_count; ++a) {
            ecma262::Realm realm;
            realm.name = agent_name(Agent(a));
            realm.agent_cluster = clusters[std::size_t(a)];
            realms[std::size_t(a)] = heap.add_realm(realm);
        }
        // The worker is a client only once it runs.
        containers[worker_client].exists = false;
        if (fault_active(Fault::client_queue_enabled_from_start))
            for (auto& c : containers)
                c.enabled = true;
    }

    RealmId realm_of(Agent a) const { return realms[std::size_t(a)]; }
    static OperationOutcome threw(std::string error, spec::StepId step)
    {
        return { true, std::move(error), false, std::string(spec::step_info(step).id) };
    }
    void fire(ObservedEvent event) { world.m_events.push_back(std::move(event)); }
    void questioned(SpecQuestion question, std::uint32_t message) { world.m_questioned.add(question, message); }
    void questioned_port(SpecQuestion question, std::size_t port) { world.m_questioned.add(question, ports[port].name); }
    // A message posted to a port whose state rests on a questioned text rests on it too.
    void question_message_to(std::size_t target_port, std::uint32_t message)
    {
        if (!world.m_questioned.empty())
            for (auto const q : world.m_questioned.of_port(ports[target_port].name))
                questioned(q, message);
    }
    static EventTargetName port_target(PortName n) { return { EventTargetName::Kind::port, n, 0 }; }

    // The port a script holds by that name (a worker's implicit ports are held by no script: an
    // op that names one is not run).
    std::size_t find_port(PortName name) const
    {
        for (std::size_t i = 0; i < ports.size(); ++i)
            if (ports[i].name == name)
                return ports[i].implicit ? no_port : i;
        return no_port;
    }
    PlatformSlots& slots(std::size_t port) { return ecma262::slots_of<PlatformSlots>(heap.object(ports[port].object)); }
    bool detached(std::size_t port) { return slots(port).detached; }

    std::size_t new_port(PortName name, Agent agent, ObjectId object)
    {
        Port p;
        p.name = name;
        p.agent = agent;
        p.object = object;
        ports.push_back(std::move(p));
        slots(ports.size() - 1).port_id = std::uint32_t(ports.size() - 1);
        return ports.size() - 1;
    }

    std::size_t allocate_port(PortName name, Agent agent)
    {
        auto const object = heap.allocate(ObjectKind::platform, realm_of(agent),
            ecma262::make_platform_slots(PlatformInterface::message_port));
        return new_port(name, agent, object);
    }

    // --- entangle / disentangle ---

    // https://html.spec.whatwg.org/multipage/web-messaging.html#disentangle
    void disentangle(std::size_t initiator_port)
    {
        // 1. otherPort is the initiator's partner.
        PM_STEP(DI::s1);
        auto const other_port = ports[initiator_port].entangled;
        // 2. Assert: it exists.
        PM_STEP(DI::s2);
        if (other_port == no_port)
            model_defect("disentangle: the initiator is not entangled", __FILE__, __LINE__);
        // 3. They are no longer entangled.
        PM_STEP(DI::s3);
        ports[initiator_port].entangled = no_port;
        ports[other_port].entangled = no_port;
        // 4. A close event fires at the other port only.
        PM_STEP(DI::s4);
        // MODEL: the other port may be the old object of a transferred port, still entangled by
        // the text until the new port is received (its entangling is what disentangles it): a
        // close event there rests on that question.
        if (ports[other_port].transferred)
            questioned_port(SpecQuestion::transferred_port_used, other_port);
        if (!fault_active(Fault::close_event_not_fired))
            fire({ port_target(ports[other_port].name), "close", 0, {}, {}, {} });
        ports[other_port].closed_in_task = true;
    }

    // https://html.spec.whatwg.org/multipage/web-messaging.html#entangle
    void entangle(std::size_t a, std::size_t b)
    {
        // 1. A port that is already entangled is disentangled first (it is the initiator).
        PM_STEP(EN::s1);
        if (ports[a].entangled != no_port)
            disentangle(a);
        if (ports[b].entangled != no_port)
            disentangle(b);
        // 2. They form a new channel.
        PM_STEP(EN::s2);
        ports[a].entangled = b;
        ports[b].entangled = a;
    }

    // --- MessagePort transfer steps (called from StructuredSerializeWithTransfer 5.5.4 and
    // StructuredDeserializeWithTransfer 3.4.4) ---

    // https://html.spec.whatwg.org/multipage/web-messaging.html#transferMessagePort
    void transfer_steps(PlatformSlots& value, html::TransferDataHolder& data_holder) override
    {
        auto const port = std::size_t(value.port_id);
        PortHolder holder;
        // 1. The port has been shipped.
        PM_STEP(TR::s1);
        ports[port].shipped = true;
        ports[port].transferred = true;
        // MODEL: a close event fired at this port in this task, synchronously as the text says,
        // is seen before it leaves; implementations fire it from a later task, at whichever port
        // holds the channel then (whatwg/html#12797). What the port shows next rests on that.
        if (ports[port].closed_in_task)
            questioned_port(SpecQuestion::close_event_timing, port);
        // 2. Its port message queue goes with the holder.
        PM_STEP(TR::s2);
        holder.queue = ports[port].queue;
        // 3. An entangled port's partner is shipped too, and is the remote port.
        PM_STEP(TR::s3);
        if (auto const remote = ports[port].entangled; remote != no_port) {
            // 3.1. The partner has been shipped.
            PM_STEP(TR::s3_1);
            ports[remote].shipped = true;
            // 3.2. It is the remote port.
            PM_STEP(TR::s3_2);
            holder.remote_port = remote;
        } else {
            // 4. Otherwise there is no remote port.
            PM_STEP(TR::s4);
            holder.remote_port = no_port;
        }
        holder.port = port;
        holders.push_back(std::move(holder));
        data_holder.port_id = std::uint32_t(holders.size() - 1);
    }

    void transfer_receiving_steps(html::TransferDataHolder const& data_holder, ObjectId object, PlatformSlots&) override
    {
        auto const& holder = holders[data_holder.port_id];
        // The new port's name: the message that delivers it, and its place among the ports received.
        auto const port = new_port(PortName { receiving_message, std::uint32_t(received_ports.size()) }, receiving_agent, object);
        received_ports.push_back(port);
        // 1. The new port has been shipped.
        PM_STEP(RC::s1);
        ports[port].shipped = true;
        // 2. The tasks queued on the transferred port move to the new one, whose queue starts
        //    disabled.
        PM_STEP(RC::s2);
        if (!fault_active(Fault::transferred_port_drops_queued_messages)) {
            for (auto& task : *holder.queue)
                ports[port].queue->push_back(std::move(task));
        }
        holder.queue->clear();
        ports[holder.port].queue_moved = true;
        ports[port].enabled = fault_active(Fault::received_port_queue_enabled);
        // 3. With a remote port, entangle it with the new port (ending its entanglement with the
        //    port that was transferred).
        PM_STEP(RC::s3);
        if (holder.remote_port != no_port)
            entangle(holder.remote_port, port);
    }

    // --- Messages ---

    // The message of op `op`: an Array [op], with a Symbol or a SharedArrayBuffer as asked.
    Value make_message(Agent agent, std::uint32_t op, MessageSpec spec)
    {
        auto const realm = realm_of(agent);
        auto const array = heap.allocate(ObjectKind::array, realm, ecma262::ArraySlots {});
        heap.create_data_property(array, ecma262::PropertyKey::index(0), Value::number(double(op)));
        std::uint32_t next = 1;
        if (spec.shared_buffer) {
            ecma262::ArrayBufferSlots buffer;
            buffer.array_buffer_data = std::make_shared<ecma262::DataBlock>(4, std::uint8_t(op));
            buffer.array_buffer_byte_length = 4;
            buffer.shared = true;
            auto const sab = heap.allocate(ObjectKind::array_buffer, realm, std::move(buffer));
            heap.create_data_property(array, ecma262::PropertyKey::index(next++), Value::object(sab));
        }
        if (spec.symbol)
            heap.create_data_property(array, ecma262::PropertyKey::index(next++), heap.new_symbol(u"s"));
        return Value::object(array);
    }

    // The ports an op names, as the objects a script in `agent` holds; nullopt when one of them
    // is not (yet) an object of that agent.
    std::optional<std::vector<ObjectId>> transfer_objects(std::vector<PortName> const& names, Agent agent)
    {
        std::vector<ObjectId> objects;
        for (auto const& name : names) {
            auto const port = find_port(name);
            if (port == no_port || ports[port].agent != agent)
                return std::nullopt;
            objects.push_back(ports[port].object);
        }
        return objects;
    }

    std::vector<PortName> new_port_names()
    {
        std::vector<PortName> names;
        for (auto const port : received_ports)
            names.push_back(ports[port].name);
        return names;
    }

    Completion<html::DeserializeWithTransferResult> deserialize_with_transfer(html::SerializeWithTransferResult const& serialized,
        std::uint32_t message, Agent agent)
    {
        receiving_message = message;
        receiving_agent = agent;
        received_ports.clear();
        PortHostScope host(*this);
        return html::structured_deserialize_with_transfer(heap, serialized, realm_of(agent));
    }

    // StructuredSerializeWithTransfer of a message, with the MessagePort transfer steps filled in.
    // MODEL: a failure in its step 5 (an entry found detached, after the entries before it were
    // transferred) leaves those entries shipped, as the text says: the ports of the transfer list
    // and their partners rest on that questioned text from then on.
    Completion<html::SerializeWithTransferResult> serialize_message(Agent agent, Value value, std::vector<ObjectId> const& transfer)
    {
        auto serialized = [&] {
            PortHostScope host(*this);
            return html::structured_serialize_with_transfer(heap, realm_of(agent), value, transfer);
        }();
        if (serialized.is_throw() && spec::step_info(serialized.thrown().step).id.starts_with("html:structuredserializewithtransfer:5.")) {
            for (auto const object : transfer) {
                auto const port = std::size_t(ecma262::slots_of<PlatformSlots>(heap.object(object)).port_id);
                questioned_port(SpecQuestion::partial_transfer, port);
                if (ports[port].entangled != no_port)
                    questioned_port(SpecQuestion::partial_transfer, ports[port].entangled);
            }
        }
        return serialized;
    }

    // https://html.spec.whatwg.org/multipage/web-messaging.html#message-port-post-message-steps
    OperationOutcome message_port_post_message(std::size_t source_port, std::size_t target_port,
        std::vector<ObjectId> const& transfer_objects, MessageSpec message_spec)
    {
        // 1. transfer is the options' transfer list.
        PM_STEP(PM::s1);
        auto const& transfer = transfer_objects;
        auto const contains = [&](std::size_t port) {
            return std::find(transfer.begin(), transfer.end(), ports[port].object) != transfer.end();
        };
        // 2. The source port cannot transfer itself.
        PM_STEP(PM::s2);
        if (contains(source_port) && !fault_active(Fault::source_port_transfer_allowed))
            return threw("DataCloneError", PM::s2);
        // 3. doomed starts out false.
        PM_STEP(PM::s3);
        bool doomed = false;
        // 4. Transferring the target port dooms the message.
        PM_STEP(PM::s4);
        if (target_port != no_port && contains(target_port))
            doomed = true; // OPTIONAL: a console report, which is not observed.
        // 5. Serialize with transfer (this ships the transferred ports); rethrow.
        PM_STEP(PM::s5);
        auto const agent = ports[source_port].agent;
        auto const value = make_message(agent, current_op, message_spec);
        auto serialized = serialize_message(agent, value, transfer);
        if (serialized.is_throw())
            return threw(std::string(error_kind_name(serialized.thrown().kind)), serialized.thrown().step);
        // 6. No target, or doomed: nothing is delivered.
        PM_STEP(PM::s6);
        if (target_port == no_port || (doomed && !fault_active(Fault::doomed_message_delivered))) {
            if (target_port == no_port && worker && source_port == worker->outside_port && !worker->running)
                questioned(SpecQuestion::worker_message_before_run, current_op);
            // MODEL: nothing disentangles a doomed message's target port: it stays entangled with
            // the source port, holding its queue, which is in question (the note says the channel
            // is lost). Both ports rest on that text from here on (the doomed message itself is
            // not delivered by any reading).
            if (doomed) {
                questioned_port(SpecQuestion::doomed_port_kept, source_port);
                questioned_port(SpecQuestion::doomed_port_kept, target_port);
            }
            return {};
        }
        // 7. A task on the target port's message queue.
        PM_STEP(PM::s7);
        if (ports[target_port].queue_moved)
            questioned(SpecQuestion::shipped_port_keeps_message, current_op);
        question_message_to(target_port, current_op);
        ports[target_port].queue->push_back(PortTask { next_sequence++, current_op,
            std::make_shared<html::SerializeWithTransferResult>(serialized.release_value()) });
        return {};
    }

    // Step 7's task, run from the port message queue of final_target_port.
    void run_port_task(std::size_t final_target_port, PortTask const& task)
    {
        // 7.1. finalTargetPort is the port whose queue the task is on now.
        PM_STEP(PM::s7_1);
        // 7.2. Its message event target (the port, or for a worker's implicit port the Worker or
        //      its global scope).
        PM_STEP(PM::s7_2);
        auto const target = ports[final_target_port].message_event_target.value_or(port_target(ports[final_target_port].name));
        if (ports[final_target_port].closed)
            questioned(SpecQuestion::closed_port_delivers, task.message);
        else if (detached(final_target_port))
            questioned(SpecQuestion::shipped_port_delivers, task.message);
        question_message_to(final_target_port, task.message);
        // 7.3. Its relevant realm.
        PM_STEP(PM::s7_3);
        auto const agent = ports[final_target_port].agent;
        // 7.4. Deserialize with transfer; a failure fires messageerror.
        PM_STEP(PM::s7_4);
        auto deserialized = deserialize_with_transfer(*task.serialized, task.message, agent);
        if (deserialized.is_throw()) {
            // 7.4/catch. A messageerror event instead, and the task ends.
            PM_STEP(PM::s7_4_catch);
            if (!fault_active(Fault::port_messageerror_not_fired))
                fire({ target, "messageerror", task.message, {}, {}, {} });
            return;
        }
        // 7.5. messageClone.
        PM_STEP(PM::s7_5);
        // 7.6. newPorts: the transferred MessagePorts, in order.
        PM_STEP(PM::s7_6);
        auto new_ports = new_port_names();
        if (fault_active(Fault::new_ports_reversed))
            std::reverse(new_ports.begin(), new_ports.end());
        // 7.7. The message event.
        PM_STEP(PM::s7_7);
        fire({ target, "message", task.message, std::move(new_ports), {}, {} });
    }

    // --- BroadcastChannel ---

    bool eligible_for_messaging(Agent agent) const
    {
        // A window whose document is not fully active (its client went away) is not eligible; a
        // worker is while it runs (no closing flag is set here).
        return agent_runs(agent);
    }

    // https://html.spec.whatwg.org/multipage/web-messaging.html#dom-broadcastchannel-postmessage
    OperationOutcome broadcast_post(std::size_t channel, MessageSpec message_spec)
    {
        auto const& self = channels[channel];
        // 1. A channel that is not eligible for messaging does nothing.
        PM_STEP(BP::s1);
        if (!eligible_for_messaging(self.agent))
            return {};
        // 2. A closed channel throws.
        PM_STEP(BP::s2);
        if (self.closed && !fault_active(Fault::closed_broadcast_channel_posts))
            return threw("InvalidStateError", BP::s2);
        // 3. Serialize.
        PM_STEP(BP::s3);
        auto const value = make_message(self.agent, current_op, message_spec);
        auto serialized = html::structured_serialize(heap, realm_of(self.agent), value);
        if (serialized.is_throw())
            return threw(std::string(error_kind_name(serialized.thrown().kind)), serialized.thrown().step);
        auto const shared = std::make_shared<html::Serialized>(serialized.release_value());
        // 4. The source's origin.
        PM_STEP(BP::s4);
        auto const source_origin = origin_of(self.agent);
        // 5. Its storage key (for non-storage purposes).
        PM_STEP(BP::s5);
        auto const source_storage_key = storage_key_of(self.agent);
        // 6. Destinations: eligible channels with the same storage key and name.
        PM_STEP(BP::s6);
        std::vector<std::size_t> destinations;
        for (std::size_t i = 0; i < channels.size(); ++i) {
            auto const& c = channels[i];
            if (eligible_for_messaging(c.agent)
                && (storage_key_of(c.agent) == source_storage_key || fault_active(Fault::broadcast_ignores_storage_key))
                && c.name == self.name)
                destinations.push_back(i);
        }
        // 7. Without the source ("source" in the spec's text means this channel).
        PM_STEP(BP::s7);
        if (!fault_active(Fault::broadcast_to_source))
            std::erase(destinations, channel);
        // 8. Oldest first within an agent (channels are kept in creation order already).
        PM_STEP(BP::s8);
        // 9. One task per destination.
        PM_STEP(BP::s9);
        auto const message = current_op;
        for (auto const destination : destinations) {
            auto const agent = channels[destination].agent;
            dom_manipulation.push_back({ next_sequence++, agent, [this, destination, message, shared, source_origin] {
                auto const& d = channels[destination];
                EventTargetName const target { EventTargetName::Kind::broadcast_channel, {}, d.op };
                // 9.1. A destination closed by now gets nothing.
                PM_STEP(BP::s9_1);
                if (d.closed && !fault_active(Fault::broadcast_to_closed_destination))
                    return;
                // 9.2. targetRealm.
                PM_STEP(BP::s9_2);
                // 9.3. Deserialize; a failure fires messageerror.
                PM_STEP(BP::s9_3);
                auto data = html::structured_deserialize(heap, *shared, realm_of(d.agent));
                if (data.is_throw()) {
                    // 9.3/catch. A messageerror event with the origin, and the task ends.
                    PM_STEP(BP::s9_3_catch);
                    fire({ target, "messageerror", message, {}, source_origin, {} });
                    return;
                }
                // 9.4. The message event, with the source origin.
                PM_STEP(BP::s9_4);
                fire({ target, "message", message, {}, source_origin, {} });
            } });
        }
        return {};
    }

    // --- Client.postMessage and the client message queue ---

    void enable_client_message_queue(std::size_t client) { containers[client].enabled = true; }

    // https://w3c.github.io/ServiceWorker/#client-postmessage-options
    OperationOutcome client_post_message(std::size_t client, std::vector<ObjectId> const& transfer, MessageSpec message_spec)
    {
        // 1-2. The Client and the service worker's settings.
        PM_STEP(CP::s1);
        PM_STEP(CP::s2);
        auto const source_origin = origin_of(Agent::service_worker);
        // 3. Serialize with transfer; rethrow.
        PM_STEP(CP::s3);
        auto const value = make_message(Agent::service_worker, current_op, message_spec);
        auto serialized = serialize_message(Agent::service_worker, value, transfer);
        if (serialized.is_throw())
            return threw(std::string(error_kind_name(serialized.thrown().kind)), serialized.thrown().step);
        auto const shared = std::make_shared<html::SerializeWithTransferResult>(serialized.release_value());
        // 4. In parallel (run now: one allowed schedule).
        PM_STEP(CP::s4);
        // 4.1-4.2. Find the client.
        PM_STEP(CP::s4_1);
        PM_STEP(CP::s4_2);
        bool found = false;
        if (containers[client].exists) {
            // 4.2.1. Found: the target.
            PM_STEP(CP::s4_2_1);
            found = true;
        }
        // 4.3. A client that is gone gets nothing.
        PM_STEP(CP::s4_3);
        if (!found)
            return {};
        // 4.4. Its ServiceWorkerContainer.
        PM_STEP(CP::s4_4);
        // 4.5. A task on the client message queue.
        PM_STEP(CP::s4_5);
        auto const message = current_op;
        auto const agent = client_agent(std::uint32_t(client));
        containers[client].client_message_queue.push_back({ next_sequence++, [this, client, agent, message, shared, source_origin] {
            EventTargetName const target { EventTargetName::Kind::container, {}, std::uint32_t(client) };
            // 4.5.1-4.5.2. origin and source.
            PM_STEP(CP::s4_5_1);
            PM_STEP(CP::s4_5_2);
            // 4.5.3. Deserialize with transfer; a failure queues a messageerror.
            PM_STEP(CP::s4_5_3);
            auto deserialized = deserialize_with_transfer(*shared, message, agent);
            if (deserialized.is_throw()) {
                // 4.5.3/catch. A task fires messageerror (with origin and source); this one ends.
                PM_STEP(CP::s4_5_3_catch);
                dom_manipulation.push_back({ next_sequence++, agent, [this, target, message, source_origin] {
                    fire({ target, "messageerror", message, {}, source_origin, "ServiceWorker" });
                } });
                return;
            }
            // 4.5.4-4.5.5. messageClone and newPorts.
            PM_STEP(CP::s4_5_4);
            PM_STEP(CP::s4_5_5);
            auto new_ports = new_port_names();
            // 4.5.6. A further task dispatches the message event.
            PM_STEP(CP::s4_5_6);
            dom_manipulation.push_back({ next_sequence++, agent, [this, target, message, new_ports, source_origin] {
                fire({ target, "message", message, new_ports, source_origin, "ServiceWorker" });
            } });
        } });
        return {};
    }

    // https://w3c.github.io/ServiceWorker/#should-skip-event-algorithm
    bool may_skip_event()
    {
        // 1. No listener for the event at the first script run: the user agent may skip it.
        PM_STEP(SSE::s1);
        if (!service_worker_handles_message)
            return true;
        // 2. Otherwise not.
        PM_STEP(SSE::s2);
        return false;
    }

    // https://w3c.github.io/ServiceWorker/#service-worker-postmessage-options
    OperationOutcome service_worker_post_message(Agent poster, std::vector<ObjectId> const& transfer, MessageSpec message_spec)
    {
        // 1-3. The service worker, the incumbent settings (the posting window's) and its global.
        PM_STEP(SWP::s1);
        PM_STEP(SWP::s2);
        PM_STEP(SWP::s3);
        // 4. Serialize with transfer; rethrow.
        PM_STEP(SWP::s4);
        auto const value = make_message(poster, current_op, message_spec);
        auto serialized = serialize_message(poster, value, transfer);
        if (serialized.is_throw())
            return threw(std::string(error_kind_name(serialized.thrown().kind)), serialized.thrown().step);
        auto const shared = std::make_shared<html::SerializeWithTransferResult>(serialized.release_value());
        // 5. Should Skip Event: "may" return true. MODEL: both are allowed; the event is marked
        //    optional (the comparator accepts it given or not), and the model goes on.
        PM_STEP(SWP::s5);
        bool const optional = may_skip_event();
        if (fault_active(Fault::service_worker_skips_handled_message))
            return {};
        // 6. In parallel:
        PM_STEP(SWP::s6);
        // 6.1. Run Service Worker (it succeeds here; its first run is now over).
        PM_STEP(SWP::s6_1);
        service_worker_ran = true;
        // 6.2. A DOM manipulation task in the service worker.
        PM_STEP(SWP::s6_2);
        auto const message = current_op;
        auto const origin = origin_of(poster);
        std::string const source = poster == Agent::dedicated_worker ? "Client" : "WindowClient";
        dom_manipulation.push_back({ next_sequence++, Agent::service_worker, [this, shared, message, origin, source, optional] {
            EventTargetName const target { EventTargetName::Kind::service_worker_global, {}, 0 };
            // 6.2.1. source: a Client for the poster (a WindowClient for a window).
            PM_STEP(SWP::s6_2_1);
            // 6.2.2. origin.
            PM_STEP(SWP::s6_2_2);
            // 6.2.3. destination: the global scope.
            PM_STEP(SWP::s6_2_3);
            // 6.2.4. Deserialize with transfer into its realm.
            PM_STEP(SWP::s6_2_4);
            auto deserialized = deserialize_with_transfer(*shared, message, Agent::service_worker);
            ObservedEvent e { target, "message", message, {}, origin, source, optional };
            if (deserialized.is_throw()) {
                // 6.2.4/catch. A messageerror event.
                PM_STEP(SWP::s6_2_4_catch);
                e.type = "messageerror";
            } else {
                // 6.2.5. Otherwise:
                PM_STEP(SWP::s6_2_5);
                // 6.2.5.1-6.2.5.3. messageClone, newPorts in order, the message event.
                PM_STEP(SWP::s6_2_5_1);
                PM_STEP(SWP::s6_2_5_2);
                PM_STEP(SWP::s6_2_5_3);
                e.ports = new_port_names();
            }
            // 6.2.6. Dispatched at the global scope.
            PM_STEP(SWP::s6_2_6);
            fire(std::move(e));
        } });
        return {};
    }

    // --- The event loops ---

    bool agent_runs(Agent agent) const
    {
        if (agent == Agent::service_worker)
            return true;
        if (agent == Agent::dedicated_worker)
            return worker && worker->running;
        return containers[std::size_t(agent)].exists;
    }

    // Worker.postMessage / DedicatedWorkerGlobalScope.postMessage: the message port post message
    // steps on the implicit port, as the port's own postMessage would run them.
    OperationOutcome post_on_implicit_port(std::size_t port, Operation const& op)
    {
        auto transfer = transfer_objects(op.transfer, ports[port].agent);
        if (!transfer)
            return { false, {}, true, {} };
        auto const target = ports[port].entangled;
        return message_port_post_message(port, target, *transfer, op.message);
    }

    // A port transferred away (not closed) whose queue still holds tasks: until the new port is
    // received they may run here (see Schedule).
    bool in_transit(std::size_t port) { return detached(port) && !ports[port].closed; }

    // Runs one runnable task: the oldest one queued (with shipped_ports_last, one on a port in
    // transit only when no other task is runnable). Returns false when none is runnable.
    bool run_one_task()
    {
        if (schedule == Schedule::shipped_ports_last && run_one_task(true))
            return true;
        return run_one_task(false);
    }

    bool run_one_task(bool defer_in_transit)
    {
        enum class From { none, port, dom, client } from = From::none;
        std::uint64_t best = std::numeric_limits<std::uint64_t>::max();
        std::size_t which = 0;
        bool newest = false;
        for (std::size_t p = 0; p < ports.size(); ++p) {
            auto const& port = ports[p];
            if (!port.enabled || port.queue->empty() || !agent_runs(port.agent))
                continue;
            if (defer_in_transit && in_transit(p))
                continue;
            bool const back = fault_active(Fault::port_queue_delivers_newest_first);
            auto const& task = back ? port.queue->back() : port.queue->front();
            if (task.sequence < best) {
                best = task.sequence;
                from = From::port;
                which = p;
                newest = back;
            }
        }
        for (std::size_t i = 0; i < dom_manipulation.size(); ++i) {
            if (!agent_runs(dom_manipulation[i].agent))
                continue;
            if (dom_manipulation[i].sequence < best) {
                best = dom_manipulation[i].sequence;
                from = From::dom;
                which = i;
            }
            break; // one task source per event loop here: FIFO among all agents' DOM manipulation tasks
        }
        for (std::size_t c = 0; c < containers.size(); ++c) {
            auto const& container = containers[c];
            if (!container.enabled || container.client_message_queue.empty() || !container.exists)
                continue;
            if (container.client_message_queue.front().sequence < best) {
                best = container.client_message_queue.front().sequence;
                from = From::client;
                which = c;
            }
        }
        switch (from) {
        case From::none:
            return false;
        case From::port: {
            auto& queue = *ports[which].queue;
            PortTask task;
            if (newest) {
                task = std::move(queue.back());
                queue.pop_back();
            } else {
                task = std::move(queue.front());
                queue.pop_front();
            }
            run_port_task(which, task);
            return true;
        }
        case From::dom: {
            auto task = std::move(dom_manipulation[which]);
            dom_manipulation.erase(dom_manipulation.begin() + std::ptrdiff_t(which));
            task.steps();
            return true;
        }
        case From::client: {
            auto task = std::move(containers[which].client_message_queue.front());
            containers[which].client_message_queue.pop_front();
            task.steps();
            return true;
        }
        }
        return false;
    }

    // --- Operations ---

    OperationOutcome run(Operation const& op)
    {
        using K = Operation::Kind;
        OperationOutcome const skipped { false, {}, true, {} };
        auto const port_of = [&](PortName name) {
            auto const p = find_port(name);
            return p != no_port && agent_runs(ports[p].agent) ? p : no_port;
        };
        switch (op.kind) {
        case K::new_channel: {
            if (!agent_runs(op.agent))
                return skipped;
            // https://html.spec.whatwg.org/multipage/web-messaging.html#dom-messagechannel
            // 1. port 1.
            PM_STEP(MC::s1);
            auto const port1 = allocate_port(PortName { current_op, 0 }, op.agent);
            // 2. port 2.
            PM_STEP(MC::s2);
            auto const port2 = allocate_port(PortName { current_op, 1 }, op.agent);
            // 3. Entangled.
            PM_STEP(MC::s3);
            entangle(port1, port2);
            return {};
        }
        case K::port_post: {
            auto const port = port_of(op.port);
            if (port == no_port)
                return skipped;
            auto transfer = transfer_objects(op.transfer, ports[port].agent);
            if (!transfer)
                return skipped;
            if (op.sequence_overload) {
                // https://html.spec.whatwg.org/multipage/web-messaging.html#dom-messageport-postmessage
                // 1. The target: the entangled port, or null.
                PM_STEP(PT::s1);
                auto const target = ports[port].entangled;
                // 2-3. options from the transfer sequence; the message port post message steps.
                PM_STEP(PT::s2);
                PM_STEP(PT::s3);
                return message_port_post_message(port, target, *transfer, op.message);
            }
            // https://html.spec.whatwg.org/multipage/web-messaging.html#dom-messageport-postmessage-options
            // 1. The target: the entangled port, or null.
            PM_STEP(PO::s1);
            auto const target = ports[port].entangled;
            // 2. The message port post message steps.
            PM_STEP(PO::s2);
            return message_port_post_message(port, target, *transfer, op.message);
        }
        case K::port_start: {
            auto const port = port_of(op.port);
            if (port == no_port)
                return skipped;
            // https://html.spec.whatwg.org/multipage/web-messaging.html#dom-messageport-start
            // 1. Enable the port message queue.
            PM_STEP(ST::s1);
            ports[port].enabled = true;
            return {};
        }
        case K::port_set_onmessage: {
            auto const port = port_of(op.port);
            if (port == no_port)
                return skipped;
            // https://html.spec.whatwg.org/multipage/web-messaging.html#handler-messageeventtarget-onmessage
            // 1. The first set enables the queue (the MessagePort paragraph after onclose).
            PM_STEP(OM::s1);
            if (!ports[port].onmessage_set) {
                ports[port].onmessage_set = true;
                ports[port].enabled = true;
            }
            return {};
        }
        case K::port_add_listener: {
            auto const port = port_of(op.port);
            if (port == no_port)
                return skipped;
            // addEventListener() is not the onmessage setter: the queue stays as it is.
            if (fault_active(Fault::add_listener_enables_port_queue))
                ports[port].enabled = true;
            return {};
        }
        case K::port_close: {
            auto const port = port_of(op.port);
            if (port == no_port)
                return skipped;
            // https://html.spec.whatwg.org/multipage/web-messaging.html#dom-messageport-close
            // 1. [[Detached]] becomes true.
            PM_STEP(CL::s1);
            slots(port).detached = true;
            ports[port].closed = true;
            // 2. An entangled port is disentangled.
            PM_STEP(CL::s2);
            if (ports[port].entangled != no_port && !fault_active(Fault::closed_port_still_receives))
                disentangle(port);
            return {};
        }
        case K::new_broadcast: {
            if (!agent_runs(op.agent))
                return skipped;
            // https://html.spec.whatwg.org/multipage/web-messaging.html#dom-broadcastchannel
            BroadcastChannel channel;
            channel.op = current_op;
            channel.agent = op.agent;
            // 1. The channel name.
            PM_STEP(BC::s1);
            channel.name = op.name;
            // 2. Not closed.
            PM_STEP(BC::s2);
            channel.closed = false;
            channels.push_back(channel);
            return {};
        }
        case K::broadcast_post:
        case K::broadcast_close: {
            auto const it = std::find_if(channels.begin(), channels.end(), [&](auto const& c) { return c.op == op.channel; });
            if (it == channels.end() || !agent_runs(it->agent))
                return skipped;
            if (op.kind == K::broadcast_post)
                return broadcast_post(std::size_t(it - channels.begin()), op.message);
            // https://html.spec.whatwg.org/multipage/web-messaging.html#dom-broadcastchannel-close
            // 1. Closed.
            PM_STEP(BX::s1);
            it->closed = true;
            return {};
        }
        case K::client_post: {
            // (A worker that has not run is no client yet: the service worker has no Client for it.)
            if (op.client >= client_count || (op.client == worker_client && !agent_runs(Agent::dedicated_worker)))
                return skipped;
            auto transfer = transfer_objects(op.transfer, Agent::service_worker);
            if (!transfer)
                return skipped;
            if (op.sequence_overload) {
                // https://w3c.github.io/ServiceWorker/#client-postmessage
                // 1-2. options from the transfer sequence; the options overload.
                PM_STEP(CT::s1);
                PM_STEP(CT::s2);
            }
            return client_post_message(op.client, *transfer, op.message);
        }
        case K::client_gone:
            // (A worker's end is not modelled.)
            if (op.client >= client_count || op.client == worker_client || !containers[op.client].exists)
                return skipped;
            containers[op.client].exists = false;
            return {};
        case K::container_start:
        case K::container_set_onmessage:
        case K::container_add_listener:
        case K::document_parsed: {
            if (op.client >= client_count || !containers[op.client].exists)
                return skipped;
            auto& container = containers[op.client];
            if (op.kind == K::container_start) {
                // https://w3c.github.io/ServiceWorker/#navigator-service-worker-startMessages
                // 1. Enable the client message queue.
                PM_STEP(SM::s1);
                enable_client_message_queue(op.client);
            } else if (op.kind == K::container_set_onmessage) {
                // https://w3c.github.io/ServiceWorker/#service-worker-container-event-handlers
                // 1. The first set enables the client message queue.
                PM_STEP(CO::s1);
                if (!container.onmessage_set) {
                    container.onmessage_set = true;
                    enable_client_message_queue(op.client);
                }
            } else if (op.kind == K::container_add_listener) {
                if (fault_active(Fault::client_queue_enabled_by_add_listener))
                    enable_client_message_queue(op.client);
            } else {
                if (container.parsed || op.client == worker_client) // (a worker has no document)
                    return skipped;
                container.parsed = true;
                // Steps 1-5 are the parser's own.
                // https://html.spec.whatwg.org/multipage/parsing.html#stop-parsing
                // 6. A task for DOMContentLoaded.
                PM_STEP(SP::s6);
                auto const client = op.client;
                dom_manipulation.push_back({ next_sequence++, client_agent(client), [this, client] {
                    // 6.2. DOMContentLoaded fires (not observed here).
                    PM_STEP(SP::s6_2);
                    // 6.4. The client message queue is enabled.
                    PM_STEP(SP::s6_4);
                    if (!fault_active(Fault::client_queue_not_enabled_by_parsing))
                        enable_client_message_queue(client);
                } });
            }
            return {};
        }
        case K::run_event_loops:
            for (auto& p : ports)
                p.closed_in_task = false;
            while (run_one_task()) { }
            return {};
        case K::service_worker_listens:
            // Only the first script run counts (Should Skip Event's note): once it ran, no.
            if (service_worker_ran)
                return skipped;
            service_worker_handles_message = true;
            return {};
        case K::service_worker_post: {
            if (op.client >= client_count || !containers[op.client].exists)
                return skipped;
            auto const agent = client_agent(op.client);
            auto transfer = transfer_objects(op.transfer, agent);
            if (!transfer)
                return skipped;
            if (op.sequence_overload) {
                // https://w3c.github.io/ServiceWorker/#service-worker-postmessage
                // 1-2. options from the transfer sequence; the options overload.
                PM_STEP(SWT::s1);
                PM_STEP(SWT::s2);
            }
            return service_worker_post_message(agent, *transfer, op.message);
        }
        case K::new_worker: {
            if (worker)
                return skipped;
            // https://html.spec.whatwg.org/multipage/workers.html#dom-worker
            // 1. The script URL as a string (no Trusted Types policy here: the string itself).
            PM_STEP(WC::s1);
            // 2. The creator's settings.
            PM_STEP(WC::s2);
            // 3. Parse it against them.
            PM_STEP(WC::s3);
            // 4. A URL that does not parse throws.
            PM_STEP(WC::s4);
            if (op.unparsable_url && !fault_active(Fault::unparsable_worker_url_accepted))
                return threw("SyntaxError", WC::s4);
            // 5. The outside port, in the creator's realm.
            PM_STEP(WC::s5);
            DedicatedWorker w;
            w.op = current_op;
            w.outside_port = allocate_port(PortName { current_op, 0 }, Agent::window_a);
            ports[w.outside_port].implicit = true;
            // 6. Its message events go to the Worker.
            PM_STEP(WC::s6);
            ports[w.outside_port].message_event_target = EventTargetName { EventTargetName::Kind::worker, {}, current_op };
            // 7-8. It is the Worker's outside port; worker is this.
            PM_STEP(WC::s7);
            PM_STEP(WC::s8);
            // 9. In parallel:
            PM_STEP(WC::s9);
            // 9.1. run a worker (the worker_runs operation says when its script has loaded).
            PM_STEP(WC::s9_1);
            worker = w;
            return {};
        }
        case K::worker_runs: {
            if (!worker || worker->op != op.channel || worker->running)
                return skipped;
            // https://html.spec.whatwg.org/multipage/workers.html#run-a-worker
            // (Step 1: the script loaded.)
            // 2. The Worker and its global scope.
            PM_STEP(RW::s2);
            worker->running = true;
            // 3. The inside port, in the worker's realm.
            PM_STEP(RW::s3);
            worker->inside_port = allocate_port(PortName { worker->op, 1 }, Agent::dedicated_worker);
            ports[worker->inside_port].implicit = true;
            // 4. A dedicated worker:
            PM_STEP(RW::s4);
            // 4.1. the inside port's message events go to the global scope;
            PM_STEP(RW::s4_1);
            ports[worker->inside_port].message_event_target = EventTargetName { EventTargetName::Kind::worker_global, {}, worker->op };
            // 4.2. it is the global scope's inside port.
            PM_STEP(RW::s4_2);
            // 5. The outside and inside ports are entangled.
            PM_STEP(RW::s5);
            entangle(worker->outside_port, worker->inside_port);
            // 10. The script runs (the operations after this one).
            PM_STEP(RW::s10);
            // 11. The outside port's queue is enabled.
            PM_STEP(RW::s11);
            ports[worker->outside_port].enabled = !fault_active(Fault::worker_outside_port_not_enabled);
            // 12. So is the inside port's.
            PM_STEP(RW::s12);
            ports[worker->inside_port].enabled = true;
            // 14. And the client message queue of the worker's ServiceWorkerContainer (the worker
            //     is a service worker client from now on).
            PM_STEP(RW::s14);
            containers[worker_client].exists = true;
            if (!fault_active(Fault::worker_client_queue_not_enabled))
                enable_client_message_queue(worker_client);
            return {};
        }
        case K::worker_post: {
            if (!worker || worker->op != op.channel)
                return skipped;
            // https://html.spec.whatwg.org/multipage/workers.html#dom-worker-postmessage-options
            // 1. As the outside port's postMessage.
            PM_STEP(WP::s1);
            return post_on_implicit_port(worker->outside_port, op);
        }
        case K::worker_global_post: {
            if (!worker || worker->op != op.channel || !worker->running)
                return skipped;
            // https://html.spec.whatwg.org/multipage/workers.html#dom-dedicatedworkerglobalscope-postmessage-options
            // 1. As the inside port's postMessage.
            PM_STEP(WG::s1);
            return post_on_implicit_port(worker->inside_port, op);
        }
        }
        return skipped;
    }
};

World::World(Schedule schedule) : m_impl(std::make_unique<Impl>(*this, schedule)) { }
World::~World() = default;

OperationOutcome World::run(Operation const& op)
{
    ++m_next_op;
    m_impl->current_op = op.label;
    // What this op rests on: the questions of the ports it names, as they stand before it runs
    // (rarely any). A message it posts rests on them too, and so does anything that message
    // delivers.
    std::vector<SpecQuestion> questions;
    bool const on_port = op.kind == Operation::Kind::port_post || op.kind == Operation::Kind::port_start
        || op.kind == Operation::Kind::port_set_onmessage || op.kind == Operation::Kind::port_add_listener
        || op.kind == Operation::Kind::port_close;
    auto const named = on_port ? m_impl->find_port(op.port) : no_port;
    // MODEL: a port object already transferred stays entangled until the new port is received
    // (nothing disentangles it before), so what the script does with the old object still acts on
    // the channel; every engine neuters it. That port rests on the question from here on.
    if (named != no_port && m_impl->ports[named].transferred)
        m_questioned.add(SpecQuestion::transferred_port_used, op.port);
    if (!m_questioned.empty()) {
        auto const add = [&](std::vector<SpecQuestion> const& more) {
            for (auto const q : more)
                if (std::find(questions.begin(), questions.end(), q) == questions.end())
                    questions.push_back(q);
        };
        if (on_port)
            add(m_questioned.of_port(op.port));
        for (auto const& p : op.transfer)
            add(m_questioned.of_port(p));
        bool const posts = op.kind == Operation::Kind::port_post || op.kind == Operation::Kind::broadcast_post
            || op.kind == Operation::Kind::client_post || op.kind == Operation::Kind::worker_post
            || op.kind == Operation::Kind::worker_global_post || op.kind == Operation::Kind::service_worker_post;
        if (posts)
            for (auto const q : questions)
                m_questioned.add(q, op.label);
        // Closing a questioned port fires close at its partner: that event rests on it too.
        if (op.kind == Operation::Kind::port_close && named != no_port && m_impl->ports[named].entangled != no_port)
            for (auto const q : questions)
                m_questioned.add(q, m_impl->ports[m_impl->ports[named].entangled].name);
    }
    auto outcome = m_impl->run(op);
    if (!outcome.threw && !outcome.skipped)
        outcome.step = std::string(returning_step(op.kind));
    outcome.questions = std::move(questions);
    return outcome;
}

std::vector<World::PortInfo> World::ports() const
{
    std::vector<PortInfo> infos;
    for (std::size_t i = 0; i < m_impl->ports.size(); ++i) {
        auto const& p = m_impl->ports[i];
        PortInfo info;
        info.name = p.name;
        info.agent = p.agent;
        info.exists = m_impl->agent_runs(p.agent);
        info.detached = m_impl->detached(i);
        info.shipped = p.shipped;
        info.implicit = p.implicit;
        info.enabled = p.enabled;
        if (p.entangled != no_port)
            info.entangled = m_impl->ports[p.entangled].name;
        info.queued = p.queue->size();
        infos.push_back(info);
    }
    return infos;
}

std::vector<std::uint32_t> World::broadcast_channels() const
{
    std::vector<std::uint32_t> ops;
    for (auto const& c : m_impl->channels)
        ops.push_back(c.op);
    return ops;
}

std::optional<std::uint32_t> World::worker() const
{
    if (!m_impl->worker)
        return std::nullopt;
    return m_impl->worker->op;
}

bool World::worker_runs() const { return m_impl->worker && m_impl->worker->running; }

namespace {

MessagingObservation run_with(std::span<Operation const> operations, Schedule schedule)
{
    World world(schedule);
    MessagingObservation observation;
    for (auto const& op : operations)
        observation.outcomes.push_back(world.run(op));
    observation.events = world.events();
    observation.questioned = world.questioned();
    return observation;
}

bool same(MessagingObservation const& a, MessagingObservation const& b)
{
    return a.events == b.events && std::equal(a.outcomes.begin(), a.outcomes.end(), b.outcomes.begin(), b.outcomes.end(),
        [](OperationOutcome const& x, OperationOutcome const& y) { return x == y && x.step == y.step; });
}

} // namespace

MessagingObservation run_operations(std::span<Operation const> operations)
{
    auto observation = run_with(operations, Schedule::oldest_first);
    // The other schedule differs only if a task ran at a port in transit (otherwise every task
    // this one took was the oldest that was not on such a port, which is what the other takes).
    bool const ran_in_transit = std::any_of(observation.questioned.messages.begin(), observation.questioned.messages.end(),
        [](QuestionedMessage const& q) { return q.question == SpecQuestion::shipped_port_delivers; });
    if (ran_in_transit) {
        auto other = run_with(operations, Schedule::shipped_ports_last);
        if (!same(other, observation))
            observation.alternatives.push_back(std::move(other));
    }
    return observation;
}

} // namespace pmconf::model::web_messaging
