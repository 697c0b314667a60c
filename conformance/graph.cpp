#include "conformance/graph.h"

#include "conformance/observation.h"
#include "conformance/scenario.h"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <sstream>

namespace pmconf::conformance {

namespace {
constexpr char const* kind_names[] = { "Object", "Array", "Boolean", "Number", "BigInt", "String", "Date", "RegExp",
    "ArrayBuffer", "SharedArrayBuffer", "TypedArray", "DataView", "Map", "Set", "Error", "Object.prototype", "MessagePort",
    "ImageBitmap", "DOMException", "Symbol", "Function", "WeakMap", "WeakSet", "WeakRef", "Promise", "Proxy",
    "CallableProxy", "PlatformObject" };
static_assert(sizeof kind_names / sizeof *kind_names == node_kind_count);

std::string number_display(double d)
{
    if (std::isnan(d))
        return "NaN";
    if (std::isinf(d))
        return d < 0 ? "-Infinity" : "Infinity";
    if (d == 0 && std::signbit(d))
        return "-0";
    char buf[64];
    auto r = std::to_chars(buf, buf + sizeof buf, d);
    return std::string(buf, r.ptr);
}
} // namespace

char const* node_kind_name(NodeKind kind) { return kind_names[static_cast<int>(kind)]; }

std::optional<NodeKind> node_kind_from_name(std::string_view name)
{
    for (int i = 0; i < node_kind_count; ++i)
        if (name == kind_names[i])
            return static_cast<NodeKind>(i);
    return std::nullopt;
}

bool same_value(GValue const& a, GValue const& b)
{
    if (a.index() != b.index())
        return false;
    if (auto const* x = std::get_if<double>(&a)) {
        double const y = std::get<double>(b);
        if (std::isnan(*x))
            return std::isnan(y);
        return *x == y && std::signbit(*x) == std::signbit(y);
    }
    return a == b;
}

std::string utf16_to_display(std::u16string const& s)
{
    std::string out = "\"";
    for (std::size_t i = 0; i < s.size(); ++i) {
        char16_t c = s[i];
        bool const high = c >= 0xD800 && c <= 0xDBFF;
        bool const low = c >= 0xDC00 && c <= 0xDFFF;
        if (high && i + 1 < s.size() && s[i + 1] >= 0xDC00 && s[i + 1] <= 0xDFFF) {
            char32_t cp = 0x10000 + ((c - 0xD800) << 10) + (s[i + 1] - 0xDC00);
            out += static_cast<char>(0xF0 | (cp >> 18));
            out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
            out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
            out += static_cast<char>(0x80 | (cp & 0x3F));
            ++i;
        } else if (high || low || c < 0x20 || c == 0x7F || c == u'"' || c == u'\\') {
            char buf[8];
            if (c == u'"' || c == u'\\') {
                out += '\\';
                out += static_cast<char>(c);
            } else {
                std::snprintf(buf, sizeof buf, "\\u%04X", static_cast<unsigned>(c));
                out += buf;
            }
        } else if (c < 0x80) {
            out += static_cast<char>(c);
        } else if (c < 0x800) {
            out += static_cast<char>(0xC0 | (c >> 6));
            out += static_cast<char>(0x80 | (c & 0x3F));
        } else {
            out += static_cast<char>(0xE0 | (c >> 12));
            out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
            out += static_cast<char>(0x80 | (c & 0x3F));
        }
    }
    return out + "\"";
}

std::string to_display(GValue const& v)
{
    return std::visit(
        [](auto const& x) -> std::string {
            using T = std::decay_t<decltype(x)>;
            if constexpr (std::is_same_v<T, Undefined>)
                return "undefined";
            else if constexpr (std::is_same_v<T, Null>)
                return "null";
            else if constexpr (std::is_same_v<T, bool>)
                return x ? "true" : "false";
            else if constexpr (std::is_same_v<T, double>)
                return number_display(x);
            else if constexpr (std::is_same_v<T, BigInt>)
                return x.decimal + "n";
            else if constexpr (std::is_same_v<T, std::u16string>)
                return utf16_to_display(x);
            else
                return "#" + std::to_string(x.node);
        },
        v);
}

namespace {
void display_node(std::ostream& out, Node const& n)
{
    out << node_kind_name(n.kind);
    switch (n.kind) {
    case NodeKind::array: out << "(length " << n.array_length << ")"; break;
    case NodeKind::boolean_object:
    case NodeKind::number_object:
    case NodeKind::bigint_object:
    case NodeKind::string_object: out << "(" << to_display(n.primitive) << ")"; break;
    case NodeKind::date: out << "(" << number_display(n.date_value) << ")"; break;
    case NodeKind::regexp: out << "(/" << utf16_to_display(n.source) << "/" << n.flags << ", lastIndex " << number_display(n.last_index) << ")"; break;
    case NodeKind::array_buffer:
    case NodeKind::shared_array_buffer:
        out << "(";
        if (n.detached)
            out << "detached";
        else
            out << n.byte_length << " bytes";
        if (n.max_byte_length)
            out << ", max " << *n.max_byte_length;
        if (n.detach_key)
            out << ", detach key";
        out << ")";
        break;
    case NodeKind::typed_array:
    case NodeKind::data_view:
        out << "(" << n.view_type << " of #" << n.buffer << ", offset " << n.byte_offset << ", length "
            << (n.length ? std::to_string(*n.length) : std::string("auto")) << ")";
        break;
    case NodeKind::error: out << "(" << n.error_prototype << ")"; break;
    case NodeKind::message_port: out << "(port " << n.port_id << (n.detached ? ", detached" : "") << ")"; break;
    case NodeKind::image_bitmap: out << "(" << n.width << "x" << n.height << (n.detached ? ", detached" : "") << (n.origin_clean ? "" : ", not origin-clean") << ")"; break;
    case NodeKind::dom_exception: out << "(" << utf16_to_display(n.name) << ", " << utf16_to_display(n.message) << ")"; break;
    case NodeKind::symbol: out << "(" << utf16_to_display(n.source) << ")"; break;
    default: break;
    }
    if (!n.map_entries.empty()) {
        out << " {";
        for (std::size_t i = 0; i < n.map_entries.size(); ++i)
            out << (i ? ", " : "") << to_display(n.map_entries[i].first) << " => " << to_display(n.map_entries[i].second);
        out << "}";
    }
    if (!n.set_entries.empty()) {
        out << " {";
        for (std::size_t i = 0; i < n.set_entries.size(); ++i)
            out << (i ? ", " : "") << to_display(n.set_entries[i]);
        out << "}";
    }
    if (!n.properties.empty()) {
        out << " {";
        for (std::size_t i = 0; i < n.properties.size(); ++i) {
            auto const& p = n.properties[i];
            out << (i ? ", " : "");
            if (p.symbol)
                out << "[#" << *p.symbol << "]";
            else
                out << utf16_to_display(p.key);
            if (!p.enumerable)
                out << " (non-enumerable)";
            if (p.getter) {
                out << ": get#" << p.getter->label << "(";
                for (auto const& e : p.getter->effects) {
                    static constexpr char const* names[] = { "delete", "define", "detach", "delete-entry" };
                    out << names[static_cast<int>(e.kind)] << " #" << e.target;
                    if (e.kind == GetterEffect::Kind::delete_property || e.kind == GetterEffect::Kind::define_property)
                        out << "." << utf16_to_display(e.key);
                    if (e.kind == GetterEffect::Kind::define_property)
                        out << "=" << to_display(e.value);
                    if (e.kind == GetterEffect::Kind::delete_collection_entry)
                        out << "[" << e.entry << "]";
                    out << "; ";
                }
                out << (p.getter->throws ? "throw " : "return ") << to_display(p.getter->result) << ")";
            } else {
                out << ": " << to_display(p.value);
            }
        }
        out << "}";
    }
}
} // namespace

std::string to_display(Graph const& g)
{
    std::ostringstream out;
    out << "root = " << to_display(g.root);
    for (std::size_t i = 0; i < g.nodes.size(); ++i) {
        out << "\n#" << i << " = ";
        display_node(out, g.nodes[i]);
    }
    return out.str();
}

char const* pass_mode_name(PassMode mode)
{
    switch (mode) {
    case PassMode::structured_clone: return "structuredClone";
    case PassMode::with_transfer_to_realm: return "serialize-with-transfer to another realm";
    case PassMode::serialize_deserialize: return "StructuredSerialize + StructuredDeserialize";
    case PassMode::for_storage: return "StructuredSerializeForStorage + StructuredDeserialize";
    case PassMode::message_channel: return "postMessage through a MessageChannel";
    case PassMode::operations: return "messaging operations";
    }
    return "?";
}

std::string to_display(Scenario const& s)
{
    std::ostringstream out;
    if (s.mode == PassMode::operations) {
        for (std::size_t i = 0; i < s.operations.size(); ++i)
            out << (i ? "\n" : "") << to_string(s.operations[i]);
        return out.str();
    }
    out << to_display(s.graph) << "\ntransfer = [";
    for (std::size_t i = 0; i < s.transfer.size(); ++i)
        out << (i ? ", " : "") << to_display(s.transfer[i]);
    out << "]\npassed by " << pass_mode_name(s.mode);
    auto realm = [&](char const* name, RealmSettings const& r, bool target) {
        RealmSettings const defaults;
        if (r == defaults)
            return;
        out << "\n" << name << " realm:";
        if (!r.cross_origin_isolated && !target)
            out << " not cross-origin isolated;";
        if (!r.same_agent_cluster && target)
            out << " another agent cluster;";
        if (!r.exposes_message_port && target)
            out << " no MessagePort;";
        if (!r.exposes_image_bitmap && target)
            out << " no ImageBitmap;";
        if (!r.exposes_dom_exception && target)
            out << " no DOMException;";
        if (r.max_allocation != defaults.max_allocation)
            out << " allocations up to " << r.max_allocation << " bytes;";
    };
    realm("source", s.source, false);
    if (s.mode != PassMode::structured_clone)
        realm("target", s.target, true);
    return out.str();
}

std::string size_text(Scenario const& s)
{
    return s.mode == PassMode::operations ? std::to_string(s.operations.size()) + " operations"
                                          : std::to_string(s.graph.nodes.size()) + " nodes";
}

std::string to_display(Observation const& o)
{
    std::ostringstream out;
    if (!o.outcomes.empty()) {
        for (std::size_t i = 0; i < o.outcomes.size(); ++i) {
            auto const& r = o.outcomes[i];
            out << (i ? "\n" : "") << "operation " << i << ": "
                << (r.skipped ? std::string("skipped") : r.threw ? "threw " + r.error : std::string("returned"));
        }
        for (auto const& e : o.events)
            out << "\nevent: " << to_string(e);
        if (o.events.empty())
            out << "\nno events";
        return out.str();
    }
    if (o.threw) {
        out << "threw " << o.error_name;
        if (o.error_name == "user value")
            out << " " << to_display(o.thrown_value);
        if (!o.thrown_at_step.empty())
            out << " (at " << o.thrown_at_step << ")";
    } else {
        out << "returned:\n" << to_display(o.result);
    }
    if (!o.transferables.empty()) {
        out << "\nafterwards:";
        for (auto const& t : o.transferables)
            out << " #" << t.node << (t.detached ? " detached" : " live") << ";";
    }
    if (!o.getter_calls.empty()) {
        out << "\ngetters called:";
        for (auto g : o.getter_calls)
            out << " get#" << g;
    }
    return out.str();
}

} // namespace pmconf::conformance
