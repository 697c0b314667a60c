// pmconf_check_markers: checks the step markers of model source files against the catalogue.
//
//   pmconf_check_markers --catalogue CATALOGUE.json [--catalogue ...] SOURCE...
//
// The convention (spec/README.md, "Step markers in the model"):
// - a comment line holding exactly an algorithm's anchor URL starts that algorithm's region,
//   which runs to the next such line or the end of the file; an anchor that introduces several
//   algorithms (keys `x` and `x--qualifier`) starts a region of all of them, and each marker's
//   alias says which one it marks;
// - `PM_STEP(S::s13_1_1);` stands alone on its line, right below comment lines of which the
//   last numbered one starts `// 13.1.1. ` (`// 14/catch. `); `// 3-4. ` covers markers 3 and 4
//   on consecutive lines;
// - S (any name) is a namespace alias; when the file defines it (`namespace S = ...::steps::X;`,
//   the latest definition above counts) X must be the region's algorithm (one of them);
// - within a region markers follow document order; every modelled step is marked somewhere,
//   and only modelled steps of the region's algorithm are.
// Prints `file:line: message` per problem and exits 1; prints one line and exits 0 when clean;
// exits 2 on a usage error, an unreadable file or an invalid catalogue.

#include "spec/gen/catalogue_reader.h"

#include <algorithm>
#include <fstream>
#include <iostream>
#include <map>
#include <optional>
#include <regex>
#include <set>
#include <string>
#include <vector>

namespace pmconf::specgen {
namespace {

    struct StepRef {
        CatalogueFile const* file;
        Algorithm const* algorithm;
        Step const* step;
        std::size_t index; // in catalogue order
    };

    struct Index {
        std::map<std::string, std::vector<Algorithm const*>> by_anchor;
        std::map<std::string, Algorithm const*> by_namespace;
        std::map<Algorithm const*, std::map<std::string, StepRef>> by_identifier; // per algorithm
        std::vector<StepRef> steps;
    };

    Index build_index(Catalogue const& catalogue)
    {
        Index index;
        for (auto const& file : catalogue.files) {
            for (auto const& algorithm : file.algorithms) {
                index.by_anchor[algorithm.anchor].push_back(&algorithm);
                index.by_namespace[algorithm.ns] = &algorithm;
                for (auto const& step : algorithm.steps) {
                    StepRef ref { &file, &algorithm, &step, index.steps.size() };
                    index.steps.push_back(ref);
                    index.by_identifier[&algorithm][step_identifier(step.path)] = ref;
                }
            }
        }
        return index;
    }

    std::string trim(std::string const& s)
    {
        auto first = s.find_first_not_of(" \t\r");
        if (first == std::string::npos)
            return {};
        return s.substr(first, s.find_last_not_of(" \t\r") - first + 1);
    }

    bool is_comment(std::string const& trimmed)
    {
        return trimmed.starts_with("//");
    }

    // `// https://...` and nothing else: starts a region (of a catalogued algorithm or not).
    std::optional<std::string> anchor_of(std::string const& trimmed)
    {
        if (!trimmed.starts_with("// http"))
            return std::nullopt;
        std::string url = trimmed.substr(3);
        if (url.find_first_of(" \t") != std::string::npos)
            return std::nullopt;
        return url;
    }

    std::string const path_pattern = R"([0-9]+(?:\.[0-9]+)*(?:/[a-z][a-z0-9]*)?)";
    std::regex const step_comment_re("^// (" + path_pattern + ")(?:-(" + path_pattern + "))?\\.(?: |$)");
    // PM_STEP(S::s13_1_1); the qualifier is an alias (or the namespace itself); a trailing comment is
    // allowed.
    std::regex const marker_re(
        R"(^PM_STEP\(\s*((?:::)?(?:[A-Za-z_][A-Za-z0-9_]*::)*)(s[0-9a-z_]+)\s*\)\s*;\s*(//.*)?$)");
    // namespace S = ::pmconf::spec::steps::structured_serialize_internal;
    std::regex const alias_re(
        R"(^namespace\s+([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(?:::)?(?:[A-Za-z_][A-Za-z0-9_]*::)*([A-Za-z_][A-Za-z0-9_]*)\s*;)");

    // The inverse of step_identifier(): "s13_1_1" -> "13.1.1", "s14_catch" -> "14/catch".
    std::string path_of(std::string const& identifier)
    {
        std::string path = identifier.substr(1);
        if (auto last = path.rfind('_'); last != std::string::npos && last + 1 < path.size()
            && path[last + 1] >= 'a' && path[last + 1] <= 'z')
            path[last] = '/';
        std::replace(path.begin(), path.end(), '_', '.');
        return path;
    }

    std::vector<std::string> split_numbers(std::string const& path)
    {
        std::vector<std::string> parts;
        std::size_t start = 0;
        while (true) {
            auto dot = path.find('.', start);
            parts.push_back(path.substr(start, dot == std::string::npos ? dot : dot - start));
            if (dot == std::string::npos)
                return parts;
            start = dot + 1;
        }
    }

    // "3"-"4" -> 3, 4; "5.4.1.1"-"5.4.1.4" or "5.4.1.1"-"4" -> 5.4.1.1 ... 5.4.1.4. nullopt if malformed.
    std::optional<std::vector<std::string>> expand_range(std::string const& from, std::string const& to)
    {
        if (from.find('/') != std::string::npos || to.find('/') != std::string::npos)
            return std::nullopt;
        auto a = split_numbers(from);
        auto b = split_numbers(to);
        if (b.size() == 1 && a.size() > 1) {
            auto full = a;
            full.back() = b.front();
            b = full;
        }
        if (a.size() != b.size() || !std::equal(a.begin(), a.end() - 1, b.begin()))
            return std::nullopt;
        long first = std::stol(a.back()), last = std::stol(b.back());
        if (first >= last || last - first > 50)
            return std::nullopt;
        std::string prefix;
        for (std::size_t i = 0; i + 1 < a.size(); ++i)
            prefix += a[i] + ".";
        std::vector<std::string> paths;
        for (long n = first; n <= last; ++n)
            paths.push_back(prefix + std::to_string(n));
        return paths;
    }

    class Checker {
    public:
        explicit Checker(Index const& index)
            : m_index(index)
        {
        }

        bool check_file(std::string const& path);
        void check_coverage();

        std::size_t problems() const { return m_problems; }
        std::size_t markers() const { return m_markers; }
        std::size_t modelled() const { return m_modelled; }

    private:
        struct Progress {
            std::optional<std::size_t> highest; // catalogue index of the highest marker so far
            int highest_line = 0;
            bool order_reported = false;
        };
        struct Region {
            std::vector<Algorithm const*> algorithms; // empty: before any anchor, or an anchor not catalogued
            std::string anchor;
            int line = 0;
            std::map<Algorithm const*, Progress> progress; // document order, per algorithm
            bool namespace_reported = false;
        };
        struct PendingRange {
            std::string text; // "3-4"
            int comment_line = 0;
            std::vector<std::string> identifiers; // still to come, in order
        };

        void report(std::string const& file, int line, std::string const& message)
        {
            std::cout << file << ":" << line << ": " << message << "\n";
            ++m_problems;
        }

        void close_range(std::string const& file, std::optional<PendingRange>& pending)
        {
            if (pending && !pending->identifiers.empty())
                report(file, pending->comment_line,
                    "the comment `// " + pending->text + ".` covers " + path_of(pending->identifiers.front())
                        + " but its marker does not follow (expected the range's markers on consecutive "
                          "lines below it)");
            pending.reset();
        }

        // `named` is the algorithm the marker's qualifier names, if the file says which.
        void check_marker(std::string const& file, int line, std::string const& marker,
            std::string const& identifier, Algorithm const* named, Region& region);

        Index const& m_index;
        std::set<std::size_t> m_marked;
        std::size_t m_problems = 0, m_markers = 0, m_modelled = 0;
    };

    bool Checker::check_file(std::string const& path)
    {
        std::ifstream in(path);
        if (!in) {
            std::cerr << path << ": cannot read the file\n";
            return false;
        }
        std::vector<std::string> lines;
        for (std::string line; std::getline(in, line);)
            lines.push_back(trim(line));

        Region region;
        std::optional<PendingRange> pending;
        std::map<std::string, Algorithm const*>
            aliases; // the latest `namespace A = ...::ns;` above, per alias
        bool previous_was_marker = false;
        for (std::size_t i = 0; i < lines.size(); ++i) {
            std::string const& text = lines[i];
            int const line = static_cast<int>(i + 1);
            if (text.empty())
                continue;
            bool const was_marker = previous_was_marker;
            previous_was_marker = false;

            if (auto anchor = anchor_of(text)) {
                close_range(path, pending);
                region = Region {};
                region.anchor = *anchor;
                region.line = line;
                if (auto it = m_index.by_anchor.find(*anchor); it != m_index.by_anchor.end())
                    region.algorithms = it->second;
                continue;
            }
            if (is_comment(text) || text.starts_with("#")) {
                close_range(path, pending);
                continue;
            }
            std::smatch match;
            if (std::regex_search(text, match, alias_re)) {
                if (auto it = m_index.by_namespace.find(match[2]); it != m_index.by_namespace.end())
                    aliases[match[1]] = it->second;
                else
                    aliases.erase(match[1]);
            }
            auto const at = text.find("PM_STEP(");
            if (at == std::string::npos || text.find("//") < at) {
                close_range(path, pending);
                continue;
            }
            if (!std::regex_match(text, match, marker_re)) {
                close_range(path, pending);
                report(path, line,
                    "a step marker must stand alone on its line (expected `PM_STEP(S::s<path>);`)");
                continue;
            }
            previous_was_marker = true;
            ++m_markers;
            std::string const qualifier = match[1];
            std::string const identifier = match[2];
            std::string const marker = "PM_STEP(" + qualifier + identifier + ")";
            Algorithm const* named = nullptr;
            if (qualifier.size() > 2) {
                std::string const last = qualifier.substr(0, qualifier.size() - 2);
                std::string const name
                    = last.substr(last.rfind(':') == std::string::npos ? 0 : last.rfind(':') + 1);
                if (auto it = m_index.by_namespace.find(name); it != m_index.by_namespace.end())
                    named = it->second;
                else if (auto alias = aliases.find(name); alias != aliases.end())
                    named = alias->second;
            }

            // Which comment names this marker's step.
            if (was_marker && pending && !pending->identifiers.empty()) {
                std::string const expected = pending->identifiers.front();
                pending->identifiers.erase(pending->identifiers.begin());
                if (identifier != expected)
                    report(path, line,
                        marker + " follows the range comment `// " + pending->text + ".` at line "
                            + std::to_string(pending->comment_line) + " (expected PM_STEP(" + qualifier
                            + expected + ") here)");
            } else {
                close_range(path, pending);
                // The comment lines right above (blank lines allowed), nearest numbered one first.
                std::optional<std::size_t> numbered;
                bool any_comment = false;
                for (std::size_t j = i; j-- > 0;) {
                    if (lines[j].empty())
                        continue;
                    if (!is_comment(lines[j]) || anchor_of(lines[j]))
                        break;
                    any_comment = true;
                    if (std::regex_search(lines[j], step_comment_re)) {
                        numbered = j;
                        break;
                    }
                }
                std::string const expected_comment = "`// " + path_of(identifier) + ". `";
                if (!numbered) {
                    report(path, line,
                        marker + " is not right below its step comment (expected " + expected_comment
                            + (any_comment ? " among the comment lines above it)" : " on the line above)"));
                } else {
                    std::smatch comment;
                    std::regex_search(lines[*numbered], comment, step_comment_re);
                    int const comment_line = static_cast<int>(*numbered + 1);
                    if (comment[2].matched) {
                        auto paths = expand_range(comment[1], comment[2]);
                        std::string const text_range = comment[1].str() + "-" + comment[2].str();
                        if (!paths) {
                            report(path, comment_line,
                                "the range `" + text_range
                                    + "` is malformed (expected two sibling steps, first before last, e.g. "
                                      "3-4 or 5.1-5.3)");
                        } else {
                            std::vector<std::string> identifiers;
                            for (auto const& p : *paths)
                                identifiers.push_back(step_identifier(p));
                            if (identifiers.front() != identifier)
                                report(path, line,
                                    marker + " is below the comment `// " + text_range + ".` at line "
                                        + std::to_string(comment_line) + " (expected PM_STEP(" + qualifier
                                        + identifiers.front() + ") first)");
                            identifiers.erase(identifiers.begin());
                            pending = PendingRange { text_range, comment_line, identifiers };
                        }
                    } else if (step_identifier(comment[1].str()) != identifier) {
                        report(path, line,
                            marker + " is below the comment for step " + comment[1].str() + " at line "
                                + std::to_string(comment_line) + " (expected " + expected_comment + ")");
                    }
                }
            }
            check_marker(path, line, marker, identifier, named, region);
        }
        close_range(path, pending);
        return true;
    }

    void Checker::check_marker(std::string const& file, int line, std::string const& marker,
        std::string const& identifier, Algorithm const* named, Region& region)
    {
        if (region.algorithms.empty()) {
            report(file, line,
                marker + " is not in a catalogued algorithm's region (expected it below a comment line "
                    + (region.line ? "holding a catalogued anchor; " + region.anchor + " at line "
                                + std::to_string(region.line) + " is not one)"
                                   : "holding the algorithm's anchor URL)"));
            return;
        }
        // The algorithm the marker is for: the region's only one, or the one its alias names.
        Algorithm const* algorithm = region.algorithms.front();
        if (region.algorithms.size() > 1 && named
            && std::find(region.algorithms.begin(), region.algorithms.end(), named) != region.algorithms.end())
            algorithm = named;
        if (region.algorithms.size() > 1 && !named && !region.namespace_reported) {
            std::string names;
            for (auto const* a : region.algorithms)
                names += (names.empty() ? "" : " or ") + a->ns;
            report(file, line,
                marker + " is under an anchor of several algorithms but its alias is not defined in the file"
                    + " (expected an alias of ...::steps::" + names + ")");
            region.namespace_reported = true;
        }
        if (named && named != algorithm && !region.namespace_reported) {
            std::string names;
            for (auto const* a : region.algorithms)
                names += (names.empty() ? "" : " or ") + a->ns;
            report(file, line,
                marker + " names a step of " + named->name + " (namespace " + named->ns
                    + ") under the anchor of " + algorithm->name + " (expected an alias of ...::steps::" + names + ")");
            region.namespace_reported = true;
        }
        auto const& steps = m_index.by_identifier.at(algorithm);
        auto it = steps.find(identifier);
        if (it == steps.end()) {
            std::string elsewhere;
            for (auto const& [algorithm, others] : m_index.by_identifier)
                if (others.contains(identifier))
                    elsewhere += (elsewhere.empty() ? "" : ", ") + algorithm->anchor;
            if (!elsewhere.empty())
                report(file, line,
                    marker + " is under the anchor of " + algorithm->name + ", which has no such step"
                        + " (expected it under " + elsewhere + ")");
            else
                report(file, line,
                    marker + ": " + algorithm->name
                        + " has no such step (expected a catalogued step of " + algorithm->key + ")");
            return;
        }
        StepRef const& ref = it->second;
        std::string const id = step_id(ref.file->spec.name, ref.algorithm->key, ref.step->path);
        if (ref.step->status != "modelled") {
            report(file, line,
                marker + " marks " + id + ", which the catalogue lists as " + ref.step->status
                    + " (expected no marker, or status modelled)");
            return;
        }
        m_marked.insert(ref.index);
        auto& progress = region.progress[algorithm];
        if (progress.highest && ref.index < *progress.highest) {
            if (!progress.order_reported)
                report(file, line,
                    marker + " is out of document order: step " + ref.step->path
                        + " comes before the step marked at line " + std::to_string(progress.highest_line)
                        + " (expected markers in spec order within one anchor's region)");
            progress.order_reported = true;
            return;
        }
        progress.highest = ref.index;
        progress.highest_line = line;
    }

    void Checker::check_coverage()
    {
        for (auto const& ref : m_index.steps) {
            if (ref.step->status != "modelled")
                continue;
            ++m_modelled;
            if (m_marked.contains(ref.index))
                continue;
            std::string const where = ref.file->path + ":" + std::to_string(ref.step->line);
            std::cout << where << ": " << step_id(ref.file->spec.name, ref.algorithm->key, ref.step->path)
                      << " is modelled but no marker marks it (expected PM_STEP(S::"
                      << step_identifier(ref.step->path) << "); below " << ref.algorithm->anchor << ")\n";
            ++m_problems;
        }
    }

    int usage(std::string const& message)
    {
        std::cerr << "pmconf_check_markers: " << message << "\n"
                  << "usage: pmconf_check_markers --catalogue CATALOGUE.json [--catalogue ...] SOURCE...\n";
        return 2;
    }

    int run(int argc, char** argv)
    {
        std::vector<std::string> catalogues, sources;
        for (int i = 1; i < argc; ++i) {
            std::string_view arg = argv[i];
            if (arg == "--catalogue") {
                if (i + 1 >= argc)
                    return usage("--catalogue needs a file name");
                catalogues.emplace_back(argv[++i]);
            } else if (arg.starts_with("--")) {
                return usage("unknown option " + std::string(arg));
            } else {
                sources.emplace_back(arg);
            }
        }
        if (catalogues.empty())
            return usage("no --catalogue given");

        std::vector<std::string> errors;
        auto catalogue = read_catalogues(catalogues, errors);
        if (!catalogue) {
            for (auto const& error : errors)
                std::cerr << error << "\n";
            return 2;
        }
        Index const index = build_index(*catalogue);
        Checker checker(index);
        for (auto const& source : sources)
            if (!checker.check_file(source))
                return 2;
        checker.check_coverage();
        if (checker.problems() > 0) {
            std::cout << "pmconf_check_markers: " << checker.problems() << " problem"
                      << (checker.problems() == 1 ? "" : "s") << "\n";
            return 1;
        }
        std::cout << "pmconf_check_markers: all " << checker.modelled() << " modelled steps marked ("
                  << checker.markers() << " markers in " << sources.size() << " files; " << index.steps.size()
                  << " steps catalogued)\n";
        return 0;
    }

} // namespace
} // namespace pmconf::specgen

int main(int argc, char** argv)
{
    return pmconf::specgen::run(argc, argv);
}
