#include "spec/gen/catalogue_reader.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <climits>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <utility>

namespace pmconf::specgen {

namespace {

    using nlohmann::json;

    constexpr std::size_t max_summary_length = 100; // code points
    constexpr std::size_t max_question_length = 400; // code points

    std::vector<std::string_view> const kinds = {
        "let",
        "set",
        "if",
        "else-if",
        "else",
        "for-each",
        "action",
        "return",
        "assert",
        "throw",
        "catch",
        "queue-task",
        "in-parallel",
    };

    // Kinds that may name the error they throw; "throw" must. A "catch" without one handles the
    // failure (the messaging algorithms fire messageerror instead).
    std::set<std::string_view> const kinds_that_throw = { "if", "else-if", "else", "throw", "catch" };

    // DOMException names first, then ECMAScript simple errors.
    std::vector<std::string_view> const errors
        = { "DataCloneError", "InvalidStateError", "SyntaxError", "RangeError", "TypeError" };

    // The only label an unnumbered child step may have so far ("if this throws, catch it ...").
    constexpr std::string_view catch_label = "catch";

    std::set<std::string_view> const cxx_keywords = {
        "alignas",
        "alignof",
        "and",
        "and_eq",
        "asm",
        "auto",
        "bitand",
        "bitor",
        "bool",
        "break",
        "case",
        "catch",
        "char",
        "char8_t",
        "char16_t",
        "char32_t",
        "class",
        "compl",
        "concept",
        "const",
        "consteval",
        "constexpr",
        "constinit",
        "const_cast",
        "continue",
        "co_await",
        "co_return",
        "co_yield",
        "decltype",
        "default",
        "delete",
        "do",
        "double",
        "dynamic_cast",
        "else",
        "enum",
        "explicit",
        "export",
        "extern",
        "false",
        "float",
        "for",
        "friend",
        "goto",
        "if",
        "inline",
        "int",
        "long",
        "mutable",
        "namespace",
        "new",
        "noexcept",
        "not",
        "not_eq",
        "nullptr",
        "operator",
        "or",
        "or_eq",
        "private",
        "protected",
        "public",
        "register",
        "reinterpret_cast",
        "requires",
        "return",
        "short",
        "signed",
        "sizeof",
        "static",
        "static_assert",
        "static_cast",
        "struct",
        "switch",
        "template",
        "this",
        "thread_local",
        "throw",
        "true",
        "try",
        "typedef",
        "typeid",
        "typename",
        "union",
        "unsigned",
        "using",
        "virtual",
        "void",
        "volatile",
        "wchar_t",
        "while",
        "xor",
        "xor_eq",
    };

    std::string join(std::vector<std::string_view> const& items)
    {
        std::string out;
        for (auto item : items) {
            if (!out.empty())
                out += ", ";
            out += item;
        }
        return out;
    }

    std::string in_quotes(std::string_view s)
    {
        return "\"" + std::string(s) + "\"";
    }

    bool is_lower_or_digit(char c)
    {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
    }

    // [a-z0-9][a-z0-9-]*
    bool is_slug(std::string_view s)
    {
        if (s.empty() || s.front() == '-')
            return false;
        return std::all_of(s.begin(), s.end(), [](char c) { return is_lower_or_digit(c) || c == '-'; });
    }

    // [a-z0-9]+(-[a-z0-9]+)*: a slug without "--" or a hyphen at either end.
    bool is_qualifier(std::string_view s)
    {
        return is_slug(s) && s.back() != '-' && s.find("--") == std::string_view::npos;
    }

    std::string ascii_lowercase(std::string_view s)
    {
        std::string out(s);
        for (char& c : out)
            if (c >= 'A' && c <= 'Z')
                c = static_cast<char>(c - 'A' + 'a');
        return out;
    }

    // [a-z][a-z0-9_]*, no "__", not a keyword: usable as a C++ namespace name.
    bool is_snake_identifier(std::string_view s)
    {
        if (s.empty() || !(s.front() >= 'a' && s.front() <= 'z'))
            return false;
        if (!std::all_of(s.begin(), s.end(), [](char c) { return is_lower_or_digit(c) || c == '_'; }))
            return false;
        return s.find("__") == std::string_view::npos && !cxx_keywords.contains(s);
    }

    bool is_hex40(std::string_view s)
    {
        return s.size() == 40 && std::all_of(s.begin(), s.end(), [](char c) {
            return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
        });
    }

    bool is_date(std::string_view s)
    {
        if (s.size() != 10 || s[4] != '-' || s[7] != '-')
            return false;
        for (std::size_t i : { 0u, 1u, 2u, 3u, 5u, 6u, 8u, 9u })
            if (s[i] < '0' || s[i] > '9')
                return false;
        int month = (s[5] - '0') * 10 + (s[6] - '0');
        int day = (s[8] - '0') * 10 + (s[9] - '0');
        return month >= 1 && month <= 12 && day >= 1 && day <= 31;
    }

    bool is_https_url(std::string_view s)
    {
        return s.starts_with("https://") && s.size() > 8
            && std::none_of(s.begin(), s.end(), [](char c) { return c <= ' ' || c == '"' || c == 0x7f; });
    }

    // Number of code points of valid-enough UTF-8 (continuation bytes are not counted).
    std::size_t code_points(std::string_view s)
    {
        return static_cast<std::size_t>(std::count_if(
            s.begin(), s.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
    }

    // A path as a sequence comparable in document order: numbered children come before the
    // labelled ones of the same parent ("14" < "14.1" < "14/catch" < "15").
    struct ParsedPath {
        std::vector<std::pair<long, std::string>> components;
        std::vector<long> numbers;
        std::string label;

        std::string parent() const
        {
            std::string out;
            std::size_t count = label.empty() ? numbers.size() - 1 : numbers.size();
            for (std::size_t i = 0; i < count; ++i)
                out += (i ? "." : "") + std::to_string(numbers[i]);
            return out;
        }
    };

    // path = number ("." number)* ["/" label], number = [1-9][0-9]{0,3}, label = [a-z][a-z0-9]*
    std::optional<ParsedPath> parse_path(std::string_view path)
    {
        ParsedPath parsed;
        std::string_view numbers = path;
        if (auto slash = path.find('/'); slash != std::string_view::npos) {
            numbers = path.substr(0, slash);
            parsed.label = std::string(path.substr(slash + 1));
            if (parsed.label.empty() || !(parsed.label.front() >= 'a' && parsed.label.front() <= 'z')
                || !std::all_of(parsed.label.begin(), parsed.label.end(), is_lower_or_digit))
                return std::nullopt;
        }
        std::size_t start = 0;
        while (true) {
            std::size_t dot = numbers.find('.', start);
            std::string_view part = numbers.substr(start, dot == std::string_view::npos ? dot : dot - start);
            if (part.empty() || part.size() > 4 || part.front() == '0'
                || !std::all_of(part.begin(), part.end(), [](char c) { return c >= '0' && c <= '9'; }))
                return std::nullopt;
            long n = std::stol(std::string(part));
            parsed.numbers.push_back(n);
            parsed.components.emplace_back(n, "");
            if (dot == std::string_view::npos)
                break;
            start = dot + 1;
        }
        if (!parsed.label.empty())
            parsed.components.emplace_back(LONG_MAX, parsed.label);
        return parsed;
    }

    class FileReader {
    public:
        FileReader(std::string path, std::vector<std::string>& errors)
            : m_path(std::move(path))
            , m_errors(errors)
        {
        }

        std::optional<CatalogueFile> read();

    private:
        void fail(std::string const& context, std::string const& message)
        {
            m_errors.push_back(m_path + ": " + (context.empty() ? "" : context + ": ") + message);
        }

        // Checks members: every required one present, nothing unknown. Returns false if not an object.
        bool check_object(json const& value, std::string const& context, std::string_view what,
            std::vector<std::string_view> const& required, std::vector<std::string_view> const& optional)
        {
            if (!value.is_object()) {
                fail(context, std::string(what) + " is " + value.type_name() + " (expected an object)");
                return false;
            }
            for (auto name : required)
                if (!value.contains(name))
                    fail(context,
                        "missing field " + in_quotes(name) + " (expected fields " + join(required) + ")");
            for (auto const& [name, member] : value.items()) {
                bool known = std::find(required.begin(), required.end(), name) != required.end()
                    || std::find(optional.begin(), optional.end(), name) != optional.end();
                if (!known) {
                    auto all = required;
                    all.insert(all.end(), optional.begin(), optional.end());
                    fail(context, "unknown field " + in_quotes(name) + " (expected only " + join(all) + ")");
                }
            }
            return true;
        }

        // A string member, "" if absent (already reported) or of the wrong type (reported here).
        std::string string_field(json const& object, std::string_view name, std::string const& context)
        {
            auto it = object.find(name);
            if (it == object.end())
                return {};
            if (!it->is_string()) {
                fail(context, "field " + in_quotes(name) + " is " + it->type_name() + " (expected a string)");
                return {};
            }
            auto value = it->get<std::string>();
            if (value.empty())
                fail(context, "field " + in_quotes(name) + " is empty (expected a non-empty string)");
            return value;
        }

        void read_spec(json const& value, Snapshot& spec);
        void read_algorithm(json const& value, std::size_t index, Algorithm& algorithm);
        void read_steps(json const& value, Algorithm& algorithm, std::string const& context);
        void read_step(json const& value, std::size_t index, std::string const& key, Step& step);
        void find_step_lines(std::string const& text, std::vector<Algorithm>& algorithms);

        std::string m_path;
        std::vector<std::string>& m_errors;
    };

    std::optional<CatalogueFile> FileReader::read()
    {
        std::ifstream in(m_path, std::ios::binary);
        if (!in) {
            fail("", "cannot read the file (expected a readable catalogue file)");
            return std::nullopt;
        }
        std::stringstream buffer;
        buffer << in.rdbuf();
        std::string const text = buffer.str();

        std::size_t const errors_before = m_errors.size();

        // nlohmann keeps the last of two equal member names; a catalogue must not have any.
        std::vector<std::set<std::string>> member_names;
        auto on_event = [&](int, json::parse_event_t event, json& parsed) {
            if (event == json::parse_event_t::object_start)
                member_names.emplace_back();
            else if (event == json::parse_event_t::object_end)
                member_names.pop_back();
            else if (event == json::parse_event_t::key
                && !member_names.back().insert(parsed.get<std::string>()).second)
                fail("",
                    "duplicate member " + in_quotes(parsed.get<std::string>())
                        + " in one JSON object (expected each field once)");
            return true;
        };
        json doc;
        try {
            doc = json::parse(text, on_event);
        } catch (json::parse_error const& e) {
            std::string what = e.what();
            if (auto bracket = what.find("] "); bracket != std::string::npos)
                what = what.substr(bracket + 2);
            fail("", "invalid JSON at byte " + std::to_string(e.byte) + ": " + what);
            return std::nullopt;
        }

        CatalogueFile file;
        file.path = m_path;
        if (!check_object(doc, "", "the document", { "spec", "algorithms" }, {}))
            return std::nullopt;
        if (doc.contains("spec"))
            read_spec(doc["spec"], file.spec);
        if (doc.contains("algorithms")) {
            json const& algorithms = doc["algorithms"];
            if (!algorithms.is_array() || algorithms.empty()) {
                fail("",
                    std::string("field \"algorithms\" is ")
                        + (algorithms.is_array() ? "empty" : algorithms.type_name())
                        + " (expected a non-empty array of algorithms)");
            } else {
                file.algorithms.resize(algorithms.size());
                for (std::size_t i = 0; i < algorithms.size(); ++i)
                    read_algorithm(algorithms[i], i, file.algorithms[i]);
            }
        }

        // Within the file: keys and namespaces once each. An anchor may recur: with unique keys,
        // the key/fragment rule of read_algorithm() tells its algorithms apart by their qualifiers.
        std::map<std::string, std::string, std::less<>> seen_keys, seen_ns;
        for (auto const& algorithm : file.algorithms) {
            std::string context = "algorithm " + algorithm.key;
            if (!algorithm.key.empty() && !seen_keys.emplace(algorithm.key, algorithm.key).second)
                fail(context,
                    "duplicate key " + in_quotes(algorithm.key) + " (expected each algorithm key once)");
            if (!algorithm.ns.empty() && !seen_ns.emplace(algorithm.ns, algorithm.key).second)
                fail(context,
                    "namespace " + in_quotes(algorithm.ns) + " is already used by algorithm "
                        + seen_ns[algorithm.ns] + " (expected one namespace per algorithm)");
        }

        if (m_errors.size() != errors_before)
            return std::nullopt;
        find_step_lines(text, file.algorithms);
        return file;
    }

    void FileReader::read_spec(json const& value, Snapshot& spec)
    {
        std::string const context = "spec";
        if (!check_object(
                value, context, "spec", { "name", "title", "repository", "file", "commit", "date" }, {}))
            return;
        spec.name = string_field(value, "name", context);
        spec.title = string_field(value, "title", context);
        spec.repository = string_field(value, "repository", context);
        spec.file = string_field(value, "file", context);
        spec.commit = string_field(value, "commit", context);
        spec.date = string_field(value, "date", context);
        if (!spec.name.empty() && !is_slug(spec.name))
            fail(context,
                "name " + in_quotes(spec.name)
                    + " is not usable in step ids (expected [a-z0-9][a-z0-9-]*, e.g. html)");
        auto slash = spec.repository.find('/');
        if (!spec.repository.empty()
            && (slash == std::string::npos || slash == 0 || slash + 1 == spec.repository.size()
                || spec.repository.find('/', slash + 1) != std::string::npos))
            fail(context,
                "repository " + in_quotes(spec.repository)
                    + " is not owner/name (expected e.g. whatwg/html)");
        if (!spec.commit.empty() && !is_hex40(spec.commit))
            fail(context,
                "commit " + in_quotes(spec.commit)
                    + " is not a full commit id (expected 40 lowercase hex digits)");
        if (!spec.date.empty() && !is_date(spec.date))
            fail(context, "date " + in_quotes(spec.date) + " is not a date (expected YYYY-MM-DD)");
    }

    void FileReader::read_algorithm(json const& value, std::size_t index, Algorithm& algorithm)
    {
        std::string context = "algorithm #" + std::to_string(index + 1);
        if (value.is_object() && value.contains("key") && value["key"].is_string() && !value["key"].empty())
            context = "algorithm " + value["key"].get<std::string>();
        if (!check_object(
                value, context, "the algorithm", { "key", "namespace", "name", "anchor", "steps" }, {}))
            return;
        algorithm.key = string_field(value, "key", context);
        algorithm.ns = string_field(value, "namespace", context);
        algorithm.name = string_field(value, "name", context);
        algorithm.anchor = string_field(value, "anchor", context);
        if (!algorithm.key.empty() && !is_slug(algorithm.key))
            fail(context,
                "key " + in_quotes(algorithm.key)
                    + " is not usable in step ids (expected [a-z0-9][a-z0-9-]*)");
        if (!algorithm.ns.empty() && !is_snake_identifier(algorithm.ns))
            fail(context,
                "namespace " + in_quotes(algorithm.ns)
                    + " is not a C++ identifier (expected [a-z][a-z0-9_]*, no \"__\", not a keyword)");
        if (!algorithm.anchor.empty()) {
            // The key is the fragment lowercased, alone or followed by "--<qualifier>" when one
            // anchor introduces several algorithms.
            auto hash = algorithm.anchor.find('#');
            if (!is_https_url(algorithm.anchor) || hash == std::string::npos
                || hash + 1 == algorithm.anchor.size())
                fail(context,
                    "anchor " + in_quotes(algorithm.anchor)
                        + " is not a URL with a fragment (expected https://...#<fragment>)");
            else if (std::string const base = ascii_lowercase(algorithm.anchor.substr(hash + 1));
                     !algorithm.key.empty() && algorithm.key != base) {
                std::string const qualified = base + "--";
                if (!algorithm.key.starts_with(qualified))
                    fail(context,
                        "anchor " + algorithm.anchor + " does not match the key (expected the key "
                            + in_quotes(base) + " or " + in_quotes(qualified + "<qualifier>") + ")");
                else if (std::string_view qualifier
                         = std::string_view(algorithm.key).substr(qualified.size());
                         !is_qualifier(qualifier))
                    fail(context,
                        "key " + in_quotes(algorithm.key) + " has the qualifier " + in_quotes(qualifier)
                            + " (expected " + in_quotes(qualified + "<qualifier>")
                            + ", qualifier in [a-z0-9]+(-[a-z0-9]+)*)");
            }
        }
        if (value.contains("steps"))
            read_steps(value["steps"], algorithm, context);
    }

    void FileReader::read_steps(json const& steps, Algorithm& algorithm, std::string const& context)
    {
        if (!steps.is_array() || steps.empty()) {
            fail(context,
                std::string("field \"steps\" is ") + (steps.is_array() ? "empty" : steps.type_name())
                    + " (expected a non-empty array of steps)");
            return;
        }
        algorithm.steps.resize(steps.size());
        for (std::size_t i = 0; i < steps.size(); ++i)
            read_step(steps[i], i, algorithm.key, algorithm.steps[i]);

        // Paths: unique, in document order, parent present, numbered siblings without gaps.
        std::map<std::string, std::size_t, std::less<>> index_of_path;
        std::map<std::string, long, std::less<>> numbered_children; // parent path ("" = top) -> count
        std::optional<ParsedPath> previous;
        std::string previous_path;
        for (std::size_t i = 0; i < algorithm.steps.size(); ++i) {
            auto const& step = algorithm.steps[i];
            auto parsed = parse_path(step.path);
            if (!parsed)
                continue; // reported by read_step
            std::string const step_context = "algorithm " + algorithm.key + " step " + step.path;
            if (auto [it, inserted] = index_of_path.emplace(step.path, i); !inserted) {
                fail(step_context,
                    "duplicate path (expected each path once; first at step #"
                        + std::to_string(it->second + 1) + ")");
                continue;
            }
            if (previous && !(previous->components < parsed->components)) {
                fail(step_context, "not in document order (expected it before " + previous_path + ")");
                continue;
            }
            previous = parsed;
            previous_path = step.path;
            std::string const parent = parsed->parent();
            if (!parent.empty() && !index_of_path.contains(parent)) {
                fail(step_context,
                    "parent step " + parent + " is missing (expected " + parent + " before " + step.path
                        + ")");
                continue;
            }
            if (!parsed->label.empty())
                continue;
            long& count = numbered_children[parent];
            if (parsed->numbers.back() != count + 1) {
                std::string const expected = (parent.empty() ? "" : parent + ".") + std::to_string(count + 1);
                fail(step_context,
                    "step " + expected + " is missing (expected " + expected + " before " + step.path + ")");
            }
            count = parsed->numbers.back();
        }
    }

    void FileReader::read_step(json const& value, std::size_t index, std::string const& key, Step& step)
    {
        std::string context = "algorithm " + key + " step #" + std::to_string(index + 1);
        if (value.is_object() && value.contains("path") && value["path"].is_string()
            && !value["path"].empty())
            context = "algorithm " + key + " step " + value["path"].get<std::string>();
        if (!check_object(value, context, "the step", { "path", "kind", "summary" },
                { "throws", "propagates", "status", "issue", "question" }))
            return;
        step.path = string_field(value, "path", context);
        step.kind = string_field(value, "kind", context);
        step.summary = string_field(value, "summary", context);

        auto parsed = step.path.empty() ? std::nullopt : parse_path(step.path);
        if (!step.path.empty() && !parsed)
            fail(context,
                "path " + in_quotes(step.path)
                    + " is malformed (expected numbers joined by dots, e.g. 13.1.1, or 14/catch)");
        if (!step.kind.empty() && std::find(kinds.begin(), kinds.end(), step.kind) == kinds.end())
            fail(context, "unknown kind " + in_quotes(step.kind) + " (expected one of " + join(kinds) + ")");
        if (parsed && !parsed->label.empty() && parsed->label != catch_label)
            fail(context, "unknown label " + in_quotes(parsed->label) + " (expected /catch)");
        if (parsed && !step.kind.empty() && (parsed->label == catch_label) != (step.kind == "catch"))
            fail(context,
                "kind " + in_quotes(step.kind) + " on path " + step.path
                    + " (expected kind \"catch\" exactly on paths ending in /catch)");

        if (value.contains("throws")) {
            step.throws = string_field(value, "throws", context);
            if (!step.throws.empty() && std::find(errors.begin(), errors.end(), step.throws) == errors.end())
                fail(context,
                    "unknown error " + in_quotes(step.throws) + " (expected one of " + join(errors) + ")");
            if (!step.kind.empty() && !kinds_that_throw.contains(step.kind))
                fail(context,
                    "a step of kind " + in_quotes(step.kind)
                        + " cannot throw by itself (expected kind if, else-if, else, throw or catch; use "
                          "propagates for ?)");
        } else if (step.kind == "throw") {
            fail(context, "missing field \"throws\" (expected the error a " + step.kind + " step throws)");
        }

        if (value.contains("propagates")) {
            if (!value["propagates"].is_boolean())
                fail(context,
                    std::string("field \"propagates\" is ") + value["propagates"].type_name()
                        + " (expected true or false)");
            else
                step.propagates = value["propagates"].get<bool>();
        }

        step.status = "modelled";
        if (value.contains("status")) {
            step.status = string_field(value, "status", context);
            std::string_view reason = not_modelled_reason(step.status);
            if (!step.status.empty() && step.status != "modelled"
                && (!step.status.starts_with("not-modelled:") || !is_slug(reason)))
                fail(context,
                    "status " + in_quotes(step.status)
                        + " is not valid (expected \"modelled\" or \"not-modelled:<reason>\", reason in "
                          "[a-z0-9-]+)");
        }
        if (value.contains("issue")) {
            step.issue = string_field(value, "issue", context);
            if (!step.issue.empty() && !is_https_url(step.issue))
                fail(context, "issue " + in_quotes(step.issue) + " is not a URL (expected https://...)");
        }

        if (value.contains("question")) {
            step.question = string_field(value, "question", context);
            if (std::size_t length = code_points(step.question); !step.question.empty() && length > max_question_length)
                fail(context,
                    "question is " + std::to_string(length) + " characters long (expected at most "
                        + std::to_string(max_question_length) + ")");
            else if (std::any_of(step.question.begin(), step.question.end(),
                         [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; }))
                fail(context, "question has a control character (expected one line of text)");
        }

        if (value.contains("summary") && value["summary"].is_string()) {
            if (step.summary.empty()) {
                // reported by string_field
            } else if (std::size_t length = code_points(step.summary); length > max_summary_length) {
                fail(context,
                    "summary is " + std::to_string(length) + " characters long (expected at most "
                        + std::to_string(max_summary_length) + ")");
            } else if (std::any_of(step.summary.begin(), step.summary.end(),
                           [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; })) {
                fail(context, "summary has a control character (expected one line of text)");
            } else if (step.summary.front() == ' ' || step.summary.back() == ' '
                || step.summary.back() == '\\') {
                fail(context,
                    "summary starts or ends with a space or ends with a backslash (expected trimmed text)");
            }
        }
    }

    // Best effort: the line of each step, for messages that point into the catalogue.
    void FileReader::find_step_lines(std::string const& text, std::vector<Algorithm>& algorithms)
    {
        auto member_value
            = [](std::string_view line, std::string_view name) -> std::optional<std::string_view> {
            std::string const needle = "\"" + std::string(name) + "\"";
            auto at = line.find(needle);
            if (at == std::string_view::npos)
                return std::nullopt;
            auto open = line.find('"', line.find(':', at + needle.size()));
            auto close = open == std::string_view::npos ? open : line.find('"', open + 1);
            if (close == std::string_view::npos)
                return std::nullopt;
            return line.substr(open + 1, close - open - 1);
        };
        Algorithm* current = nullptr;
        std::istringstream lines(text);
        std::string line;
        for (int number = 1; std::getline(lines, line); ++number) {
            if (auto key = member_value(line, "key")) {
                auto it = std::find_if(
                    algorithms.begin(), algorithms.end(), [&](auto const& a) { return a.key == *key; });
                current = it == algorithms.end() ? nullptr : &*it;
            }
            if (auto path = member_value(line, "path"); path && current) {
                for (auto& step : current->steps)
                    if (step.path == *path && step.line == 0)
                        step.line = number;
            }
        }
    }

} // namespace

std::size_t Catalogue::step_count() const
{
    std::size_t count = 0;
    for (auto const& file : files)
        for (auto const& algorithm : file.algorithms)
            count += algorithm.steps.size();
    return count;
}

std::vector<std::string_view> const& step_kinds()
{
    return kinds;
}
std::vector<std::string_view> const& error_names()
{
    return errors;
}

std::optional<Catalogue> read_catalogues(
    std::vector<std::string> const& paths, std::vector<std::string>& messages)
{
    std::size_t const errors_before = messages.size();
    Catalogue catalogue;
    for (std::size_t i = 0; i < paths.size(); ++i) {
        auto const& path = paths[i];
        if (std::find(paths.begin(), paths.begin() + static_cast<std::ptrdiff_t>(i), path)
            != paths.begin() + static_cast<std::ptrdiff_t>(i)) {
            messages.push_back(path + ": given twice (expected each catalogue file once)");
            continue;
        }
        if (auto file = FileReader(path, messages).read())
            catalogue.files.push_back(std::move(*file));
    }

    // Across files: one snapshot per spec name; ids and namespaces unique; each anchor used by one
    // spec only. Within a spec, unique keys and the key/fragment rule leave the algorithms that
    // share an anchor told apart by their qualifiers.
    std::map<std::string, CatalogueFile const*, std::less<>> spec_file, anchor_file;
    std::map<std::string, std::string, std::less<>> key_file, ns_file;
    for (auto const& file : catalogue.files) {
        auto [spec_it, new_spec] = spec_file.emplace(file.spec.name, &file);
        if (!new_spec && !(spec_it->second->spec == file.spec))
            messages.push_back(file.path + ": spec: snapshot of " + in_quotes(file.spec.name)
                + " differs from the one in " + spec_it->second->path
                + " (expected the same title, repository, file, commit and date)");
        for (auto const& algorithm : file.algorithms) {
            std::string const context = file.path + ": algorithm " + algorithm.key + ": ";
            if (auto [it, inserted] = key_file.emplace(file.spec.name + ":" + algorithm.key, file.path);
                !inserted && it->second != file.path)
                messages.push_back(context + "duplicate key " + in_quotes(algorithm.key) + " for spec "
                    + file.spec.name + " (expected each algorithm key once; also in " + it->second + ")");
            if (auto [it, inserted] = ns_file.emplace(algorithm.ns, file.path);
                !inserted && it->second != file.path)
                messages.push_back(context + "namespace " + in_quotes(algorithm.ns) + " is already used in "
                    + it->second + " (expected one namespace per algorithm)");
            if (auto [it, inserted] = anchor_file.emplace(algorithm.anchor, &file);
                !inserted && it->second->spec.name != file.spec.name)
                messages.push_back(context + "anchor " + algorithm.anchor + " is already used for spec "
                    + it->second->spec.name + " in " + it->second->path
                    + " (expected the algorithms of one anchor in one spec)");
        }
    }
    if (catalogue.step_count() > 0xFFFF)
        messages.push_back("the catalogue has " + std::to_string(catalogue.step_count())
            + " steps (expected at most 65535, the range of StepId)");
    if (messages.size() != errors_before)
        return std::nullopt;
    return catalogue;
}

std::string step_identifier(std::string_view path)
{
    std::string out = "s";
    for (char c : path)
        out += (c == '.' || c == '/') ? '_' : c;
    return out;
}

std::string step_id(std::string_view spec_name, std::string_view key, std::string_view path)
{
    return std::string(spec_name) + ":" + std::string(key) + ":" + std::string(path);
}

std::string_view not_modelled_reason(std::string_view status)
{
    constexpr std::string_view prefix = "not-modelled:";
    return status.starts_with(prefix) ? status.substr(prefix.size()) : status;
}

} // namespace pmconf::specgen
