// Changes to value-graph Observations (compare_corpus_changes.h): the outcome and the error, the
// result's root and every field of every kind of node the comparator compares (a zero's sign, a
// view's length in the other form), own properties (and the accompanying data an Error or
// DOMException may carry, some referring to nodes of the graph), transferables (one in the other
// state, whatever step threw), getter calls (extra calls of an Error's name/message getters, with
// the result changed as well or not).
#include "conformance/canonical.h"
#include "conformance/tests/compare_corpus_changes.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <initializer_list>
#include <limits>
#include <utility>

namespace pmconf::conformance::tests::corpus {

namespace {

// --- Values ---------------------------------------------------------------------------------

double const nan = std::numeric_limits<double>::quiet_NaN();
double const infinity = std::numeric_limits<double>::infinity();

// Primitives whose displays exercise every branch of number_display and utf16_to_display.
std::vector<GValue> const& primitive_pool()
{
    static std::vector<GValue> const pool {
        Undefined {}, Null {}, true, false, 0.0, -0.0, nan, infinity, -infinity, 1.0, -1.5, 0.1, 1e21, 1.5e-7,
        123456789012345680000.0, 5e-324, 1.7976931348623157e308, 100.0, 1e-6, 2.5e-5, std::u16string(), std::u16string(u"a"),
        std::u16string(u"x\"y\\z"), std::u16string(u"\u0001\u007f"), std::u16string(u"\xD800"), std::u16string(u"\xDC00x"),
        std::u16string(u"\U0001F600"), std::u16string(u"\u00e9\u4e2d"), BigInt { "0" }, BigInt { "-12345678901234567890" },
        BigInt { "7" },
    };
    return pool;
}

// A primitive that is not SameValue to v, of the same type when asked (and when the pool has one).
GValue other_primitive(GValue const& v, Rng& rng, bool same_type = false)
{
    auto const& pool = primitive_pool();
    for (int tries = 0; tries < 64; ++tries) {
        auto const& c = pick(rng, pool);
        if (same_value(c, v))
            continue;
        if (same_type && c.index() != v.index())
            continue;
        return c;
    }
    return std::holds_alternative<Undefined>(v) ? GValue(Null {}) : GValue(Undefined {});
}

// --- Graph edits ----------------------------------------------------------------------------

// Applies f to every node reference of a graph (values, symbol keys, getter results and effect
// targets, entries, viewed buffers, the root).
void for_each_ref(Graph& g, std::function<void(NodeIndex&)> const& f)
{
    auto value = [&](GValue& v) {
        if (auto* r = std::get_if<NodeRef>(&v))
            f(r->node);
    };
    value(g.root);
    for (auto& n : g.nodes) {
        for (auto& p : n.properties) {
            if (p.symbol)
                f(*p.symbol);
            value(p.value);
            if (p.getter) {
                value(p.getter->result);
                for (auto& e : p.getter->effects) {
                    f(e.target);
                    value(e.value);
                }
            }
        }
        value(n.primitive);
        for (auto& [k, v] : n.map_entries) {
            value(k);
            value(v);
        }
        for (auto& v : n.set_entries)
            value(v);
        if (n.kind == NodeKind::typed_array || n.kind == NodeKind::data_view)
            f(n.buffer);
    }
}

} // namespace

Graph renumbered(Graph g, Rng& rng)
{
    if (coin(rng)) {
        Node stray;
        stray.kind = NodeKind::object;
        Property p;
        p.key = u"stray";
        p.value = g.nodes.empty() ? GValue(1.0) : GValue(NodeRef { 0 });
        stray.properties.push_back(p);
        g.nodes.push_back(stray);
    }
    std::vector<NodeIndex> to(g.nodes.size());
    for (std::size_t i = 0; i < to.size(); ++i)
        to[i] = static_cast<NodeIndex>(i);
    std::shuffle(to.begin(), to.end(), rng);
    for_each_ref(g, [&](NodeIndex& i) {
        if (i < to.size())
            i = to[i];
    });
    std::vector<Node> nodes(g.nodes.size());
    for (std::size_t i = 0; i < g.nodes.size(); ++i)
        nodes[to[i]] = std::move(g.nodes[i]);
    for (auto& n : nodes) {
        std::vector<Property> indices, strings, symbols;
        for (auto& p : n.properties)
            (p.symbol ? symbols : is_array_index(p.key) ? indices : strings).push_back(std::move(p));
        std::shuffle(indices.begin(), indices.end(), rng);
        n.properties.clear();
        std::size_t a = 0, b = 0, c = 0;
        while (a < indices.size() || b < strings.size() || c < symbols.size()) {
            auto const which = below(rng, 3);
            if (which == 0 && a < indices.size())
                n.properties.push_back(std::move(indices[a++]));
            else if (which == 1 && b < strings.size())
                n.properties.push_back(std::move(strings[b++]));
            else if (which == 2 && c < symbols.size())
                n.properties.push_back(std::move(symbols[c++]));
        }
    }
    g.nodes = std::move(nodes);
    return g;
}

namespace {

NodeIndex append_node(Graph& g, Node n)
{
    g.nodes.push_back(std::move(n));
    return static_cast<NodeIndex>(g.nodes.size() - 1);
}

// Removes node k; references to it go to node 0 (or become undefined when it was node 0), later
// nodes move down one.
void drop_node(Graph& g, NodeIndex k)
{
    g.nodes.erase(g.nodes.begin() + k);
    auto const value = [&](GValue& v) {
        if (auto* r = std::get_if<NodeRef>(&v)) {
            if (r->node == k)
                v = k == 0 || g.nodes.empty() ? GValue(Undefined {}) : GValue(NodeRef { 0 });
            else if (r->node > k)
                --r->node;
        }
    };
    value(g.root);
    for (auto& n : g.nodes) {
        for (auto& p : n.properties) {
            if (p.symbol && *p.symbol == k) {
                p.symbol.reset();
                p.key = u"was-a-symbol";
            } else if (p.symbol && *p.symbol > k) {
                --*p.symbol;
            }
            value(p.value);
        }
        value(n.primitive);
        for (auto& [key, v] : n.map_entries) {
            value(key);
            value(v);
        }
        for (auto& v : n.set_entries)
            value(v);
        if ((n.kind == NodeKind::typed_array || n.kind == NodeKind::data_view)) {
            if (n.buffer == k)
                n.buffer = 0;
            else if (n.buffer > k)
                --n.buffer;
        }
    }
}

std::vector<NodeIndex> nodes_of(Graph const& g, std::initializer_list<NodeKind> kinds)
{
    std::vector<NodeIndex> out;
    for (std::size_t i = 0; i < g.nodes.size(); ++i)
        if (kinds.size() == 0 || std::find(kinds.begin(), kinds.end(), g.nodes[i].kind) != kinds.end())
            out.push_back(static_cast<NodeIndex>(i));
    return out;
}

// A change to one node of the given kinds (any kind when none is given).
Change node_change(std::string name, std::initializer_list<NodeKind> kinds, std::function<bool(Node&, Graph&, Rng&)> f)
{
    std::vector<NodeKind> const list(kinds);
    return { std::move(name), [list, f](Observation& o, Observation const&, Rng& rng) {
                if (o.threw)
                    return false;
                std::vector<NodeIndex> candidates;
                for (std::size_t i = 0; i < o.result.nodes.size(); ++i)
                    if (list.empty() || std::find(list.begin(), list.end(), o.result.nodes[i].kind) != list.end())
                        candidates.push_back(static_cast<NodeIndex>(i));
                if (candidates.empty())
                    return false;
                auto const i = pick(rng, candidates);
                return f(o.result.nodes[i], o.result, rng);
            }, list.empty() ? 0 : 2 };
}

} // namespace

std::vector<Change> graph_changes()
{
    using K = NodeKind;
    std::vector<Change> c;
    // The outcome and the error.
    c.push_back({ "outcome", [](Observation& o, Observation const&, Rng& rng) {
                     o.threw = !o.threw;
                     if (o.threw) {
                         static std::vector<std::pair<std::string, bool>> const errors { { "DataCloneError", true }, { "TypeError", false }, { "user value", false } };
                         auto const& [name, dom] = pick(rng, errors);
                         o.error_name = name;
                         o.error_is_dom_exception = dom;
                         o.thrown_value = name == "user value" ? other_primitive(Undefined {}, rng) : GValue {};
                     } else {
                         o.error_name.clear();
                         o.error_is_dom_exception = false;
                         o.thrown_value = Undefined {};
                         o.result = Graph {};
                         o.result.root = other_primitive(Undefined {}, rng);
                     }
                     return true;
                 } });
    c.push_back({ "error-name", [](Observation& o, Observation const&, Rng& rng) {
                     if (!o.threw)
                         return false;
                     static std::vector<std::string> const names { "DataCloneError", "TypeError", "RangeError", "SyntaxError", "user value", "messageerror", "no message", "" };
                     auto const name = pick(rng, names);
                     if (name == o.error_name)
                         return false;
                     o.error_name = name;
                     return true;
                 } });
    c.push_back({ "error-type", [](Observation& o, Observation const&, Rng&) {
                     if (!o.threw)
                         return false;
                     o.error_is_dom_exception = !o.error_is_dom_exception;
                     return true;
                 } });
    c.push_back({ "thrown-value", [](Observation& o, Observation const&, Rng& rng) {
                     if (!o.threw || o.error_name != "user value")
                         return false;
                     auto const v = coin(rng) ? GValue(std::u16string(u"<object>")) : other_primitive(o.thrown_value, rng);
                     if (same_value(v, o.thrown_value))
                         return false;
                     o.thrown_value = v;
                     return true;
                 }, 2 });
    // The result's root and its nodes.
    c.push_back({ "root", [](Observation& o, Observation const&, Rng& rng) {
                     if (o.threw)
                         return false;
                     if (!std::holds_alternative<NodeRef>(o.result.root) && !o.result.nodes.empty() && coin(rng))
                         o.result.root = NodeRef { static_cast<NodeIndex>(below(rng, o.result.nodes.size())) };
                     else
                         o.result.root = other_primitive(o.result.root, rng);
                     return true;
                 } });
    c.push_back(node_change("kind", {}, [](Node& n, Graph&, Rng& rng) {
        n.kind = static_cast<K>((static_cast<int>(n.kind) + 1 + static_cast<int>(below(rng, node_kind_count - 1))) % node_kind_count);
        return true;
    }));
    c.push_back({ "drop-node", [](Observation& o, Observation const&, Rng& rng) {
                     if (o.threw || o.result.nodes.empty())
                         return false;
                     drop_node(o.result, static_cast<NodeIndex>(below(rng, o.result.nodes.size())));
                     return true;
                 } });
    c.push_back(node_change("array-length", { K::array }, [](Node& n, Graph&, Rng& rng) {
        n.array_length += 1 + static_cast<std::uint32_t>(below(rng, 3));
        return true;
    }));
    c.push_back(node_change("primitive", { K::boolean_object, K::number_object, K::bigint_object, K::string_object }, [](Node& n, Graph&, Rng& rng) {
        n.primitive = other_primitive(n.primitive, rng, coin(rng));
        return true;
    }));
    c.push_back(node_change("date", { K::date }, [](Node& n, Graph&, Rng& rng) {
        auto const v = other_primitive(n.date_value, rng, true);
        n.date_value = std::get<double>(v);
        return true;
    }));
    c.push_back(node_change("regexp", { K::regexp }, [](Node& n, Graph&, Rng& rng) {
        switch (below(rng, 3)) {
        case 0: n.source += coin(rng) ? u"\xD800" : u"b\""; break;
        case 1: n.flags = n.flags == "g" ? "gi" : "g"; break;
        default: n.last_index += 1 + static_cast<double>(below(rng, 2)); break;
        }
        return true;
    }));
    c.push_back(node_change("buffer", { K::array_buffer, K::shared_array_buffer }, [](Node& n, Graph&, Rng& rng) {
        switch (below(rng, 4)) {
        case 0:
            n.detached = !n.detached;
            if (n.detached) {
                n.bytes.clear();
                n.byte_length = 0;
            }
            break;
        case 1: n.byte_length += 1; break;
        case 2:
            if (n.max_byte_length && coin(rng))
                n.max_byte_length.reset();
            else
                n.max_byte_length = n.byte_length + 1 + (n.max_byte_length ? *n.max_byte_length : 0);
            break;
        default:
            if (n.bytes.empty())
                return false;
            n.bytes[below(rng, n.bytes.size())] ^= static_cast<std::uint8_t>(1 + below(rng, 255));
            break;
        }
        return true;
    }));
    c.push_back(node_change("view", { K::typed_array, K::data_view }, [](Node& n, Graph& g, Rng& rng) {
        static std::vector<std::string> const types { "DataView", "Int8Array", "Uint8Array", "Uint16Array", "Float64Array", "BigInt64Array" };
        switch (below(rng, 4)) {
        case 0: {
            auto const t = pick(rng, types);
            if (t == n.view_type)
                return false;
            n.view_type = t;
            break;
        }
        case 1: n.byte_offset += 1 + below(rng, 4); break;
        case 2:
            if (n.length && coin(rng))
                n.length.reset();
            else
                n.length = (n.length ? *n.length : 0) + 1;
            break;
        default: {
            auto const others = nodes_of(g, {});
            auto const to = pick(rng, others);
            if (to == n.buffer)
                return false;
            n.buffer = to;
            break;
        }
        }
        return true;
    }));
    c.push_back(node_change("error-prototype", { K::error }, [](Node& n, Graph&, Rng& rng) {
        static std::vector<std::string> const names { "Error", "TypeError", "RangeError", "EvalError", "SyntaxError", "URIError", "ReferenceError" };
        auto const p = pick(rng, names);
        if (p == n.error_prototype)
            return false;
        n.error_prototype = p;
        return true;
    }));
    c.push_back(node_change("port", { K::message_port }, [](Node& n, Graph&, Rng& rng) {
        if (coin(rng))
            n.detached = !n.detached;
        else
            n.port_id += 1 + static_cast<std::uint32_t>(below(rng, 3));
        return true;
    }));
    c.push_back(node_change("bitmap", { K::image_bitmap }, [](Node& n, Graph&, Rng& rng) {
        switch (below(rng, 3)) {
        case 0: n.detached = !n.detached; break;
        case 1: n.width += 1; break;
        default: n.origin_clean = !n.origin_clean; break; // not compared
        }
        return true;
    }));
    c.push_back(node_change("dom-exception", { K::dom_exception }, [](Node& n, Graph&, Rng& rng) {
        if (coin(rng))
            n.name = n.name == u"DataCloneError" ? u"AbortError" : u"DataCloneError";
        else
            n.message += u"\"x\u0007";
        return true;
    }));
    c.push_back(node_change("entries", { K::map, K::set }, [](Node& n, Graph& g, Rng& rng) {
        auto const size = n.kind == K::map ? n.map_entries.size() : n.set_entries.size();
        auto const value = [&](GValue const& v) {
            return !g.nodes.empty() && coin(rng) ? GValue(NodeRef { static_cast<NodeIndex>(below(rng, g.nodes.size())) }) : other_primitive(v, rng);
        };
        switch (size == 0 ? 0 : below(rng, 3)) {
        case 0:
            if (n.kind == K::map)
                n.map_entries.emplace_back(other_primitive(Undefined {}, rng), value(Undefined {}));
            else
                n.set_entries.push_back(other_primitive(Undefined {}, rng));
            break;
        case 1:
            if (n.kind == K::map)
                n.map_entries.erase(n.map_entries.begin() + static_cast<std::ptrdiff_t>(below(rng, size)));
            else
                n.set_entries.erase(n.set_entries.begin() + static_cast<std::ptrdiff_t>(below(rng, size)));
            break;
        default: {
            auto const i = below(rng, size);
            if (n.kind == K::set)
                n.set_entries[i] = value(n.set_entries[i]);
            else if (coin(rng))
                n.map_entries[i].first = value(n.map_entries[i].first);
            else
                n.map_entries[i].second = value(n.map_entries[i].second);
            break;
        }
        }
        return true;
    }));
    // Own properties: each kind of difference, and what an Error or DOMException may carry.
    c.push_back(node_change("properties", {}, [](Node& n, Graph& g, Rng& rng) {
        auto const size = n.properties.size();
        switch (size == 0 ? 0 : below(rng, 7)) {
        case 0: {
            Property p;
            p.key = coin(rng) ? u"extra" : u"7";
            p.value = other_primitive(Undefined {}, rng);
            p.enumerable = below(rng, 4) != 0;
            n.properties.insert(n.properties.begin() + static_cast<std::ptrdiff_t>(below(rng, size + 1)), p);
            break;
        }
        case 1: n.properties.erase(n.properties.begin() + static_cast<std::ptrdiff_t>(below(rng, size))); break;
        case 2: {
            auto& p = n.properties[below(rng, size)];
            p.symbol.reset();
            p.key += u"\xDC01";
            break;
        }
        case 3: {
            auto& p = n.properties[below(rng, size)];
            p.enumerable = !p.enumerable;
            break;
        }
        case 4: {
            auto& p = n.properties[below(rng, size)];
            p.getter.reset();
            p.value = !g.nodes.empty() && coin(rng) ? GValue(NodeRef { static_cast<NodeIndex>(below(rng, g.nodes.size())) }) : other_primitive(p.value, rng);
            break;
        }
        case 5: {
            // Two string keys in the other creation order (canonicalization keeps it).
            std::vector<std::size_t> strings;
            for (std::size_t i = 0; i < size; ++i)
                if (!n.properties[i].symbol && !is_array_index(n.properties[i].key))
                    strings.push_back(i);
            if (strings.size() < 2)
                return false;
            std::swap(n.properties[strings[0]], n.properties[strings[1]]);
            break;
        }
        default: {
            // An accessor instead of a data property (its value reads as undefined).
            auto& p = n.properties[below(rng, size)];
            Getter getter;
            p.getter = getter;
            p.value = Undefined {};
            break;
        }
        }
        return true;
    }));
    c.push_back(node_change("accompanying-data", { K::error, K::dom_exception }, [](Node& node, Graph& g, Rng& rng) {
        auto const at = static_cast<std::size_t>(&node - g.nodes.data()); // append_node moves the nodes
        Property p;
        switch (below(rng, 6)) {
        case 0: p.key = u"cause"; p.value = other_primitive(Undefined {}, rng); break;
        case 1: {
            // Extra data holding an object: a node more (maybe a node-count difference).
            Node extra;
            extra.kind = coin(rng) ? NodeKind::object : NodeKind::array;
            p.key = u"cause";
            p.value = NodeRef { append_node(g, extra) };
            break;
        }
        case 2: p.key = u"line"; p.value = 12.0; p.enumerable = false; break;
        case 3: p.key = u"message"; p.value = std::u16string(u"extra message"); break; // never accompanying data
        case 4: {
            Node symbol;
            symbol.kind = NodeKind::symbol;
            symbol.source = u"s";
            p.symbol = append_node(g, symbol);
            p.value = 1.0;
            break;
        }
        default: g.nodes[at].stack = u"other stack"; return true; // never compared
        }
        g.nodes[at].properties.push_back(p);
        return true;
    }));
    // Extra data referring to the last node of the graph: no node more, but the canonical
    // numbering visits that node from the Error (or DOMException), which may come earlier.
    c.push_back(node_change("accompanying-data-ref", { K::error, K::dom_exception }, [](Node& node, Graph& g, Rng&) {
        Property p;
        p.key = u"cause";
        p.value = NodeRef { static_cast<NodeIndex>(g.nodes.size() - 1) };
        node.properties.push_back(p);
        return true;
    }));
    // A zero of the other sign, wherever the graph has one (the root, a wrapper's primitive, a
    // Date, a property value, an entry).
    c.push_back({ "signed-zero", [](Observation& o, Observation const&, Rng& rng) {
                     if (o.threw)
                         return false;
                     std::vector<double*> zeros;
                     auto const value = [&](GValue& v) {
                         if (auto* d = std::get_if<double>(&v); d && *d == 0)
                             zeros.push_back(d);
                     };
                     value(o.result.root);
                     for (auto& n : o.result.nodes) {
                         value(n.primitive);
                         if (n.kind == K::date && n.date_value == 0)
                             zeros.push_back(&n.date_value);
                         for (auto& p : n.properties)
                             value(p.value);
                         for (auto& [k, v] : n.map_entries) {
                             value(k);
                             value(v);
                         }
                         for (auto& v : n.set_entries)
                             value(v);
                     }
                     if (zeros.empty())
                         return false;
                     auto* z = zeros[below(rng, zeros.size())];
                     *z = std::signbit(*z) ? 0.0 : -0.0;
                     return true;
                 }, 2 });
    // Transferables and getter calls.
    c.push_back({ "transferables", [](Observation& o, Observation const&, Rng& rng) {
                     auto& t = o.transferables;
                     switch (t.empty() ? 0 : below(rng, 5)) {
                     case 0: t.push_back({ static_cast<NodeIndex>(below(rng, 4)), coin(rng), below(rng, 9) }); break;
                     case 1: t.erase(t.begin() + static_cast<std::ptrdiff_t>(below(rng, t.size()))); break;
                     case 2: {
                         auto& x = t[below(rng, t.size())];
                         x.detached = !x.detached;
                         break;
                     }
                     case 3: t[below(rng, t.size())].byte_length += 1; break;
                     default: t[below(rng, t.size())].node += 1; break;
                     }
                     return true;
                 } });
    c.push_back({ "getter-calls", [](Observation& o, Observation const&, Rng& rng) {
                     auto& g = o.getter_calls;
                     switch (g.empty() ? 0 : below(rng, 3)) {
                     case 0: g.insert(g.begin() + static_cast<std::ptrdiff_t>(below(rng, g.size() + 1)), static_cast<std::uint32_t>(below(rng, 5))); break;
                     case 1: g.erase(g.begin() + static_cast<std::ptrdiff_t>(below(rng, g.size()))); break;
                     default:
                         if (g.size() < 2 || g[0] == g[1])
                             return false;
                         std::swap(g[0], g[1]);
                         break;
                     }
                     return true;
                 } });
    // One transferable in the other state, its length kept: a state difference, or, when the
    // call threw, one the comparator words by where it threw (before WithTransfer step 5: nothing
    // may be detached; inside it: an entry left attached is a spec question).
    c.push_back({ "transferable-detached", [](Observation& o, Observation const&, Rng& rng) {
                     if (o.transferables.empty())
                         return false;
                     auto& x = o.transferables[below(rng, o.transferables.size())];
                     x.detached = !x.detached;
                     return true;
                 }, 2 });
    // Extra calls of the Error name/message getters (a choice: the implementation-defined stack),
    // in the spec's order of the others; maybe with the result changed as well, which follows from
    // that choice when one of those getters has effects.
    auto const stack_calls = [](Observation& o, Observation const& reference, Rng& rng) {
        if (reference.stack_getters.empty())
            return false;
        for (auto n = 1 + below(rng, 2); n > 0; --n)
            o.getter_calls.insert(o.getter_calls.begin() + static_cast<std::ptrdiff_t>(below(rng, o.getter_calls.size() + 1)),
                pick(rng, reference.stack_getters));
        return true;
    };
    c.push_back({ "stack-getter-calls", stack_calls, 2 });
    c.push_back({ "stack-getter-calls+result", [stack_calls](Observation& o, Observation const& reference, Rng& rng) {
                     if (o.threw || !stack_calls(o, reference, rng))
                         return false;
                     std::vector<Property*> data;
                     for (auto& n : o.result.nodes)
                         for (auto& p : n.properties)
                             if (!p.getter && !std::holds_alternative<NodeRef>(p.value))
                                 data.push_back(&p);
                     if (data.empty())
                         o.result.root = other_primitive(o.result.root, rng);
                     else {
                         auto* p = data[below(rng, data.size())];
                         p->value = other_primitive(p->value, rng);
                     }
                     return true;
                 }, 2 });
    // A view's length in the other form: a length-tracking view made fixed at the length it has
    // now, or the other way round (the same to JavaScript when no buffer length tells them apart).
    c.push_back(node_change("view-length-form", { K::typed_array, K::data_view }, [](Node& n, Graph& g, Rng&) {
        if (n.length) {
            n.length.reset();
            return true;
        }
        if (n.buffer >= g.nodes.size())
            return false;
        auto const& b = g.nodes[n.buffer];
        std::uint64_t const size = n.view_type == "DataView" || n.view_type == "Int8Array" || n.view_type == "Uint8Array"
                || n.view_type == "Uint8ClampedArray" ? 1
            : n.view_type == "Int16Array" || n.view_type == "Uint16Array" || n.view_type == "Float16Array" ? 2
            : n.view_type == "Int32Array" || n.view_type == "Uint32Array" || n.view_type == "Float32Array" ? 4 : 8;
        n.length = b.byte_length < n.byte_offset ? 0 : (b.byte_length - n.byte_offset) / size;
        return true;
    }));
    return c;
}


} // namespace pmconf::conformance::tests::corpus
