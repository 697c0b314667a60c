#include "tools/repro.h"

#include "conformance/protocol/codec.h"
#include "reports/atomic_file.h"

#include <nlohmann/json.hpp>

#include <fstream>
#include <sstream>

namespace pmconf::tools {

namespace {

std::optional<std::string> slurp(std::filesystem::path const& path)
{
    std::ifstream in(path, std::ios::binary);
    if (!in)
        return std::nullopt;
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

// Every line of *text* as a // comment.
std::string commented(std::string const& text)
{
    std::string out;
    std::istringstream in(text);
    std::string line;
    while (std::getline(in, line)) {
        for (auto& c : line)
            if (static_cast<unsigned char>(c) < 0x20 && c != '\t')
                c = ' ';
        out += "//   " + line + "\n";
    }
    return out;
}

bool replace_line(std::string& text, std::string const& placeholder, std::string const& with)
{
    auto const at = text.find(placeholder);
    if (at == std::string::npos)
        return false;
    auto const line_start = text.rfind('\n', at);
    auto const start = line_start == std::string::npos ? 0 : line_start + 1;
    auto const end = text.find('\n', at);
    text.replace(start, end == std::string::npos ? std::string::npos : end - start + 1, with);
    return true;
}

std::string shell_words(std::vector<std::string> const& argv)
{
    std::string s;
    for (auto const& a : argv)
        s += (s.empty() ? "" : " ") + a;
    return s;
}

} // namespace

std::optional<ReproducerWriter> ReproducerWriter::load(std::filesystem::path const& root, std::string& error)
{
    auto const dir = root / "tools" / "adapters";
    auto tmpl = slurp(dir / "repro" / "template.mjs");
    auto core = slurp(dir / "lib" / "core.mjs");
    auto compare = slurp(dir / "lib" / "compare.mjs");
    if (!tmpl || !core || !compare) {
        error = "cannot read the reproducer template and library under " + dir.string() + " (repro/template.mjs, lib/core.mjs, lib/compare.mjs)";
        return std::nullopt;
    }
    for (auto const* p : { "// @@PMCONF_HEADER@@", "// @@PMCONF_DATA@@", "// @@PMCONF_CORE@@" }) {
        if (tmpl->find(p) == std::string::npos) {
            error = (dir / "repro" / "template.mjs").string() + ": the placeholder line `" + p + "` is missing";
            return std::nullopt;
        }
    }
    ReproducerWriter w;
    w.m_template = std::move(*tmpl);
    w.m_core = *core + "\n" + *compare;
    return w;
}

std::optional<ReproducerEntry> ReproducerWriter::write(std::filesystem::path const& out, IutEntry const& iut, std::string const& iut_version,
    conformance::ConformanceProperty const& property, conformance::Deviation const& deviation, int ordinal, std::string& error) const
{
    namespace protocol = conformance::protocol;
    ReproducerEntry entry;
    entry.iut = iut.name;
    entry.property = property.name;
    entry.signature = deviation.signature;
    entry.file = "repro/" + iut.name + "/" + property.name + (ordinal > 1 ? "-" + std::to_string(ordinal) : "") + ".mjs";
    entry.argv = iut.repro;

    nlohmann::json scenario, expected;
    try {
        scenario = nlohmann::json::parse(protocol::encode_scenario(deviation.scenario));
        expected = nlohmann::json::parse(protocol::encode_observation(deviation.expected));
    } catch (std::exception const& e) {
        error = "cannot encode the counterexample of " + property.name + " for a reproducer: " + e.what();
        return std::nullopt;
    }
    auto const dump = [](nlohmann::json const& j) { return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace); };

    std::string header;
    header += "// pmconf reproducer: " + iut.name + " (" + iut_version + ") deviates from the HTML standard.\n";
    header += "// Property: " + property.name + " — " + property.description + "\n";
    header += "// Signature: " + deviation.signature + "\n";
    header += "// Difference: " + deviation.difference.summary() + "\n";
    header += "// Counterexample (" + conformance::size_text(deviation.scenario) + ", shrunk " + std::to_string(deviation.shrinks)
        + " times):\n" + commented(conformance::to_display(deviation.scenario));
    header += "// The spec (pmconf's reference model) gives:\n" + commented(conformance::to_display(deviation.expected));
    header += "// " + iut.name + " gave:\n" + commented(conformance::to_display(deviation.observed));
    header += "// Run from the repository root:  " + shell_words(iut.repro) + " " + (out / entry.file).string() + "\n";
    header += "// Exit status: 1 while the deviation is there, 0 once the implementation conforms, 2 if it cannot run.\n";
    header += "// Found by: pmconf run --iut " + iut.name + " --property " + property.name + " --reproduce " + deviation.reproduce + "\n";

    std::string data;
    data += "const IMPL = " + nlohmann::json(iut.impl).dump() + ";\n";
    data += "const SCENARIO = " + dump(scenario) + ";\n";
    data += "const EXPECTED = " + dump(expected) + ";\n";
    data += "const SIGNATURE = " + dump(nlohmann::json(deviation.signature)) + ";\n";

    std::string text = m_template;
    if (!replace_line(text, "// @@PMCONF_HEADER@@", header) || !replace_line(text, "// @@PMCONF_DATA@@", data)
        || !replace_line(text, "// @@PMCONF_CORE@@", m_core + "\n")) {
        error = "the reproducer template lost a placeholder";
        return std::nullopt;
    }
    auto const path = out / entry.file;
    std::error_code ec;
    std::filesystem::create_directories(path.parent_path(), ec);
    if (ec) {
        error = "cannot create " + path.parent_path().string() + ": " + ec.message();
        return std::nullopt;
    }
    if (auto e = reports::write_file_atomically(path, text)) {
        error = *e;
        return std::nullopt;
    }
    return entry;
}

std::optional<std::string> write_reproducer_index(std::filesystem::path const& out, std::vector<ReproducerEntry> const& entries)
{
    nlohmann::ordered_json j;
    j["format"] = "pmconf-reproducers/1";
    auto& list = j["reproducers"] = nlohmann::json::array();
    for (auto const& e : entries)
        list.push_back(nlohmann::ordered_json { { "iut", e.iut }, { "property", e.property }, { "signature", e.signature },
            { "file", e.file }, { "argv", e.argv }, { "known", e.known } });
    std::error_code ec;
    std::filesystem::create_directories(out / "repro", ec);
    return reports::write_file_atomically(out / "repro" / "index.json", j.dump(1) + "\n");
}

std::optional<std::vector<ReproducerEntry>> read_reproducer_index(std::filesystem::path const& out, std::string& error)
{
    auto const path = out / "repro" / "index.json";
    std::ifstream in(path);
    if (!in) {
        error = path.string() + ": cannot read (run pmconf run --out " + out.string() + " first)";
        return std::nullopt;
    }
    std::vector<ReproducerEntry> entries;
    try {
        auto const j = nlohmann::json::parse(in);
        if (j.value("format", "") != "pmconf-reproducers/1")
            throw std::runtime_error("expected \"format\": \"pmconf-reproducers/1\"");
        for (auto const& e : j.at("reproducers")) {
            ReproducerEntry r;
            r.iut = e.at("iut").get<std::string>();
            r.property = e.at("property").get<std::string>();
            r.signature = e.at("signature").get<std::string>();
            r.file = e.at("file").get<std::string>();
            r.argv = e.at("argv").get<std::vector<std::string>>();
            r.known = e.at("known").get<bool>();
            entries.push_back(std::move(r));
        }
    } catch (std::exception const& e) {
        error = path.string() + ": " + e.what();
        return std::nullopt;
    }
    return entries;
}

} // namespace pmconf::tools
