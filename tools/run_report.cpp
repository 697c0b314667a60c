#include "tools/run_report.h"

#include "spec/catalogue.h"

#include <nlohmann/json.hpp>

#include <map>
#include <sstream>

namespace pmconf::tools {

using conformance::PropertyOutcome;

namespace {

std::string failure_text(PropertyRun const& run, IutRun const& iut, conformance::RunParams const& params)
{
    auto const& o = run.outcome;
    std::ostringstream out;
    out << o.difference->summary() << "\n\n";
    out << "Property: " << run.property->name << " — " << run.property->description << "\n";
    out << "Falsified after " << o.cases << " cases and " << o.shrinks << " shrinks; minimal counterexample ("
        << o.scenario_nodes << " nodes):\n"
        << o.scenario << "\n\n";
    out << "The spec (reference model) gives:\n" << o.expected << "\n\n";
    out << iut.iut << " gave:\n" << o.observed << "\n\n";
    out << "Signature: " << o.difference->signature() << "\n";
    out << "Seed: " << params.seed << "\n";
    out << "Reproduce: build/bin/pmconf run --iut model";
    if (!iut.fault.empty())
        out << " --fault " << iut.fault;
    out << " --property " << run.property->name << " --seed " << params.seed << " --reproduce '" << o.reproduce << "'\n";
    return out.str();
}

std::string snapshot_text()
{
    std::string s;
    for (auto const& snap : spec::snapshots()) {
        if (!s.empty())
            s += "; ";
        s += std::string(snap.repository) + "@" + std::string(snap.commit) + " (" + std::string(snap.date) + ")";
    }
    return s;
}

} // namespace

std::vector<reports::TestSuiteResult> junit_suites(IutRun const& iut, conformance::RunParams const& params, std::string const& command_line)
{
    std::map<std::string, reports::TestSuiteResult> by_group;
    std::vector<std::string> order;
    for (auto const& run : iut.properties) {
        auto const& group = run.property->group;
        auto [it, inserted] = by_group.try_emplace(group);
        auto& suite = it->second;
        if (inserted) {
            order.push_back(group);
            suite.package = "pmconf." + iut.iut;
            suite.name = group;
            suite.started = iut.started;
            suite.properties = {
                { "iut", iut.iut },
                { "iut.version", iut.iut_version },
                { "rc.seed", std::to_string(params.seed) },
                { "rc.max_success", std::to_string(params.max_success) },
                { "rc.max_size", std::to_string(params.max_size) },
                { "spec.snapshot", snapshot_text() },
                { "command", command_line },
            };
            if (!iut.fault.empty())
                suite.properties.emplace_back("fault", iut.fault);
        }
        auto const& o = run.outcome;
        reports::TestCaseResult tc;
        tc.name = run.property->name;
        tc.classname = "pmconf." + iut.iut + "." + group;
        tc.seconds = o.seconds;
        suite.seconds += o.seconds;
        suite.properties.emplace_back("cases." + run.property->name, std::to_string(o.cases));
        switch (o.status) {
        case PropertyOutcome::Status::passed:
            tc.outcome = reports::Outcome::passed;
            suite.system_out += run.property->name + ": " + std::to_string(o.cases) + " cases passed\n";
            break;
        case PropertyOutcome::Status::failed:
            tc.outcome = reports::Outcome::failed;
            tc.type = "pmconf.Deviation";
            tc.message = o.difference->summary();
            tc.text = failure_text(run, iut, params);
            break;
        case PropertyOutcome::Status::error:
            tc.outcome = reports::Outcome::error;
            tc.type = "pmconf.InfrastructureError";
            tc.message = o.error.substr(0, o.error.find('\n'));
            tc.text = o.error;
            break;
        }
        suite.cases.push_back(std::move(tc));
    }
    std::vector<reports::TestSuiteResult> suites;
    for (auto const& g : order)
        suites.push_back(std::move(by_group[g]));
    return suites;
}

std::string coverage_json(model::Trace const& coverage, conformance::RunParams const& params, std::vector<std::string> const& iuts)
{
    nlohmann::ordered_json j;
    j["format"] = "pmconf-coverage/1";
    j["seed"] = params.seed;
    j["iuts"] = iuts;
    auto& snaps = j["snapshots"] = nlohmann::json::array();
    for (auto const& s : spec::snapshots())
        snaps.push_back({ { "name", s.name }, { "repository", s.repository }, { "commit", s.commit }, { "date", s.date } });
    auto& steps = j["steps"] = nlohmann::ordered_json::object();
    for (auto const& step : spec::all_steps())
        steps[std::string(step.id)] = coverage.count(step.step);
    return j.dump(1) + "\n";
}

} // namespace pmconf::tools
