#include "tools/run_report.h"

#include "spec/catalogue.h"

#include <nlohmann/json.hpp>

#include <map>
#include <set>
#include <sstream>

namespace pmconf::tools {

using conformance::Deviation;
using conformance::PropertyOutcome;

namespace {

std::string reproduce_command(IutRun const& iut, PropertyRun const& run, Deviation const& d, conformance::RunParams const&)
{
    std::string s = "build/bin/pmconf run --iut " + (iut.fault.empty() ? iut.iut : std::string("model --fault ") + iut.fault);
    return s + " --property " + run.property->name + " --reproduce " + d.reproduce;
}

std::string deviation_text(PropertyRun const& run, Deviation const& d, std::string const& reproducer, IutRun const& iut,
    conformance::RunParams const& params)
{
    std::ostringstream out;
    out << d.difference.summary() << "\n\n";
    out << "Property: " << run.property->name << " — " << run.property->description << "\n";
    out << "Signature: " << d.signature << "\n";
    out << "First seen in case " << d.found_at_case << " of " << run.outcome.cases << " (" << d.occurrences
        << " cases showed it); shrunk " << d.shrinks << " times to a counterexample of " << conformance::size_text(d.scenario) << ":\n"
        << conformance::to_display(d.scenario) << "\n\n";
    out << "The spec (reference model) gives:\n" << conformance::to_display(d.expected) << "\n\n";
    out << iut.iut << " gave:\n" << conformance::to_display(d.observed) << "\n\n";
    out << "Seed: " << params.seed << "\n";
    out << "Reproduce: " << reproduce_command(iut, run, d, params) << "\n";
    if (!reproducer.empty())
        out << "Reproducer: " << reproducer << " (in the output directory)\n";
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

std::string skipped_text(PropertyOutcome const& o)
{
    std::string s;
    for (auto const& [cap, n] : o.skipped_for)
        s += (s.empty() ? "" : ", ") + std::to_string(n) + " needing " + cap;
    return s;
}

} // namespace

std::vector<std::pair<std::string, std::string>> unexpected_passes(IutRun const& iut)
{
    std::vector<std::pair<std::string, std::string>> out;
    for (auto const& run : iut.properties) {
        auto it = iut.expectations.known.find(run.property->name);
        if (it == iut.expectations.known.end())
            continue;
        // A property that did not run to the end says nothing about what it would have found.
        if (run.outcome.status == PropertyOutcome::Status::error || run.outcome.status == PropertyOutcome::Status::skipped)
            continue;
        for (auto const& sig : it->second) {
            bool found = false;
            for (auto const& d : run.outcome.deviations)
                found |= d.signature == sig;
            if (!found)
                out.emplace_back(run.property->name, sig);
        }
    }
    return out;
}

Tally tally(IutRun const& iut)
{
    Tally t;
    for (auto const& run : iut.properties) {
        auto const& o = run.outcome;
        if (o.status == PropertyOutcome::Status::error)
            ++t.errors;
        if (o.status == PropertyOutcome::Status::skipped)
            ++t.skipped;
        if (o.status == PropertyOutcome::Status::passed)
            ++t.passed;
        for (auto const& d : o.deviations)
            ++(iut.expectations.expects(run.property->name, d.signature) ? t.expected_deviations : t.unexpected_deviations);
    }
    t.unexpected_passes = static_cast<int>(unexpected_passes(iut).size());
    return t;
}

std::vector<reports::TestSuiteResult> junit_suites(IutRun const& iut, conformance::RunParams const& params, std::string const& command_line)
{
    std::map<std::string, reports::TestSuiteResult> by_group;
    std::vector<std::string> order;
    auto const stale = unexpected_passes(iut);
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
                { "batch_size", std::to_string(params.batch_size) },
                { "spec.snapshot", snapshot_text() },
                { "command", command_line },
                { "expectations", iut.expectations.file.empty() ? std::string("(none)") : iut.expectations.file.string() },
            };
            if (!iut.fault.empty())
                suite.properties.emplace_back("fault", iut.fault);
            if (iut.restarts)
                suite.properties.emplace_back("iut.restarts", std::to_string(iut.restarts));
            suite.system_err = iut.stderr_tail;
        }
        auto const& o = run.outcome;
        auto const& name = run.property->name;
        auto const classname = "pmconf." + iut.iut + "." + group;
        suite.seconds += o.seconds;
        suite.properties.emplace_back("cases." + name, std::to_string(o.cases));
        suite.properties.emplace_back("iut_wait_seconds." + name, std::to_string(o.iut_wait_seconds));
        suite.properties.emplace_back("nodes." + name, std::to_string(o.nodes));
        if (o.skipped_cases)
            suite.properties.emplace_back("skipped_cases." + name, skipped_text(o));
        if (!o.stderr_tail.empty())
            suite.system_err += "[" + name + "]\n" + o.stderr_tail + "\n";

        // The property's own testcase: passed, skipped or an error. With deviations, each has its own.
        if (o.deviations.empty() || o.status == PropertyOutcome::Status::error) {
            reports::TestCaseResult tc;
            tc.name = name;
            tc.classname = classname;
            tc.seconds = o.seconds;
            switch (o.status) {
            case PropertyOutcome::Status::passed:
            case PropertyOutcome::Status::failed:
                tc.outcome = reports::Outcome::passed;
                suite.system_out += name + ": " + std::to_string(o.cases) + " cases passed"
                    + (o.skipped_cases ? " (" + std::to_string(o.skipped_cases) + " drawn cases not sent: " + skipped_text(o) + ")" : "") + "\n";
                break;
            case PropertyOutcome::Status::skipped:
                tc.outcome = reports::Outcome::skipped;
                tc.message = o.skip_reason;
                tc.text = o.skip_reason;
                break;
            case PropertyOutcome::Status::error:
                tc.outcome = reports::Outcome::error;
                tc.type = "pmconf.IutError";
                tc.message = o.error.substr(0, o.error.find('\n'));
                tc.text = o.error + "\n\nThe IUT's stderr (tail):\n" + (o.stderr_tail.empty() ? std::string("(nothing)") : o.stderr_tail)
                    + "\n\nThe IUT was restarted; the run went on with the next property.";
                break;
            }
            suite.cases.push_back(std::move(tc));
        }
        for (std::size_t i = 0; i < o.deviations.size(); ++i) {
            auto const& d = o.deviations[i];
            reports::TestCaseResult tc;
            tc.name = name + " [" + d.signature + "]";
            tc.classname = classname;
            auto const reproducer = i < run.reproducers.size() ? run.reproducers[i] : std::string();
            auto const text = deviation_text(run, d, reproducer, iut, params);
            if (iut.expectations.expects(name, d.signature)) {
                tc.outcome = reports::Outcome::skipped;
                tc.message = "expected failure (known deviation in " + iut.expectations.file.string() + "): " + d.difference.summary();
                tc.text = text;
            } else {
                tc.outcome = reports::Outcome::failed;
                tc.type = "pmconf.Deviation";
                tc.message = d.difference.summary();
                tc.text = text;
            }
            suite.cases.push_back(std::move(tc));
        }
        for (auto const& [choice, n] : o.choices)
            suite.system_out += name + ": allowed choice: " + choice + " (" + std::to_string(n) + " cases)\n";
        if (!o.search_note.empty())
            suite.system_out += name + ": " + o.search_note + "\n";
        if (o.other_signatures)
            suite.system_out += name + ": " + std::to_string(o.other_signatures) + " further distinct deviations were seen but not shrunk (--max-deviations)\n";
        for (auto const& [property, sig] : stale) {
            if (property != name)
                continue;
            reports::TestCaseResult tc;
            tc.name = name + " [" + sig + "]";
            tc.classname = classname;
            tc.outcome = reports::Outcome::failed;
            tc.type = "pmconf.UnexpectedPass";
            tc.message = "unexpected pass: the known deviation listed in " + iut.expectations.file.string() + " was not found";
            tc.text = tc.message + " after " + std::to_string(o.cases)
                + " cases: it is fixed, or this run did not reach it. Remove the line, or write the file again with --write-expectations.";
            suite.cases.push_back(std::move(tc));
        }
    }
    std::vector<reports::TestSuiteResult> suites;
    for (auto const& g : order)
        suites.push_back(std::move(by_group[g]));
    return suites;
}

namespace {

struct Cell {
    std::string text;   // pass, FAIL (n), xfail (n), skip, error
    std::string css;
};

Cell cell_of(IutRun const& iut, PropertyRun const& run)
{
    auto const& o = run.outcome;
    int unexpected = 0, expected = 0;
    for (auto const& d : o.deviations)
        ++(iut.expectations.expects(run.property->name, d.signature) ? expected : unexpected);
    int stale = 0;
    for (auto const& [p, s] : unexpected_passes(iut))
        stale += p == run.property->name;
    std::string text;
    std::string css = "pass";
    if (o.status == PropertyOutcome::Status::error) {
        text = "error";
        css = "error";
    } else if (o.status == PropertyOutcome::Status::skipped) {
        text = "skip";
        css = "skip";
    }
    if (unexpected) {
        text += std::string(text.empty() ? "" : ", ") + "FAIL (" + std::to_string(unexpected) + ")";
        if (css == "pass")
            css = "fail";
    }
    if (expected) {
        text += std::string(text.empty() ? "" : ", ") + "xfail (" + std::to_string(expected) + ")";
        if (css == "pass")
            css = "xfail";
    }
    if (stale) {
        text += std::string(text.empty() ? "" : ", ") + "XPASS (" + std::to_string(stale) + ")";
        if (css == "pass" || css == "xfail")
            css = "fail";
    }
    if (text.empty())
        text = "pass";
    return { text, css };
}

std::string md_escape(std::string s)
{
    std::string out;
    for (char c : s) {
        if (c == '|' || c == '`' || c == '*' || c == '_' || c == '<' || c == '>' || c == '[' || c == ']')
            out += '\\';
        if (c == '\n' || c == '\r')
            c = ' ';
        out += c;
    }
    return out;
}

std::string html_escape(std::string const& s)
{
    std::string out;
    for (char c : s) {
        switch (c) {
        case '&': out += "&amp;"; break;
        case '<': out += "&lt;"; break;
        case '>': out += "&gt;"; break;
        case '"': out += "&quot;"; break;
        default: out += c;
        }
    }
    return out;
}

std::vector<conformance::ConformanceProperty const*> property_rows(std::vector<IutRun> const& runs)
{
    std::vector<conformance::ConformanceProperty const*> rows;
    std::set<std::string> seen;
    for (auto const& r : runs)
        for (auto const& p : r.properties)
            if (seen.insert(p.property->name).second)
                rows.push_back(p.property);
    return rows;
}

PropertyRun const* find_run(IutRun const& iut, std::string const& property)
{
    for (auto const& p : iut.properties)
        if (p.property->name == property)
            return &p;
    return nullptr;
}

struct Finding {
    std::string iut, property, signature, step, summary, reproducer, verdict;
    std::vector<std::string> spec_questions {};
};

std::vector<Finding> findings(std::vector<IutRun> const& runs)
{
    std::vector<Finding> out;
    for (auto const& iut : runs) {
        for (auto const& run : iut.properties) {
            for (std::size_t i = 0; i < run.outcome.deviations.size(); ++i) {
                auto const& d = run.outcome.deviations[i];
                auto plain = d.difference; // the questions get a column of their own
                plain.spec_questions.clear();
                out.push_back({ iut.iut, run.property->name, d.signature, d.difference.step, plain.summary(),
                    i < run.reproducers.size() ? run.reproducers[i] : "",
                    iut.expectations.expects(run.property->name, d.signature) ? "expected" : "unexpected", d.difference.spec_questions });
            }
            if (run.outcome.status == PropertyOutcome::Status::error)
                out.push_back({ iut.iut, run.property->name, "", "", run.outcome.error, "", "error" });
        }
        for (auto const& [p, s] : unexpected_passes(iut))
            out.push_back({ iut.iut, p, s, "", "a known deviation was not found (fixed, or not reached)", "", "unexpected pass" });
    }
    return out;
}

std::string run_line(conformance::RunParams const& params, std::string const& command_line)
{
    return "seed " + std::to_string(params.seed) + ", " + std::to_string(params.max_success) + " cases per property, spec "
        + snapshot_text() + "; `" + command_line + "`";
}

} // namespace

std::string matrix_markdown(std::vector<IutRun> const& runs, conformance::RunParams const& params, std::string const& command_line)
{
    std::ostringstream out;
    auto line = run_line(params, command_line);
    for (auto& c : line)
        if (c == '\n' || c == '|')
            c = ' ';
    out << "# pmconf conformance matrix\n\n" << line << "\n\n";
    out << "Cells: `pass`; `FAIL (n)` n unexpected distinct deviations; `xfail (n)` known ones (expectations); "
           "`XPASS (n)` known deviations not found; `skip` the IUT lacks what the property needs; `error` the IUT failed.\n\n";
    out << "| property |";
    for (auto const& r : runs)
        out << " " << md_escape(r.iut) << " |";
    out << "\n| --- |";
    for (std::size_t i = 0; i < runs.size(); ++i)
        out << " --- |";
    out << "\n";
    for (auto const* p : property_rows(runs)) {
        out << "| " << md_escape(p->name) << " |";
        for (auto const& r : runs) {
            auto const* run = find_run(r, p->name);
            out << " " << (run ? md_escape(cell_of(r, *run).text) : std::string("—")) << " |";
        }
        out << "\n";
    }
    out << "\n## Implementations\n\n";
    for (auto const& r : runs) {
        auto const t = tally(r);
        out << "- **" << md_escape(r.iut) << "**: " << md_escape(r.iut_version) << "; " << t.unexpected_deviations << " unexpected and "
            << t.expected_deviations << " expected deviations, " << t.unexpected_passes << " unexpected passes, " << t.skipped
            << " skipped, " << t.errors << " errors";
        if (r.restarts)
            out << "; restarted " << r.restarts << " times";
        if (!r.start_error.empty())
            out << "; could not start: " << md_escape(r.start_error);
        out << "\n";
    }
    out << "\n## Choices the spec leaves open\n\nNot deviations: what each implementation chose where the spec allows several behaviours "
           "(the comparator accepts any of them).\n\n";
    bool any_choice = false;
    for (auto const& r : runs) {
        std::map<std::string, int> all;
        for (auto const& p : r.properties)
            for (auto const& [choice, n] : p.outcome.choices)
                all[choice] += n;
        for (auto const& [choice, n] : all) {
            out << "- **" << md_escape(r.iut) << "**: " << md_escape(choice) << " (" << n << " cases)\n";
            any_choice = true;
        }
    }
    if (!any_choice)
        out << "None observed.\n";
    auto const f = findings(runs);
    out << "\n## Deviations\n\n";
    if (f.empty())
        out << "None.\n";
    else {
        out << "| implementation | property | verdict | spec step | difference | open spec question | reproducer |\n| --- | --- | --- | --- | --- | --- | --- |\n";
        for (auto const& x : f) {
            std::string questions;
            for (auto const& q : x.spec_questions)
                questions += (questions.empty() ? "" : "; ") + md_escape(q);
            out << "| " << md_escape(x.iut) << " | " << md_escape(x.property) << " | " << x.verdict << " | " << md_escape(x.step) << " | "
                << md_escape(x.summary) << " | " << questions << " | "
                << (x.reproducer.empty() ? "" : "[" + md_escape(x.reproducer) + "](" + x.reproducer + ")") << " |\n";
        }
    }
    return out.str();
}

std::string matrix_html(std::vector<IutRun> const& runs, conformance::RunParams const& params, std::string const& command_line)
{
    std::ostringstream out;
    out << "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>pmconf conformance matrix</title>\n<style>\n"
           "body{font-family:system-ui,sans-serif;margin:2em}table{border-collapse:collapse}td,th{border:1px solid #999;padding:.3em .6em;vertical-align:top}"
           ".pass{background:#d9f2d9}.fail{background:#f8c8c8}.xfail{background:#f3e6b3}.skip{background:#e4e4e4}.error{background:#f0b0f0}"
           "code{font-size:90%}\n</style></head><body>\n<h1>pmconf conformance matrix</h1>\n<p>"
        << html_escape(run_line(params, command_line)) << "</p>\n<table>\n<tr><th>property</th>";
    for (auto const& r : runs)
        out << "<th title=\"" << html_escape(r.iut_version) << "\">" << html_escape(r.iut) << "</th>";
    out << "</tr>\n";
    for (auto const* p : property_rows(runs)) {
        out << "<tr><th title=\"" << html_escape(p->description) << "\">" << html_escape(p->name) << "</th>";
        for (auto const& r : runs) {
            auto const* run = find_run(r, p->name);
            if (!run) {
                out << "<td>—</td>";
                continue;
            }
            auto const c = cell_of(r, *run);
            out << "<td class=\"" << c.css << "\">" << html_escape(c.text) << "</td>";
        }
        out << "</tr>\n";
    }
    out << "</table>\n<h2>Deviations</h2>\n";
    auto const f = findings(runs);
    if (f.empty())
        out << "<p>None.</p>\n";
    else {
        out << "<table>\n<tr><th>implementation</th><th>property</th><th>verdict</th><th>spec step</th><th>difference</th><th>open spec question</th><th>reproducer</th></tr>\n";
        for (auto const& x : f) {
            std::string questions;
            for (auto const& q : x.spec_questions)
                questions += (questions.empty() ? "" : "<br>") + html_escape(q);
            out << "<tr><td>" << html_escape(x.iut) << "</td><td>" << html_escape(x.property) << "</td><td>" << html_escape(x.verdict)
                << "</td><td><code>" << html_escape(x.step) << "</code></td><td>" << html_escape(x.summary) << "</td><td>" << questions << "</td><td>"
                << (x.reproducer.empty() ? "" : "<a href=\"" + html_escape(x.reproducer) + "\">" + html_escape(x.reproducer) + "</a>")
                << "</td></tr>\n";
        }
    }
    out << "</table>\n</body></html>\n";
    return out.str();
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
