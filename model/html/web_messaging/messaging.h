// The messaging model: agents with event loops, MessageChannel and MessagePort (entangling, the
// port message queue, start/close, ports shipped with their queued messages), BroadcastChannel,
// dedicated workers, and the Service Workers spec's Client.postMessage() with the client message
// queue and ServiceWorker.postMessage().
//
// A World runs a sequence of Operations, as scripts running in its agents would, and records what
// a page could observe: whether each call threw (and what), and every event dispatched, in order.
// Messages are real values of the clone model (ecma262::Heap, one realm per agent): each is an
// Array holding its number, plus, when the operation asks for them, a Symbol (serialization throws)
// or a SharedArrayBuffer (deserialization fails in another agent cluster). Their transfer lists
// hold real MessagePort platform objects, so StructuredSerializeWithTransfer's own checks
// (duplicates, detached ports) apply; the MessagePort transfer and transfer-receiving steps, which
// need the event loop's state, run here, called from the clone model's steps 5.5.4 and 3.4.4.
//
// Where the spec leaves the order open (tasks of different task sources or agents), the World
// picks one order (the oldest runnable task first); observations are compared per target
// (compare_operations in conformance/compare.cpp), which every allowed order keeps. Where it
// leaves a choice (Should Skip Event's "may"), the event is marked optional.
#pragma once

#include "model/ecma262/heap.h"
#include "model/infra/completion.h"
#include "spec/catalogue.h"

#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace pmconf::model::web_messaging {

// --- Names: stable across implementations, so that observations can be compared ---

// A port is named by the label of the operation that made it: a new_channel (index 0: port1, 1:
// port2), or the post whose message event delivered it (index: its place in the event's ports).
struct PortName {
    std::uint32_t op = 0;
    std::uint32_t index = 0;
    friend constexpr bool operator==(PortName, PortName) = default;
    friend constexpr auto operator<=>(PortName, PortName) = default;
};
std::string to_string(PortName);

// The agents of a World. The two windows share a storage key and an agent cluster; the third
// window has another storage key; the service worker (of the first two windows' origin) is an
// agent cluster of its own. Window A may start one dedicated worker, in its agent cluster; the
// worker's agent runs once the worker runs. The service worker's clients are the three windows
// (clients 0-2) and the dedicated worker (client 3, a worker client from the moment it runs); the
// service worker controls them all.
enum class Agent : std::uint8_t { window_a, window_b, window_other_site, service_worker, dedicated_worker };
inline constexpr int agent_count = 5;
inline constexpr int client_count = 4;
inline constexpr std::uint32_t worker_client = 3;
Agent client_agent(std::uint32_t client); // the agent whose global is that client
char const* agent_name(Agent);

// --- Operations ---

struct MessageSpec {
    bool symbol = false;        // the value holds a Symbol: StructuredSerializeInternal throws
    bool shared_buffer = false; // the value holds a SharedArrayBuffer: deserializing it in another
                                // agent cluster fails (a messageerror)
    friend bool operator==(MessageSpec, MessageSpec) = default;
};

// Operations name what they act on by the label of the operation that made it; labels are unique
// in a sequence and need not be consecutive, so that removing operations (shrinking) leaves the
// others' references as they were (a reference to a removed operation makes its user skipped).
struct Operation {
    enum class Kind : std::uint8_t {
        new_channel,          // agent: new MessageChannel()
        port_post,            // port.postMessage(message, {transfer}) (or (message, transfer) with sequence_overload)
        port_start,           // port.start()
        port_set_onmessage,   // port.onmessage = handler
        port_add_listener,    // port.addEventListener('message', handler): does not enable the queue
        port_close,           // port.close()
        new_broadcast,        // agent: new BroadcastChannel(name)
        broadcast_post,       // channel.postMessage(message)
        broadcast_close,      // channel.close()
        client_post,          // in the service worker: client.postMessage(message, {transfer})
        client_gone,          // the client goes away (its document is discarded)
        container_start,      // in the client: navigator.serviceWorker.startMessages()
        container_set_onmessage,
        container_add_listener,
        document_parsed,      // the client's document finishes parsing ("the end")
        run_event_loops,      // every agent runs tasks until none is runnable
        new_worker,           // in window A: new Worker(url) (one per World)
        worker_runs,          // the worker's script has loaded: run a worker's onComplete steps
        worker_post,          // in window A: worker.postMessage(message, {transfer})
        worker_global_post,   // in the worker: postMessage(message, {transfer})
        service_worker_listens, // the service worker's first script run adds a 'message' listener
        service_worker_post,  // in a client: navigator.serviceWorker.controller.postMessage(message, {transfer})
    };
    Kind kind = Kind::run_event_loops;
    std::uint32_t label = 0;            // names this op's ports, channel and message
    Agent agent = Agent::window_a;      // new_channel, new_broadcast
    PortName port;                      // port_*
    std::uint32_t channel = 0;          // broadcast_post / broadcast_close: the op that made the BroadcastChannel
                                        // worker_*: the op that made the Worker
    std::uint32_t client = 0;           // client_* and container_* and document_parsed: 0 .. client_count - 1 (3: the worker)
    std::uint8_t name = 0;              // new_broadcast: the channel name ("a", "b")
    std::vector<PortName> transfer;     // port_post, client_post, worker_post, worker_global_post
    bool sequence_overload = false;     // port_post, client_post: the (message, transfer) overload
    bool unparsable_url = false;        // new_worker: a script URL that does not parse
    MessageSpec message;
    friend bool operator==(Operation const&, Operation const&) = default;
};
std::string to_string(Operation const&);

// --- What a page can observe ---

struct EventTargetName {
    enum class Kind : std::uint8_t { port, broadcast_channel, container, worker, worker_global, service_worker_global } kind = Kind::port;
    PortName port;                 // port
    std::uint32_t id = 0;          // broadcast_channel, worker, worker_global: the op that made it; container: its client
    friend constexpr bool operator==(EventTargetName, EventTargetName) = default;
    friend constexpr auto operator<=>(EventTargetName, EventTargetName) = default;
};
std::string to_string(EventTargetName);

struct ObservedEvent {
    EventTargetName target;
    std::string type;              // "message", "messageerror", "close"
    std::uint32_t message = 0;     // the posting op's label (message and messageerror events)
    std::vector<PortName> ports;   // message events: the ports attribute, in order
    std::string origin;            // broadcast and client events: the source's origin
    std::string source;            // client events: "ServiceWorker"; service worker events: "WindowClient"
    // The spec lets the user agent skip this event (Should Skip Event): an implementation may give
    // it or not. The model's only; not sent over the protocol.
    bool optional = false;
    friend bool operator==(ObservedEvent const&, ObservedEvent const&) = default;
};
std::string to_string(ObservedEvent const&);

// Where the model follows the text as written although an open question disputes it (an issue
// against the spec, or engines and web-platform-tests that all read it otherwise). Each question
// is a catalogue step with a `question` (spec/catalogue/*.json), which says what is in question
// and links the issue where one is filed. Whatever such a message or port leads to (the ports it
// carried, messages posted from or to those ports, operations naming them, events at them) rests
// on the question too: the World notes all of it, and a difference about any of it is reported as
// a spec question, not as a deviation.
enum class SpecQuestion : std::uint8_t {
    closed_port_delivers,       // a task already queued at a closed port still runs (whatwg/html#5765)
    shipped_port_keeps_message, // a message queued at a port whose queue has already moved stays there (whatwg/html#5850)
    worker_message_before_run,  // Worker.postMessage() before the worker runs has no target port, so it is dropped
    shipped_port_delivers,      // a port transferred away still runs the tasks left on its queue
    doomed_port_kept,           // the target port shipped with a doomed message stays entangled with the source
    partial_transfer,           // a transfer list that fails at an entry leaves the entries before it transferred
    close_event_timing,         // disentangle fires close synchronously (whatwg/html#12797): the comparator's, for a
                                // close event found in another place among a port's events; the model's, for a port
                                // transferred in the task that fired close at it
    transferred_port_used,      // a port object already transferred away still posts, closes, starts (it stays entangled)
};
// The catalogue step whose text is in question (its StepInfo has the question and the issue).
spec::StepId question_step(SpecQuestion);

struct QuestionedMessage {
    SpecQuestion question = SpecQuestion::closed_port_delivers;
    std::uint32_t message = 0; // the posting op's label
    friend bool operator==(QuestionedMessage const&, QuestionedMessage const&) = default;
};
struct QuestionedPort {
    SpecQuestion question = SpecQuestion::doomed_port_kept;
    PortName port;
    friend bool operator==(QuestionedPort const&, QuestionedPort const&) = default;
};

// What rests on a questioned text: the messages and the ports. A port delivered by a questioned
// message is questioned too (its name says which message delivered it), whether or not the model
// delivered it, so that a port only an implementation has is covered as well.
struct Questioned {
    std::vector<QuestionedMessage> messages;
    std::vector<QuestionedPort> ports;
    bool empty() const { return messages.empty() && ports.empty(); }
    void add(SpecQuestion, std::uint32_t message);
    void add(SpecQuestion, PortName);
    std::vector<SpecQuestion> of_message(std::uint32_t message) const;
    std::vector<SpecQuestion> of_port(PortName) const;
    // An event's: a close event's, its target port's; a message or messageerror event's, its
    // message's and those of the message that delivered its target port.
    std::vector<SpecQuestion> of_event(ObservedEvent const&) const;
    friend bool operator==(Questioned const&, Questioned const&) = default;
};

struct OperationOutcome {
    bool threw = false;
    std::string error;             // DOMException name or TypeError
    bool skipped = false;          // the op names something that does not exist (yet): not run
    std::string step;              // the model's only: the catalogue step that threw (not compared)
    // The model's only: the questions of the ports this op names and of the message it posts (an
    // op on a port the model dropped, or delivered elsewhere, under a questioned text).
    std::vector<SpecQuestion> questions {};
    friend bool operator==(OperationOutcome const& a, OperationOutcome const& b)
    {
        return a.threw == b.threw && a.error == b.error && a.skipped == b.skipped;
    }
};

struct MessagingObservation {
    std::vector<OperationOutcome> outcomes;    // one per operation
    std::vector<ObservedEvent> events;         // in dispatch order
    Questioned questioned;                     // what rests on a text in question
    // Other observations the spec allows as well, each from another order of tasks it leaves open
    // (see Schedule); none when every order gives this one.
    std::vector<MessagingObservation> alternatives;
};

// Which runnable task an event loop takes next, where the spec leaves it open (tasks on different
// queues: the port message queues, the DOM manipulation task source, client message queues).
// Nearly every such choice only interleaves events at different targets, which the comparison
// (per target) does not see. One changes what is observed: a port that was transferred away keeps
// its queue until the new port is received (transfer steps 2, transfer-receiving steps 2), so a
// task left on it runs at the old port if it runs first, or moves with the port if the receiving
// task runs first.
enum class Schedule : std::uint8_t {
    oldest_first,       // the task queued first, whatever its queue
    shipped_ports_last, // the same, but a port transferred away runs its tasks only when nothing else can run
};

// Runs the operations on a fresh World (oldest_first) and returns what was observed, with the
// other schedules' observations as alternatives. A seeded fault of the messaging algorithms
// (model/infra/faults.h) applies while its FaultScope lives.
MessagingObservation run_operations(std::span<Operation const>);

// --- The World, for the stateful tests and generators that need to look at its state ---

class World {
public:
    explicit World(Schedule = Schedule::oldest_first);
    ~World();
    World(World const&) = delete;
    World& operator=(World const&) = delete;

    // Runs one operation.
    OperationOutcome run(Operation const&);
    std::vector<ObservedEvent> const& events() const { return m_events; }
    Questioned const& questioned() const { return m_questioned; }

    // State that generators and invariants read.
    struct PortInfo {
        PortName name;
        Agent agent;
        bool exists = true;            // a port that was received exists in its agent
        bool detached = false;         // [[Detached]]: closed or transferred away
        bool shipped = false;
        bool implicit = false;         // a worker's outside or inside port: no script names it
        bool enabled = false;
        std::optional<PortName> entangled;
        std::size_t queued = 0;
    };
    std::vector<PortInfo> ports() const;
    std::vector<std::uint32_t> broadcast_channels() const; // ops that made a BroadcastChannel
    std::optional<std::uint32_t> worker() const;           // the op that made the Worker, if any
    bool worker_runs() const;
    std::size_t operations_run() const { return m_next_op; }

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
    std::vector<ObservedEvent> m_events;
    Questioned m_questioned;
    std::size_t m_next_op = 0;
};

} // namespace pmconf::model::web_messaging
