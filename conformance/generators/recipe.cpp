#include "conformance/generators/recipe.h"

#include "conformance/canonical.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>

namespace pmconf::conformance::generators {

namespace {

// Values chosen for what the algorithms distinguish: -0, NaN, infinities, lone surrogates, ...
GValue primitive_from_pool(std::uint32_t i)
{
    switch (i % 24) {
    case 0: return 0.0;
    case 1: return -0.0;
    case 2: return std::numeric_limits<double>::quiet_NaN();
    case 3: return 1.5;
    case 4: return std::numeric_limits<double>::infinity();
    case 5: return -std::numeric_limits<double>::infinity();
    case 6: return 9007199254740993.0;
    case 7: return 5e-324;
    case 8: return std::u16string(u"");
    case 9: return std::u16string(u"a");
    case 10: return std::u16string(1, char16_t(0xD800)); // a lone high surrogate
    case 11: return std::u16string { u'x', char16_t(0xDC00), u'y' }; // a lone low surrogate
    case 12: return std::u16string(u"\U0001F600");
    case 13: return std::u16string(u"nul\u0000byte", 8);
    case 14: return std::u16string(u"]]>&<\u001B\uFFFE");
    case 15: return true;
    case 16: return false;
    case 17: return Undefined {};
    case 18: return Null {};
    case 19: return BigInt { "0" };
    case 20: return BigInt { "-1" };
    case 21: return BigInt { "123456789012345678901234567890" };
    case 22: return 42.0;
    default: return std::u16string(u"length");
    }
}

std::u16string key_from_pool(std::uint32_t i, bool array)
{
    static std::array<std::u16string, 10> const object_keys { u"a", u"b", u"0", u"c", u"1", u"__proto__", std::u16string(1, char16_t(0xD800)), u"10", u"01", u"d" };
    static std::array<std::u16string, 10> const array_keys { u"0", u"1", u"2", u"x", u"3", u"5", u"4294967294", u"4294967295", u"-1", u"7" };
    return array ? array_keys[i % array_keys.size()] : object_keys[i % object_keys.size()];
}

constexpr std::array<char const*, 12> typed_array_names { "Uint8Array", "Int8Array", "Uint8ClampedArray", "Int16Array",
    "Uint16Array", "Int32Array", "Uint32Array", "Float32Array", "Float64Array", "BigInt64Array", "BigUint64Array",
    "Float16Array" };

std::size_t element_size(std::string const& name)
{
    if (name.find("8") != std::string::npos)
        return name.find("64") != std::string::npos ? 8 : 1;
    if (name.find("16") != std::string::npos)
        return 2;
    if (name.find("32") != std::string::npos)
        return 4;
    return 8;
}

// Map.prototype.set and Set.prototype.add store -0 as +0 and keep keys distinct under SameValueZero.
GValue collection_key(GValue v)
{
    if (auto const* d = std::get_if<double>(&v); d && *d == 0)
        return 0.0;
    return v;
}

bool same_value_zero(GValue const& a, GValue const& b)
{
    auto const* x = std::get_if<double>(&a);
    auto const* y = std::get_if<double>(&b);
    if (x && y)
        return (std::isnan(*x) && std::isnan(*y)) || *x == *y;
    return a == b;
}

bool has_key(std::vector<std::pair<GValue, GValue>> const& entries, GValue const& key)
{
    return std::any_of(entries.begin(), entries.end(), [&](auto const& e) { return same_value_zero(e.first, key); });
}

bool is_buffer(NodeKind k) { return k == NodeKind::array_buffer || k == NodeKind::shared_array_buffer; }

bool is_transferable(NodeKind k) { return k == NodeKind::array_buffer || k == NodeKind::message_port || k == NodeKind::image_bitmap; }

class Builder {
public:
    Builder(ScenarioRecipe const& recipe, Profile const& profile) : m_recipe(recipe), m_profile(profile) { }

    Scenario build()
    {
        Scenario s;
        auto const n = static_cast<NodeIndex>(std::max<std::size_t>(1, m_recipe.nodes.size()));
        m_count = n;
        s.graph.nodes.resize(n);
        // Kinds first: edges look at their targets' kinds.
        bool seen_object_prototype = false;
        for (NodeIndex i = 0; i < m_recipe.nodes.size(); ++i) {
            auto& kind = s.graph.nodes[i].kind;
            kind = m_profile.kinds[m_recipe.nodes[i].kind % m_profile.kinds.size()];
            // %Object.prototype% is one object per realm: a second node for it would be a second
            // object the model could hold but JavaScript cannot.
            if (kind == NodeKind::object_prototype) {
                if (seen_object_prototype)
                    kind = NodeKind::object;
                seen_object_prototype = true;
            }
        }
        for (NodeIndex i = 0; i < m_recipe.nodes.size(); ++i)
            if (is_transferable(s.graph.nodes[i].kind))
                m_transferables.push_back(i);
        m_graph = &s.graph;
        for (NodeIndex i = 0; i < m_recipe.nodes.size(); ++i)
            fill(i, m_recipe.nodes[i]);
        s.graph.root = NodeRef { 0 };
        s.mode = m_profile.modes[m_recipe.mode % m_profile.modes.size()];
        build_transfer(s);
        build_realms(s);
        return s;
    }

private:
    Node& node(NodeIndex i) { return m_graph->nodes[i]; }

    NodeIndex append(Node n)
    {
        m_graph->nodes.push_back(std::move(n));
        return static_cast<NodeIndex>(m_graph->nodes.size() - 1);
    }

    GValue edge_value(EdgeRecipe const& e)
    {
        if (e.flags & 1)
            return primitive_from_pool(e.primitive);
        return NodeRef { e.target % m_count };
    }

    Getter getter(EdgeRecipe const& e, NodeIndex owner)
    {
        Getter g;
        g.label = m_next_label++;
        g.throws = (e.flags & 16) && (e.primitive % 3 == 0);
        g.result = g.throws ? primitive_from_pool(e.primitive / 3) : edge_value(e);
        if (e.flags & 32) {
            GetterEffect effect;
            effect.kind = static_cast<GetterEffect::Kind>(e.primitive % 4);
            effect.target = (e.target / 4) % m_count;
            if (effect.kind == GetterEffect::Kind::delete_property || effect.kind == GetterEffect::Kind::define_property) {
                // Usually an effect on the owner or its siblings' keys.
                effect.target = (e.primitive & 4) ? owner : effect.target;
                effect.key = key_from_pool(e.key + 1, node(effect.target).kind == NodeKind::array);
                effect.value = primitive_from_pool(e.primitive / 4);
            }
            // A detach usually hits something transferable, and so, often, an entry of the transfer
            // list (drawn from the same nodes): the getter that transfers away what the call was
            // about to transfer (StructuredSerializeWithTransfer 5.2, after serialization).
            if (effect.kind == GetterEffect::Kind::detach && !m_transferables.empty() && (e.primitive & 8))
                effect.target = m_transferables[(e.target / 4) % m_transferables.size()];
            effect.entry = e.primitive / 8 % 3;
            g.effects.push_back(std::move(effect));
        }
        return g;
    }

    void properties(NodeIndex i, NodeRecipe const& r, bool array)
    {
        for (auto const& e : r.edges) {
            Property p;
            p.key = key_from_pool(e.key, array);
            if (e.flags & 2) {
                Node symbol;
                symbol.kind = NodeKind::symbol;
                symbol.source = p.key;
                p.symbol = append(std::move(symbol));
                p.key.clear();
            }
            p.enumerable = !(e.flags & 4);
            if (e.flags & 8)
                p.getter = getter(e, i);
            else
                p.value = edge_value(e);
            // One property per key: later edges with the same key overwrite.
            auto same = std::find_if(node(i).properties.begin(), node(i).properties.end(), [&](Property const& q) {
                return !q.symbol && !p.symbol && q.key == p.key;
            });
            if (same != node(i).properties.end())
                *same = std::move(p);
            else
                node(i).properties.push_back(std::move(p));
        }
    }

    NodeIndex buffer_for_view(NodeRecipe const& r)
    {
        auto const candidate = r.b % m_count;
        if (is_buffer(node(candidate).kind))
            return candidate;
        Node b;
        b.kind = NodeKind::array_buffer;
        b.byte_length = 8 + (r.c % 3) * 8;
        b.bytes.resize(b.byte_length);
        for (std::size_t k = 0; k < b.bytes.size(); ++k)
            b.bytes[k] = static_cast<std::uint8_t>(k * 37 + r.a);
        if (r.c % 4 == 1)
            b.max_byte_length = b.byte_length + 16;
        return append(std::move(b));
    }

    void fill(NodeIndex i, NodeRecipe const& r)
    {
        auto const kind = node(i).kind;
        switch (kind) {
        case NodeKind::object:
            properties(i, r, false);
            break;
        case NodeKind::array: {
            node(i).array_length = r.a % 6;
            properties(i, r, true);
            std::uint32_t length = node(i).array_length;
            for (auto const& p : node(i).properties)
                if (!p.symbol && is_array_index(p.key))
                    length = std::max(length, array_index_value(p.key) + 1);
            node(i).array_length = length;
            break;
        }
        case NodeKind::boolean_object: node(i).primitive = (r.a & 1) == 1; break;
        case NodeKind::number_object: node(i).primitive = std::get<double>(primitive_from_pool(r.a % 8)); break;
        case NodeKind::bigint_object: node(i).primitive = primitive_from_pool(19 + r.a % 3); break;
        case NodeKind::string_object: node(i).primitive = primitive_from_pool(8 + r.a % 7); break;
        case NodeKind::date: {
            // Time values as a Date can hold them: TimeClip'd integers within ±8.64e15, or NaN.
            static constexpr double dates[] = { 0, 1e12, std::numeric_limits<double>::quiet_NaN(), 8.64e15, -8.64e15, -1 };
            node(i).date_value = dates[r.a % 6];
            break;
        }
        case NodeKind::regexp: {
            static std::array<std::u16string, 5> const sources { u"a+", u"(?:)", u"\\u{1F600}", u"[\\uD800]", u"x/y" };
            static std::array<std::string, 6> const flags { "", "g", "gimsuy", "d", "v", "y" };
            node(i).source = sources[r.a % sources.size()];
            node(i).flags = flags[r.b % flags.size()];
            node(i).last_index = r.c % 3;
            properties(i, r, false);
            break;
        }
        case NodeKind::array_buffer:
        case NodeKind::shared_array_buffer: {
            auto& b = node(i);
            b.byte_length = r.a % 9;
            b.bytes.resize(b.byte_length);
            for (std::size_t k = 0; k < b.bytes.size(); ++k)
                b.bytes[k] = static_cast<std::uint8_t>(k * 31 + r.b);
            if (r.b % 3 == 1)
                b.max_byte_length = b.byte_length + r.c % 8;
            if (kind == NodeKind::array_buffer && m_profile.broken) {
                if (r.c % 6 == 5) {
                    b.detached = true;
                    b.byte_length = 0;
                    b.bytes.clear();
                }
                b.detach_key = r.c % 11 == 7;
                if (b.detach_key) {
                    // A WebAssembly.Memory's buffer: whole 64 KiB pages, so here an empty one.
                    b.byte_length = 0;
                    b.bytes.clear();
                    b.max_byte_length.reset();
                }
            }
            break;
        }
        case NodeKind::typed_array:
        case NodeKind::data_view: {
            auto const buffer = buffer_for_view(r);
            auto& v = node(i);
            v.buffer = buffer;
            v.view_type = kind == NodeKind::data_view ? "DataView" : typed_array_names[r.a % typed_array_names.size()];
            auto const size = kind == NodeKind::data_view ? 1 : element_size(v.view_type);
            auto const& b = node(buffer);
            auto const available = b.detached ? 0 : b.byte_length;
            v.byte_offset = (r.c % 3) * size;
            if (v.byte_offset > available && !(m_profile.broken && b.max_byte_length))
                v.byte_offset = 0;
            if (b.max_byte_length && (r.b & 2)) {
                v.length.reset(); // length-tracking
            } else {
                auto const room = available >= v.byte_offset ? (available - v.byte_offset) / size : 0;
                auto length = room == 0 ? 0 : r.b % (room + 1);
                // A view goes out of bounds only when its resizable buffer shrinks after the view
                // was made (a view on a fixed-length buffer is checked when it is constructed).
                if (m_profile.broken && r.c % 5 == 4 && b.max_byte_length)
                    length = room + 1;
                v.length = length;
            }
            break;
        }
        case NodeKind::map:
            for (auto const& e : r.edges) {
                auto const key = collection_key(edge_value(e));
                if (has_key(node(i).map_entries, key))
                    continue;
                GValue value = (e.flags & 2) ? primitive_from_pool(e.primitive + 1) : GValue(NodeRef { (e.target + 1) % m_count });
                node(i).map_entries.emplace_back(key, value);
            }
            break;
        case NodeKind::set:
            for (auto const& e : r.edges) {
                auto const key = collection_key(edge_value(e));
                if (std::none_of(node(i).set_entries.begin(), node(i).set_entries.end(),
                        [&](GValue const& v) { return same_value_zero(v, key); }))
                    node(i).set_entries.push_back(key);
            }
            break;
        case NodeKind::error: {
            static constexpr char const* prototypes[] = { "Error", "TypeError", "RangeError", "EvalError", "ReferenceError",
                "SyntaxError", "URIError" };
            auto& e = node(i);
            e.error_prototype = prototypes[r.a % 7];
            e.stack = u"stack";
            if (r.b % 3 != 2) {
                Property message;
                message.key = u"message";
                message.enumerable = false;
                if (r.b % 3 == 1 && m_profile.getters) {
                    Getter g;
                    g.label = m_next_label++;
                    g.result = GValue(std::u16string(u"from getter"));
                    message.getter = g;
                } else {
                    message.value = (r.c % 5 == 3) ? primitive_from_pool(r.c) : GValue(std::u16string(u"msg"));
                }
                e.properties.push_back(std::move(message));
            }
            if (r.c % 4 == 0) {
                Property name;
                name.key = u"name";
                name.enumerable = false;
                static std::array<GValue, 4> const names { GValue(std::u16string(u"TypeError")), GValue(std::u16string(u"CustomError")),
                    GValue(5.0), GValue(std::u16string(u"URIError")) };
                if (m_profile.getters && r.a % 5 == 4) {
                    Getter g;
                    g.label = m_next_label++;
                    g.throws = r.b % 2 == 0;
                    g.result = names[r.b % 4];
                    name.getter = g;
                } else {
                    name.value = names[r.b % 4];
                }
                e.properties.push_back(std::move(name));
            }
            if (r.c % 7 == 1) {
                Property cause;
                cause.key = u"cause";
                cause.enumerable = false;
                cause.value = GValue(std::u16string(u"because"));
                e.properties.push_back(std::move(cause));
            }
            break;
        }
        case NodeKind::message_port:
            node(i).port_id = i + 1;
            node(i).detached = m_profile.broken && r.a % 5 == 4;
            break;
        case NodeKind::image_bitmap:
            node(i).width = r.a % 5;
            node(i).height = r.b % 5;
            node(i).detached = m_profile.broken && r.c % 5 == 4;
            node(i).origin_clean = !(m_profile.broken && r.c % 7 == 6);
            break;
        case NodeKind::dom_exception: {
            static constexpr char16_t const* names[] = { u"DataCloneError", u"AbortError", u"Custom" };
            node(i).name = names[r.a % 3];
            node(i).message = r.b % 2 ? u"m" : u"";
            break;
        }
        case NodeKind::symbol: node(i).source = key_from_pool(r.a, false); break;
        default:
            // Functions, weak collections, promises, proxies, platform objects, Object.prototype:
            // their own properties never matter to the algorithms.
            break;
        }
    }

    void build_transfer(Scenario& s)
    {
        if (m_recipe.transfer.empty())
            return;
        std::vector<NodeIndex> transferables;
        for (NodeIndex i = 0; i < s.graph.nodes.size(); ++i)
            if (is_transferable(s.graph.nodes[i].kind))
                transferables.push_back(i);
        for (auto const t : m_recipe.transfer) {
            if (m_profile.broken && t % 16 == 15) {
                s.transfer.push_back(NodeRef { (t / 16) % static_cast<NodeIndex>(s.graph.nodes.size()) }); // anything at all
            } else if (m_profile.broken && t % 16 == 14 && !s.transfer.empty()) {
                s.transfer.push_back(s.transfer.front()); // a duplicate
            } else if (!transferables.empty()) {
                s.transfer.push_back(NodeRef { transferables[t % transferables.size()] });
            }
        }
        if (!m_profile.broken) {
            // Valid lists only: drop duplicates, detached and shared entries.
            std::vector<GValue> unique;
            for (auto const& v : s.transfer)
                if (std::find(unique.begin(), unique.end(), v) == unique.end())
                    unique.push_back(v);
            s.transfer = std::move(unique);
        }
    }

    void build_realms(Scenario& s)
    {
        // Half the draws (those below 7, where shrinking ends) leave both realms as they are.
        if (!m_profile.realm_variations || m_recipe.realm < 7)
            return;
        switch (m_recipe.realm - 7) {
        case 0: s.source.cross_origin_isolated = false; break;
        case 1: s.target.same_agent_cluster = false; break;
        case 2: s.target.exposes_message_port = false; break;
        case 3: s.target.exposes_image_bitmap = false; break;
        case 4: s.target.exposes_dom_exception = false; break;
        case 5: s.source.max_allocation = 4; break;
        case 6: s.target.max_allocation = 4; break;
        default: break;
        }
        // structuredClone() and a MessageChannel made in one realm deserialize into that realm.
        if (s.mode == PassMode::structured_clone || s.mode == PassMode::message_channel)
            s.target = s.source;
    }

    ScenarioRecipe const& m_recipe;
    Profile const& m_profile;
    Graph* m_graph = nullptr;
    NodeIndex m_count = 1;
    std::vector<NodeIndex> m_transferables; // of the recipe's nodes
    std::uint32_t m_next_label = 1;
};

} // namespace

Scenario build_scenario(ScenarioRecipe const& recipe, Profile const& profile)
{
    if (profile.operations) {
        Scenario s;
        s.mode = PassMode::operations;
        s.operations = recipe.operations;
        // Every sequence ends with a turn of the event loops, which shrinking cannot remove: what
        // an implementation dispatches a turn later than the model (a close event, say) is still
        // seen, and the model's and the implementation's observation windows are the same.
        using K = model::web_messaging::Operation::Kind;
        if (s.operations.empty() || s.operations.back().kind != K::run_event_loops) {
            model::web_messaging::Operation turn;
            turn.kind = K::run_event_loops;
            for (auto const& op : s.operations)
                turn.label = std::max(turn.label, op.label + 1);
            s.operations.push_back(turn);
        }
        return s;
    }
    return Builder(recipe, profile).build();
}

} // namespace pmconf::conformance::generators
