// Changes to the Observations of operation sequences (compare_corpus_changes.h): outcomes (another
// one, more, fewer), events missing, extra (one no operation posted, a close event at a port that
// rests on a questioned text), in another order at their target (a close event moved), with other
// ports or another message, at another target; and what is allowed: events at different targets
// interleaved otherwise, another origin or source, an event the spec lets the user agent skip
// left out or given.
#include "conformance/tests/compare_corpus_changes.h"

#include <algorithm>
#include <set>
#include <utility>

namespace pmconf::conformance::tests::corpus {

using model::web_messaging::EventTargetName;
using model::web_messaging::ObservedEvent;
using model::web_messaging::OperationOutcome;
using model::web_messaging::PortName;

namespace {

// --- Operation sequences --------------------------------------------------------------------

std::vector<EventTargetName> targets_of(Observation const& o)
{
    std::set<EventTargetName> s;
    for (auto const& e : o.events)
        s.insert(e.target);
    return { s.begin(), s.end() };
}

} // namespace

std::vector<Change> operation_changes()
{
    std::vector<Change> c;
    c.push_back({ "outcome", [](Observation& o, Observation const&, Rng& rng) {
                     if (o.outcomes.empty())
                         return false;
                     auto& r = o.outcomes[below(rng, o.outcomes.size())];
                     static std::vector<std::string> const errors { "DataCloneError", "TypeError", "InvalidStateError", "SyntaxError" };
                     switch (below(rng, 3)) {
                     case 0: r = OperationOutcome { true, pick(rng, errors), false, {} }; break;
                     case 1: r = OperationOutcome { false, {}, false, {} }; break;
                     default: r = OperationOutcome { false, {}, true, {} }; break;
                     }
                     return true;
                 } });
    c.push_back({ "outcome-count", [](Observation& o, Observation const&, Rng& rng) {
                     if (coin(rng) || o.outcomes.size() < 2)
                         o.outcomes.push_back(OperationOutcome {});
                     else
                         o.outcomes.resize(o.outcomes.size() - 1 - below(rng, o.outcomes.size() - 1));
                     return true;
                 } });
    c.push_back({ "drop-event", [](Observation& o, Observation const&, Rng& rng) {
                     if (o.events.empty())
                         return false;
                     o.events.erase(o.events.begin() + static_cast<std::ptrdiff_t>(below(rng, o.events.size())));
                     return true;
                 } });
    c.push_back({ "extra-event", [](Observation& o, Observation const& reference, Rng& rng) {
                     ObservedEvent e;
                     auto const targets = targets_of(reference);
                     if (!o.events.empty() && coin(rng)) {
                         e = o.events[below(rng, o.events.size())]; // a duplicate
                     } else {
                         if (targets.empty() || below(rng, 4) == 0) {
                             e.target.kind = static_cast<EventTargetName::Kind>(below(rng, 6));
                             e.target.port = PortName { static_cast<std::uint32_t>(below(rng, 4)), static_cast<std::uint32_t>(below(rng, 2)) };
                             e.target.id = e.target.kind == EventTargetName::Kind::port ? 0 : static_cast<std::uint32_t>(below(rng, 4));
                             if (e.target.kind != EventTargetName::Kind::port)
                                 e.target.port = {};
                             if (e.target.kind == EventTargetName::Kind::service_worker_global)
                                 e.target.id = 0;
                         } else {
                             e.target = pick(rng, targets);
                         }
                         static std::vector<std::string> const types { "message", "messageerror", "close" };
                         e.type = pick(rng, types);
                         if (e.type == "message") {
                             e.message = static_cast<std::uint32_t>(below(rng, 12));
                             if (coin(rng))
                                 e.ports.push_back({ e.message, 0 });
                         }
                         if (coin(rng))
                             e.origin = "https://a.example";
                     }
                     o.events.insert(o.events.begin() + static_cast<std::ptrdiff_t>(below(rng, o.events.size() + 1)), e);
                     return true;
                 } });
    c.push_back({ "optional-event", [](Observation& o, Observation const& reference, Rng& rng) {
                     // An event the spec lets the user agent skip: left out, or given twice.
                     std::vector<std::size_t> optional;
                     for (std::size_t i = 0; i < reference.events.size(); ++i)
                         if (reference.events[i].optional)
                             optional.push_back(i);
                     if (optional.empty() || o.events.size() != reference.events.size())
                         return false;
                     auto const i = pick(rng, optional);
                     if (coin(rng))
                         o.events.erase(o.events.begin() + static_cast<std::ptrdiff_t>(i));
                     else
                         o.events.insert(o.events.begin() + static_cast<std::ptrdiff_t>(i), o.events[i]);
                     return true;
                 }, 2 });
    c.push_back({ "event-order", [](Observation& o, Observation const&, Rng& rng) {
                     // Two events at one target in the other order (the same when their kinds are alike).
                     std::vector<std::pair<std::size_t, std::size_t>> pairs;
                     for (std::size_t i = 0; i < o.events.size(); ++i)
                         for (std::size_t j = i + 1; j < o.events.size(); ++j)
                             if (o.events[i].target == o.events[j].target)
                                 pairs.emplace_back(i, j);
                     if (pairs.empty())
                         return false;
                     auto const [i, j] = pick(rng, pairs);
                     std::swap(o.events[i], o.events[j]);
                     return true;
                 } });
    c.push_back({ "interleaving", [](Observation& o, Observation const&, Rng& rng) {
                     // Two neighbouring events at different targets swapped: allowed (per-target order).
                     std::vector<std::size_t> at;
                     for (std::size_t i = 0; i + 1 < o.events.size(); ++i)
                         if (!(o.events[i].target == o.events[i + 1].target))
                             at.push_back(i);
                     if (at.empty())
                         return false;
                     auto const i = pick(rng, at);
                     std::swap(o.events[i], o.events[i + 1]);
                     return true;
                 } });
    c.push_back({ "event-ports", [](Observation& o, Observation const&, Rng& rng) {
                     std::vector<std::size_t> messages;
                     for (std::size_t i = 0; i < o.events.size(); ++i)
                         if (o.events[i].type == "message")
                             messages.push_back(i);
                     if (messages.empty())
                         return false;
                     auto& e = o.events[pick(rng, messages)];
                     if (!e.ports.empty() && coin(rng)) {
                         if (coin(rng))
                             e.ports.pop_back();
                         else
                             e.ports[0].index += 1;
                     } else {
                         e.ports.push_back({ e.message, static_cast<std::uint32_t>(e.ports.size()) });
                     }
                     return true;
                 } });
    c.push_back({ "event-target", [](Observation& o, Observation const& reference, Rng& rng) {
                     if (o.events.empty())
                         return false;
                     auto& e = o.events[below(rng, o.events.size())];
                     auto const targets = targets_of(reference);
                     auto const t = pick(rng, targets);
                     if (t == e.target) {
                         if (e.target.kind != EventTargetName::Kind::port)
                             return false;
                         e.target.port.index ^= 1;
                     } else {
                         e.target = t;
                     }
                     return true;
                 } });
    c.push_back({ "event-origin", [](Observation& o, Observation const&, Rng& rng) {
                     // What the implementation gives as origin and source is its choice.
                     if (o.events.empty())
                         return false;
                     auto& e = o.events[below(rng, o.events.size())];
                     e.origin = coin(rng) ? "http://127.0.0.1" : "";
                     e.source = coin(rng) ? "WindowClient" : "";
                     return true;
                 } });
    c.push_back({ "event-message", [](Observation& o, Observation const&, Rng& rng) {
                     std::vector<std::size_t> messages;
                     for (std::size_t i = 0; i < o.events.size(); ++i)
                         if (o.events[i].type != "close")
                             messages.push_back(i);
                     if (messages.empty())
                         return false;
                     auto& e = o.events[pick(rng, messages)];
                     if (e.type == "message" && coin(rng))
                         e.type = "messageerror";
                     else
                         e.message += 1;
                     return true;
                 } });
    c.push_back({ "foreign-message", [](Observation& o, Observation const& reference, Rng& rng) {
                     // A message event no operation posted, at a target of a message event.
                     std::vector<std::size_t> messages;
                     std::uint32_t last = 0;
                     for (std::size_t i = 0; i < o.events.size(); ++i)
                         if (o.events[i].type == "message")
                             messages.push_back(i);
                     for (auto const& e : reference.events)
                         last = std::max(last, e.message);
                     if (messages.empty())
                         return false;
                     ObservedEvent e;
                     e.target = o.events[pick(rng, messages)].target;
                     e.type = "message";
                     e.message = std::max<std::uint32_t>(last, static_cast<std::uint32_t>(reference.outcomes.size())) + 1
                         + static_cast<std::uint32_t>(below(rng, 3));
                     o.events.insert(o.events.begin() + static_cast<std::ptrdiff_t>(below(rng, o.events.size() + 1)), e);
                     return true;
                 }, 2 });
    c.push_back({ "close-event-moved", [](Observation& o, Observation const&, Rng& rng) {
                     // A close event in another place among its port's events (as if from a task).
                     std::vector<std::pair<std::size_t, std::size_t>> moves; // close event, other event at its target
                     for (std::size_t i = 0; i < o.events.size(); ++i)
                         if (o.events[i].type == "close")
                             for (std::size_t j = 0; j < o.events.size(); ++j)
                                 if (j != i && o.events[j].target == o.events[i].target)
                                     moves.emplace_back(i, j);
                     if (moves.empty())
                         return false;
                     auto const [i, j] = pick(rng, moves);
                     auto const e = o.events[i];
                     o.events.erase(o.events.begin() + static_cast<std::ptrdiff_t>(i));
                     o.events.insert(o.events.begin() + static_cast<std::ptrdiff_t>(j), e);
                     return true;
                 }, 2 });
    c.push_back({ "questioned-port-close", [](Observation& o, Observation const& reference, Rng& rng) {
                     // At a port that rests on a questioned text: its close event left out, or one more.
                     if (reference.questioned.ports.empty())
                         return false;
                     auto const port = pick(rng, reference.questioned.ports).port;
                     EventTargetName const target { EventTargetName::Kind::port, port, 0 };
                     std::vector<std::size_t> closes;
                     for (std::size_t i = 0; i < o.events.size(); ++i)
                         if (o.events[i].target == target && o.events[i].type == "close")
                             closes.push_back(i);
                     if (!closes.empty() && coin(rng)) {
                         o.events.erase(o.events.begin() + static_cast<std::ptrdiff_t>(pick(rng, closes)));
                     } else {
                         ObservedEvent e;
                         e.target = target;
                         e.type = "close";
                         o.events.insert(o.events.begin() + static_cast<std::ptrdiff_t>(below(rng, o.events.size() + 1)), e);
                     }
                     return true;
                 }, 2 });
    return c;
}


} // namespace pmconf::conformance::tests::corpus
