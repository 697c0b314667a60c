// An implementation under test: anything that runs a Scenario and reports an Observation.
#pragma once

#include "conformance/observation.h"
#include "conformance/scenario.h"
#include "model/infra/faults.h"

#include <string>

namespace pmconf::conformance {

class Iut {
public:
    virtual ~Iut() = default;
    virtual std::string name() const = 0;
    virtual std::string version() const = 0;
    virtual Observation run(Scenario const&) = 0;
};

// The reference model itself, optionally with a seeded fault: the harness checking itself.
class ModelIut final : public Iut {
public:
    explicit ModelIut(model::Fault fault = model::Fault::none) : m_fault(fault) { }
    std::string name() const override;
    std::string version() const override;
    Observation run(Scenario const&) override;

private:
    model::Fault m_fault;
};

} // namespace pmconf::conformance
