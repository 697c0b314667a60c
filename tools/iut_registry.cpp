#include "tools/iut_registry.h"

#include <nlohmann/json.hpp>

#include <cstdlib>
#include <fstream>
#include <set>
#include <unistd.h>

namespace pmconf::tools {

IutEntry const* Registry::find(std::string const& name) const
{
    for (auto const& e : iuts)
        if (e.name == name)
            return &e;
    return nullptr;
}

namespace {

std::optional<std::vector<std::string>> string_array(nlohmann::json const& j)
{
    if (!j.is_array())
        return std::nullopt;
    std::vector<std::string> v;
    for (auto const& s : j) {
        if (!s.is_string())
            return std::nullopt;
        v.push_back(s.get<std::string>());
    }
    return v;
}

} // namespace

std::optional<Registry> load_registry(std::filesystem::path const& file, std::string& error)
{
    std::ifstream in(file);
    if (!in) {
        error = file.string() + ": cannot read the IUT registry";
        return std::nullopt;
    }
    nlohmann::json j;
    try {
        j = nlohmann::json::parse(in);
    } catch (nlohmann::json::parse_error const& e) {
        error = file.string() + ": not valid JSON (" + e.what() + ")";
        return std::nullopt;
    }
    Registry r;
    r.file = file;
    std::error_code ec;
    r.root = std::filesystem::weakly_canonical(std::filesystem::absolute(file).parent_path() / ".." / "..", ec);
    if (!j.is_object() || !j.contains("iuts") || !j["iuts"].is_array()) {
        error = file.string() + ": expected an object with an \"iuts\" array";
        return std::nullopt;
    }
    std::set<std::string> names;
    for (std::size_t i = 0; i < j["iuts"].size(); ++i) {
        auto const& e = j["iuts"][i];
        auto const where = file.string() + ": /iuts/" + std::to_string(i);
        if (!e.is_object() || !e.contains("name") || !e["name"].is_string() || !e.contains("argv")) {
            error = where + ": expected {\"name\": string, \"argv\": [string, ...], ...}";
            return std::nullopt;
        }
        IutEntry entry;
        entry.name = e["name"].get<std::string>();
        if (entry.name.empty() || entry.name == "model" || entry.name.find_first_of("/\\ ,:") != std::string::npos) {
            error = where + "/name: \"" + entry.name + "\" is not usable as an IUT name (empty, \"model\", or with '/', ',', ':' or a space)";
            return std::nullopt;
        }
        if (!names.insert(entry.name).second) {
            error = where + "/name: \"" + entry.name + "\" is registered twice";
            return std::nullopt;
        }
        auto argv = string_array(e["argv"]);
        if (!argv || argv->empty()) {
            error = where + "/argv: expected a non-empty array of strings (an argv, not a shell string)";
            return std::nullopt;
        }
        entry.argv = std::move(*argv);
        if (e.contains("impl")) {
            if (!e["impl"].is_string()) {
                error = where + "/impl: expected a string";
                return std::nullopt;
            }
            entry.impl = e["impl"].get<std::string>();
        }
        if (e.contains("repro")) {
            auto repro = string_array(e["repro"]);
            if (!repro || repro->empty()) {
                error = where + "/repro: expected a non-empty array of strings";
                return std::nullopt;
            }
            entry.repro = std::move(*repro);
        }
        if (e.contains("description") && e["description"].is_string())
            entry.description = e["description"].get<std::string>();
        r.iuts.push_back(std::move(entry));
    }
    return r;
}

std::filesystem::path default_registry_path()
{
    std::filesystem::path const local = "tools/adapters/iuts.json";
    std::error_code ec;
    if (std::filesystem::exists(local, ec))
        return local;
#ifdef PMCONF_SOURCE_DIR
    return std::filesystem::path(PMCONF_SOURCE_DIR) / local;
#else
    return local;
#endif
}

bool is_installed(std::vector<std::string> const& argv, std::filesystem::path const& root, std::string& why_not)
{
    if (argv.empty()) {
        why_not = "no command";
        return false;
    }
    auto const& program = argv[0];
    if (program.find('/') != std::string::npos) {
        auto const path = std::filesystem::path(program).is_absolute() ? std::filesystem::path(program) : root / program;
        if (::access(path.c_str(), X_OK) == 0)
            return true;
        why_not = program + " is not there (run tools/setup.sh)";
        return false;
    }
    char const* env = std::getenv("PATH");
    std::string path = env ? env : "/usr/bin:/bin";
    std::size_t start = 0;
    while (start <= path.size()) {
        auto colon = path.find(':', start);
        auto dir = path.substr(start, colon == std::string::npos ? std::string::npos : colon - start);
        if (!dir.empty() && ::access((std::filesystem::path(dir) / program).c_str(), X_OK) == 0)
            return true;
        if (colon == std::string::npos)
            break;
        start = colon + 1;
    }
    why_not = program + " is not on PATH";
    return false;
}

} // namespace pmconf::tools
