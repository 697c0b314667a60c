// Expectations: the known deviations of one IUT, by property and signature, like the metadata
// web-platform-tests keeps per browser. A known deviation found again is an expected failure; a
// known deviation not found is an unexpected pass (it was fixed, or the run did not reach it);
// any other deviation is unexpected. Only unexpected results make pmconf exit non-zero.
//
// File format (UTF-8 text, one known deviation a line; '#' starts a comment line):
//     <property> <signature>
// The signature is the rest of the line, exactly as reports print it.
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace pmconf::tools {

struct Expectations {
    std::filesystem::path file;   // empty: none was found
    std::map<std::string, std::set<std::string>> known; // property -> signatures
    bool expects(std::string const& property, std::string const& signature) const;
    // Any of a finding's signatures (its own and its variants'): the run may pick another variant
    // of a root cause as its representative.
    bool expects(std::string const& property, std::vector<std::string> const& signatures) const;
};

// Reads *file*; a missing file is no expectations. On a malformed line, nullopt and an error
// naming the file, the line and what was expected. *properties* are the names that may appear.
std::optional<Expectations> load_expectations(std::filesystem::path const& file, std::set<std::string> const& properties,
    std::string& error);

struct KnownDeviation {
    std::string property;
    std::string signature;
    std::string summary; // written as a comment above the line
};

std::string render_expectations(std::string const& iut, std::string const& iut_version, std::vector<KnownDeviation> const&);

} // namespace pmconf::tools
