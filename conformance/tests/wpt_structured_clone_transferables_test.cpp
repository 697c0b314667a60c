// Mirrors web-platform-tests
// html/webappapis/structured-clone/structured-clone-battery-of-tests-with-transferables.js: the
// transfer cases that apply outside a browser, written as Scenarios and run on the model. Left
// out: OffscreenCanvas subclasses and interfaces deleted from the global object (interface
// objects are not modelled).

#include "conformance/model_runner.h"
#include "conformance/tests/scenario_builder.h"

#include <gtest/gtest.h>

namespace pmconf::conformance::tests {
namespace {

TransferableState state_of(Observation const& o, NodeIndex node)
{
    for (auto const& t : o.transferables)
        if (t.node == node)
            return t;
    ADD_FAILURE() << "no transferable #" << node;
    return {};
}

// "ArrayBuffer": new Uint8Array([1]).buffer, transferred: the original is emptied, the copy has it.
TEST(StructuredClone, TransferredArrayBufferMovesItsByte)
{
    GraphBuilder g;
    auto const b = g.buffer({ 1 });
    auto const observed = run_on_model(g.clone(b, { b }));
    ASSERT_FALSE(observed.threw) << observed.error_name << " at " << observed.thrown_at_step;
    EXPECT_TRUE(state_of(observed, b.node).detached);
    EXPECT_EQ(state_of(observed, b.node).byte_length, 0u);
    ASSERT_EQ(observed.result.nodes.size(), 1u);
    EXPECT_EQ(observed.result.nodes[0].byte_length, 1u);
    EXPECT_EQ(observed.result.nodes[0].bytes, (std::vector<std::uint8_t> { 1 }));
}

// "MessagePort": the transferred port is the same port (its messages arrive at the other end).
TEST(StructuredClone, TransferredMessagePortIsTheSamePort)
{
    GraphBuilder g;
    auto const port2 = g.port(2);
    auto const observed = run_on_model(g.clone(port2, { port2 }));
    ASSERT_FALSE(observed.threw);
    ASSERT_EQ(observed.result.nodes.size(), 1u);
    EXPECT_EQ(observed.result.nodes[0].kind, NodeKind::message_port);
    EXPECT_EQ(observed.result.nodes[0].port_id, 2u);
    EXPECT_FALSE(observed.result.nodes[0].detached);
    EXPECT_TRUE(state_of(observed, port2.node).detached);
}

// "A detached ArrayBuffer cannot be transferred".
TEST(StructuredClone, DetachedArrayBufferCannotBeTransferred)
{
    GraphBuilder g;
    auto const b = g.detached_buffer();
    auto const observed = run_on_model(g.clone(b, { b }));
    ASSERT_TRUE(observed.threw);
    EXPECT_EQ(observed.error_name, "DataCloneError");
    EXPECT_EQ(observed.thrown_at_step, "html:structuredserializewithtransfer:5.1");
}

// "A detached platform object cannot be transferred" (a MessagePort transferred before).
TEST(StructuredClone, DetachedPlatformObjectCannotBeTransferred)
{
    GraphBuilder g;
    auto const port1 = g.port(1, /*detached=*/true);
    auto const observed = run_on_model(g.clone(port1, { port1 }));
    ASSERT_TRUE(observed.threw);
    EXPECT_EQ(observed.error_name, "DataCloneError");
    EXPECT_EQ(observed.thrown_at_step, "html:structuredserializewithtransfer:5.2");
}

// "Transferring a non-transferable platform object fails" (a Blob there; here a serializable
// but not transferable DOMException, and a platform object that is neither).
TEST(StructuredClone, TransferringANonTransferablePlatformObjectFails)
{
    for (auto kind : { NodeKind::dom_exception, NodeKind::platform_object }) {
        GraphBuilder g;
        auto const o = g.of_kind(kind);
        auto const observed = run_on_model(g.clone(o, { o }));
        ASSERT_TRUE(observed.threw) << node_kind_name(kind);
        EXPECT_EQ(observed.error_name, "DataCloneError");
        EXPECT_EQ(observed.thrown_at_step, "html:structuredserializewithtransfer:2.1");
    }
}

} // namespace
} // namespace pmconf::conformance::tests
