#include "spec/tests/run_tool.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <sys/wait.h>

namespace pmconf::spec::test {

namespace {

    std::string shell_quote(std::string const& arg)
    {
        std::string out = "'";
        for (char c : arg)
            out += c == '\'' ? std::string("'\\''") : std::string(1, c);
        return out + "'";
    }

} // namespace

ToolRun run_tool(std::string const& program, std::vector<std::string> const& args)
{
    std::string command = shell_quote(program);
    for (auto const& arg : args)
        command += " " + shell_quote(arg);
    command += " 2>&1";
    ToolRun run { -1, {} };
    FILE* pipe = popen(command.c_str(), "r");
    if (!pipe) {
        run.output = "cannot run " + command;
        return run;
    }
    char buffer[4096];
    while (std::size_t n = std::fread(buffer, 1, sizeof buffer, pipe))
        run.output.append(buffer, n);
    int status = pclose(pipe);
    if (status != -1 && WIFEXITED(status))
        run.exit_code = WEXITSTATUS(status);
    return run;
}

std::string fixture(std::string const& name)
{
    return std::string(PMCONF_SPEC_FIXTURES) + "/" + name;
}

std::string output_path(std::string const& name)
{
    auto const* info = ::testing::UnitTest::GetInstance()->current_test_info();
    std::filesystem::path dir
        = std::filesystem::path(PMCONF_SPEC_TEST_OUT) / info->test_suite_name() / info->name();
    std::filesystem::create_directories(dir);
    std::filesystem::remove(dir / name);
    return (dir / name).string();
}

} // namespace pmconf::spec::test
