#include "conformance/properties.h"

#include "conformance/canonical.h"
#include "conformance/finding_title.h"
#include "conformance/generators/rc_generators.h"
#include "conformance/model_runner.h"
#include "model/infra/completion.h"

#include <rapidcheck.h>

#include <algorithm>
#include <chrono>
#include <climits>
#include <deque>
#include <functional>
#include <map>
#include <set>


namespace pmconf::conformance {

using generators::Profile;

namespace {

Profile plain_data()
{
    Profile p;
    p.kinds = { NodeKind::object, NodeKind::array, NodeKind::boolean_object, NodeKind::number_object, NodeKind::bigint_object,
        NodeKind::string_object, NodeKind::date, NodeKind::regexp, NodeKind::map, NodeKind::set, NodeKind::object_prototype };
    p.symbol_keys = true;
    p.non_enumerable = true;
    p.modes = { PassMode::structured_clone, PassMode::message_channel };
    return p;
}

Profile buffers_and_views()
{
    Profile p;
    p.kinds = { NodeKind::object, NodeKind::array_buffer, NodeKind::typed_array, NodeKind::data_view, NodeKind::shared_array_buffer,
        NodeKind::array };
    p.broken = true;
    p.modes = { PassMode::structured_clone, PassMode::serialize_deserialize, PassMode::for_storage, PassMode::with_transfer_to_realm };
    p.realm_variations = true;
    return p;
}

Profile non_serializable()
{
    Profile p;
    p.kinds = { NodeKind::object, NodeKind::symbol, NodeKind::function, NodeKind::weak_map, NodeKind::weak_set, NodeKind::weak_ref,
        NodeKind::promise, NodeKind::proxy, NodeKind::callable_proxy, NodeKind::platform_object, NodeKind::message_port,
        NodeKind::array, NodeKind::map, NodeKind::set, NodeKind::object_prototype };
    return p;
}

Profile errors()
{
    Profile p;
    p.kinds = { NodeKind::object, NodeKind::error, NodeKind::dom_exception, NodeKind::array };
    p.getters = true;
    p.modes = { PassMode::structured_clone, PassMode::with_transfer_to_realm };
    p.realm_variations = true;
    return p;
}

Profile getters()
{
    Profile p;
    p.kinds = { NodeKind::object, NodeKind::array, NodeKind::map, NodeKind::set, NodeKind::array_buffer, NodeKind::message_port,
        NodeKind::error };
    p.getters = true;
    p.getter_effects = true;
    p.non_enumerable = true;
    p.transfer = true;
    p.modes = { PassMode::structured_clone, PassMode::message_channel };
    return p;
}

Profile transfer_lists()
{
    Profile p;
    p.kinds = { NodeKind::object, NodeKind::array_buffer, NodeKind::message_port, NodeKind::image_bitmap, NodeKind::typed_array,
        NodeKind::shared_array_buffer, NodeKind::map };
    p.transfer = true;
    p.broken = true;
    p.modes = { PassMode::structured_clone, PassMode::with_transfer_to_realm, PassMode::message_channel };
    p.realm_variations = true;
    return p;
}

Profile storage_and_realms()
{
    Profile p;
    p.kinds = { NodeKind::object, NodeKind::shared_array_buffer, NodeKind::dom_exception, NodeKind::image_bitmap,
        NodeKind::array_buffer, NodeKind::array };
    p.broken = true;
    p.modes = { PassMode::serialize_deserialize, PassMode::for_storage, PassMode::with_transfer_to_realm };
    p.realm_variations = true;
    return p;
}

// Messaging properties: operation sequences (conformance/messaging.h).
Profile operations(std::vector<model::web_messaging::Operation::Kind> kinds, bool other_agents, std::vector<std::string> required)
{
    Profile p;
    p.kinds = { NodeKind::object };
    p.modes = { PassMode::operations };
    messaging::SequenceProfile s;
    s.kinds = std::move(kinds);
    s.other_agents = other_agents;
    s.required = std::move(required);
    p.operations = s;
    return p;
}

using OpKind = model::web_messaging::Operation::Kind;

Profile message_ports()
{
    return operations({ OpKind::new_channel, OpKind::port_post, OpKind::port_start, OpKind::port_set_onmessage,
                          OpKind::port_add_listener, OpKind::port_close },
        false, { "message-ports" });
}

Profile broadcast_channels()
{
    return operations({ OpKind::new_broadcast, OpKind::broadcast_post, OpKind::broadcast_close }, false, { "broadcast-channel" });
}

Profile client_message_queue()
{
    return operations({ OpKind::new_channel, OpKind::client_post, OpKind::client_gone, OpKind::container_start,
                          OpKind::container_set_onmessage, OpKind::container_add_listener, OpKind::document_parsed,
                          OpKind::service_worker_listens, OpKind::service_worker_post, OpKind::new_worker, OpKind::worker_runs },
        true, { "service-worker-clients", "messaging-agents", "message-ports", "dedicated-workers" });
}

Profile dedicated_workers()
{
    return operations({ OpKind::new_channel, OpKind::new_worker, OpKind::worker_runs, OpKind::worker_post, OpKind::worker_global_post },
        false, { "dedicated-workers", "message-ports" });
}

Profile messaging_across_agents()
{
    return operations(messaging::every_operation().kinds, true,
        { "messaging-agents", "message-ports", "broadcast-channel", "service-worker-clients" });
}

std::vector<ConformanceProperty> const& properties()
{
    static std::vector<ConformanceProperty> const list {
        { "round-trip-plain-data", "structured-clone",
            "plain data (objects, arrays, wrappers, dates, regexps, maps, sets) clones to an isomorphic graph: sharing and cycles kept, only enumerable string-keyed own properties copied",
            { "html:structuredserializeinternal:2", "html:structuredserializeinternal:4", "html:structuredserializeinternal:7",
                "html:structuredserializeinternal:12", "html:structuredserializeinternal:18", "html:structuredserializeinternal:24",
                "html:structuredserializeinternal:26.4", "html:structureddeserialize:2", "html:structureddeserialize:19",
                "html:structureddeserialize:24.3.1.2", "html:dom-structuredclone:1" },
            plain_data() },
        { "buffers-and-views", "structured-clone",
            "ArrayBuffers (resizable, detached, shared) and views (length-tracking, out of bounds) serialize or throw as the spec says",
            { "html:structuredserializeinternal:13", "html:structuredserializeinternal:13.1.1", "html:structuredserializeinternal:13.2.1",
                "html:structuredserializeinternal:13.2.5", "html:structuredserializeinternal:14.1", "html:structuredserializeinternal:14.3",
                "html:structureddeserialize:12.1", "html:structureddeserialize:16" },
            buffers_and_views() },
        { "non-serializable-values", "structured-clone",
            "symbols, functions, weak collections, promises, proxies and platform objects throw DataCloneError at the step that rejects them",
            { "html:structuredserializeinternal:5", "html:structuredserializeinternal:20", "html:structuredserializeinternal:21",
                "html:structuredserializeinternal:22", "html:structuredserializeinternal:23" },
            non_serializable() },
        { "error-objects", "structured-clone",
            "Error objects keep a normalized name, a data message converted with ToString, and their prototype; DOMException round-trips",
            { "html:structuredserializeinternal:17.1", "html:structuredserializeinternal:17.2", "html:structuredserializeinternal:17.4",
                "html:structureddeserialize:21", "html:structuredserializeinternal:19", "html:structureddeserialize:22.2" },
            errors() },
        { "getters-and-side-effects", "structured-clone",
            "getters run once each in property order, keys are listed before any getter runs, deleted keys are skipped, a throw propagates",
            { "html:structuredserializeinternal:26.4", "html:structuredserializeinternal:26.4.1", "html:structuredserializeinternal:26.4.1.1",
                "html:structuredserializeinternal:26.1.2.2", "html:structuredserializewithtransfer:5.1" },
            getters() },
        { "transfer-lists", "structured-clone",
            "transfer lists: non-transferables, shared buffers and duplicates are rejected before serializing; entries are detached exactly when the call succeeds",
            { "html:structuredserializewithtransfer:2.1", "html:structuredserializewithtransfer:2.2", "html:structuredserializewithtransfer:2.3",
                "html:structuredserializewithtransfer:5.1", "html:structuredserializewithtransfer:5.2", "html:structuredserializewithtransfer:5.4.3",
                "html:structuredserializewithtransfer:5.5.5", "html:structureddeserializewithtransfer:3.4.2" },
            transfer_lists() },
        { "storage-and-realms", "structured-clone",
            "StructuredSerialize, StructuredSerializeForStorage and deserialization into other realms reject what the target cannot hold",
            { "html:structuredserialize:1", "html:structuredserializeforstorage:1", "html:structuredserializeinternal:13.1.2",
                "html:structureddeserialize:13.1", "html:structureddeserialize:22.2", "html:structureddeserialize:14/catch" },
            storage_and_realms() },
        { "message-ports", "web-messaging",
            "MessageChannel ports: queues held until start() or onmessage (not addEventListener), FIFO, shipped with their queued messages, the source port refused, the target port doomed, close events",
            { "html:message-port-post-message-steps:2", "html:message-port-post-message-steps:4", "html:message-port-post-message-steps:7",
                "html:message-port-post-message-steps:7.6", "html:transfermessageport--receiving:2", "html:dom-messageport-close:2",
                "html:disentangle:4", "html:handler-messageeventtarget-onmessage:1" },
            message_ports() },
        { "broadcast-channel", "web-messaging",
            "BroadcastChannel: every other open channel of the name and storage key, in creation order, never the source; InvalidStateError once closed",
            { "html:dom-broadcastchannel-postmessage:2", "html:dom-broadcastchannel-postmessage:6", "html:dom-broadcastchannel-postmessage:7",
                "html:dom-broadcastchannel-postmessage:9.1" },
            broadcast_channels() },
        { "client-message-queue", "web-messaging",
            "Client.postMessage(): the client message queue holds messages until startMessages(), onmessage, the end of parsing or, for a worker client, the worker running (not addEventListener)",
            { "service-workers:client-postmessage-options:4.5", "service-workers:service-worker-container-event-handlers:1",
                "service-workers:navigator-service-worker-startmessages:1", "html:stop-parsing:6.4", "html:run-a-worker--oncomplete:14",
                "service-workers:client-postmessage-options:4.5.3/catch" },
            client_message_queue() },
        { "dedicated-workers", "web-messaging",
            "new Worker() throws SyntaxError for a URL that does not parse; Worker.postMessage and the worker's postMessage go through the implicit ports: entangled and enabled when the worker runs, ports handed over in order",
            { "html:dom-worker:4", "html:dom-worker:5", "html:run-a-worker--oncomplete:5", "html:run-a-worker--oncomplete:11",
                "html:run-a-worker--oncomplete:12", "html:dom-worker-postmessage-options:1",
                "html:dom-dedicatedworkerglobalscope-postmessage-options:1" },
            dedicated_workers() },
        { "messaging-across-agents", "web-messaging",
            "all of the above across windows, sites and a service worker: ports handed to clients, shared memory reaching another agent cluster (messageerror)",
            { "html:message-port-post-message-steps:7.4/catch", "html:dom-broadcastchannel-postmessage:9.3/catch",
                "html:dom-broadcastchannel-postmessage:6" },
            messaging_across_agents() },
    };
    return list;
}

} // namespace

std::span<ConformanceProperty const> conformance_properties() { return properties(); }

ConformanceProperty const* find_property(std::string_view name)
{
    for (auto const& p : properties())
        if (p.name == name)
            return &p;
    return nullptr;
}

namespace {

// Who a cause is filed against when it is in the serializer: every API uses the one.
std::string const serializer = "the serializer (structuredClone() and postMessage())";

// What groups the cases of one finding while searching: a deviation's signature; for a spec
// question, the questions it rests on (whatever differs downstream of a questioned message
// is one question, shrunk once, not one finding per difference it causes).
std::string finding_key(Difference const& d)
{
    if (d.kind() == FindingKind::deviation)
        return d.signature();
    std::string key = "spec question";
    for (auto const& q : d.spec_questions)
        key += "?" + q;
    return key;
}

// How a difference reads: its signature, then what it expected and observed with numbers and
// quoted strings left out: "get#3, get#3" and
// "get#1, get#1" read alike, "get#1" and "none" do not.
std::string detail_of(Difference const& d)
{
    std::string const s = d.expected + "|" + d.observed;
    std::string out = d.signature() + "|";
    for (std::size_t i = 0; i < s.size(); ++i) {
        auto const c = s[i];
        if (c >= '0' && c <= '9') {
            while (i + 1 < s.size() && ((s[i + 1] >= '0' && s[i + 1] <= '9') || s[i + 1] == '.'))
                ++i;
            out += '9';
        } else if (c == '"') {
            while (i + 1 < s.size() && s[i + 1] != '"')
                i += s[i + 1] == '\\' ? 2 : 1;
            ++i;
            out += "\"\"";
        } else {
            out += c;
        }
    }
    return out;
}

// One drawn case: where it came from (to replay it), the Scenario, and the model's Observation.
struct Case {
    Case(int i, int n, rc::Shrinkable<generators::ScenarioRecipe> r) : index(i), size(n), recipe(std::move(r)) { }
    int index = 0;
    int size = 0;
    rc::Shrinkable<generators::ScenarioRecipe> recipe;
    Scenario scenario;
    Observation reference;
};

// Every case has a Random of its own, so that one case can be redrawn without the ones before it.
rc::Random case_random(std::uint64_t seed, std::string const& property, int index)
{
    return rc::Random(rc::Random::Key { seed, std::hash<std::string> {}(property), static_cast<std::uint64_t>(index), 0x706d636f6e66ULL });
}

class PropertyRunner {
public:
    PropertyRunner(ConformanceProperty const& property, Iut& iut, RunParams const& params, model::Trace& coverage)
        : m_property(property), m_iut(iut), m_params(params), m_coverage(coverage), m_profile(property.profile)
        , m_started(std::chrono::steady_clock::now())
    {
    }

    PropertyOutcome run()
    {
        std::string reason;
        if (!restrict_profile(m_profile, m_iut.capabilities(), reason)) {
            m_outcome.status = PropertyOutcome::Status::skipped;
            m_outcome.skip_reason = m_iut.name() + " cannot run this property: " + reason;
            return finish();
        }
        m_gen.emplace(generators::scenario_recipe(m_profile));
        if (m_params.reproduce)
            replay(*m_params.reproduce);
        else
            search();
        // After an IUT failure the deviations found before it are still reported, unshrunk.
        // Shrinking one deviation may find others (a candidate that shows another signature):
        // they join m_found and are shrunk in turn.
        for (std::size_t i = 0; i < m_found.size(); ++i) {
            Found found = m_found[i];
            add_finding(shrink(found));
        }
        // Seen beyond --max-deviations: reported with the first case that showed it, unshrunk.
        for (auto& f : m_unshrunk)
            add_finding(unshrunk(f));
        if (m_outcome.status != PropertyOutcome::Status::error) {
            if (std::any_of(m_outcome.deviations.begin(), m_outcome.deviations.end(),
                    [](Deviation const& d) { return d.kind() == FindingKind::deviation; }))
                m_outcome.status = PropertyOutcome::Status::failed;
            else if (m_outcome.cases == 0 && m_outcome.skipped_cases > 0) {
                m_outcome.status = PropertyOutcome::Status::skipped;
                m_outcome.skip_reason = "every case drawn needs a capability " + m_iut.name() + " lacks: " + skipped_list();
            }
        }
        return finish();
    }

private:
    struct Found {
        Case c;
        Observation observed;
        Difference difference;
        std::string signature;
        std::string detail;   // how the difference reads, numbers left out: cases of one signature that
                              // read differently may be different bugs, so each is shrunk
        int first_case = 0;
        int occurrences = 1;
        std::vector<std::size_t> base_path; // shrink path from the drawn case to c (found while shrinking another)
    };

    // Crashes and hangs (each candidate costs a restart or a time-out) and spec questions get one
    // representative; other signatures up to RunParams::representatives.
    std::size_t representatives_for(Found const& f) const
    {
        bool const failure = f.observed.threw && f.observed.error_name.starts_with("(the IUT ");
        return failure || f.difference.kind() == FindingKind::spec_question ? 1 : m_params.representatives;
    }

    bool found_a_deviation() const
    {
        return std::any_of(m_found.begin(), m_found.end(), [](Found const& f) { return f.difference.kind() == FindingKind::deviation; });
    }

    // Deviations and spec questions have a cap each: questions never take a deviation's place.
    std::size_t distinct_signatures(FindingKind kind) const
    {
        std::set<std::string> signatures;
        for (auto const& f : m_found)
            if (f.difference.kind() == kind)
                signatures.insert(f.signature);
        return signatures.size();
    }

    // Where a case showing *difference* goes: an entry of m_found (a representative to shrink), of
    // m_unshrunk (beyond the cap), or nowhere (another case of a known one, counted). Returns the
    // entry it joined, or nullptr when it needs one of its own (the caller adds it to *to*).
    enum class Place { counted, shrink, unshrunk };
    Place place(std::string const& signature, FindingKind kind, std::string const& detail, Found*& same)
    {
        same = nullptr;
        int representatives = 0;
        for (auto& f : m_found) {
            if (f.signature != signature)
                continue;
            if (!same)
                same = &f;
            if (f.detail == detail) {
                same = &f;
                return Place::counted;
            }
            ++representatives;
        }
        if (same)
            return representatives < static_cast<int>(representatives_for(*same)) && !m_params.stop_at_first_deviation ? Place::shrink : Place::counted;
        for (auto& f : m_unshrunk)
            if (f.signature == signature) {
                same = &f;
                return Place::counted;
            }
        if (m_params.stop_at_first_deviation && found_a_deviation())
            return Place::counted; // the fault matrix wants the first deviation only
        if (distinct_signatures(kind) >= m_params.max_deviations)
            return Place::unshrunk;
        return Place::shrink;
    }

    // A signature seen for the first time while shrinking another deviation: a deviation of its
    // own, found from the candidate that showed it.
    void found_while_shrinking(Case const& c, Observation const& observed, Difference&& difference, std::vector<std::size_t> path)
    {
        // Not when the search stops at its first deviation, nor when one case is replayed (the
        // deviation asked for is the one reported).
        if (m_params.stop_at_first_deviation || m_params.reproduce)
            return;
        auto signature = finding_key(difference);
        for (auto const& f : m_found)
            if (f.signature == signature)
                return;
        Found* same = nullptr;
        auto detail = detail_of(difference);
        auto const where = place(signature, difference.kind(), detail, same);
        if (where == Place::counted)
            return;
        Found f { c, observed, std::move(difference), std::move(signature), std::move(detail), c.index, 1, std::move(path) };
        if (where == Place::unshrunk) {
            ++m_outcome.other_signatures;
            m_unshrunk.push_back(std::move(f));
        } else {
            m_found.push_back(std::move(f));
        }
    }

    // Whether the implementation ever detached a transfer-list entry where the spec detaches one.
    // Cases where a getter detaches something are left out: what is detached there may be the
    // getter's doing.
    void note_detaches(Case const& c, Observation const& observed)
    {
        for (auto const& n : c.scenario.graph.nodes)
            for (auto const& p : n.properties)
                if (p.getter && std::any_of(p.getter->effects.begin(), p.getter->effects.end(), [](GetterEffect const& e) { return e.kind == GetterEffect::Kind::detach; }))
                    return;
        auto const detached = [](Observation const& o, NodeIndex node) {
            return std::any_of(o.transferables.begin(), o.transferables.end(), [&](TransferableState const& t) { return t.node == node && t.detached; });
        };
        for (auto const& t : c.reference.transferables) {
            if (!t.detached || t.node >= c.scenario.graph.nodes.size() || c.scenario.graph.nodes[t.node].detached)
                continue;
            ++m_spec_detaches;
            if (detached(observed, t.node))
                ++m_iut_detaches;
        }
    }

    // One finding per root cause: a representative that shrank to a finding already there adds its
    // cases to it; another finding of a cause already there is one of its variants.
    void add_finding(Deviation d)
    {
        d.title = finding_title(d.difference, d.scenario);
        d.root_cause = root_cause_of(d.difference, d.scenario, &d.expected, &d.observed);
        // An implementation that never detached an entry the spec detaches ignores the transfer
        // list: whatever else its transfer-list findings show follows from that.
        if (m_spec_detaches > 0 && m_iut_detaches == 0 && d.kind() == FindingKind::deviation && d.scenario.mode != PassMode::operations
            && (d.difference.field == "transferables" || d.difference.step.starts_with("html:structuredserializewithtransfer") || d.root_cause.find("transfer list") != std::string::npos))
            d.root_cause = "transfer list|" + serializer + ": ignores the transfer list (it never detached an entry the spec detaches)";
        // A spec question resting on a question a finding is filed under already joins it.
        if (d.kind() == FindingKind::spec_question)
            for (auto const& e : m_outcome.deviations) {
                auto const q = filed_question(e.root_cause);
                if (!q.empty() && std::find(d.difference.spec_questions.begin(), d.difference.spec_questions.end(), q) != d.difference.spec_questions.end()) {
                    d.root_cause = e.root_cause;
                    break;
                }
            }
        auto const identity = d.identity();
        for (auto& e : m_outcome.deviations)
            if (e.root_cause == d.root_cause) {
                e.occurrences += d.occurrences;
                e.found_at_case = std::min(e.found_at_case, d.found_at_case);
                auto const known = e.identity() == identity
                    || std::any_of(e.variants.begin(), e.variants.end(), [&](Deviation::Variant const& v) { return v.signature == d.signature && v.title == d.title; });
                if (!known)
                    e.variants.push_back({ d.signature, d.title, d.reproduce, d.shrunk });
                return;
            }
        m_outcome.deviations.push_back(std::move(d));
    }

    Deviation unshrunk(Found& f)
    {
        Deviation d;
        d.signature = f.difference.signature();
        d.found_at_case = f.first_case;
        d.occurrences = f.occurrences;
        d.shrunk = false;
        ReproduceKey key { m_params.seed, f.c.index, f.c.size, f.base_path };
        d.reproduce = to_string(key);
        d.difference = std::move(f.difference);
        d.scenario = std::move(f.c.scenario);
        d.expected = d.difference.reference_index == 0 ? std::move(f.c.reference) : f.c.reference.alternatives[d.difference.reference_index - 1];
        d.observed = std::move(f.observed);
        return d;
    }

    // The IUT's stderr during this property, its last 64 KiB (a crash shrunk candidate by
    // candidate would otherwise repeat its tail hundreds of times).
    void keep_stderr(std::string const& more)
    {
        constexpr std::size_t limit = 64 * 1024;
        auto& tail = m_outcome.stderr_tail;
        tail += more;
        if (tail.size() > limit)
            tail.erase(0, tail.size() - limit);
    }

    PropertyOutcome finish()
    {
        keep_stderr(m_iut.take_stderr());
        m_outcome.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - m_started).count();
        return std::move(m_outcome);
    }

    std::string skipped_list() const
    {
        std::string s;
        for (auto const& [cap, n] : m_outcome.skipped_for)
            s += (s.empty() ? "" : ", ") + cap + " (" + std::to_string(n) + " cases)";
        return s;
    }

    // Draws case *index*; nullopt (counted as skipped) when the IUT lacks what it needs.
    std::optional<Case> draw(int index, model::Trace* coverage)
    {
        int const size = index % (m_params.max_size + 1);
        Case c(index, size, (*m_gen)(case_random(m_params.seed, m_property.name, index), size));
        if (!prepare(c, coverage))
            return std::nullopt;
        return c;
    }

    bool prepare(Case& c, model::Trace* coverage)
    {
        c.scenario = generators::build_scenario(c.recipe.value(), m_profile);
        if (auto missing = missing_capability(c.scenario, m_iut.capabilities()); !missing.empty()) {
            if (coverage) {
                ++m_outcome.skipped_cases;
                ++m_outcome.skipped_for[missing];
            }
            return false;
        }
        model::Trace scratch;
        c.reference = run_on_model(c.scenario, model::Fault::none, coverage ? coverage : &scratch);
        return true;
    }

    // The reply to the oldest batch in flight. On a failure, nullopt, with the failure in *failure*.
    std::optional<std::vector<Observation>> receive(std::size_t expected_count, std::optional<IutFailure>& failure)
    {
        auto const waiting = std::chrono::steady_clock::now();
        auto reply = m_iut.receive();
        m_outcome.iut_wait_seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - waiting).count();
        if (!reply.failure && reply.observations.size() != expected_count)
            reply.failure = IutFailure { "the reply has " + std::to_string(reply.observations.size()) + " observations for "
                + std::to_string(expected_count) + " scenarios", { } };
        if (reply.failure) {
            failure = std::move(reply.failure);
            return std::nullopt;
        }
        return std::move(reply.observations);
    }

    void record_error(IutFailure const& failure, std::string const& context)
    {
        m_outcome.status = PropertyOutcome::Status::error;
        m_outcome.error = failure.what + context;
        if (!failure.stderr_tail.empty())
            keep_stderr(failure.stderr_tail);
    }

    static bool scenario_specific(IutFailure const& f)
    {
        return f.kind == IutFailure::Kind::crashed || f.kind == IutFailure::Kind::timed_out;
    }

    // A crash or hang as an Observation, so that it compares, gets a signature and shrinks like
    // any other deviation. Only for failures that recur when the case runs alone.
    static Observation failure_observation(IutFailure const& f)
    {
        Observation o;
        o.threw = true;
        // No numbers from the time-out: the signature must not change with --timeout.
        o.error_name = f.kind == IutFailure::Kind::crashed ? "(the IUT process " + f.how + ")" : std::string("(the IUT hung: no answer within the time-out)");
        return o;
    }

    // Runs *cases* one at a time after a batch crashed or hung: which case did it? A case whose run
    // fails must fail alone in a fresh process to count: the first case after a failure (the IUT
    // restarts after every crash or hang) already ran so; any other is run once more, after the
    // restart its failure caused. If it fails the same way, the failure is its Observation;
    // otherwise the failure is the IUT's, and recorded as an error.
    // With *enough*, the run stops at the first case for which it says so: fewer Observations come
    // back (shrinking wants only the first candidate that keeps the deviation, and each crash or
    // hang after it would cost a restart or a timeout twice).
    using Enough = std::function<bool(Case const&, Observation const&)>;

    // While *searching*, more than max_hangs hangs end the run (and the search) early: fewer
    // Observations come back.
    std::optional<std::vector<Observation>> run_singly(std::vector<Case> const& cases, std::string const& context, Enough const& enough,
        bool searching = false)
    {
        std::vector<Observation> observations;
        bool fresh = true; // the IUT restarts for the first case: the batch before it failed
        for (auto const& c : cases) {
            if (enough && !observations.empty() && enough(cases[observations.size() - 1], observations.back()))
                break;
            std::optional<IutFailure> failure;
            m_iut.submit({ c.scenario });
            auto one = receive(1, failure);
            if (one) {
                observations.push_back(std::move(one->front()));
                fresh = false;
                continue;
            }
            if (!scenario_specific(*failure)) {
                record_error(*failure, context);
                return std::nullopt;
            }
            if (!fresh) {
                std::optional<IutFailure> again;
                m_iut.submit({ c.scenario });
                auto second = receive(1, again);
                if (second || !scenario_specific(*again) || again->kind != failure->kind
                    || (failure->kind == IutFailure::Kind::crashed && again->how != failure->how)) {
                    record_error(*failure, context + "; run alone in a fresh process, the case that did it did not do it again");
                    return std::nullopt;
                }
                failure = std::move(again);
            }
            fresh = true;
            keep_stderr(failure->stderr_tail);
            observations.push_back(failure_observation(*failure));
            // Hangs cost a timeout each: past a few, the search ends early (not an error: the hang
            // is a deviation like any other, and what was found is reported).
            if (searching && failure->kind == IutFailure::Kind::timed_out && ++m_hangs > max_hangs) {
                m_outcome.search_note = "the search ended at case " + std::to_string(c.index) + " of " + std::to_string(m_params.max_success)
                    + ": the IUT hung on " + std::to_string(m_hangs) + " cases, each costing a timeout";
                break;
            }
        }
        return observations;
    }

    // Runs a batch to the end: one reply, or, after a crash or hang, one Observation per case.
    std::optional<std::vector<Observation>> evaluate(std::vector<Case> const& cases, std::string const& context, Enough const& enough = { })
    {
        std::vector<Scenario> scenarios;
        scenarios.reserve(cases.size());
        for (auto const& c : cases)
            scenarios.push_back(c.scenario);
        m_iut.submit(scenarios);
        std::optional<IutFailure> failure;
        auto observations = receive(cases.size(), failure);
        if (observations)
            return observations;
        if (!scenario_specific(*failure)) {
            record_error(*failure, context);
            return std::nullopt;
        }
        return run_singly(cases, context, enough);
    }

    void judge(Case&& c, Observation&& observed)
    {
        ++m_outcome.cases;
        m_outcome.nodes += c.scenario.graph.nodes.size();
        note_detaches(c, observed);
        Choices choices;
        auto difference = compare_observations(c.reference, observed, &choices);
        for (auto const& choice : choices)
            ++m_outcome.choices[choice];
        if (!difference)
            return;
        auto signature = finding_key(*difference);
        auto detail = detail_of(*difference);
        Found* same = nullptr;
        auto const where = place(signature, difference->kind(), detail, same);
        if (where == Place::counted) {
            if (!same) {
                ++m_outcome.other_signatures; // a new signature after the search stopped at its first
                return;
            }
            ++same->occurrences;
            // Shrinking starts from the smallest case that showed the difference: greedy shrinking
            // stops at a local minimum, and a smaller start finds a smaller one.
            if (same->detail == detail && c.scenario.graph.nodes.size() + c.scenario.operations.size()
                    < same->c.scenario.graph.nodes.size() + same->c.scenario.operations.size()) {
                same->c = std::move(c);
                same->observed = std::move(observed);
                same->difference = std::move(*difference);
                same->base_path.clear();
            }
            return;
        }
        int const first = c.index;
        Found f { std::move(c), std::move(observed), std::move(*difference), std::move(signature), std::move(detail), first, 1, { } };
        if (where == Place::unshrunk) {
            ++m_outcome.other_signatures;
            m_unshrunk.push_back(std::move(f));
        } else {
            m_found.push_back(std::move(f));
        }
    }

    void search()
    {
        int next = 0;
        std::deque<std::vector<Case>> in_flight;
        auto const done = [&] {
            return next >= m_params.max_success || (m_params.stop_at_first_deviation && found_a_deviation());
        };
        while (true) {
            while (!done() && m_iut.in_flight() < m_iut.max_in_flight()) {
                std::vector<Case> batch;
                while (batch.size() < m_params.batch_size && next < m_params.max_success) {
                    if (auto c = draw(next++, &m_coverage))
                        batch.push_back(std::move(*c));
                }
                if (batch.empty())
                    continue;
                std::vector<Scenario> scenarios;
                scenarios.reserve(batch.size());
                for (auto const& c : batch)
                    scenarios.push_back(c.scenario);
                m_iut.submit(scenarios);
                in_flight.push_back(std::move(batch));
            }
            if (in_flight.empty())
                break;
            auto batch = std::move(in_flight.front());
            in_flight.pop_front();
            auto const context = " (in a batch of " + std::to_string(batch.size()) + " cases from case " + std::to_string(batch.front().index) + ")";
            std::optional<IutFailure> failure;
            auto observations = receive(batch.size(), failure);
            if (!observations && scenario_specific(*failure)) {
                // Every batch in flight was lost with the process: run them all one case at a time.
                for (auto& lost : in_flight)
                    for (auto& c : lost)
                        batch.push_back(std::move(c));
                in_flight.clear();
                observations = run_singly(batch, context, { }, true);
                if (!observations)
                    return;
                if (!m_outcome.search_note.empty()) {
                    for (std::size_t k = 0; k < observations->size(); ++k)
                        judge(std::move(batch[k]), std::move((*observations)[k]));
                    return;
                }
            } else if (!observations) {
                record_error(*failure, context);
                return; // every batch in flight is lost with it
            }
            for (std::size_t k = 0; k < batch.size(); ++k)
                judge(std::move(batch[k]), std::move((*observations)[k]));
        }
    }

    // Greedy shrinking over RapidCheck's shrink tree: take the first shrink that still shows the
    // same signature, until none does. Candidates go to the IUT in batches, in tree order, so the
    // result is the one a candidate-by-candidate walk would reach.
    Deviation shrink(Found& f)
    {
        Deviation d;
        d.found_at_case = f.first_case;
        d.occurrences = f.occurrences;
        std::vector<std::size_t> path = f.base_path;
        auto current = f.c.recipe;
        Case best = std::move(f.c);
        Observation best_observed = std::move(f.observed);
        Difference best_difference = std::move(f.difference);
        int evaluations = 0;
        // Candidates go 16 to a batch; a crash or a hang is shrunk one candidate at a time, since a
        // batch that holds a crashing candidate costs a restart before the candidates are run
        // one by one anyway.
        bool const keep_detail = std::count_if(m_found.begin(), m_found.end(), [&](Found const& g) { return g.signature == f.signature; }) > 1;
        bool const failure_signature = f.observed.threw && f.observed.error_name.starts_with("(the IUT ");
        std::size_t const chunk_size = failure_signature ? 1 : 16;
        bool improved = true;
        auto const shrink_started = std::chrono::steady_clock::now();
        auto const in_budget = [&] {
            return m_outcome.status != PropertyOutcome::Status::error && evaluations < m_params.max_shrink_evaluations
                && std::chrono::steady_clock::now() - shrink_started < std::chrono::seconds(m_params.max_shrink_seconds);
        };
        while (improved && in_budget()) {
            improved = false;
            auto shrinks = current.shrinks();
            std::size_t index = 0;
            while (!improved && in_budget()) {
                std::vector<Case> chunk;
                std::vector<std::size_t> indices;
                while (chunk.size() < chunk_size) {
                    auto next = shrinks.next();
                    if (!next)
                        break;
                    Case c(best.index, best.size, std::move(*next));
                    auto const i = index++;
                    if (prepare(c, nullptr)) {
                        chunk.push_back(std::move(c));
                        indices.push_back(i);
                    }
                }
                if (chunk.empty())
                    break;
                evaluations += static_cast<int>(chunk.size());
                // A representative of a signature that has others keeps how it reads too: it must
                // not drift into another representative's bug while it shrinks.
                auto const same_finding = [&](Difference const& difference) {
                    return finding_key(difference) == f.signature && (!keep_detail || detail_of(difference) == f.detail);
                };
                auto const keeps_the_deviation = [&](Case const& c, Observation const& o) {
                    auto const difference = compare_observations(c.reference, o);
                    return difference && same_finding(*difference);
                };
                auto observations = evaluate(chunk, " (while shrinking " + f.signature + ")", keeps_the_deviation);
                if (!observations)
                    break;
                for (std::size_t k = 0; k < observations->size(); ++k) {
                    auto difference = compare_observations(chunk[k].reference, (*observations)[k]);
                    if (difference && finding_key(*difference) != f.signature) {
                        auto candidate_path = path;
                        candidate_path.push_back(indices[k]);
                        found_while_shrinking(chunk[k], (*observations)[k], std::move(*difference), std::move(candidate_path));
                        continue;
                    }
                    if (difference && same_finding(*difference)) {
                        current = chunk[k].recipe;
                        path.push_back(indices[k]);
                        best = std::move(chunk[k]);
                        best_observed = std::move((*observations)[k]);
                        best_difference = std::move(*difference);
                        ++d.shrinks;
                        improved = true;
                        break;
                    }
                }
            }
        }
        ReproduceKey key { m_params.seed, best.index, best.size, path };
        if (m_replay_path)
            key.path.insert(key.path.begin(), m_replay_path->begin(), m_replay_path->end());
        d.reproduce = to_string(key);
        d.signature = best_difference.signature();
        d.difference = std::move(best_difference);
        d.scenario = std::move(best.scenario);
        // The allowed Observation the difference was found against (the reference itself, or one
        // of the other orders of tasks the spec leaves open).
        d.expected = d.difference.reference_index == 0 ? std::move(best.reference) : best.reference.alternatives[d.difference.reference_index - 1];
        d.observed = std::move(best_observed);
        return d;
    }

    // Replays one case from a reproduce string: redraws it, follows the shrink path, runs it.
    void replay(std::string const& text)
    {
        auto key = parse_reproduce(text);
        if (!key) {
            m_outcome.status = PropertyOutcome::Status::error;
            m_outcome.error = "the reproduce string \"" + text + "\" is not of the form pmconf1:<seed>:<case>:<size>:<path>";
            return;
        }
        Case c(key->index, key->size, (*m_gen)(case_random(key->seed, m_property.name, key->index), key->size));
        for (auto const step : key->path) {
            auto shrinks = c.recipe.shrinks();
            std::optional<rc::Shrinkable<generators::ScenarioRecipe>> chosen;
            for (std::size_t i = 0; i <= step; ++i) {
                auto next = shrinks.next();
                if (!next) {
                    chosen.reset();
                    break;
                }
                chosen.emplace(std::move(*next));
            }
            if (!chosen) {
                m_outcome.status = PropertyOutcome::Status::error;
                m_outcome.error = "the reproduce string's shrink path does not fit this property's cases (another property, or another version of pmconf?)";
                return;
            }
            c.recipe = std::move(*chosen);
        }
        m_replay_path = key->path;
        if (!prepare(c, &m_coverage)) {
            m_outcome.status = PropertyOutcome::Status::skipped;
            m_outcome.skip_reason = "the case needs a capability " + m_iut.name() + " lacks: " + skipped_list();
            return;
        }
        std::vector<Case> one;
        one.push_back(std::move(c));
        auto observations = evaluate(one, " (replaying " + text + ")");
        if (observations)
            judge(std::move(one.front()), std::move(observations->front()));
    }

    ConformanceProperty const& m_property;
    Iut& m_iut;
    RunParams const& m_params;
    model::Trace& m_coverage;
    generators::Profile m_profile;
    std::optional<rc::Gen<generators::ScenarioRecipe>> m_gen;
    std::chrono::steady_clock::time_point m_started;
    PropertyOutcome m_outcome;
    int m_spec_detaches = 0; // transfer-list entries the spec detached, over the cases judged
    int m_iut_detaches = 0;  // ... and of them, those the implementation detached
    std::vector<Found> m_found;
    std::vector<Found> m_unshrunk;
    std::optional<std::vector<std::size_t>> m_replay_path;
    int m_hangs = 0;
    static constexpr int max_hangs = 3;
};

} // namespace

PropertyOutcome check_property(ConformanceProperty const& property, Iut& iut, RunParams const& params, model::Trace& coverage)
{
    return PropertyRunner(property, iut, params, coverage).run();
}

// A deviation is known by how its difference reads (signature, and what it expected and observed
// with numbers and strings left out): the same in every property that finds it, whatever each
// property's generator made of the counterexample; a spec question by the questions it rests on.
std::string Deviation::identity() const
{
    return difference.kind() == FindingKind::spec_question ? finding_key(difference) : detail_of(difference);
}

std::vector<std::string> Deviation::signatures() const
{
    std::vector<std::string> all { signature };
    for (auto const& v : variants)
        all.push_back(v.signature);
    return all;
}

namespace {

// The part of an algorithm a step belongs to, as far as one fix in an implementation goes: the
// checks StructuredSerializeInternal makes for values it cannot serialize (5, 20-23) are one
// part, those for detached and out-of-bounds buffers, views and platform objects (13, 14, 19)
// another; StructuredDeserialize's records of buffers and views (14-16), of errors (21) and of
// maps and sets (24.1, 24.2) are one part each; any other step is its top-level step.
std::string step_family(std::string const& step)
{
    auto const colon = step.rfind(':');
    if (colon == std::string::npos)
        return step;
    auto const anchor = step.substr(0, colon);
    auto const number = step.substr(colon + 1);
    auto const digits = number.substr(0, number.find_first_not_of("0123456789"));
    if (digits.empty())
        return step;
    auto const top = std::stoi(digits);
    if (anchor == "html:structuredserializeinternal") {
        if (top == 5 || (top >= 20 && top <= 23))
            return "values the spec cannot serialize (" + anchor + " 5, 20-23)";
        if (top == 13 || top == 14 || top == 19)
            return "detached or out-of-bounds buffers, views and platform objects (" + anchor + " 13, 14, 19)";
    }
    if (anchor == "html:structureddeserialize") {
        if (top >= 14 && top <= 16)
            return "buffers and views (" + anchor + " 14-16)";
        if (top == 21)
            return "errors (" + anchor + " 21)";
        if (top == 24 && (number.starts_with("24.1") || number.starts_with("24.2")))
            return "maps and sets (" + anchor + " 24.1, 24.2)";
    }
    return anchor + ":" + digits;
}

// Numbers left out: "#2 => #0" and "#1 => #0" read the same.
std::string without_numbers(std::string const& s)
{
    std::string out;
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] >= '0' && s[i] <= '9') {
            while (i + 1 < s.size() && s[i + 1] >= '0' && s[i + 1] <= '9')
                ++i;
            out += '9';
        } else {
            out += s[i];
        }
    }
    return out;
}

// The implementation called a getter where the spec calls none (or another one), before
// anything that ended its calls: what differs after that follows from the call. Fewer calls are
// not a cause (the implementation stopped early for another reason); nor are the calls an
// implementation may make while it builds an Error's stack (a choice).
bool calls_a_getter_first(Observation const& expected, Observation const& observed)
{
    auto const& want = expected.getter_calls;
    auto const& got = observed.getter_calls;
    std::size_t i = 0;
    while (i < want.size() && i < got.size() && want[i] == got[i])
        ++i;
    if (i == got.size())
        return false;
    return std::find(expected.stack_getters.begin(), expected.stack_getters.end(), got[i]) == expected.stack_getters.end();
}

} // namespace

// Where the fix goes: every API clones through StructuredSerializeWithTransfer and
// StructuredDeserializeWithTransfer, and an implementation has one serializer behind all of them,
// so a difference in the clone, in the getters it calls or at a structured-data step is one cause
// whichever API showed it; a difference at a messaging step (or at none) is the API's own.
std::string fixed_in(Difference const& d, Scenario const& s)
{
    auto const algorithm = d.step.substr(0, d.step.rfind(':'));
    if (d.field == "result" || d.field == "getter-calls" || algorithm.starts_with("html:structured"))
        return serializer;
    return call_name(d, s);
}

std::string accepts_at(std::string const& subject, std::string const& step)
{
    return "accepts|" + subject + " returns where the spec's checks of " + step_family(step) + " throw";
}

// An Array whose own keys are not 0..length-1, all enumerable: holes, a non-enumerable index, or
// a key that is not an index. Serialization copies an Array's own enumerable string keys like any
// object's (StructuredSerializeInternal 26.4); an implementation that walks 0..length-1 instead
// differs on exactly these, in the clone, in the getters it calls and in what they throw.
bool is_irregular_array(Node const& n)
{
    if (n.kind != NodeKind::array)
        return false;
    std::uint32_t indices = 0;
    for (auto const& p : n.properties) {
        if (p.symbol)
            continue;
        bool const index = !p.key.empty() && p.key.size() <= 10 && std::all_of(p.key.begin(), p.key.end(), [](char16_t c) { return c >= u'0' && c <= u'9'; })
            && (p.key == u"0" || p.key[0] != u'0');
        if (!index || !p.enumerable)
            return true;
        ++indices;
    }
    return indices != n.array_length;
}

// The one kind of serializable platform object in a value passed by a clone (not a port, which
// every messaging case has): a fix in its serialization or transfer steps is one cause.
std::optional<NodeKind> only_platform_kind(Scenario const& s)
{
    std::optional<NodeKind> kind;
    for (auto const& n : s.graph.nodes)
        if (n.kind == NodeKind::image_bitmap || n.kind == NodeKind::dom_exception) {
            if (kind && *kind != n.kind)
                return std::nullopt;
            kind = n.kind;
        }
    return kind;
}

// A buffer in the transfer list that no check of step 5 lets through: detached before the call
// (5.1), or with a detach key (5.4.3's DetachArrayBuffer throws).
std::string unfit_listed_buffer(Scenario const& s)
{
    bool detached = false, keyed = false;
    for (auto const& t : s.transfer)
        if (auto const* ref = std::get_if<NodeRef>(&t); ref && ref->node < s.graph.nodes.size()) {
            auto const& n = s.graph.nodes[ref->node];
            if (n.kind != NodeKind::array_buffer)
                continue;
            detached = detached || n.detached;
            keyed = keyed || n.detach_key;
        }
    if (detached)
        return "a detached ArrayBuffer";
    if (keyed)
        return "an ArrayBuffer with a detach key (e.g. a WebAssembly.Memory's)";
    return { };
}

std::string root_cause_of(Difference const& d, Scenario const& s, Observation const* expected, Observation const* observed)
{
    // A spec question is filed under the first of its questions in catalogue order (a long
    // sequence rests on several, in ever new combinations; its text names them all); in a
    // property, one that rests on a question a finding is filed under already joins that finding
    // (add_finding).
    if (d.kind() == FindingKind::spec_question) {
        auto const order = [](std::string const& id) {
            auto const step = spec::find_step(id);
            return step ? static_cast<int>(step->index) : INT_MAX;
        };
        auto const first = std::min_element(d.spec_questions.begin(), d.spec_questions.end(),
            [&](std::string const& a, std::string const& b) { return std::pair(order(a), a) < std::pair(order(b), b); });
        return "spec question|rests on " + *first;
    }
    auto const api = fixed_in(d, s);
    bool const a_clone = s.mode != PassMode::operations;
    auto const returned_text = [](std::string const& text) { return text.starts_with("returned") || text == "a returned value"; };
    bool const outcome = d.field == "outcome" || d.field == "error-name";
    // What the minimal counterexample is made of, where that is what one fix is about: an Array
    // with irregular keys (a crash or a hang too); a buffer in the transfer list no check lets
    // through (a call that returns: a detached one is step 5.1's check, whichever step the spec
    // throws at first); the one kind of serializable platform object in the value.
    if (a_clone && std::any_of(s.graph.nodes.begin(), s.graph.nodes.end(), is_irregular_array))
        return "arrays|" + serializer + ": copies an Array otherwise than by its own enumerable string keys (holes, non-enumerable indices, other keys)";
    for (auto const& text : { d.observed, d.expected })
        if (auto const failure = process_failure(text); !failure.empty() && outcome)
            return "process failure|" + call_name(d, s) + " " + without_numbers(failure);
    if (a_clone && outcome && returned_text(d.observed) && !returned_text(d.expected)) {
        auto const buffer = unfit_listed_buffer(s);
        if (buffer == "a detached ArrayBuffer")
            return accepts_at(serializer, "html:structuredserializewithtransfer:5.1");
        if (!buffer.empty())
            return "accepts|" + serializer + ": accepts " + buffer + " in the transfer list";
    }
    if (a_clone && (outcome || d.field == "result"))
        if (auto const kind = only_platform_kind(s))
            return "platform object|" + serializer + ": serializes or transfers " + node_kind_name(*kind) + " otherwise than its steps";
    // The transfer list's own checks (StructuredSerializeWithTransfer 2), and leaving every entry
    // as it was when the call throws before step 5: one loop.
    if ((outcome && d.step.starts_with("html:structuredserializewithtransfer:2")) || d.where == "detached-although-thrown")
        return "transfer list|" + api + ": checks the transfer list otherwise than StructuredSerializeWithTransfer 2 (and leaves it as it was when the call throws)";
    // Getters called more often, not at all, in another order, or ones the spec does not call are
    // four fixes; a getter called first where the spec calls none, whatever differs first, is the
    // last of them (what differs follows from the call).
    if (d.field == "getter-calls") {
        auto const title = finding_title(d, s);
        return "getter calls|" + api + ": " + title.substr(0, title.find(" ("));
    }
    if (expected && observed && calls_a_getter_first(*expected, *observed))
        return "getter calls|" + serializer + ": a getter called that the spec does not call";
    std::string want, got;
    if (d.field == "error-name") {
        want = d.expected;
        got = d.observed;
    } else if (d.field == "outcome") {
        want = thrown_name(d.expected);
        got = thrown_name(d.observed);
    }
    auto const a_class = [](std::string const& name) { return !name.empty() && name != "user value"; };
    // The checks for detached and out-of-bounds buffers and views: a return or a wrong class, one
    // missing check.
    if (outcome && a_class(want) && (returned_text(d.observed) || (a_class(got) && want != got)) && step_family(d.step).starts_with("detached or out-of-bounds"))
        return "checks|" + api + ": lets through, or throws another class for, what the spec's checks of " + step_family(d.step) + " reject";
    if (a_class(want) && a_class(got) && want != got)
        return "wrong error class|" + api + " throws " + got + " instead of " + want;
    if (outcome && a_class(want) && returned_text(d.observed))
        return accepts_at(api, d.step);
    if (outcome && a_class(got) && returned_text(d.expected))
        return "throws|" + api + " throws " + got + " where the spec returns";
    if (d.field == "result") {
        auto const dot = d.where.rfind('.');
        auto const attribute = dot == std::string::npos ? d.where : d.where.substr(dot + 1);
        auto const family = step_family(d.step);
        if (family.starts_with("errors"))
            return "result|" + api + ": Error clones differ from the spec's " + family;
        if (family.starts_with("buffers and views"))
            return "result|" + api + ": buffers and views clone otherwise than their records say, in " + family;
        // A reference to another object where the spec gives the same one (or the reverse):
        // sharing, whichever part of the graph holds it.
        if (d.expected.find('#') != std::string::npos && without_numbers(d.expected) == without_numbers(d.observed))
            return "result|" + api + ": the clone shares objects differently from the original";
        return "result|" + api + ": the clone's " + attribute + " differs in " + family;
    }
    return "signature|" + api + ": " + d.signature();
}

std::string filed_question(std::string const& root_cause)
{
    std::string const prefix = "spec question|rests on ";
    return root_cause.starts_with(prefix) ? root_cause.substr(prefix.size()) : std::string();
}

std::string to_string(ReproduceKey const& key)
{
    std::string s = "pmconf1:" + std::to_string(key.seed) + ":" + std::to_string(key.index) + ":" + std::to_string(key.size) + ":";
    for (std::size_t i = 0; i < key.path.size(); ++i)
        s += (i ? "." : "") + std::to_string(key.path[i]);
    return s;
}

std::optional<ReproduceKey> parse_reproduce(std::string const& text)
{
    std::vector<std::string> parts;
    std::size_t start = 0;
    while (true) {
        auto colon = text.find(':', start);
        parts.push_back(text.substr(start, colon == std::string::npos ? std::string::npos : colon - start));
        if (colon == std::string::npos)
            break;
        start = colon + 1;
    }
    if (parts.size() != 5 || parts[0] != "pmconf1")
        return std::nullopt;
    auto number = [](std::string const& s, std::uint64_t max) -> std::optional<std::uint64_t> {
        if (s.empty() || s.size() > 20 || s.find_first_not_of("0123456789") != std::string::npos)
            return std::nullopt;
        try {
            auto v = std::stoull(s);
            if (v > max)
                return std::nullopt;
            return v;
        } catch (std::exception const&) {
            return std::nullopt;
        }
    };
    ReproduceKey key;
    auto seed = number(parts[1], UINT64_MAX);
    auto index = number(parts[2], 100000000);
    auto size = number(parts[3], 10000);
    if (!seed || !index || !size)
        return std::nullopt;
    key.seed = *seed;
    key.index = static_cast<int>(*index);
    key.size = static_cast<int>(*size);
    if (!parts[4].empty()) {
        std::size_t p = 0;
        while (p <= parts[4].size()) {
            auto dot = parts[4].find('.', p);
            auto step = number(parts[4].substr(p, dot == std::string::npos ? std::string::npos : dot - p), 1000000);
            if (!step)
                return std::nullopt;
            key.path.push_back(*step);
            if (dot == std::string::npos)
                break;
            p = dot + 1;
        }
    }
    return key;
}

void ModelIut::submit(std::vector<Scenario> const& batch)
{
    BatchReply reply;
    reply.observations.reserve(batch.size());
    for (auto const& s : batch)
        reply.observations.push_back(run_on_model(s, m_fault, nullptr));
    m_replies.push_back(std::move(reply));
}

BatchReply ModelIut::receive()
{
    if (m_replies.empty())
        return { { }, IutFailure { "receive() without a batch in flight (a harness bug)", { } } };
    auto reply = std::move(m_replies.front());
    m_replies.pop_front();
    return reply;
}

std::string ModelIut::name() const
{
    return m_fault == model::Fault::none ? "model" : "model+" + std::string(model::fault_info(m_fault).name);
}

std::string ModelIut::version() const { return "pmconf reference model"; }


} // namespace pmconf::conformance
