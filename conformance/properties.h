// The conformance properties: each draws Scenarios of one kind, runs them on the model and on an
// implementation, and fails on the first difference the spec does not allow, which RapidCheck
// then shrinks to a minimal Scenario.
#pragma once

#include "conformance/compare.h"
#include "conformance/generators/recipe.h"
#include "conformance/iut.h"
#include "model/infra/trace.h"

#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace pmconf::conformance {

struct ConformanceProperty {
    std::string name;                      // testcase name, e.g. "round-trip-plain-data"
    std::string group;                     // algorithm group (one JUnit testsuite each), e.g. "structured-clone"
    std::string description;               // one line: what must hold
    std::vector<std::string_view> steps;   // catalogue step ids the property checks
    generators::Profile profile;
};

std::span<ConformanceProperty const> conformance_properties();
ConformanceProperty const* find_property(std::string_view name);

struct RunParams {
    std::uint64_t seed = 0;
    int max_success = 1000;                // cases per property
    int max_size = 100;
    std::size_t batch_size = 100;          // Scenarios per protocol message
    std::size_t max_deviations = 8;        // distinct signatures shrunk per property; the search goes on past them,
                                           // and what it sees beyond them is reported unshrunk
    std::size_t representatives = 2;       // cases shrunk per signature, when their differences read differently
    bool stop_at_first_deviation = false;  // end the search at the first deviation (the fault-matrix test)
    int max_shrink_evaluations = 2000;     // per deviation
    int max_shrink_seconds = 120;          // per deviation (a hang costs a whole batch timeout per candidate)
    std::optional<std::string> reproduce;  // a reproduce string from an earlier failure
};

// One finding: a difference, with the smallest counterexample shrinking found for it. Its
// identity (identity()) is how the difference reads: its signature (field, kind of difference,
// spec step, questions) and what it expected and observed, numbers and strings left out. Cases of
// one signature that read differently are shrunk apart and are two findings ("get#1" called
// twice, and none called); the same reading in several properties is one finding, listed under
// the first (same_as). Findings are then grouped by root cause (root_cause_of): one testcase per
// cause, its other findings listed as variants. A spec question is known by the questions it rests
// on. difference.kind() says whether it is a deviation or a spec question; only deviations count.
struct Deviation {
    Difference difference;        // as found in the shrunk case
    std::string signature;        // difference.signature(): the same in every case that shows it
    std::string title;            // what is wrong, in words (finding_title)
    Scenario scenario;            // the shrunk counterexample (or the first case, when not shrunk)
    Observation expected;         // the model's Observation of it
    Observation observed;         // the implementation's
    int found_at_case = 0;        // the case that first showed this signature
    int occurrences = 0;          // cases of the search that showed it
    int shrinks = 0;              // shrinks accepted
    bool shrunk = true;           // false: seen beyond --max-deviations, reported with the case that showed it
    std::string reproduce;        // replays the (shrunk) case: pmconf run --reproduce
    std::string same_as;          // set by the run: the property under which this finding's root cause was reported first
    // The root cause it is filed under (root_cause_of); other findings of it in this property are
    // its variants: each read differently and shrank to its own counterexample.
    std::string root_cause;
    struct Variant {
        std::string signature;
        std::string title;
        std::string reproduce;
        bool shrunk = true;
    };
    std::vector<Variant> variants;
    FindingKind kind() const { return difference.kind(); }
    std::string identity() const;
    std::vector<std::string> signatures() const; // its own, then its variants'
};

// The root cause a finding is filed under, "<kind>|<what is wrong, in words>": what one fix in the
// implementation removes, as far as pmconf can see from outside. The serializer is one behind
// every API (a difference in the clone, its getter calls or at a structured-data step); a
// messaging step, a crash and a hang are per API. By what the counterexample is made of: an Array
// with irregular keys; a detached or detach-keyed buffer in the transfer list of a call that
// returns; the one kind of serializable platform object in it. By part: the transfer list's
// checks with what it leaves detached when the call throws; the checks for detached and
// out-of-bounds values; a wrong error class; getter calls by how they read (needs the
// Observations for a call that comes first); a return where the checks for values the spec
// cannot serialize throw; a throw where the spec returns; buffers and views that clone otherwise
// than their records; one attribute within another part of deserialization (Error clones and
// sharing are one each). A spec question is filed under the first of its questions in catalogue
// order. Anything else is its own cause (its signature). The property runner adds what needs the
// whole search: an implementation that never detached an entry the spec detaches ignores the
// transfer list, and a spec question resting on a question a finding is filed under joins it.
std::string root_cause_of(Difference const&, Scenario const&, Observation const* expected = nullptr, Observation const* observed = nullptr);

// The question a spec question's root cause is filed under ("html:disentangle:4"); empty for
// any other root cause.
std::string filed_question(std::string const& root_cause);

struct PropertyOutcome {
    enum class Status { passed, failed, error, skipped } status = Status::passed;
    int cases = 0;                 // cases run on the implementation (not counting shrinking)
    std::uint64_t nodes = 0;       // graph nodes over those cases
    int skipped_cases = 0;         // drawn cases not sent: they need a capability the IUT lacks
    std::map<std::string, int> skipped_for; // capability -> cases skipped for it
    double seconds = 0;
    double iut_wait_seconds = 0;   // time spent waiting for the implementation's replies
    std::string error;             // Status::error: what went wrong with the implementation or the harness
    std::string stderr_tail;       // what the implementation wrote to stderr during this property
    std::string skip_reason;       // Status::skipped
    std::vector<Deviation> deviations; // each distinct finding once: deviations and spec questions (Deviation::kind)
    int other_signatures = 0;      // distinct signatures seen beyond max_deviations (in deviations, not shrunk)
    std::string search_note;       // why the search ended before its budget (e.g. too many hangs), if it did
    std::map<std::string, int> choices; // what the implementation chose where the spec leaves a choice -> cases
};

// Runs one property against an implementation. The model's runs add to *coverage*.
PropertyOutcome check_property(ConformanceProperty const&, Iut&, RunParams const&, model::Trace& coverage);

// The reproduce string of a case: "pmconf1:<seed>:<case>:<size>:<shrink path>".
struct ReproduceKey {
    std::uint64_t seed = 0;
    int index = 0;
    int size = 0;
    std::vector<std::size_t> path;
};
std::string to_string(ReproduceKey const&);
std::optional<ReproduceKey> parse_reproduce(std::string const&);

} // namespace pmconf::conformance
