#include "conformance/messaging.h"

#include <algorithm>

namespace pmconf::conformance::messaging {

using model::web_messaging::Agent;
using model::web_messaging::client_count;
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
Operation draw_operation(Draw& d, SequenceProfile const& profile, World const& world, std::uint32_t label)
{
    auto const ports = world.ports();
    auto const channels = world.broadcast_channels();
    std::vector<World::PortInfo> live;
    for (auto const& p : ports)
        if (p.exists && !p.implicit)
            live.push_back(p);

    static constexpr Weighted weights[] = {
        { K::new_channel, 10 }, { K::port_post, 30 }, { K::port_start, 8 }, { K::port_set_onmessage, 6 },
        { K::port_add_listener, 3 }, { K::port_close, 4 }, { K::new_broadcast, 6 }, { K::broadcast_post, 8 },
        { K::broadcast_close, 2 }, { K::client_post, 8 }, { K::client_gone, 1 }, { K::container_start, 2 },
        { K::container_set_onmessage, 2 }, { K::container_add_listener, 2 }, { K::document_parsed, 3 },
        { K::run_event_loops, 14 }, { K::new_worker, 3 }, { K::worker_runs, 3 }, { K::worker_post, 6 }, { K::worker_global_post, 6 },
        { K::service_worker_listens, 2 }, { K::service_worker_post, 6 },
    };
    auto const allowed = [&](K kind) {
        return kind == K::run_event_loops || std::find(profile.kinds.begin(), profile.kinds.end(), kind) != profile.kinds.end();
    };
    unsigned total = 0;
    for (auto const& w : weights)
        if (allowed(w.kind))
            total += w.weight;
    Operation op;
    op.label = label;
    auto pick = unsigned(d.below(total));
    for (auto const& w : weights) {
        if (!allowed(w.kind))
            continue;
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
        op.kind = allowed(K::new_channel) ? K::new_channel : K::run_event_loops;
    if ((op.kind == K::broadcast_post || op.kind == K::broadcast_close) && channels.empty())
        op.kind = allowed(K::new_broadcast) ? K::new_broadcast : K::run_event_loops;

    auto const agent = [&] {
        // Mostly the first window; the others for BroadcastChannel and the service worker's ports.
        if (!profile.other_agents)
            return Agent::window_a;
        auto const r = d.below(20);
        return r < 9 ? Agent::window_a : r < 12 ? Agent::window_b : r < 13 ? Agent::window_other_site : r < 17 ? Agent::service_worker
                                                                                                  : Agent::dedicated_worker;
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
        m.symbol = profile.symbols && d.chance(4);
        m.shared_buffer = profile.shared_buffers && d.chance(10);
        return m;
    };

    switch (op.kind) {
    case K::new_channel:
        op.agent = agent();
        break;
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
        // Shared memory reaching another agent cluster is what fails to deserialize: try it often
        // when the partner port lives in one.
        auto const cluster = [](Agent a) { return a == Agent::window_other_site ? 2 : a == Agent::service_worker ? 3 : 1; };
        for (auto const& q : ports)
            if (p.entangled && q.name == *p.entangled && cluster(q.agent) != cluster(p.agent) && profile.shared_buffers)
                op.message.shared_buffer = d.chance(50);
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
        if (op.kind == K::broadcast_post)
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
    case K::new_worker:
        op.unparsable_url = d.chance(15);
        break;
    case K::service_worker_listens:
        break;
    case K::service_worker_post:
        op.client = std::uint32_t(d.below(client_count));
        op.transfer = transfer_from(Agent(op.client), std::nullopt, std::nullopt);
        op.sequence_overload = d.chance(25);
        op.message = message();
        break;
    case K::worker_runs:
        op.channel = world.worker().value_or(label);
        break;
    case K::worker_post:
    case K::worker_global_post:
        op.channel = world.worker().value_or(label);
        op.transfer = transfer_from(op.kind == K::worker_post ? Agent::window_a : Agent::dedicated_worker, std::nullopt, std::nullopt);
        op.sequence_overload = d.chance(25);
        op.message = message();
        break;
    case K::run_event_loops:
        break;
    }
    return op;
}

std::vector<Operation> draw_sequence(SequenceProfile const& profile, std::uint64_t seed, int size)
{
    Draw d(seed);
    auto const n = 1 + d.below(std::size_t(std::max(1, size)));
    World world;
    std::vector<Operation> ops;
    for (std::size_t i = 0; i < n; ++i) {
        ops.push_back(draw_operation(d, profile, world, std::uint32_t(i)));
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
    if (op.unparsable_url) {
        auto o = op;
        o.unparsable_url = false;
        simpler.push_back(std::move(o));
    }
    return rc::seq::fromContainer(std::move(simpler));
}

// Sequences without one aligned chunk: halves, then quarters, ... then single operations (about
// 2n candidates, where RapidCheck's removeChunks tries every chunk at every position, n^2 / 2:
// each candidate costs an IUT round trip while shrinking).
rc::Seq<std::vector<Operation>> remove_aligned_chunks(std::vector<Operation> const& all)
{
    // The final turn of the event loops stays (the Scenario would get it back anyway).
    bool const final_turn = all.size() > 1 && all.back().kind == K::run_event_loops;
    std::vector<Operation> const ops(all.begin(), final_turn ? all.end() - 1 : all.end());
    std::vector<std::vector<Operation>> candidates;
    for (std::size_t k = ops.size() / 2; k >= 1; k /= 2) {
        for (std::size_t start = 0; start < ops.size(); start += k) {
            auto shorter = ops;
            shorter.erase(shorter.begin() + std::ptrdiff_t(start), shorter.begin() + std::ptrdiff_t(std::min(ops.size(), start + k)));
            if (final_turn)
                shorter.push_back(all.back());
            if (shorter.size() > (final_turn ? 1u : 0u))
                candidates.push_back(std::move(shorter));
        }
    }
    return rc::seq::fromContainer(std::move(candidates));
}

rc::Seq<std::vector<Operation>> shrink_sequence(std::vector<Operation> const& ops)
{
    return rc::seq::concat(remove_aligned_chunks(ops), rc::shrink::eachElement(ops, simplify));
}

} // namespace

SequenceProfile every_operation()
{
    SequenceProfile p;
    p.kinds = { K::new_channel, K::port_post, K::port_start, K::port_set_onmessage, K::port_add_listener, K::port_close,
        K::new_broadcast, K::broadcast_post, K::broadcast_close, K::client_post, K::client_gone, K::container_start,
        K::container_set_onmessage, K::container_add_listener, K::document_parsed, K::new_worker, K::worker_runs,
        K::worker_post, K::worker_global_post, K::service_worker_listens, K::service_worker_post };
    p.other_agents = true;
    return p;
}

rc::Gen<std::vector<Operation>> operation_sequences(SequenceProfile const& profile)
{
    return rc::Gen<std::vector<Operation>>([profile](rc::Random const& random, int size) {
        auto r = random;
        auto const ops = draw_sequence(profile, r.next(), size);
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

} // namespace pmconf::conformance::messaging
