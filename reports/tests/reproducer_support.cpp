#include "reports/tests/reproducer_support.h"

#include "conformance/model_runner.h"
#include "conformance/protocol/codec.h"

#include <array>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sys/wait.h>

namespace pmconf::reports::testing {

namespace {

    std::string quoted(std::string const& s)
    {
        std::string q = "'";
        for (char c : s)
            q += c == '\'' ? std::string("'\\''") : std::string(1, c);
        return q + "'";
    }

} // namespace

bool have_node()
{
    return std::system("command -v node > /dev/null 2>&1") == 0;
}

Ran run_file(std::vector<std::string> const& argv, std::string const& file, int seconds)
{
    std::string command = "cd " + quoted(PMCONF_SOURCE_DIR) + " && timeout " + std::to_string(seconds);
    for (auto const& a : argv)
        command += " " + quoted(a);
    command += " " + quoted(file) + " 2>&1";
    Ran ran;
    FILE* pipe = ::popen(command.c_str(), "r");
    if (!pipe)
        return ran;
    std::array<char, 4096> buffer;
    std::size_t n;
    while ((n = std::fread(buffer.data(), 1, buffer.size(), pipe)) > 0)
        ran.out.append(buffer.data(), n);
    int const status = ::pclose(pipe);
    ran.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return ran;
}

std::optional<conformance::Observation> printed_observation(std::string const& out)
{
    std::string const marker = "PMCONF-OBSERVATION ";
    auto const at = out.rfind(marker);
    if (at == std::string::npos)
        return std::nullopt;
    auto const end = out.find('\n', at);
    return conformance::protocol::decode_observation(out.substr(
        at + marker.size(), end == std::string::npos ? std::string::npos : end - at - marker.size()));
}

ReproducerCase node_case(conformance::Scenario const& s, conformance::Difference const& d)
{
    ReproducerCase c;
    c.iut = "node";
    c.iut_version = "node (test)";
    c.run_argv = { "node" };
    c.file = "test.mjs";
    c.property = "test";
    c.property_description = "a reproducer test";
    c.signature = d.signature();
    c.scenario = s;
    c.expected = conformance::run_on_model(s);
    c.observed = c.expected;
    c.difference = d;
    return c;
}

Ran run_reproducer(ReproducerCase const& c, std::string const& dir, std::string const& name)
{
    auto const path = dir + "/" + name + ".mjs";
    std::ofstream(path) << reproducer_text(c);
    return run_file(c.run_argv, path);
}

} // namespace pmconf::reports::testing
