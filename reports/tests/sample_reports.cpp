#include "reports/tests/sample_reports.h"

#include <cstdio>
#include <limits>

namespace pmconf::reports::testing {

std::chrono::system_clock::time_point sample_start()
{
    using namespace std::chrono;
    return sys_days { year { 2026 } / November / 24 } + hours { 5 };
}

std::vector<HostilePiece> hostile_pieces()
{
    std::vector<HostilePiece> pieces;
    pieces.push_back({ "controls:", "controls:" });
    for (int c = 0; c < 0x20; ++c) {
        if (c == '\t' || c == '\n' || c == '\r') {
            pieces.push_back({ std::string(1, char(c)), std::string(1, char(c)) });
            continue;
        }
        char marker[32];
        std::snprintf(marker, sizeof marker, "[NON-XML-CHAR-0x%02X]", c);
        pieces.push_back({ std::string(1, char(c)), marker });
    }
    pieces.push_back({ " del:\x7F", " del:\x7F" }); // DEL is an XML Char
    pieces.push_back({ " fffe:\xEF\xBF\xBE", " fffe:[NON-XML-CHAR-0xFFFE]" });
    pieces.push_back({ " ffff:\xEF\xBF\xBF", " ffff:[NON-XML-CHAR-0xFFFF]" });
    pieces.push_back({ " surrogates:\xED\xA0\x80", " surrogates:[LONE-SURROGATE-0xD800]" });
    pieces.push_back({ "\xED\xBF\xBF", "[LONE-SURROGATE-0xDFFF]" });
    pieces.push_back({ " last-before-surrogates:\xED\x9F\xBF", " last-before-surrogates:\xED\x9F\xBF" });
    pieces.push_back({ " ff:\xFF", " ff:[NON-UTF-8-BYTE-0xFF]" });
    pieces.push_back({ " fe:\xFE", " fe:[NON-UTF-8-BYTE-0xFE]" });
    pieces.push_back({ " overlong:\xC0\xAF", " overlong:[NON-UTF-8-BYTE-0xC0][NON-UTF-8-BYTE-0xAF]" });
    pieces.push_back({ " overlong3:\xE0\x80\xAF",
        " overlong3:[NON-UTF-8-BYTE-0xE0][NON-UTF-8-BYTE-0x80][NON-UTF-8-BYTE-0xAF]" });
    pieces.push_back({ " beyond-10FFFF:\xF4\x90\x80\x80",
        " beyond-10FFFF:[NON-UTF-8-BYTE-0xF4][NON-UTF-8-BYTE-0x90][NON-UTF-8-BYTE-0x80][NON-UTF-8-BYTE-"
        "0x80]" });
    pieces.push_back({ " max:\xF4\x8F\xBF\xBF", " max:\xF4\x8F\xBF\xBF" });
    pieces.push_back({ " stray:\x80", " stray:[NON-UTF-8-BYTE-0x80]" });
    pieces.push_back({ " truncated:\xE2\x82 ", " truncated:[NON-UTF-8-BYTE-0xE2][NON-UTF-8-BYTE-0x82] " });
    pieces.push_back({ " markup:<tag a=\"v\" b='w'> &amp; & ]]> <![CDATA[x]]> <!-- c -->",
        " markup:<tag a=\"v\" b='w'> &amp; & ]]> <![CDATA[x]]> <!-- c -->" });
    pieces.push_back(
        { " ansi:\x1B[31mred\x1B[0m", " ansi:[NON-XML-CHAR-0x1B][31mred[NON-XML-CHAR-0x1B][0m" });
    pieces.push_back({ " c1:\xC2\x85", " c1:\xC2\x85" });
    pieces.push_back({ " nonchars:\xEF\xB7\x90\xF0\x9F\xBF\xBE", " nonchars:\xEF\xB7\x90\xF0\x9F\xBF\xBE" });
    pieces.push_back({ " text:\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80 \xE6\x97\xA5\xE6\x9C\xAC",
        " text:\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80 \xE6\x97\xA5\xE6\x9C\xAC" }); // é€😀 日本
    pieces.push_back({ " truncated-at-end:\xF0\x9F\x98",
        " truncated-at-end:[NON-UTF-8-BYTE-0xF0][NON-UTF-8-BYTE-0x9F][NON-UTF-8-BYTE-0x98]" });
    return pieces;
}

std::string hostile_payload()
{
    std::string payload;
    for (auto const& piece : hostile_pieces())
        payload += piece.raw;
    return payload;
}

std::string hostile_payload_sanitised()
{
    std::string sanitised;
    for (auto const& piece : hostile_pieces())
        sanitised += piece.sanitised;
    return sanitised;
}

std::vector<TestSuiteResult> ordinary_suites()
{
    TestSuiteResult clone;
    clone.package = "pmconf.model";
    clone.name = "structured-clone";
    clone.hostname = "ci-host";
    clone.started = sample_start();
    clone.seconds = 0.1255;
    clone.properties = { { "rc.seed", "12776003016957408636" }, { "iut", "model" } };
    clone.cases.push_back({ .name = "roundtrip preserves sharing",
        .classname = "pmconf.model.structured-clone",
        .seconds = 0.1 });
    clone.cases.push_back({ .name = "transfer detaches ArrayBuffer",
        .classname = "pmconf.model.structured-clone",
        .seconds = 0.02,
        .outcome = Outcome::failed,
        .message = "deviation at step 2.7.3: expected DataCloneError",
        .type = "pmconf.Deviation",
        .text = "deviation at step 2.7.3: expected DataCloneError\n"
                "counterexample: {a: ArrayBuffer(0), b: <ref a>}\n"
                "reproduce: RC_PARAMS=\"reproduce=BMjUhBXakN\"\n"
                "cdata-end-in-text: ]]> is fine as escaped text" });
    clone.cases.push_back({ .name = "cyclic Map",
        .classname = "pmconf.model.structured-clone",
        .seconds = 0.0035,
        .outcome = Outcome::error,
        .message = "IUT exited with signal 11",
        .type = "pmconf.IutCrashed",
        .text = "IUT exited with signal 11 while deserializing\nstderr: Segmentation fault" });
    clone.cases.push_back({ .name = "SharedArrayBuffer",
        .classname = "pmconf.model.structured-clone",
        .outcome = Outcome::skipped,
        .message = "not applicable to this IUT" });
    clone.system_out = "seed=12776003016957408636\n";

    // Relies on the defaults: no hostname, no properties, no classname, no type, no text.
    TestSuiteResult ports;
    ports.package = "pmconf.model";
    ports.name = "message-port";
    ports.started = sample_start();
    ports.seconds = 0.0004;
    ports.cases.push_back({ .name = "queued messages arrive in order", .seconds = 0.0002 });
    ports.cases.push_back({ .name = "closed port drops messages",
        .seconds = 0.0002,
        .outcome = Outcome::failed,
        .message = "message delivered after close()" });
    return { clone, ports };
}

std::vector<TestSuiteResult> hostile_suites()
{
    std::string const payload = hostile_payload();

    TestSuiteResult everywhere;
    everywhere.package = payload;
    everywhere.name = payload;
    everywhere.hostname = payload;
    everywhere.started = sample_start();
    everywhere.seconds = 1.5;
    everywhere.properties = { { payload, payload }, { "rc.seed", payload } };
    for (Outcome const outcome : { Outcome::passed, Outcome::failed, Outcome::error, Outcome::skipped }) {
        everywhere.cases.push_back({ .name = payload,
            .classname = payload,
            .seconds = 0.25,
            .outcome = outcome,
            .message = payload,
            .type = payload,
            .text = payload });
    }
    everywhere.system_out = payload;
    everywhere.system_err = payload;

    // Fallbacks: names that sanitise to nothing, times no schema accepts as they are.
    TestSuiteResult blank;
    blank.package = "";
    blank.name = " \t\r\n ";
    blank.hostname = "\n";
    blank.started = std::chrono::system_clock::time_point {};
    blank.seconds = -1;
    blank.properties = { { "", "empty name" }, { " ", "" } };
    blank.cases.push_back(
        { .name = "", .classname = "", .seconds = std::numeric_limits<double>::quiet_NaN() });
    blank.cases.push_back({ .name = "  ",
        .seconds = 1e-5,
        .outcome = Outcome::failed,
        .type = "integer" }); // a bare GitLab type cast name
    blank.cases.push_back({ .name = "huge time", .seconds = 1e300, .outcome = Outcome::error });
    blank.cases.push_back({ .name = "infinite time",
        .seconds = std::numeric_limits<double>::infinity(),
        .outcome = Outcome::skipped,
        .text = "skipped with only a text\nsecond line" });
    return { everywhere, blank };
}

std::vector<TestSuiteResult> large_suites()
{
    // 1.5 MB of text with an ESC every 100 bytes: sanitises to more than 1.5 MB.
    std::string body;
    while (body.size() < 1'500'000)
        body += "\x1B[1m" + std::string(96, 'x');
    std::string stdout_text;
    while (stdout_text.size() < 12'000'000)
        stdout_text += "line of implementation output <&> \xFF\n";

    TestSuiteResult large;
    large.package = "pmconf.large";
    large.name = "large";
    large.hostname = "ci-host";
    large.started = sample_start();
    large.seconds = 12.5;
    for (int i = 0; i < 30; ++i) {
        large.cases.push_back({ .name = "case " + std::to_string(i),
            .classname = "pmconf.large",
            .seconds = 0.4,
            .outcome = Outcome::failed,
            .message = "long failure " + std::to_string(i),
            .type = "pmconf.Deviation",
            .text = "HEAD-" + std::to_string(i) + "\n" + body + "\nTAIL-" + std::to_string(i) });
    }
    large.system_out = stdout_text;
    large.system_err = "short";
    return { large };
}

} // namespace pmconf::reports::testing
