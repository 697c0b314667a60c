// pmconf: check implementations of structured clone and postMessage against the reference model.
//
// Exit codes: 0 nothing unexpected, 1 deviations found, 2 bad usage or bad input, 3 an
// infrastructure failure (a defect of the model, a report that could not be written).

#include "conformance/model_runner.h"
#include "conformance/process_iut.h"
#include "conformance/properties.h"
#include "conformance/protocol/codec.h"
#include "model/infra/faults.h"
#include "reports/atomic_file.h"
#include "reports/junit.h"
#include "spec/catalogue.h"
#include "tools/expectations.h"
#include "tools/iut_registry.h"
#include "tools/repro.h"
#include "tools/run_report.h"
#include "tools/subprocess.h"

#include <CLI/CLI.hpp>
#include <malloc.h>
#include <nlohmann/json.hpp>

#include <cctype>
#include <csignal>
#include <cstdio>
#include <memory>
#include <set>
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
    std::vector<std::string> iuts;           // empty: the model and every installed IUT of the registry
    std::vector<std::string> iut_cmds;
    std::string registry;
    std::string expectations;
    bool write_expectations = false;
    std::string fault;
    bool list_faults = false;
    bool list_iuts = false;
    std::string out = "out";
    std::uint64_t seed = 20261125;
    int cases = 1000;
    int max_size = 100;
    std::size_t batch_size = 100;
    double timeout = 60;
    double start_timeout = 30;
    std::size_t max_deviations = 8;
    std::vector<std::string> properties;
    std::string reproduce;
    bool quiet = false;
};

struct StepsOptions {
    bool json = false;
    std::string coverage = "out/coverage.json";
};

struct VerifyOptions {
    std::string out = "out";
    double timeout = 60;
};

std::string join_args(int argc, char** argv)
{
    std::string s = "pmconf";
    for (int i = 1; i < argc; ++i)
        s += std::string(" ") + argv[i];
    return s;
}

// --iut-cmd: a JSON array of strings (an exact argv), or words separated by spaces.
std::optional<std::vector<std::string>> parse_command(std::string const& text)
{
    if (!text.empty() && text.front() == '[') {
        try {
            auto j = nlohmann::json::parse(text);
            auto v = j.get<std::vector<std::string>>();
            if (v.empty())
                return std::nullopt;
            return v;
        } catch (std::exception const&) {
            return std::nullopt;
        }
    }
    std::vector<std::string> words;
    std::istringstream in(text);
    std::string w;
    while (in >> w)
        words.push_back(w);
    if (words.empty())
        return std::nullopt;
    return words;
}

std::string sanitize_name(std::string s)
{
    for (auto& c : s)
        if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_' && c != '.')
            c = '-';
    return s.empty() ? std::string("iut") : s;
}

struct Planned {
    std::string name;
    enum class Kind { model, registry, command } kind = Kind::model;
    tools::IutEntry entry;                  // registry / command
};

std::string format_seconds(double s)
{
    char timing[64];
    std::snprintf(timing, sizeof timing, "%.2f s", s);
    return timing;
}

std::string wait_share(conformance::PropertyOutcome const& o)
{
    char text[64];
    std::snprintf(text, sizeof text, "%.0f%% waiting for the IUT", o.seconds > 0 ? 100 * o.iut_wait_seconds / o.seconds : 0.0);
    return text;
}

int run_command(RunOptions const& options, std::string const& command_line)
{
    if (options.list_faults) {
        for (auto const& f : model::all_faults())
            std::cout << f.name << "\n";
        return exit_ok;
    }
    std::string error;
    auto const registry_path = options.registry.empty() ? tools::default_registry_path() : std::filesystem::path(options.registry);
    auto registry = tools::load_registry(registry_path, error);
    if (!registry) {
        std::cerr << "pmconf run: " << error << "\n";
        return exit_usage;
    }
    if (options.list_iuts) {
        std::cout << "model\tinstalled\tthe reference model (in-process)\n";
        for (auto const& e : registry->iuts) {
            std::string why;
            bool const ok = tools::is_installed(e.argv, registry->root, why);
            std::cout << e.name << "\t" << (ok ? "installed" : "missing: " + why) << "\t" << e.description << "\n";
        }
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
    std::set<std::string> property_names;
    for (auto const& p : conformance::conformance_properties())
        property_names.insert(p.name);
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

    // Which implementations, in order.
    std::vector<Planned> plan;
    std::set<std::string> planned_names;
    auto const add = [&](Planned p) -> bool {
        if (!planned_names.insert(p.name).second) {
            std::cerr << "pmconf run: the implementation " << p.name << " is named twice\n";
            return false;
        }
        plan.push_back(std::move(p));
        return true;
    };
    if (options.iuts.empty() && options.iut_cmds.empty()) {
        add({ "model", Planned::Kind::model, { } });
        // With a seeded fault, only the model (the harness checking itself).
        for (auto const& e : options.fault.empty() ? registry->iuts : std::vector<tools::IutEntry> { }) {
            std::string why;
            if (tools::is_installed(e.argv, registry->root, why))
                add({ e.name, Planned::Kind::registry, e });
            else if (!options.quiet)
                std::cerr << "pmconf run: skipping " << e.name << ": " << why << "\n";
        }
    }
    for (auto const& name : options.iuts) {
        if (name == "model") {
            if (!add({ "model", Planned::Kind::model, { } }))
                return exit_usage;
            continue;
        }
        auto const* e = registry->find(name);
        if (!e) {
            std::cerr << "pmconf run: --iut " << name << ": no such implementation in " << registry_path.string() << " (available: model";
            for (auto const& x : registry->iuts)
                std::cerr << ", " << x.name;
            std::cerr << "; --iut-cmd runs any other)\n";
            return exit_usage;
        }
        std::string why;
        if (!tools::is_installed(e->argv, registry->root, why)) {
            std::cerr << "pmconf run: --iut " << name << ": not installed: " << why << "\n";
            return exit_usage;
        }
        if (!add({ name, Planned::Kind::registry, *e }))
            return exit_usage;
    }
    for (auto const& cmd : options.iut_cmds) {
        auto argv = parse_command(cmd);
        if (!argv) {
            std::cerr << "pmconf run: --iut-cmd " << cmd << ": expected a command (words, or a JSON array of strings)\n";
            return exit_usage;
        }
        Planned p { "", Planned::Kind::command, { } };
        p.entry.argv = *argv;
        p.name = sanitize_name(std::filesystem::path((*argv)[0]).filename().string());
        if (argv->size() > 1 && ((*argv)[0] == "node" || (*argv)[0] == "python3"))
            p.name = sanitize_name(std::filesystem::path((*argv)[1]).stem().string());
        while (planned_names.contains(p.name))
            p.name += "-2";
        p.entry.name = p.name;
        add(std::move(p));
    }
    if (!options.fault.empty() && (plan.size() != 1 || plan.front().kind != Planned::Kind::model)) {
        std::cerr << "pmconf run: --fault applies to --iut model only\n";
        return exit_usage;
    }
    if (!options.reproduce.empty() && (selected.size() != 1 || plan.size() != 1)) {
        std::cerr << "pmconf run: --reproduce needs exactly one --property and one --iut (the ones in the failure's report)\n";
        return exit_usage;
    }

    conformance::RunParams params;
    params.seed = options.seed;
    params.max_success = options.cases;
    params.max_size = options.max_size;
    params.batch_size = options.batch_size;
    params.max_deviations = options.max_deviations;
    if (!options.reproduce.empty())
        params.reproduce = options.reproduce;

    std::filesystem::path const out = options.out;
    std::error_code ec;
    std::filesystem::create_directories(out, ec);
    if (ec) {
        std::cerr << "pmconf run: cannot create the output directory " << options.out << ": " << ec.message() << "\n";
        return exit_infrastructure;
    }
    auto const expectations_dir = options.expectations.empty() ? registry->root / "conformance" / "expectations"
                                                               : std::filesystem::path(options.expectations);
    tools::ReproducerWriter const reproducers;

    model::Trace coverage;
    bool unexpected = false;
    bool infrastructure = false;
    std::vector<std::string> iut_names;
    std::vector<tools::IutRun> runs;
    std::vector<tools::ReproducerEntry> reproducer_index;
    for (auto const& planned : plan) {
        std::unique_ptr<conformance::Iut> iut;
        tools::IutRun run;
        run.started = std::chrono::system_clock::now();
        run.out = options.out;
        if (planned.kind == Planned::Kind::command)
            run.command = planned.entry.argv;
        auto const iut_started = std::chrono::steady_clock::now();
        if (planned.kind == Planned::Kind::model) {
            iut = std::make_unique<conformance::ModelIut>(fault);
            run.iut = iut->name();
            run.iut_version = iut->version();
            run.fault = options.fault;
        } else {
            conformance::ProcessIutConfig config;
            config.name = planned.name;
            config.argv = planned.entry.argv;
            config.cwd = planned.kind == Planned::Kind::registry ? registry->root : std::filesystem::current_path();
            config.batch_timeout = std::chrono::milliseconds(static_cast<long>(options.timeout * 1000));
            config.start_timeout = std::chrono::milliseconds(static_cast<long>(options.start_timeout * 1000));
            auto process = std::make_unique<conformance::ProcessIut>(config);
            if (!options.quiet)
                std::cerr << "starting " << planned.name << " ... " << std::flush;
            if (auto failure = process->start()) {
                run.start_error = failure->what;
                run.stderr_tail = failure->stderr_tail;
                if (!options.quiet)
                    std::cerr << "FAILED: " << failure->what << "\n";
            } else if (!options.quiet) {
                std::cerr << process->version() << "\n";
            }
            run.iut = planned.name;
            run.iut_version = process->version().empty() ? "(did not start)" : process->version();
            iut = std::move(process);
        }
        auto expectations = tools::load_expectations(expectations_dir / (run.iut + ".txt"), property_names, error);
        if (!expectations) {
            std::cerr << "pmconf run: " << error << "\n";
            return exit_usage;
        }
        run.expectations = std::move(*expectations);
        iut_names.push_back(run.iut);
        std::size_t index = 0;
        for (auto const* property : selected) {
            ++index;
            if (!options.quiet)
                std::cerr << "[" << index << "/" << selected.size() << "] " << run.iut << " " << property->name << " ... " << std::flush;
            conformance::PropertyOutcome outcome;
            if (!run.start_error.empty()) {
                outcome.status = conformance::PropertyOutcome::Status::error;
                outcome.error = "the IUT could not be started: " + run.start_error;
                outcome.stderr_tail = run.stderr_tail;
            } else {
                outcome = conformance::check_property(*property, *iut, params, coverage);
            }
            tools::mark_repeated_findings(run.properties, outcome);
            if (!options.quiet) {
                auto const timing = format_seconds(outcome.seconds);
                int deviations = 0, questions = 0;
                for (auto const& d : outcome.deviations)
                    ++(d.kind() == conformance::FindingKind::spec_question ? questions : deviations);
                auto const found = std::to_string(deviations) + " distinct deviation(s)"
                    + (questions ? ", " + std::to_string(questions) + " spec question(s)" : std::string());
                switch (outcome.status) {
                case conformance::PropertyOutcome::Status::skipped:
                    std::cerr << "skipped: " << outcome.skip_reason << "\n";
                    break;
                case conformance::PropertyOutcome::Status::error:
                    std::cerr << "ERROR: " << outcome.error << "\n";
                    break;
                case conformance::PropertyOutcome::Status::passed:
                    if (!questions) {
                        std::cerr << "passed (" << outcome.cases << " cases, " << timing << ", " << wait_share(outcome) << ")\n";
                        break;
                    }
                    [[fallthrough]];
                case conformance::PropertyOutcome::Status::failed:
                    std::cerr << found << " in " << outcome.cases << " cases (" << timing << ", " << wait_share(outcome) << ")"
                              << (outcome.search_note.empty() ? "" : "; " + outcome.search_note) << "\n";
                    break;
                }
                for (auto const& d : outcome.deviations)
                    std::cerr << "    "
                              << (d.kind() == conformance::FindingKind::spec_question ? "" // its title says so
                                      : run.expectations.expects(property->name, d.signatures()) ? "expected: "
                                                                                              : "DEVIATION: ")
                              << d.title << " [" << conformance::size_text(d.scenario) << (d.shrunk ? "" : ", not shrunk")
                              << (d.same_as.empty() ? "" : ", reported under " + d.same_as) << "]\n";
            }
            tools::PropertyRun property_run { property, std::move(outcome), { } };
            // Reproducers for implementations of the registry that say how to run one.
            if (planned.kind == Planned::Kind::registry && !planned.entry.repro.empty()) {
                int ordinal = 0;
                for (auto const& d : property_run.outcome.deviations) {
                    std::string rel;
                    if (!d.same_as.empty()) { // its reproducer is the earlier property's
                        property_run.reproducers.push_back(rel);
                        continue;
                    }
                    ++ordinal;
                    auto entry = reproducers.write(out, planned.entry, run.iut_version, *property, d, ordinal, error, d.title);
                    if (entry) {
                        entry->known = run.expectations.expects(property->name, d.signatures());
                        rel = entry->file;
                        reproducer_index.push_back(std::move(*entry));
                    } else {
                        std::cerr << "pmconf run: " << error << "\n";
                        infrastructure = true;
                    }
                    property_run.reproducers.push_back(rel);
                }
            }
            run.properties.push_back(std::move(property_run));
        }
        run.restarts = iut->restarts();
        if (auto* process = dynamic_cast<conformance::ProcessIut*>(iut.get()))
            process->stop();
        run.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - iut_started).count();
        auto const t = tools::tally(run);
        unexpected |= t.unexpected_deviations > 0 || t.unexpected_passes > 0;
        infrastructure |= t.errors > 0;
        auto const path = out / (run.iut + ".junit.xml");
        auto const suites = tools::junit_suites(run, params, command_line);
        if (auto e = reports::write_junit_file(path, suites)) {
            std::cerr << "pmconf run: " << *e << "\n";
            return exit_infrastructure;
        }
        if (!options.quiet)
            std::cerr << "wrote " << path.string() << " (" << t.unexpected_deviations << " unexpected, " << t.expected_deviations
                      << " expected deviations, " << t.unexpected_passes << " unexpected passes, " << t.errors << " errors; "
                      << format_seconds(run.seconds) << ")\n";
        if (options.write_expectations && planned.kind != Planned::Kind::model) {
            std::vector<tools::KnownDeviation> known;
            for (auto const& pr : run.properties)
                for (auto const& d : pr.outcome.deviations)
                    if (d.kind() == conformance::FindingKind::deviation)
                        known.push_back({ pr.property->name, d.signature, d.title });
            std::filesystem::create_directories(expectations_dir, ec);
            auto const file = expectations_dir / (run.iut + ".txt");
            if (auto e = reports::write_file_atomically(file, tools::render_expectations(run.iut, run.iut_version, known))) {
                std::cerr << "pmconf run: " << *e << "\n";
                return exit_infrastructure;
            }
            if (!options.quiet)
                std::cerr << "wrote " << file.string() << " (" << known.size() << " known deviations)\n";
        }
        runs.push_back(std::move(run));
    }
    std::vector<std::pair<std::filesystem::path, std::string>> files {
        { out / "coverage.json", tools::coverage_json(coverage, params, iut_names) },
        { out / "matrix.md", tools::matrix_markdown(runs, params, command_line) },
        { out / "matrix.html", tools::matrix_html(runs, params, command_line) },
    };
    for (auto const& [path, text] : files) {
        if (auto e = reports::write_file_atomically(path, text)) {
            std::cerr << "pmconf run: " << *e << "\n";
            return exit_infrastructure;
        }
        if (!options.quiet)
            std::cerr << "wrote " << path.string() << "\n";
    }
    if (auto e = tools::write_reproducer_index(out, reproducer_index)) {
        std::cerr << "pmconf run: " << *e << "\n";
        return exit_infrastructure;
    }
    if (!options.quiet && !reproducer_index.empty())
        std::cerr << "wrote " << reproducer_index.size() << " reproducers under " << (out / "repro").string() << "\n";
    if (infrastructure)
        return exit_infrastructure;
    return unexpected ? exit_deviations : exit_ok;
}

// Runs every reproducer of a run and checks, with the C++ comparator, that it still shows the
// deviation it was written for. A reproducer that does not reproduce is a harness bug.
int verify_command(VerifyOptions const& options)
{
    std::string error;
    std::filesystem::path const out = options.out;
    auto entries = tools::read_reproducer_index(out, error);
    if (!entries) {
        std::cerr << "pmconf verify-repro: " << error << "\n";
        return exit_usage;
    }
    auto registry = tools::load_registry(tools::default_registry_path(), error);
    if (!registry) {
        std::cerr << "pmconf verify-repro: " << error << "\n";
        return exit_usage;
    }
    int failed = 0;
    for (auto const& e : *entries) {
        auto argv = e.argv;
        argv.push_back(std::filesystem::absolute(out / e.file).string());
        auto const done = tools::run_to_completion(argv, registry->root, std::chrono::milliseconds(static_cast<long>(options.timeout * 1000)));
        std::string verdict;
        // The reproducer prints the observation it made; compare it with the model's.
        std::optional<conformance::Observation> observed;
        auto const marker = std::string("PMCONF-OBSERVATION ");
        auto const at = done.out.rfind(marker);
        if (at != std::string::npos) {
            auto const end = done.out.find('\n', at);
            try {
                observed = conformance::protocol::decode_observation(
                    done.out.substr(at + marker.size(), end == std::string::npos ? std::string::npos : end - at - marker.size()));
            } catch (std::exception const& ex) {
                verdict = std::string("its PMCONF-OBSERVATION line cannot be read: ") + ex.what();
            }
        }
        // The counterexample is in the index (the reproducer is plain code): run it on the model.
        std::optional<conformance::Scenario> scenario;
        if (verdict.empty()) {
            try {
                scenario = conformance::protocol::decode_scenario(e.scenario);
            } catch (std::exception const& ex) {
                verdict = std::string("its counterexample in repro/index.json cannot be read: ") + ex.what();
            }
        }
        // A crash found as a deviation reproduces by crashing the same way.
        bool const crash = e.signature.find("(the IUT process ") != std::string::npos;
        // A hang reproduces by not finishing: killed at the timeout, or ended by a signal (a
        // runaway clone may exhaust the engine first).
        bool const hang = e.signature.find("(the IUT hung") != std::string::npos;
        if (verdict.empty() && crash) {
            if (e.signature.find(done.describe()) == std::string::npos)
                verdict = "it " + done.describe() + ", not as the deviation says (" + e.signature + ")";
        } else if (verdict.empty() && hang) {
            if (!done.timed_out && !done.signal)
                verdict = "it " + done.describe() + ", but the deviation is a hang";
        } else if (verdict.empty()) {
            // Its own observation decides, through the C++ comparator; its exit status must agree.
            auto const exited = "it " + done.describe() + " (1 means the deviation is there)";
            if (!observed) {
                verdict = done.exit_code != 1 ? exited : "it printed no PMCONF-OBSERVATION line";
            } else {
                auto const reference = conformance::run_on_model(*scenario, model::Fault::none, nullptr);
                auto const d = conformance::compare_observations(reference, *observed);
                if (!d)
                    verdict = "its observation conforms to the model: it does not reproduce (the plain code does not show what the run "
                              "saw: an artefact of the adapter?)";
                else if (d->signature() != e.signature)
                    verdict = "it shows another deviation: " + d->signature();
                else if (done.exit_code != 1)
                    verdict = exited;
            }
        }
        std::cout << (verdict.empty() ? "reproduces  " : "FAILED      ") << e.iut << " " << e.file;
        if (!verdict.empty()) {
            ++failed;
            std::cout << ": " << verdict << "\n    stdout tail: " << done.out.substr(done.out.size() > 600 ? done.out.size() - 600 : 0)
                      << "\n    stderr tail: " << done.err.substr(done.err.size() > 600 ? done.err.size() - 600 : 0);
        }
        std::cout << "\n";
    }
    std::cout << entries->size() - failed << " of " << entries->size() << " reproducers reproduce\n";
    return failed ? exit_deviations : exit_ok;
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
    // Protocol lines of 10-200 KB are built and freed for every batch. With glibc's defaults each
    // one is mmap'ed and unmapped again, or the heap top is trimmed and regrown, and the page
    // faults were a quarter of pmconf's CPU against an IUT: keep freed memory in the process
    // (tools/bench/iut/harness_bench.cpp runs with the same settings).
    mallopt(M_MMAP_THRESHOLD, 64 << 20);
    mallopt(M_TRIM_THRESHOLD, 256 << 20);
    CLI::App app { "pmconf: a conformance harness for structured clone and the postMessage family.\n"
                   "Exit codes: 0 nothing unexpected, 1 deviations found, 2 bad usage or input, 3 infrastructure failure." };
    app.require_subcommand(1);

    RunOptions run;
    auto* run_cmd = app.add_subcommand("run", "Run the conformance properties against implementations and write reports:\n"
                                              "<out>/<iut>.junit.xml, matrix.md, matrix.html, coverage.json, repro/<iut>/*.mjs");
    run_cmd->add_option("--iut", run.iuts,
               "Implementations to check, comma-separated: model, or names from the registry (--list-iuts). "
               "Default: the model and every installed IUT of the registry")
        ->delimiter(',');
    run_cmd->add_option("--iut-cmd", run.iut_cmds,
        "Also check the IUT this command starts (protocol v1 on stdin/stdout; docs/protocol.md): words, or a JSON array "
        "of strings for an exact argv. Repeatable")
        ->allow_extra_args(false); // one command per occurrence; and CLI11 would split a JSON array
    run_cmd->add_flag("--list-iuts", run.list_iuts, "List the registry's implementations and whether each is installed, and exit");
    run_cmd->add_option("--registry", run.registry, "IUT registry file (default: tools/adapters/iuts.json)");
    run_cmd->add_option("--expectations", run.expectations,
        "Directory of expectations files, <iut>.txt: known deviations (default: conformance/expectations)");
    run_cmd->add_flag("--write-expectations", run.write_expectations,
        "Write each IUT's expectations file from this run's deviations (known deviations become expected failures)");
    run_cmd->add_option("--fault", run.fault, "Run the model with this seeded fault (see --list-faults)");
    run_cmd->add_flag("--list-faults", run.list_faults, "List the seeded faults of the model, one a line, and exit");
    run_cmd->add_option("--out", run.out, "Directory for the reports")->capture_default_str();
    run_cmd->add_option("--seed", run.seed, "Seed; the same seed draws the same cases")->capture_default_str();
    run_cmd->add_option("--cases", run.cases, "Cases per property")->capture_default_str()->check(CLI::Range(1, 100000000));
    run_cmd->add_option("--max-size", run.max_size, "Largest generation size")->capture_default_str()->check(CLI::Range(0, 10000));
    run_cmd->add_option("--batch-size", run.batch_size, "Scenarios per protocol message")->capture_default_str()->check(CLI::Range(1, 100000));
    run_cmd->add_option("--timeout", run.timeout,
               "Seconds an IUT may take to answer a batch (at most; a batch of n gets 2 + n/10 s) before it is killed and restarted")
        ->capture_default_str()
        ->check(CLI::Range(0.1, 86400.0));
    run_cmd->add_option("--start-timeout", run.start_timeout, "Seconds an IUT may take to start and say hello")
        ->capture_default_str()
        ->check(CLI::Range(0.1, 86400.0));
    run_cmd->add_option("--max-deviations", run.max_deviations, "Distinct deviations shrunk and reported per property")
        ->capture_default_str()
        ->check(CLI::Range(1, 1000));
    run_cmd->add_option("--property", run.properties, "Run only these properties (repeatable)");
    run_cmd->add_option("--reproduce", run.reproduce, "Re-run one shrunk case from the reproduce string in its report");
    run_cmd->add_flag("--quiet,-q", run.quiet, "No progress on stderr");

    StepsOptions steps;
    auto* steps_cmd = app.add_subcommand("steps", "List the catalogued spec steps with their coverage from the last run");
    steps_cmd->add_flag("--json", steps.json, "Machine-readable output");
    steps_cmd->add_option("--coverage", steps.coverage, "Coverage file written by pmconf run")->capture_default_str();

    VerifyOptions verify;
    auto* verify_cmd = app.add_subcommand("verify-repro",
        "Run every reproducer a run wrote (<out>/repro/index.json) on its implementation and check that each still shows its deviation "
        "(exit 0: all reproduce; 1: some do not)");
    verify_cmd->add_option("--out", verify.out, "The run's output directory")->capture_default_str();
    verify_cmd->add_option("--timeout", verify.timeout, "Seconds each reproducer may run")->capture_default_str();

    std::signal(SIGPIPE, SIG_IGN); // a dead IUT's pipe gives EPIPE, not the end of pmconf
    try {
        app.parse(argc, argv);
    } catch (CLI::ParseError const& e) {
        int const code = app.exit(e);
        return code == 0 ? exit_ok : exit_usage;
    }
    try {
        if (*run_cmd)
            return run_command(run, join_args(argc, argv));
        if (*verify_cmd)
            return verify_command(verify);
        return steps_command(steps);
    } catch (std::exception const& e) {
        std::cerr << "pmconf: infrastructure failure: " << e.what() << "\n";
        return exit_infrastructure;
    }
}
