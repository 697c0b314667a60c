#include "spec/catalogue.h"

#include <gtest/gtest.h>

#include <fstream>
#include <regex>
#include <set>
#include <string>

namespace pmconf::spec {
namespace {

    namespace ssi = steps::structured_serialize_internal;
    namespace sd = steps::structured_deserialize;

    std::string identifier_of(std::string_view path)
    {
        std::string out = "s";
        for (char c : path)
            out += (c == '.' || c == '/') ? '_' : c;
        return out;
    }

    TEST(Catalogue, EveryStepIdIsFoundByFindStep)
    {
        ASSERT_EQ(all_steps().size(), step_count);
        for (std::size_t i = 0; i < all_steps().size(); ++i) {
            StepInfo const& info = all_steps()[i];
            EXPECT_EQ(info.step.index, i) << info.id;
            EXPECT_EQ(info.id,
                std::string(info.spec) + ":" + std::string(info.algorithm_key) + ":"
                    + std::string(info.path));
            auto found = find_step(info.id);
            ASSERT_TRUE(found.has_value()) << info.id;
            EXPECT_EQ(*found, info.step) << info.id;
            EXPECT_EQ(&step_info(*found), &info) << info.id;
        }
    }

    TEST(Catalogue, UnknownIdsAreNotFound)
    {
        EXPECT_FALSE(find_step(""));
        EXPECT_FALSE(find_step("html"));
        EXPECT_FALSE(find_step("html:structuredserializeinternal"));
        EXPECT_FALSE(find_step("html:structuredserializeinternal:28"));
        EXPECT_FALSE(find_step("html:structuredserializeinternal:13.1.1 "));
        EXPECT_FALSE(find_step("html:nosuchalgorithm:1"));
        EXPECT_FALSE(find_step("zzz:structuredserializeinternal:1"));
    }

    TEST(Catalogue, GeneratedConstantsNameTheirTableEntries)
    {
        StepInfo const& symbol = step_info(ssi::s5);
        EXPECT_EQ(symbol.id, "html:structuredserializeinternal:5");
        EXPECT_EQ(symbol.kind, "if");
        EXPECT_EQ(symbol.throws, "DataCloneError");

        StepInfo const& coi = step_info(ssi::s13_1_1);
        EXPECT_EQ(coi.path, "13.1.1");
        EXPECT_EQ(coi.algorithm_name, "StructuredSerializeInternal");
        EXPECT_EQ(coi.algorithm_namespace, "structured_serialize_internal");
        EXPECT_EQ(coi.anchor,
            "https://html.spec.whatwg.org/multipage/structured-data.html#structuredserializeinternal");
        EXPECT_EQ(coi.status, "modelled");

        StepInfo const& allocation = step_info(ssi::s13_2_3);
        EXPECT_TRUE(allocation.propagates);
        EXPECT_EQ(allocation.throws, "");

        StepInfo const& caught = step_info(sd::s14_catch);
        EXPECT_EQ(caught.id, "html:structureddeserialize:14/catch");
        EXPECT_EQ(caught.kind, "catch");
        EXPECT_EQ(caught.throws, "DataCloneError");
        EXPECT_EQ(find_step("html:structureddeserialize:15/catch"), sd::s15_catch);

        EXPECT_EQ(step_info(steps::structured_clone::s3).id, "html:dom-structuredclone:3");
        EXPECT_EQ(step_info(steps::structured_serialize_with_transfer::s5_4_3).id,
            "html:structuredserializewithtransfer:5.4.3");
    }

    // Every constant in the generated header names the table entry of its own algorithm and path.
    TEST(Catalogue, EveryGeneratedConstantMatchesItsTableEntry)
    {
        std::ifstream header(PMCONF_SPEC_STEPS_HEADER);
        ASSERT_TRUE(header) << PMCONF_SPEC_STEPS_HEADER;
        std::regex const namespace_re(R"(^namespace pmconf::spec::steps::([a-z0-9_]+) \{$)");
        std::regex const constant_re(
            R"(^inline constexpr ::pmconf::spec::StepId (s[0-9a-z_]+)\{([0-9]+)\};)");
        std::string ns;
        std::set<std::size_t> seen;
        for (std::string line; std::getline(header, line);) {
            std::smatch match;
            if (std::regex_match(line, match, namespace_re)) {
                ns = match[1];
            } else if (std::regex_search(line, match, constant_re)) {
                std::size_t index = std::stoul(match[2]);
                ASSERT_LT(index, step_count) << line;
                StepInfo const& info = all_steps()[index];
                EXPECT_EQ(info.algorithm_namespace, ns) << line;
                EXPECT_EQ(identifier_of(info.path), match[1].str()) << line;
                EXPECT_TRUE(seen.insert(index).second) << line;
            }
        }
        EXPECT_EQ(seen.size(), step_count);
    }

    TEST(Catalogue, AlgorithmsPartitionTheStepsInOrder)
    {
        std::size_t next = 0;
        for (AlgorithmInfo const& algorithm : algorithms()) {
            ASSERT_FALSE(algorithm.steps.empty()) << algorithm.key;
            EXPECT_EQ(algorithm.steps.front().path, "1") << algorithm.key;
            for (StepInfo const& step : algorithm.steps) {
                EXPECT_EQ(step.step.index, next++);
                EXPECT_EQ(step.algorithm_key, algorithm.key);
                EXPECT_EQ(step.anchor, algorithm.anchor);
                EXPECT_EQ(step.spec, algorithm.spec);
            }
        }
        EXPECT_EQ(next, step_count);
        EXPECT_EQ(algorithms().size(), algorithm_count);
    }

    TEST(Catalogue, StructuredDataAlgorithmsAreCatalogued)
    {
        std::set<std::string_view> keys;
        for (AlgorithmInfo const& algorithm : algorithms())
            keys.insert(algorithm.key);
        for (std::string_view key : { "structuredserializeinternal", "structuredserialize",
                 "structuredserializeforstorage", "structureddeserialize", "structuredserializewithtransfer",
                 "structureddeserializewithtransfer", "dom-structuredclone" })
            EXPECT_TRUE(keys.contains(key)) << key;
    }

    TEST(Catalogue, HtmlSnapshotIsPinned)
    {
        ASSERT_EQ(snapshots().size(), snapshot_count);
        auto html = std::find_if(
            snapshots().begin(), snapshots().end(), [](auto const& s) { return s.name == "html"; });
        ASSERT_NE(html, snapshots().end());
        EXPECT_EQ(html->repository, "whatwg/html");
        EXPECT_EQ(html->commit, "508a037333d8a1806504303aeb489d931fabbef6");
        EXPECT_EQ(html->date, "2026-08-21");
    }

    static_assert(ssi::s1 == StepId { 0 });
    static_assert(!(ssi::s1 == ssi::s2));

} // namespace
} // namespace pmconf::spec
