// pmconf: check implementations of structured clone and postMessage against the reference model.
//
// Exit codes: 0 nothing unexpected, 1 deviations found, 2 bad usage or bad input, 3 an
// infrastructure failure (a defect of the model, a report that could not be written).

#include "conformance/properties.h"
#include "model/infra/faults.h"
#include "reports/atomic_file.h"
#include "reports/junit.h"
#include "spec/catalogue.h"
#include "tools/run_report.h"

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>

namespace {

using namespace pmconf;

constexpr int exit_ok = 0;
constexpr int exit_deviations = 1;
constexpr int exit_usage = 2;
constexpr int exit_infrastructure = 3;

struct RunOptions {
    std::vector<std::string> iuts { "model" };
    std::string fault;
    bool list_faults = false;
    std::string out = "out";
    std::uint64_t seed = 20261125;
    int cases = 1000;
    int max_size = 100;
    std::vector<std::string> properties;
    std::string reproduce;
    bool quiet = false;
};

struct StepsOptions {
    bool json = false;
    std::string coverage = "out/coverage.json";
};

std::string join_args(int argc, char** argv)
{
    std::string s = "pmconf";
    for (int i = 1; i < argc; ++i)
        s += std::string(" ") + argv[i];
    return s;
}

int run_command(RunOptions const& options, std::string const& command_line)
{
    if (options.list_faults) {
        for (auto const& f : model::all_faults())
            std::cout << f.name << "\n";
        return exit_ok;
    }
    model::Fault fault = model::Fault::none;
    if (!options.fault.empty()) {
        auto found = model::find_fault(options.fault);
        if (!found) {
            std::cerr << "pmconf run: --fault " << options.fault << ": no such fault (pmconf run --list-faults lists them)\n";
            return exit_usage;
        }
        fault = *found;
    }
    std::vector<conformance::ConformanceProperty const*> selected;
    if (options.properties.empty()) {
        for (auto const& p : conformance::conformance_properties())
            selected.push_back(&p);
    } else {
        for (auto const& name : options.properties) {
            auto const* p = conformance::find_property(name);
            if (!p) {
                std::cerr << "pmconf run: --property " << name << ": no such property; the properties are:";
                for (auto const& q : conformance::conformance_properties())
                    std::cerr << " " << q.name;
                std::cerr << "\n";
                return exit_usage;
            }
            selected.push_back(p);
        }
    }
    for (auto const& iut : options.iuts) {
        if (iut != "model") {
            std::cerr << "pmconf run: --iut " << iut << ": unknown implementation (available: model)\n";
            return exit_usage;
        }
    }
    if (!options.reproduce.empty() && selected.size() != 1) {
        std::cerr << "pmconf run: --reproduce needs exactly one --property (the one that failed)\n";
        return exit_usage;
    }
    if (!options.fault.empty() && options.iuts != std::vector<std::string> { "model" }) {
        std::cerr << "pmconf run: --fault applies to --iut model only\n";
        return exit_usage;
    }

    conformance::RunParams params;
    params.seed = options.seed;
    params.max_success = options.cases;
    params.max_size = options.max_size;
    if (!options.reproduce.empty())
        params.reproduce = options.reproduce;

    std::error_code ec;
    std::filesystem::create_directories(options.out, ec);
    if (ec) {
        std::cerr << "pmconf run: cannot create the output directory " << options.out << ": " << ec.message() << "\n";
        return exit_infrastructure;
    }

    model::Trace coverage;
    bool deviations = false;
    bool infrastructure = false;
    std::vector<std::string> iut_names;
    for (auto const& iut_name : options.iuts) {
        (void)iut_name;
        conformance::ModelIut iut(fault);
        tools::IutRun run;
        run.iut = iut.name();
        run.iut_version = iut.version();
        run.fault = options.fault;
        run.started = std::chrono::system_clock::now();
        iut_names.push_back(run.iut);
        std::size_t index = 0;
        for (auto const* property : selected) {
            ++index;
            if (!options.quiet)
                std::cerr << "[" << index << "/" << selected.size() << "] " << run.iut << " " << property->name << " ... " << std::flush;
            auto outcome = conformance::check_property(*property, iut, params, coverage);
            if (!options.quiet) {
                char timing[64];
                std::snprintf(timing, sizeof timing, "%.2f s", outcome.seconds);
                switch (outcome.status) {
                case conformance::PropertyOutcome::Status::passed:
                    std::cerr << "passed (" << outcome.cases << " cases, " << timing << ")\n";
                    break;
                case conformance::PropertyOutcome::Status::failed:
                    std::cerr << "DEVIATION after " << outcome.cases << " cases, " << outcome.shrinks << " shrinks (" << timing
                              << "): " << outcome.difference->summary() << "\n";
                    break;
                case conformance::PropertyOutcome::Status::error:
                    std::cerr << "ERROR: " << outcome.error << "\n";
                    break;
                }
            }
            deviations |= outcome.status == conformance::PropertyOutcome::Status::failed;
            infrastructure |= outcome.status == conformance::PropertyOutcome::Status::error;
            run.properties.push_back({ property, std::move(outcome) });
        }
        auto const path = std::filesystem::path(options.out) / (run.iut + ".junit.xml");
        auto const suites = tools::junit_suites(run, params, command_line);
        if (auto error = reports::write_junit_file(path, suites)) {
            std::cerr << "pmconf run: " << *error << "\n";
            return exit_infrastructure;
        }
        if (!options.quiet)
            std::cerr << "wrote " << path.string() << "\n";
    }
    auto const coverage_path = std::filesystem::path(options.out) / "coverage.json";
    if (auto error = reports::write_file_atomically(coverage_path, tools::coverage_json(coverage, params, iut_names))) {
        std::cerr << "pmconf run: " << *error << "\n";
        return exit_infrastructure;
    }
    if (!options.quiet)
        std::cerr << "wrote " << coverage_path.string() << "\n";
    if (infrastructure)
        return exit_infrastructure;
    return deviations ? exit_deviations : exit_ok;
}

int steps_command(StepsOptions const& options)
{
    std::optional<nlohmann::json> coverage;
    std::ifstream in(options.coverage);
    if (in) {
        try {
            coverage = nlohmann::json::parse(in);
        } catch (nlohmann::json::parse_error const& e) {
            std::cerr << "pmconf steps: " << options.coverage << ": not valid JSON (" << e.what() << ")\n";
            return exit_usage;
        }
        if (!coverage->contains("steps") || !(*coverage)["steps"].is_object()) {
            std::cerr << "pmconf steps: " << options.coverage << ": expected an object with a \"steps\" object (written by pmconf run)\n";
            return exit_usage;
        }
    }
    auto count_of = [&](std::string_view id) -> std::optional<std::uint64_t> {
        if (!coverage)
            return std::nullopt;
        auto const& steps = (*coverage)["steps"];
        auto it = steps.find(std::string(id));
        if (it == steps.end() || !it->is_number_unsigned())
            return std::uint64_t { 0 };
        return it->get<std::uint64_t>();
    };
    if (options.json) {
        nlohmann::ordered_json j;
        auto& snaps = j["snapshots"] = nlohmann::json::array();
        for (auto const& s : spec::snapshots())
            snaps.push_back({ { "name", s.name }, { "title", s.title }, { "repository", s.repository }, { "file", s.file },
                { "commit", s.commit }, { "date", s.date } });
        j["coverage_file"] = coverage ? nlohmann::json(options.coverage) : nlohmann::json(nullptr);
        auto& steps = j["steps"] = nlohmann::json::array();
        for (auto const& step : spec::all_steps()) {
            nlohmann::ordered_json s;
            s["id"] = step.id;
            s["algorithm"] = step.algorithm_name;
            s["path"] = step.path;
            s["anchor"] = step.anchor;
            s["kind"] = step.kind;
            if (!step.throws.empty())
                s["throws"] = step.throws;
            s["propagates"] = step.propagates;
            s["status"] = step.status;
            if (!step.issue.empty())
                s["issue"] = step.issue;
            s["summary"] = step.summary;
            auto const count = count_of(step.id);
            s["covered"] = count ? nlohmann::json(*count) : nlohmann::json(nullptr);
            steps.push_back(std::move(s));
        }
        std::cout << j.dump(1) << "\n";
        return exit_ok;
    }
    std::size_t covered = 0;
    for (auto const& step : spec::all_steps()) {
        auto const count = count_of(step.id);
        if (count && *count)
            ++covered;
        std::printf("%-48s %-10s %10s  %s\n", std::string(step.id).c_str(), std::string(step.kind).c_str(),
            count ? std::to_string(*count).c_str() : "-", std::string(step.summary).c_str());
    }
    if (coverage)
        std::printf("\n%zu of %zu steps covered by the run recorded in %s\n", covered, spec::all_steps().size(), options.coverage.c_str());
    else
        std::printf("\n%zu steps; no coverage file at %s (run `pmconf run` first)\n", spec::all_steps().size(), options.coverage.c_str());
    return exit_ok;
}

} // namespace

int main(int argc, char** argv)
{
    CLI::App app { "pmconf: a conformance harness for structured clone and the postMessage family.\n"
                   "Exit codes: 0 nothing unexpected, 1 deviations found, 2 bad usage or input, 3 infrastructure failure." };
    app.require_subcommand(1);

    RunOptions run;
    auto* run_cmd = app.add_subcommand("run", "Run the conformance properties against implementations and write reports");
    run_cmd->add_option("--iut", run.iuts, "Implementations to check, comma-separated (available: model)")->delimiter(',');
    run_cmd->add_option("--fault", run.fault, "Run the model with this seeded fault (see --list-faults)");
    run_cmd->add_flag("--list-faults", run.list_faults, "List the seeded faults of the model, one a line, and exit");
    run_cmd->add_option("--out", run.out, "Directory for the reports (<iut>.junit.xml, coverage.json)")->capture_default_str();
    run_cmd->add_option("--seed", run.seed, "RapidCheck seed; the same seed draws the same cases")->capture_default_str();
    run_cmd->add_option("--cases", run.cases, "Cases per property")->capture_default_str()->check(CLI::Range(1, 100000000));
    run_cmd->add_option("--max-size", run.max_size, "Largest generation size")->capture_default_str()->check(CLI::Range(0, 10000));
    run_cmd->add_option("--property", run.properties, "Run only these properties (repeatable)");
    run_cmd->add_option("--reproduce", run.reproduce, "Re-run one failure from the reproduce string in its report");
    run_cmd->add_flag("--quiet,-q", run.quiet, "No progress on stderr");

    StepsOptions steps;
    auto* steps_cmd = app.add_subcommand("steps", "List the catalogued spec steps with their coverage from the last run");
    steps_cmd->add_flag("--json", steps.json, "Machine-readable output");
    steps_cmd->add_option("--coverage", steps.coverage, "Coverage file written by pmconf run")->capture_default_str();

    try {
        app.parse(argc, argv);
    } catch (CLI::ParseError const& e) {
        int const code = app.exit(e);
        return code == 0 ? exit_ok : exit_usage;
    }
    try {
        if (*run_cmd)
            return run_command(run, join_args(argc, argv));
        return steps_command(steps);
    } catch (std::exception const& e) {
        std::cerr << "pmconf: infrastructure failure: " << e.what() << "\n";
        return exit_infrastructure;
    }
}
