#include "conformance/tests/graph_equality.h"

#include <cmath>
#include <cstdint>
#include <type_traits>

namespace pmconf::conformance::tests {

namespace {

std::string show(GValue const& v) { return to_display(v); }
std::string show(double d) { return to_display(GValue(d)); }
std::string show(std::u16string const& s) { return utf16_to_display(s); }
std::string show(std::string const& s) { return "\"" + s + "\""; }
template<class T>
std::string show(std::optional<T> const& v)
{
    return v ? std::to_string(*v) : std::string("none");
}
template<class T>
    requires std::is_integral_v<T>
std::string show(T v)
{
    return std::to_string(v);
}

bool same(GValue const& a, GValue const& b) { return same_value(a, b); }
bool same(double a, double b) { return same_value(GValue(a), GValue(b)); }
template<class T>
bool same(T const& a, T const& b)
{
    return a == b;
}

// Accumulates the first difference found.
class Differ {
public:
    template<class T>
    void field(std::string const& path, T const& expected, T const& actual)
    {
        if (!m_difference && !same(expected, actual))
            m_difference = path + ": expected " + show(expected) + ", got " + show(actual);
    }
    void fail(std::string message)
    {
        if (!m_difference)
            m_difference = std::move(message);
    }
    bool failed() const { return m_difference.has_value(); }
    std::optional<std::string> result() const { return m_difference; }

private:
    std::optional<std::string> m_difference;
};

void getter_difference(Differ& d, std::string const& at, Getter const& a, Getter const& b)
{
    d.field(at + ".label", a.label, b.label);
    d.field(at + ".throws", std::uint32_t(a.throws), std::uint32_t(b.throws));
    d.field(at + ".result", a.result, b.result);
    d.field(at + ".effects.size", a.effects.size(), b.effects.size());
    for (std::size_t i = 0; !d.failed() && i < a.effects.size(); ++i) {
        auto const& x = a.effects[i];
        auto const& y = b.effects[i];
        auto const e = at + ".effects[" + std::to_string(i) + "]";
        d.field(e + ".kind", int(x.kind), int(y.kind));
        d.field(e + ".target", x.target, y.target);
        d.field(e + ".key", x.key, y.key);
        d.field(e + ".value", x.value, y.value);
        d.field(e + ".entry", x.entry, y.entry);
    }
}

void node_difference(Differ& d, std::string const& at, Node const& a, Node const& b)
{
    d.field(at + ".kind", std::string(node_kind_name(a.kind)), std::string(node_kind_name(b.kind)));
    d.field(at + ".primitive", a.primitive, b.primitive);
    d.field(at + ".date_value", a.date_value, b.date_value);
    d.field(at + ".source", a.source, b.source);
    d.field(at + ".flags", a.flags, b.flags);
    d.field(at + ".last_index", a.last_index, b.last_index);
    d.field(at + ".bytes.size", a.bytes.size(), b.bytes.size());
    if (!d.failed() && a.bytes != b.bytes)
        d.fail(at + ".bytes differ");
    d.field(at + ".byte_length", a.byte_length, b.byte_length);
    d.field(at + ".max_byte_length", a.max_byte_length, b.max_byte_length);
    d.field(at + ".detached", std::uint32_t(a.detached), std::uint32_t(b.detached));
    d.field(at + ".detach_key", std::uint32_t(a.detach_key), std::uint32_t(b.detach_key));
    d.field(at + ".buffer", a.buffer, b.buffer);
    d.field(at + ".view_type", a.view_type, b.view_type);
    d.field(at + ".byte_offset", a.byte_offset, b.byte_offset);
    d.field(at + ".length", a.length, b.length);
    d.field(at + ".array_length", a.array_length, b.array_length);
    d.field(at + ".error_prototype", a.error_prototype, b.error_prototype);
    d.field(at + ".stack", a.stack, b.stack);
    d.field(at + ".port_id", a.port_id, b.port_id);
    d.field(at + ".name", a.name, b.name);
    d.field(at + ".message", a.message, b.message);
    d.field(at + ".width", a.width, b.width);
    d.field(at + ".height", a.height, b.height);
    d.field(at + ".origin_clean", std::uint32_t(a.origin_clean), std::uint32_t(b.origin_clean));
    d.field(at + ".map_entries.size", a.map_entries.size(), b.map_entries.size());
    for (std::size_t i = 0; !d.failed() && i < a.map_entries.size(); ++i) {
        d.field(at + ".map_entries[" + std::to_string(i) + "].key", a.map_entries[i].first, b.map_entries[i].first);
        d.field(at + ".map_entries[" + std::to_string(i) + "].value", a.map_entries[i].second, b.map_entries[i].second);
    }
    d.field(at + ".set_entries.size", a.set_entries.size(), b.set_entries.size());
    for (std::size_t i = 0; !d.failed() && i < a.set_entries.size(); ++i)
        d.field(at + ".set_entries[" + std::to_string(i) + "]", a.set_entries[i], b.set_entries[i]);
    d.field(at + ".properties.size", a.properties.size(), b.properties.size());
    for (std::size_t i = 0; !d.failed() && i < a.properties.size(); ++i) {
        auto const& x = a.properties[i];
        auto const& y = b.properties[i];
        auto const p = at + ".properties[" + std::to_string(i) + "]";
        d.field(p + ".key", x.key, y.key);
        d.field(p + ".symbol", x.symbol, y.symbol);
        d.field(p + ".enumerable", std::uint32_t(x.enumerable), std::uint32_t(y.enumerable));
        d.field(p + ".value", x.value, y.value);
        d.field(p + ".is_accessor", std::uint32_t(x.getter.has_value()), std::uint32_t(y.getter.has_value()));
        if (!d.failed() && x.getter)
            getter_difference(d, p + ".getter", *x.getter, *y.getter);
    }
}

} // namespace

std::optional<std::string> graph_difference(Graph const& expected, Graph const& actual)
{
    Differ d;
    d.field("root", expected.root, actual.root);
    d.field("nodes.size", expected.nodes.size(), actual.nodes.size());
    for (std::size_t i = 0; !d.failed() && i < expected.nodes.size(); ++i)
        node_difference(d, "#" + std::to_string(i), expected.nodes[i], actual.nodes[i]);
    return d.result();
}

} // namespace pmconf::conformance::tests
