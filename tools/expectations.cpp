#include "tools/expectations.h"

#include <fstream>

namespace pmconf::tools {

bool Expectations::expects(std::string const& property, std::string const& signature) const
{
    auto it = known.find(property);
    return it != known.end() && it->second.contains(signature);
}

bool Expectations::expects(std::string const& property, std::vector<std::string> const& signatures) const
{
    for (auto const& s : signatures)
        if (expects(property, s))
            return true;
    return false;
}

std::optional<Expectations> load_expectations(std::filesystem::path const& file, std::set<std::string> const& properties,
    std::string& error)
{
    Expectations e;
    std::error_code ec;
    if (!std::filesystem::exists(file, ec))
        return e;
    std::ifstream in(file);
    if (!in) {
        error = file.string() + ": cannot read the expectations file";
        return std::nullopt;
    }
    e.file = file;
    std::string line;
    int number = 0;
    while (std::getline(in, line)) {
        ++number;
        if (!line.empty() && line.back() == '\r')
            line.pop_back();
        auto const first = line.find_first_not_of(" \t");
        if (first == std::string::npos || line[first] == '#')
            continue;
        auto const where = file.string() + ":" + std::to_string(number) + ": ";
        auto const space = line.find(' ', first);
        if (space == std::string::npos || space + 1 >= line.size()) {
            error = where + "expected `<property> <signature>`, got `" + line + "`";
            return std::nullopt;
        }
        auto property = line.substr(first, space - first);
        auto signature = line.substr(space + 1);
        if (!properties.contains(property)) {
            error = where + "no property is called \"" + property + "\"";
            return std::nullopt;
        }
        if (!e.known[property].insert(signature).second) {
            error = where + "the deviation `" + property + " " + signature + "` is listed twice";
            return std::nullopt;
        }
    }
    return e;
}

std::string render_expectations(std::string const& iut, std::string const& iut_version, std::vector<KnownDeviation> const& known)
{
    std::string s = "# pmconf expectations for " + iut + " (" + iut_version + "): its known deviations, one a line:\n"
                    "#     <property> <signature>\n"
                    "# A deviation listed here is an expected failure; one listed but not found is an unexpected pass.\n"
                    "# Written by `pmconf run --write-expectations`; edit by hand or write again.\n";
    for (auto const& k : known) {
        auto summary = k.summary;
        for (auto& c : summary)
            if (c == '\n' || c == '\r')
                c = ' ';
        s += "\n# " + summary + "\n";
        s += k.property + " " + k.signature + "\n";
    }
    return s;
}

} // namespace pmconf::tools
