// The seeded faults: each names a catalogued step and can be found by its name.

#include "model/infra/faults.h"
#include "spec/catalogue.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace pmconf::model {
namespace {

TEST(Faults, EveryFaultNamesACatalogueStep)
{
    ASSERT_FALSE(all_faults().empty());
    for (auto const& f : all_faults()) {
        auto const step = spec::find_step(f.step_id);
        EXPECT_TRUE(step.has_value()) << f.name << " names " << f.step_id << ", which is not in the catalogue";
        if (step) {
            EXPECT_EQ(spec::step_info(*step).id, f.step_id);
        }
    }
}

TEST(Faults, FaultNamesAreUniqueAndFindable)
{
    std::set<std::string> names;
    std::set<int> faults;
    for (auto const& f : all_faults()) {
        EXPECT_TRUE(names.insert(std::string(f.name)).second) << "duplicate fault name " << f.name;
        EXPECT_TRUE(faults.insert(static_cast<int>(f.fault)).second) << "fault listed twice: " << f.name;
        EXPECT_NE(f.fault, Fault::none);
        EXPECT_FALSE(f.summary.empty()) << f.name;
        EXPECT_EQ(find_fault(f.name), std::optional(f.fault));
        EXPECT_EQ(fault_info(f.fault).name, f.name);
    }
    EXPECT_FALSE(find_fault("no-such-fault").has_value());
    EXPECT_EQ(fault_info(Fault::none).fault, Fault::none);
}

TEST(Faults, FaultScopeActivatesOneFaultAndRestoresThePrevious)
{
    EXPECT_TRUE(fault_active(Fault::none));
    {
        FaultScope outer(Fault::lose_sharing);
        EXPECT_TRUE(fault_active(Fault::lose_sharing));
        {
            FaultScope inner(Fault::regexp_loses_flags);
            EXPECT_TRUE(fault_active(Fault::regexp_loses_flags));
            EXPECT_FALSE(fault_active(Fault::lose_sharing));
        }
        EXPECT_TRUE(fault_active(Fault::lose_sharing));
    }
    EXPECT_TRUE(fault_active(Fault::none));
}

} // namespace
} // namespace pmconf::model
