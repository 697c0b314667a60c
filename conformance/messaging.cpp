#include "conformance/messaging.h"

#include <algorithm>
#include <map>

namespace pmconf::conformance::messaging {

using model::web_messaging::Agent;
using model::web_messaging::agent_count;
using model::web_messaging::client_count;
using model::web_messaging::EventTargetName;
using model::web_messaging::ObservedEvent;
using model::web_messaging::PortName;
using model::web_messaging::World;
using K = Operation::Kind;

namespace {

// The draws of one sequence, from one 64-bit seed (as the clone generators do: RapidCheck's
// Random gives the seed, so that a case replays exactly).
class Draw {
public:
    explicit Draw(std::uint64_t seed) : m_state(seed) { }
    std::uint64_t next()
    {
        std::uint64_t z = (m_state += 0x9e3779b97f4a7c15ULL);
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
        return z ^ (z >> 31);
    }
    std::size_t below(std::size_t n) { return n == 0 ? 0 : std::size_t(next() % n); }
    bool chance(unsigned percent) { return below(100) < percent; }

private:
    std::uint64_t m_state;
};

struct Weighted {
    K kind;
    unsigned weight;
};

// One operation drawn against the World's state.
Operation draw_operation(Draw& d, World const& world, std::uint32_t label)
{
    auto const ports = world.ports();
    auto const channels = world.broadcast_channels();
    std::vector<World::PortInfo> live;
    for (auto const& p : ports)
        if (p.exists)
            live.push_back(p);

    static constexpr Weighted weights[] = {
        { K::new_channel, 10 }, { K::port_post, 30 }, { K::port_start, 8 }, { K::port_set_onmessage, 6 },
        { K::port_add_listener, 3 }, { K::port_close, 4 }, { K::new_broadcast, 6 }, { K::broadcast_post, 8 },
        { K::broadcast_close, 2 }, { K::client_post, 8 }, { K::client_gone, 1 }, { K::container_start, 2 },
        { K::container_set_onmessage, 2 }, { K::container_add_listener, 2 }, { K::document_parsed, 3 },
        { K::run_event_loops, 14 },
    };
    unsigned total = 0;
    for (auto const& w : weights)
        total += w.weight;
    Operation op;
    op.label = label;
    auto pick = unsigned(d.below(total));
    for (auto const& w : weights) {
        if (pick < w.weight) {
            op.kind = w.kind;
            break;
        }
        pick -= w.weight;
    }
    // Operations on ports need a port; without one, make a channel first.
    bool const on_port = op.kind == K::port_post || op.kind == K::port_start || op.kind == K::port_set_onmessage
        || op.kind == K::port_add_listener || op.kind == K::port_close;
    if (on_port && live.empty())
        op.kind = K::new_channel;
    if ((op.kind == K::broadcast_post || op.kind == K::broadcast_close) && channels.empty())
        op.kind = K::new_broadcast;

    auto const agent = [&] {
        // Mostly the first window; the others for BroadcastChannel and the service worker's ports.
        auto const r = d.below(20);
        return r < 9 ? Agent::window_a : r < 12 ? Agent::window_b : r < 14 ? Agent::window_other_site : Agent::service_worker;
    };
    auto const transfer_from = [&](Agent in, std::optional<PortName> source, std::optional<PortName> target) {
        std::vector<PortName> candidates;
        for (auto const& p : live)
            if (p.agent == in)
                candidates.push_back(p.name);
        std::vector<PortName> transfer;
        auto const n = d.chance(45) ? 0 : 1 + d.below(3);
        for (std::size_t i = 0; i < n && !candidates.empty(); ++i)
            transfer.push_back(candidates[d.below(candidates.size())]);
        // The interesting mistakes: the source port, the target port, a port twice.
        if (source && d.chance(4))
            transfer.push_back(*source);
        if (target && d.chance(6))
            transfer.push_back(*target);
        if (!transfer.empty() && d.chance(3))
            transfer.push_back(transfer.front());
        return transfer;
    };
    auto const message = [&] {
        model::web_messaging::MessageSpec m;
        m.symbol = d.chance(4);
        m.shared_buffer = d.chance(10);
        return m;
    };

    switch (op.kind) {
    case K::new_channel:
    case K::new_broadcast:
        op.agent = agent();
        op.name = std::uint8_t(d.below(2));
        break;
    case K::port_post: {
        auto const& p = live[d.below(live.size())];
        op.port = p.name;
        op.transfer = transfer_from(p.agent, p.name, p.entangled);
        op.sequence_overload = d.chance(25);
        op.message = message();
        break;
    }
    case K::port_start:
    case K::port_set_onmessage: {
        // Mostly a port that waits: disabled, with messages queued if there is one.
        std::vector<PortName> waiting, holding;
        for (auto const& p : live)
            if (!p.enabled) {
                waiting.push_back(p.name);
                if (p.queued != 0)
                    holding.push_back(p.name);
            }
        if (!holding.empty() && d.chance(60))
            op.port = holding[d.below(holding.size())];
        else if (!waiting.empty() && d.chance(70))
            op.port = waiting[d.below(waiting.size())];
        else
            op.port = live[d.below(live.size())].name;
        break;
    }
    case K::port_add_listener:
    case K::port_close:
        op.port = live[d.below(live.size())].name;
        break;
    case K::broadcast_post:
    case K::broadcast_close:
        op.channel = channels[d.below(channels.size())];
        op.message = message();
        break;
    case K::client_post:
        op.client = std::uint32_t(d.below(client_count));
        op.transfer = transfer_from(Agent::service_worker, std::nullopt, std::nullopt);
        op.sequence_overload = d.chance(25);
        op.message = message();
        break;
    case K::client_gone:
    case K::container_start:
    case K::container_set_onmessage:
    case K::container_add_listener:
    case K::document_parsed:
        op.client = std::uint32_t(d.below(client_count));
        break;
    case K::run_event_loops:
        break;
    }
    return op;
}

std::vector<Operation> draw_sequence(std::uint64_t seed, int size)
{
    Draw d(seed);
    auto const n = 1 + d.below(std::size_t(std::max(1, size)));
    World world;
    std::vector<Operation> ops;
    for (std::size_t i = 0; i < n; ++i) {
        ops.push_back(draw_operation(d, world, std::uint32_t(i)));
        (void)world.run(ops.back());
    }
    if (ops.back().kind != K::run_event_loops) {
        Operation run;
        run.label = std::uint32_t(ops.size());
        ops.push_back(run);
    }
    return ops;
}

// Simpler versions of one operation: fewer transfer entries, a plain message, the options overload.
rc::Seq<Operation> simplify(Operation const& op)
{
    std::vector<Operation> simpler;
    for (std::size_t i = 0; i < op.transfer.size(); ++i) {
        auto o = op;
        o.transfer.erase(o.transfer.begin() + std::ptrdiff_t(i));
        simpler.push_back(std::move(o));
    }
    if (op.message.symbol) {
        auto o = op;
        o.message.symbol = false;
        simpler.push_back(std::move(o));
    }
    if (op.message.shared_buffer) {
        auto o = op;
        o.message.shared_buffer = false;
        simpler.push_back(std::move(o));
    }
    if (op.sequence_overload) {
        auto o = op;
        o.sequence_overload = false;
        simpler.push_back(std::move(o));
    }
    return rc::seq::fromContainer(std::move(simpler));
}

rc::Seq<std::vector<Operation>> shrink_sequence(std::vector<Operation> const& ops)
{
    return rc::seq::concat(rc::shrink::removeChunks(ops), rc::shrink::eachElement(ops, simplify));
}

std::map<EventTargetName, std::vector<ObservedEvent const*>> by_target(MessagingObservation const& o)
{
    std::map<EventTargetName, std::vector<ObservedEvent const*>> map;
    for (auto const& e : o.events)
        map[e.target].push_back(&e);
    return map;
}

} // namespace

rc::Gen<std::vector<Operation>> operation_sequences()
{
    return rc::Gen<std::vector<Operation>>([](rc::Random const& random, int size) {
        auto r = random;
        auto const ops = draw_sequence(r.next(), size);
        return rc::shrinkable::shrinkRecur(ops, &shrink_sequence);
    });
}

std::string to_display(std::vector<Operation> const& ops)
{
    std::string s;
    for (auto const& op : ops)
        s += to_string(op) + "\n";
    return s;
}

std::optional<std::string> difference(MessagingObservation const& expected, MessagingObservation const& observed)
{
    if (expected.outcomes.size() != observed.outcomes.size())
        return "the observation has " + std::to_string(observed.outcomes.size()) + " outcomes, the model "
            + std::to_string(expected.outcomes.size());
    for (std::size_t i = 0; i < expected.outcomes.size(); ++i) {
        auto const& e = expected.outcomes[i];
        auto const& o = observed.outcomes[i];
        if (e == o)
            continue;
        auto const say = [](auto const& x) {
            return x.skipped ? std::string("skipped") : x.threw ? "threw " + x.error : std::string("returned");
        };
        return "operation " + std::to_string(i) + ": the spec gives " + say(e) + ", the implementation " + say(o);
    }
    auto const want = by_target(expected);
    auto const got = by_target(observed);
    for (auto const& [target, events] : want) {
        auto const it = got.find(target);
        auto const n = it == got.end() ? std::size_t(0) : it->second.size();
        for (std::size_t i = 0; i < events.size(); ++i) {
            if (i >= n)
                return "at " + to_string(target) + ": the spec gives event " + std::to_string(i + 1) + " " + to_string(*events[i])
                    + ", the implementation none";
            if (!(*events[i] == *it->second[i]))
                return "at " + to_string(target) + ": the spec gives event " + std::to_string(i + 1) + " " + to_string(*events[i])
                    + ", the implementation " + to_string(*it->second[i]);
        }
        if (n > events.size())
            return "at " + to_string(target) + ": the spec gives " + std::to_string(events.size()) + " events, the implementation also "
                + to_string(*it->second[events.size()]);
    }
    for (auto const& [target, events] : got)
        if (!want.contains(target))
            return "at " + to_string(target) + ": the spec gives no event, the implementation " + to_string(*events.front());
    return std::nullopt;
}

std::optional<Counterexample> find_difference(MessagingFault fault, SearchParams const& params, model::Trace* coverage)
{
    auto const gen = operation_sequences();
    auto const differs = [&](std::vector<Operation> const& ops, bool traced) -> std::optional<Counterexample> {
        MessagingObservation expected;
        if (traced && coverage) {
            model::TraceScope scope(*coverage);
            expected = model::web_messaging::run_operations(ops);
        } else {
            expected = model::web_messaging::run_operations(ops);
        }
        auto observed = model::web_messaging::run_operations(ops, fault);
        auto d = difference(expected, observed);
        if (!d)
            return std::nullopt;
        return Counterexample { ops, *d, std::move(expected), std::move(observed), 0, 0 };
    };
    for (int i = 0; i < params.cases; ++i) {
        rc::Random const random(rc::Random::Key { params.seed, 0x6d657373616765ULL, std::uint64_t(i), 0 });
        auto const size = params.cases <= 1 ? params.max_size : 1 + i * params.max_size / params.cases;
        auto shrinkable = gen(random, size);
        auto found = differs(shrinkable.value(), true);
        if (!found)
            continue;
        found->found_at_case = i;
        // Greedy shrinking: the first simpler sequence that still differs, until none does.
        for (bool progress = true; progress;) {
            progress = false;
            auto shrinks = shrinkable.shrinks();
            while (auto next = shrinks.next()) {
                if (auto smaller = differs(next->value(), false)) {
                    smaller->found_at_case = found->found_at_case;
                    smaller->shrinks = found->shrinks + 1;
                    found = std::move(smaller);
                    shrinkable = std::move(*next);
                    progress = true;
                    break;
                }
            }
        }
        return found;
    }
    return std::nullopt;
}

} // namespace pmconf::conformance::messaging
