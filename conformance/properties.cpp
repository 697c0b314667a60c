#include "conformance/properties.h"

#include "conformance/generators/rc_generators.h"
#include "conformance/model_runner.h"
#include "model/infra/completion.h"

#include <rapidcheck.h>

#include <chrono>
#include <unordered_map>

namespace rc::detail {
// Defined in librapidcheck.a; its header (src/detail/StringSerialization.h) is not installed.
std::string reproduceMapToString(std::unordered_map<std::string, Reproduce> const&);
std::unordered_map<std::string, Reproduce> stringToReproduceMap(std::string const&);
} // namespace rc::detail

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
    return p;
}

Profile transfer_lists()
{
    Profile p;
    p.kinds = { NodeKind::object, NodeKind::array_buffer, NodeKind::message_port, NodeKind::image_bitmap, NodeKind::typed_array,
        NodeKind::shared_array_buffer, NodeKind::map };
    p.transfer = true;
    p.broken = true;
    p.modes = { PassMode::structured_clone, PassMode::with_transfer_to_realm };
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
    };
    return list;
}

class ShrinkCounter final : public rc::detail::TestListener {
public:
    void onTestCaseFinished(rc::detail::CaseDescription const&) override { }
    void onShrinkTried(rc::detail::CaseDescription const&, bool accepted) override
    {
        if (accepted)
            ++accepted_shrinks;
    }
    void onTestFinished(rc::detail::TestMetadata const&, rc::detail::TestResult const&) override { }
    int accepted_shrinks = 0;
};

} // namespace

std::span<ConformanceProperty const> conformance_properties() { return properties(); }

ConformanceProperty const* find_property(std::string_view name)
{
    for (auto const& p : properties())
        if (p.name == name)
            return &p;
    return nullptr;
}

PropertyOutcome check_property(ConformanceProperty const& property, Iut& iut, RunParams const& params, model::Trace& coverage)
{
    PropertyOutcome outcome;
    auto const started = std::chrono::steady_clock::now();
    std::optional<std::string> infrastructure_error;

    auto const gen = generators::scenario_recipe(property.profile);
    auto const test = [&]() {
        auto const recipe = *gen;
        auto const scenario = generators::build_scenario(recipe, property.profile);
        auto const reference = run_on_model(scenario, model::Fault::none, &coverage);
        Observation observed;
        try {
            observed = iut.run(scenario);
        } catch (model::ModelDefect const& defect) {
            infrastructure_error = defect.what();
            throw;
        }
        auto const difference = compare_observations(reference, observed);
        if (difference) {
            // The last failing case RapidCheck evaluates is the fully shrunk one.
            outcome.difference = difference;
            outcome.scenario = to_display(scenario);
            outcome.scenario_nodes = scenario.graph.nodes.size();
            outcome.expected = to_display(reference);
            outcome.observed = to_display(observed);
            RC_FAIL(difference->summary());
        }
    };

    rc::detail::TestMetadata metadata;
    metadata.id = property.name;
    metadata.description = property.description;
    rc::detail::TestParams rc_params;
    rc_params.seed = params.seed;
    rc_params.maxSuccess = params.max_success;
    rc_params.maxSize = params.max_size;
    ShrinkCounter listener;
    std::unordered_map<std::string, rc::detail::Reproduce> reproduce_map;
    if (params.reproduce) {
        try {
            reproduce_map = rc::detail::stringToReproduceMap(*params.reproduce);
        } catch (std::exception const& e) {
            outcome.status = PropertyOutcome::Status::error;
            outcome.error = std::string("the reproduce string could not be decoded: ") + e.what();
            return outcome;
        }
    }
    auto const result = rc::detail::checkProperty(rc::detail::toProperty(test), metadata, rc_params, listener, reproduce_map);
    outcome.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    outcome.shrinks = listener.accepted_shrinks;

    rc::detail::SuccessResult success;
    rc::detail::FailureResult failure;
    rc::detail::GaveUpResult gave_up;
    rc::detail::Error error;
    if (result.match(success)) {
        outcome.cases = success.numSuccess;
    } else if (result.match(failure)) {
        outcome.cases = failure.numSuccess + 1;
        if (infrastructure_error || !outcome.difference) {
            outcome.status = PropertyOutcome::Status::error;
            outcome.error = infrastructure_error.value_or(failure.description);
        } else {
            outcome.status = PropertyOutcome::Status::failed;
            outcome.reproduce = rc::detail::reproduceMapToString({ { metadata.id, failure.reproduce } });
        }
    } else if (result.match(gave_up)) {
        outcome.status = PropertyOutcome::Status::error;
        outcome.error = "gave up: " + gave_up.description;
    } else if (result.match(error)) {
        outcome.status = PropertyOutcome::Status::error;
        outcome.error = error.description;
    }
    return outcome;
}

std::string ModelIut::name() const
{
    return m_fault == model::Fault::none ? "model" : "model+" + std::string(model::fault_info(m_fault).name);
}

std::string ModelIut::version() const { return "pmconf reference model"; }

Observation ModelIut::run(Scenario const& scenario) { return run_on_model(scenario, m_fault, nullptr); }

} // namespace pmconf::conformance
