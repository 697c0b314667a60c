#include "conformance/capabilities.h"

#include <algorithm>

namespace pmconf::conformance {

namespace {

std::string_view mode_capability(PassMode mode)
{
    switch (mode) {
    case PassMode::structured_clone: return "structured-clone";
    case PassMode::message_channel: return "message-channel";
    case PassMode::with_transfer_to_realm: return "model:serialize-with-transfer";
    case PassMode::serialize_deserialize: return "model:serialize";
    case PassMode::for_storage: return "model:serialize-for-storage";
    case PassMode::operations: return { };
    }
    return "?";
}

std::string_view kind_capability(NodeKind kind)
{
    switch (kind) {
    case NodeKind::shared_array_buffer: return "shared-array-buffer";
    case NodeKind::message_port: return "message-port";
    case NodeKind::dom_exception: return "dom-exception";
    case NodeKind::image_bitmap: return "image-bitmap";
    case NodeKind::weak_ref: return "weak-ref";
    default: return { };
    }
}

std::uint64_t element_size(std::string const& type)
{
    if (type.find("64") != std::string::npos)
        return 8;
    if (type.find("32") != std::string::npos)
        return 4;
    if (type.find("16") != std::string::npos)
        return 2;
    return 1;
}

} // namespace

Capabilities const& model_capabilities()
{
    static Capabilities const all { "structured-clone", "message-channel", "model:serialize-with-transfer", "model:serialize",
        "model:serialize-for-storage", "realm-settings", "shared-array-buffer", "growable-shared-array-buffer",
        "resizable-array-buffer", "float16array", "message-port", "dom-exception", "image-bitmap", "weak-ref", "detach-key", "huge-sparse-array", "origin-unclean-image-bitmap", "model:empty-image-bitmap",
        "model:unconstructible-view", "message-ports", "broadcast-channel", "messaging-agents", "service-worker-clients",
        "dedicated-workers" };
    return all;
}

Capabilities required_capabilities(Scenario const& s)
{
    Capabilities need;
    if (s.mode == PassMode::operations) {
        using K = model::web_messaging::Operation::Kind;
        for (auto const& op : s.operations) {
            switch (op.kind) {
            case K::new_channel:
            case K::port_post:
            case K::port_start:
            case K::port_set_onmessage:
            case K::port_add_listener:
            case K::port_close: need.emplace("message-ports"); break;
            case K::new_broadcast:
            case K::broadcast_post:
            case K::broadcast_close: need.emplace("broadcast-channel"); break;
            case K::service_worker_listens:
            case K::service_worker_post:
            case K::client_post:
            case K::client_gone:
            case K::container_start:
            case K::container_set_onmessage:
            case K::container_add_listener:
            case K::document_parsed: need.emplace("service-worker-clients"); break;
            case K::new_worker:
            case K::worker_runs:
            case K::worker_post:
            case K::worker_global_post: need.emplace("dedicated-workers"); break;
            case K::run_event_loops: break;
            }
            if ((op.kind == K::new_channel || op.kind == K::new_broadcast) && op.agent != model::web_messaging::Agent::window_a)
                need.emplace("messaging-agents");
            if (op.message.shared_buffer)
                need.emplace("shared-array-buffer");
        }
        return need;
    }
    need.emplace(mode_capability(s.mode));
    if (s.source != RealmSettings {} || (s.mode != PassMode::structured_clone && s.mode != PassMode::message_channel && s.target != RealmSettings {}))
        need.emplace("realm-settings");
    for (auto const& n : s.graph.nodes) {
        if (auto c = kind_capability(n.kind); !c.empty())
            need.emplace(c);
        if (n.kind == NodeKind::array_buffer && n.max_byte_length)
            need.emplace("resizable-array-buffer");
        if (n.kind == NodeKind::shared_array_buffer && n.max_byte_length)
            need.emplace("growable-shared-array-buffer");
        // Only a page can make an ImageBitmap whose origin is not clean (a cross-origin image).
        if (n.kind == NodeKind::image_bitmap && !n.origin_clean)
            need.emplace("origin-unclean-image-bitmap");
        // createImageBitmap rejects an empty source (adapters make a detached bitmap by transferring one).
        if (n.kind == NodeKind::image_bitmap && (n.width == 0 || n.height == 0))
            need.emplace("model:empty-image-bitmap");
        if (n.kind == NodeKind::array_buffer && n.detach_key)
            need.emplace("detach-key");
        if (n.kind == NodeKind::typed_array && n.view_type == "Float16Array")
            need.emplace("float16array");
        // An array with more than 2^20 elements (holes): copying index by index takes minutes.
        if (n.kind == NodeKind::array && n.array_length > (1u << 20))
            need.emplace("huge-sparse-array");
        // A view JavaScript cannot make: one past the end of a SharedArrayBuffer (it never shrinks)
        // or past the maxByteLength of a resizable ArrayBuffer. The model holds such views; an
        // adapter could not build them.
        if ((n.kind == NodeKind::typed_array || n.kind == NodeKind::data_view) && n.buffer < s.graph.nodes.size()) {
            auto const& b = s.graph.nodes[n.buffer];
            std::uint64_t const element = n.kind == NodeKind::data_view ? 1 : element_size(n.view_type);
            std::uint64_t const end = n.byte_offset + (n.length ? *n.length * element : 0);
            std::uint64_t const bound = b.kind == NodeKind::shared_array_buffer || !b.max_byte_length ? b.byte_length : *b.max_byte_length;
            bool const fixed_and_detached = b.kind == NodeKind::array_buffer && !b.max_byte_length && b.detached;
            if (!fixed_and_detached && end > bound)
                need.emplace("model:unconstructible-view");
            // new Int16Array(buffer, offset) on a fixed-length buffer needs the rest to be whole
            // elements; so does V8 on a growable SharedArrayBuffer (which cannot be shrunk for it).
            bool const whole_elements_needed = !b.max_byte_length || b.kind == NodeKind::shared_array_buffer;
            if (!n.length && whole_elements_needed && !b.detached && n.byte_offset <= b.byte_length && (b.byte_length - n.byte_offset) % element)
                need.emplace("model:unconstructible-view");
        }
    }
    return need;
}

std::string missing_capability(Scenario const& s, Capabilities const& have)
{
    for (auto const& c : required_capabilities(s))
        if (!have.contains(c))
            return c;
    return { };
}

bool restrict_profile(generators::Profile& profile, Capabilities const& have, std::string& reason)
{
    if (profile.operations) {
        // A messaging property is about what its capabilities name: without one of them, it is skipped.
        for (auto const& capability : profile.operations->required)
            if (!have.contains(capability)) {
                reason = "the implementation does not announce " + capability;
                return false;
            }
        if (!have.contains("shared-array-buffer"))
            profile.operations->shared_buffers = false;
        return true;
    }
    std::erase_if(profile.modes, [&](PassMode m) { return !have.contains(mode_capability(m)); });
    if (profile.modes.empty()) {
        reason = "the property's cases are passed in ways only the model runs (realms with other settings, StructuredSerialize, "
                 "StructuredSerializeForStorage)";
        return false;
    }
    // kinds[0] is the plain object every profile starts with; it needs nothing.
    std::erase_if(profile.kinds, [&](NodeKind k) {
        auto const c = kind_capability(k);
        return !c.empty() && !have.contains(c);
    });
    if (!have.contains("realm-settings"))
        profile.realm_variations = false;
    return true;
}

} // namespace pmconf::conformance
