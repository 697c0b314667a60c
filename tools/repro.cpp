#include "tools/repro.h"

#include "conformance/protocol/codec.h"
#include "reports/atomic_file.h"
#include "reports/reproducer/reproducer.h"

#include <nlohmann/json.hpp>

#include <fstream>

namespace pmconf::tools {

namespace {

    constexpr char const* index_format = "pmconf-reproducers/2";

} // namespace

std::optional<ReproducerEntry> ReproducerWriter::write(std::filesystem::path const& out, IutEntry const& iut,
    std::string const& iut_version, conformance::ConformanceProperty const& property,
    conformance::Deviation const& deviation, int ordinal, std::string& error, std::string const& title) const
{
    ReproducerEntry entry;
    entry.iut = iut.name;
    entry.property = property.name;
    entry.signature = deviation.signature;
    entry.file = "repro/" + iut.name + "/" + property.name
        + (ordinal > 1 ? "-" + std::to_string(ordinal) : "") + ".mjs";
    entry.argv = iut.repro;
    try {
        entry.scenario = conformance::protocol::encode_scenario(deviation.scenario);
    } catch (std::exception const& e) {
        error = "cannot encode the counterexample of " + property.name + " for a reproducer: " + e.what();
        return std::nullopt;
    }

    reports::ReproducerCase c;
    c.iut = iut.name;
    c.iut_version = iut_version;
    c.impl = iut.impl;
    c.run_argv = iut.repro;
    c.file = (out / entry.file).string();
    c.property = property.name;
    c.property_description = property.description;
    c.title = title;
    c.signature = deviation.signature;
    c.found_by = "pmconf run --iut " + iut.name + " --property " + property.name + " --reproduce "
        + deviation.reproduce;
    c.shrinks = deviation.shrinks;
    c.scenario = deviation.scenario;
    c.expected = deviation.expected;
    c.observed = deviation.observed;
    c.difference = deviation.difference;
    std::string text;
    try {
        text = reports::reproducer_text(c);
    } catch (std::exception const& e) {
        error = "cannot write the reproducer of " + property.name + " for " + iut.name + ": " + e.what();
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

std::optional<std::string> write_reproducer_index(
    std::filesystem::path const& out, std::vector<ReproducerEntry> const& entries)
{
    nlohmann::ordered_json j;
    j["format"] = index_format;
    auto& list = j["reproducers"] = nlohmann::json::array();
    for (auto const& e : entries)
        list.push_back(nlohmann::ordered_json { { "iut", e.iut }, { "property", e.property },
            { "signature", e.signature }, { "file", e.file }, { "argv", e.argv }, { "known", e.known },
            { "scenario", nlohmann::json::parse(e.scenario) } });
    std::error_code ec;
    std::filesystem::create_directories(out / "repro", ec);
    return reports::write_file_atomically(out / "repro" / "index.json", j.dump(1, ' ', true) + "\n");
}

std::optional<std::vector<ReproducerEntry>> read_reproducer_index(
    std::filesystem::path const& out, std::string& error)
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
        if (j.value("format", "") != index_format)
            throw std::runtime_error(
                std::string("expected \"format\": \"") + index_format + "\" (written by this pmconf's run)");
        for (auto const& e : j.at("reproducers")) {
            ReproducerEntry r;
            r.iut = e.at("iut").get<std::string>();
            r.property = e.at("property").get<std::string>();
            r.signature = e.at("signature").get<std::string>();
            r.file = e.at("file").get<std::string>();
            r.argv = e.at("argv").get<std::vector<std::string>>();
            r.known = e.at("known").get<bool>();
            r.scenario = e.at("scenario").dump();
            entries.push_back(std::move(r));
        }
    } catch (std::exception const& e) {
        error = path.string() + ": " + e.what();
        return std::nullopt;
    }
    return entries;
}

} // namespace pmconf::tools
