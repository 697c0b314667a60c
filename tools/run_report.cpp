#include "tools/run_report.h"

#include "spec/catalogue.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <map>
#include <set>
#include <sstream>

namespace pmconf::tools {

using conformance::Deviation;
using conformance::PropertyOutcome;

namespace {

// Single quotes for a POSIX shell.
std::string shell_quote(std::string const& word)
{
    if (!word.empty() && word.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./:=@,+") == std::string::npos)
        return word;
    std::string out = "'";
    for (char c : word)
        out += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return out + "'";
}

// A command that replays exactly this case, from the repository root, into a directory of its own
// (never over the run's own reports).
std::string reproduce_command(IutRun const& iut, PropertyRun const& run, std::string const& reproduce)
{
    std::string s = "build/bin/pmconf run ";
    if (!iut.fault.empty())
        s += "--iut model --fault " + iut.fault;
    else if (!iut.command.empty())
        s += "--iut-cmd " + shell_quote(nlohmann::json(iut.command).dump());
    else
        s += "--iut " + iut.iut;
    auto const out = (iut.out.empty() ? std::string("out") : iut.out) + "/reproduce";
    return s + " --property " + run.property->name + " --reproduce " + reproduce + " --out " + shell_quote(out);
}

std::string reproduce_command(IutRun const& iut, PropertyRun const& run, Deviation const& d)
{
    return reproduce_command(iut, run, d.reproduce);
}

// The finding a same_as duplicate repeats: the first of its root cause, in the property named.
Deviation const* first_of_cause(IutRun const& iut, Deviation const& d)
{
    for (auto const& run : iut.properties)
        if (run.property->name == d.same_as)
            for (auto const& e : run.outcome.deviations)
                if (e.same_as.empty() && e.root_cause == d.root_cause)
                    return &e;
    return &d;
}

std::string deviation_text(PropertyRun const& run, Deviation const& d, std::string const& reproducer, IutRun const& iut,
    conformance::RunParams const& params)
{
    std::ostringstream out;
    out << d.title << "\n";
    if (d.kind() == conformance::FindingKind::spec_question) {
        out << "\nA spec question, not a deviation: the model's verdict rests on a text in question.\n";
        for (auto const& q : d.difference.spec_questions)
            out << "  " << q << " — " << conformance::spec_question_text(q) << "\n";
    }
    out << "\n" << d.difference.summary() << "\n\n";
    out << "Property: " << run.property->name << " — " << run.property->description << "\n";
    out << "Signature: " << d.signature << "\n";
    if (d.shrunk)
        out << "First seen in case " << d.found_at_case << " of " << run.outcome.cases << " (" << d.occurrences
            << " cases showed it); shrunk " << d.shrinks << " times to a counterexample of " << conformance::size_text(d.scenario) << ":\n";
    else
        out << "Seen in " << d.occurrences << " cases from case " << d.found_at_case << " of " << run.outcome.cases
            << "; not shrunk (beyond --max-deviations " << params.max_deviations << "): the first case that showed it, "
            << conformance::size_text(d.scenario) << ":\n";
    out << conformance::to_display(d.scenario) << "\n\n";
    out << "The spec (reference model) gives:\n" << conformance::to_display(d.expected) << "\n\n";
    out << iut.iut << " gave:\n" << conformance::to_display(d.observed) << "\n\n";
    if (!d.variants.empty()) {
        out << "The same root cause (" << d.root_cause.substr(d.root_cause.find('|') + 1) << ") shows in " << d.variants.size()
            << " more finding" << (d.variants.size() == 1 ? "" : "s") << " of this property, each with its own counterexample:\n";
        for (auto const& v : d.variants)
            out << "  - " << v.title << (v.shrunk ? "" : " (not shrunk)") << "\n    Signature: " << v.signature
                << "\n    Reproduce: " << reproduce_command(iut, run, v.reproduce) << "\n";
        out << "\n";
    }
    out << "Seed: " << params.seed << "\n";
    out << "Reproduce: " << reproduce_command(iut, run, d) << "\n";
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
                for (auto const& shown : d.signatures())
                    found |= shown == sig;
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
        for (auto const& d : o.deviations) {
            if (!d.same_as.empty())
                continue;
            if (d.kind() == conformance::FindingKind::spec_question)
                ++t.spec_questions;
            else
                ++(iut.expectations.expects(run.property->name, d.signatures()) ? t.expected_deviations : t.unexpected_deviations);
        }
    }
    t.unexpected_passes = static_cast<int>(unexpected_passes(iut).size());
    return t;
}

void mark_repeated_findings(std::vector<PropertyRun> const& earlier, conformance::PropertyOutcome& latest)
{
    for (auto& d : latest.deviations) {
        for (auto const& run : earlier) {
            auto const& list = run.outcome.deviations;
            if (std::any_of(list.begin(), list.end(), [&](Deviation const& e) { return e.same_as.empty() && e.root_cause == d.root_cause; })) {
                d.same_as = run.property->name;
                break;
            }
        }
    }
}

std::string bounded_stderr(std::string const& text, std::size_t limit)
{
    if (text.size() <= limit)
        return text;
    auto start = text.size() - limit;
    while (start < text.size() && (static_cast<unsigned char>(text[start]) & 0xC0) == 0x80)
        ++start; // not inside a UTF-8 sequence
    return "[... " + std::to_string(start) + " earlier bytes of stderr cut]\n" + text.substr(start);
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
            // The implementation in the name too: viewers and mergers fold suites by name.
            suite.name = group + " (" + iut.iut + ")";
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
            suite.system_err = bounded_stderr(iut.stderr_tail);
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
            suite.system_err += "[" + name + "]\n" + bounded_stderr(o.stderr_tail) + "\n";

        // The property's own testcase: passed, skipped or an error. Each finding it reports first
        // has its own (a deviation: a failure; a spec question: skipped, saying so).
        bool const own_deviations = std::any_of(o.deviations.begin(), o.deviations.end(),
            [](Deviation const& d) { return d.same_as.empty() && d.kind() == conformance::FindingKind::deviation; });
        if (!own_deviations || o.status == PropertyOutcome::Status::error) {
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
                tc.text = o.error + "\n\nThe IUT's stderr (tail):\n" + (o.stderr_tail.empty() ? std::string("(nothing)") : bounded_stderr(o.stderr_tail))
                    + "\n\nThe IUT was restarted; the run went on with the next property.";
                break;
            }
            suite.cases.push_back(std::move(tc));
        }
        std::set<std::string> names;
        for (std::size_t i = 0; i < o.deviations.size(); ++i) {
            auto const& d = o.deviations[i];
            if (!d.same_as.empty()) {
                suite.system_out += name + ": also shows \"" + d.title + "\" (" + (d.identity() == first_of_cause(iut, d)->identity() ? "the same difference on the same minimal case" : "the same root cause")
                    + "; reported under " + d.same_as + ")\n";
                continue;
            }
            reports::TestCaseResult tc;
            tc.name = name + ": " + d.title;
            for (int n = 2; !names.insert(tc.name).second; ++n)
                tc.name = name + ": " + d.title + " #" + std::to_string(n);
            tc.classname = classname;
            auto const reproducer = i < run.reproducers.size() ? run.reproducers[i] : std::string();
            auto const text = deviation_text(run, d, reproducer, iut, params);
            tc.text = text;
            if (d.kind() == conformance::FindingKind::spec_question) {
                tc.outcome = reports::Outcome::skipped;
                // The question it is filed under first, then the others it rests on.
                auto const filed = conformance::filed_question(d.root_cause);
                std::string questions = filed.empty() ? std::string() : conformance::spec_question_text(filed);
                for (auto const& q : d.difference.spec_questions)
                    if (q != filed)
                        questions += (questions.empty() ? "" : "; ") + conformance::spec_question_text(q);
                tc.message = "spec question, not counted as a deviation (" + questions + ")";
                suite.system_out += name + ": spec question: " + d.title + "\n";
            } else if (iut.expectations.expects(name, d.signatures())) {
                tc.outcome = reports::Outcome::skipped;
                tc.message = "expected failure (known deviation in " + iut.expectations.file.string() + "): " + d.title;
            } else {
                tc.outcome = reports::Outcome::failed;
                tc.type = "pmconf.Deviation";
                tc.message = d.title;
            }
            suite.cases.push_back(std::move(tc));
        }
        for (auto const& [choice, n] : o.choices)
            suite.system_out += name + ": allowed choice: " + choice + " (" + std::to_string(n) + " cases)\n";
        if (!o.search_note.empty())
            suite.system_out += name + ": " + o.search_note + "\n";
        if (o.other_signatures)
            suite.system_out += name + ": " + std::to_string(o.other_signatures)
                + " distinct signatures were seen beyond --max-deviations: each is reported with the first case that showed it, not shrunk\n";
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
    int questions = 0;
    for (auto const& d : o.deviations) {
        if (!d.same_as.empty())
            continue;
        if (d.kind() == conformance::FindingKind::spec_question)
            ++questions;
        else
            ++(iut.expectations.expects(run.property->name, d.signatures()) ? expected : unexpected);
    }
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
    if (questions)
        text += ", question (" + std::to_string(questions) + ")";
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

// " (the same cause in 2 more findings: html:...:2.3, html:...:20)" for a root cause with variants.
std::string variants_text(Deviation const& d)
{
    if (d.variants.empty())
        return { };
    std::set<std::string> steps;
    for (auto const& v : d.variants) {
        auto const at = v.signature.find('@');
        steps.insert(at == std::string::npos ? std::string("no step") : v.signature.substr(at + 1, v.signature.find('?', at) - at - 1));
    }
    std::string list;
    for (auto const& step : steps)
        list += (list.empty() ? "" : ", ") + step;
    return " (the same cause in " + std::to_string(d.variants.size()) + " more finding" + (d.variants.size() == 1 ? "" : "s") + ": " + list + ")";
}

struct Finding {
    std::string iut, property, also, signature, step, title, reproducer, verdict;
    std::vector<std::string> spec_questions {};
};

// Every finding once, with the properties that showed it again.
std::vector<Finding> findings(std::vector<IutRun> const& runs)
{
    std::vector<Finding> out;
    for (auto const& iut : runs) {
        for (auto const& run : iut.properties) {
            for (std::size_t i = 0; i < run.outcome.deviations.size(); ++i) {
                auto const& d = run.outcome.deviations[i];
                if (!d.same_as.empty())
                    continue;
                std::string also;
                for (auto const& other : iut.properties)
                    for (auto const& e : other.outcome.deviations)
                        if (e.same_as == run.property->name && e.root_cause == d.root_cause)
                            also += (also.empty() ? "" : ", ") + other.property->name;
                auto const verdict = d.kind() == conformance::FindingKind::spec_question ? "spec question"
                    : iut.expectations.expects(run.property->name, d.signatures())          ? "expected"
                                                                                          : "unexpected";
                out.push_back({ iut.iut, run.property->name, also, d.signature, d.difference.step,
                    d.title + (d.shrunk ? "" : " (not shrunk)") + variants_text(d), i < run.reproducers.size() ? run.reproducers[i] : "", verdict,
                    d.difference.spec_questions });
            }
            if (run.outcome.status == PropertyOutcome::Status::error)
                out.push_back({ iut.iut, run.property->name, "", "", "", run.outcome.error, "", "error" });
        }
        for (auto const& [p, s] : unexpected_passes(iut))
            out.push_back({ iut.iut, p, "", s, "", "a known deviation was not found (fixed, or not reached)", "", "unexpected pass" });
    }
    return out;
}

// The spec questions the findings rest on, each with its findings.
std::map<std::string, std::vector<Finding const*>> by_question(std::vector<Finding> const& all)
{
    std::map<std::string, std::vector<Finding const*>> out;
    for (auto const& f : all)
        for (auto const& q : f.spec_questions)
            out[q].push_back(&f);
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
           "`XPASS (n)` known deviations not found; `question (n)` findings that rest on a spec question (not deviations); "
           "`skip` the IUT lacks what the property needs; `error` the IUT failed.\n\n";
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
            << t.expected_deviations << " expected deviations, " << t.spec_questions << " spec questions, " << t.unexpected_passes << " unexpected passes, " << t.skipped
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
    out << "\n## Deviations\n\nWhat the spec's steps rule out, one row per finding (the same difference on the same minimal "
           "counterexample in several properties is one finding).\n\n";
    bool any = false;
    for (auto const& x : f) {
        if (x.verdict == "spec question")
            continue;
        if (!any)
            out << "| implementation | property | verdict | what is wrong | spec step | reproducer |\n| --- | --- | --- | --- | --- | --- |\n";
        any = true;
        out << "| " << md_escape(x.iut) << " | " << md_escape(x.property) << (x.also.empty() ? "" : " (also " + md_escape(x.also) + ")")
            << " | " << x.verdict << " | " << md_escape(x.title) << " | " << md_escape(x.step) << " | "
            << (x.reproducer.empty() ? "" : "[" + md_escape(x.reproducer) + "](" + x.reproducer + ")") << " |\n";
    }
    if (!any)
        out << "None.\n";
    out << "\n## Spec questions\n\nNot counted as deviations: the model's verdict rests on a text in question (an open issue, or "
           "a literal reading that engines and web-platform-tests contradict), or on what follows from such a message or port.\n";
    auto const questions = by_question(f);
    if (questions.empty())
        out << "\nNone met.\n";
    for (auto const& [step, list] : questions) {
        out << "\n### `" << step << "`\n\n" << md_escape(conformance::spec_question_text(step)) << "\n\n";
        for (auto const* x : list)
            out << "- **" << md_escape(x->iut) << "**, " << md_escape(x->property) << ": " << md_escape(x->title)
                << (x->reproducer.empty() ? "" : " ([reproducer](" + x->reproducer + "))") << "\n";
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
    bool any = false;
    for (auto const& x : f) {
        if (x.verdict == "spec question")
            continue;
        if (!any)
            out << "<table>\n<tr><th>implementation</th><th>property</th><th>verdict</th><th>what is wrong</th><th>spec step</th><th>reproducer</th></tr>\n";
        any = true;
        out << "<tr><td>" << html_escape(x.iut) << "</td><td>" << html_escape(x.property)
            << (x.also.empty() ? "" : " (also " + html_escape(x.also) + ")") << "</td><td>" << html_escape(x.verdict) << "</td><td>"
            << html_escape(x.title) << "</td><td><code>" << html_escape(x.step) << "</code></td><td>"
            << (x.reproducer.empty() ? "" : "<a href=\"" + html_escape(x.reproducer) + "\">" + html_escape(x.reproducer) + "</a>")
            << "</td></tr>\n";
    }
    out << (any ? "</table>\n" : "<p>None.</p>\n");
    out << "<h2>Spec questions</h2>\n<p>Not counted as deviations: the model's verdict rests on a text in question.</p>\n";
    auto const questions = by_question(f);
    if (questions.empty())
        out << "<p>None met.</p>\n";
    for (auto const& [step, list] : questions) {
        out << "<h3><code>" << html_escape(step) << "</code></h3>\n<p>" << html_escape(conformance::spec_question_text(step)) << "</p>\n<ul>\n";
        for (auto const* x : list)
            out << "<li><b>" << html_escape(x->iut) << "</b>, " << html_escape(x->property) << ": " << html_escape(x->title)
                << (x->reproducer.empty() ? "" : " (<a href=\"" + html_escape(x->reproducer) + "\">reproducer</a>)") << "</li>\n";
        out << "</ul>\n";
    }
    out << "<h2>Choices the spec leaves open</h2>\n<ul>\n";
    for (auto const& r : runs) {
        std::map<std::string, int> all;
        for (auto const& p : r.properties)
            for (auto const& [choice, n] : p.outcome.choices)
                all[choice] += n;
        for (auto const& [choice, n] : all)
            out << "<li><b>" << html_escape(r.iut) << "</b>: " << html_escape(choice) << " (" << n << " cases)</li>\n";
    }
    out << "</ul>\n</body></html>\n";
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
