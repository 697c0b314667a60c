// Reading and validating catalogue files (spec/catalogue/*.json) for the host tools
// pmconf_specgen and pmconf_check_markers. Not part of pmconf_spec: the model sees only the
// generated tables.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace pmconf::specgen {

struct Snapshot {
    std::string name, title, repository, file, commit, date;
    friend bool operator==(Snapshot const&, Snapshot const&) = default;
};

struct Step {
    std::string path; // "13.1.1", "14/catch"
    std::string kind;
    std::string throws; // "" if none
    std::string status; // "modelled" or "not-modelled:<reason>"
    std::string issue; // "" if none
    std::string question; // an open question about the step's text, in our words; "" if none
    std::string summary;
    bool propagates = false;
    int line = 0; // line of the step in its catalogue file (1-based), 0 if not found
};

struct Algorithm {
    std::string key, ns, name, anchor;
    std::vector<Step> steps;
};

struct CatalogueFile {
    std::string path; // as given on the command line
    Snapshot spec;
    std::vector<Algorithm> algorithms;
};

struct Catalogue {
    std::vector<CatalogueFile> files;
    std::size_t step_count() const;
};

// The closed sets, in the order the README lists them.
std::vector<std::string_view> const& step_kinds();
std::vector<std::string_view> const& error_names();

// Reads and validates the files as one catalogue (ids and namespaces unique across files; one
// snapshot per spec name; the algorithms of one anchor in one spec). On failure returns nullopt
// and appends one message per problem to `errors`, each "file: algorithm KEY step PATH: what is
// wrong (expected ...)".
std::optional<Catalogue> read_catalogues(
    std::vector<std::string> const& paths, std::vector<std::string>& errors);

// "13.1.1" -> "s13_1_1", "14/catch" -> "s14_catch": the name of the generated StepId constant.
std::string step_identifier(std::string_view path);

// "html:structuredserializeinternal:13.1.1"
std::string step_id(std::string_view spec_name, std::string_view key, std::string_view path);

// "modelled" or the reason after "not-modelled:".
std::string_view not_modelled_reason(std::string_view status);

} // namespace pmconf::specgen
