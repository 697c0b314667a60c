#include "reports/reproducer/js_value.h"

#include "reports/reproducer/js_text.h"

#include <algorithm>
#include <map>
#include <set>

namespace pmconf::reports::reproducer {

using namespace conformance;

namespace {

    constexpr std::uint64_t wasm_page = 65536;

    std::uint64_t element_size(std::string const& view_type)
    {
        if (view_type == "DataView"
            || (view_type.find('8') != std::string::npos && view_type.find("64") == std::string::npos))
            return 1;
        if (view_type.find("16") != std::string::npos)
            return 2;
        if (view_type.find("32") != std::string::npos)
            return 4;
        return 8;
    }

    bool is_view(NodeKind k)
    {
        return k == NodeKind::typed_array || k == NodeKind::data_view;
    }
    bool is_buffer(NodeKind k)
    {
        return k == NodeKind::array_buffer || k == NodeKind::shared_array_buffer;
    }

    std::string node_name(Node const& n, std::size_t i)
    {
        auto const index = std::to_string(i);
        switch (n.kind) {
        case NodeKind::symbol:
            return "s" + index;
        case NodeKind::array_buffer:
        case NodeKind::shared_array_buffer:
            return "b" + index;
        case NodeKind::typed_array:
        case NodeKind::data_view:
            return "v" + index;
        case NodeKind::message_port:
            return "p" + index;
        default:
            return "o" + index;
        }
    }

    // Whether `o.key = value` creates the same data property as defining it (enumerable, writable,
    // configurable) on a new object of this kind: no accessor or read-only property in the way.
    bool assignable(Node const& n, Property const& p)
    {
        if (!p.enumerable || p.getter || (n.kind != NodeKind::object && n.kind != NodeKind::array))
            return false;
        return p.symbol || (p.key != u"__proto__" && (n.kind != NodeKind::array || p.key != u"length"));
    }

    class Writer {
    public:
        explicit Writer(Graph const& g)
            : m_graph(g)
            , m_declared(g.nodes.size(), false)
        {
            for (std::size_t i = 0; i < g.nodes.size(); ++i)
                m_out.names.push_back(node_name(g.nodes[i], i));
        }

        ValueCode write()
        {
            auto const& nodes = m_graph.nodes;
            detect_pollution();
            for (std::size_t i = 0; i < nodes.size(); ++i)
                if (nodes[i].kind == NodeKind::symbol)
                    declare(i,
                        "Symbol(" + (nodes[i].source.empty() ? std::string() : js_string(nodes[i].source))
                            + ")");
            write_buffers_and_views();
            // Everything else, children first where that lets a literal hold them.
            std::vector<int> state(nodes.size(), 0);
            if (auto const* r = std::get_if<NodeRef>(&m_graph.root); r && r->node < nodes.size())
                visit(r->node, state);
            for (std::size_t i = 0; i < nodes.size(); ++i)
                visit(static_cast<NodeIndex>(i), state);
            write_bytes();
            for (std::size_t i = 0; i < nodes.size(); ++i)
                if (nodes[i].kind != NodeKind::object_prototype)
                    write_rest(i);
            for (std::size_t i = 0; i < nodes.size(); ++i)
                if (nodes[i].kind == NodeKind::object_prototype)
                    write_rest(i);
            for (std::size_t i = 0; i < nodes.size(); ++i) {
                if (nodes[i].kind == NodeKind::message_port && nodes[i].detached) {
                    line("transferAway(" + name(i) + "); // detached: transferred to another channel");
                    m_out.helpers.insert("transferAway");
                } else if (nodes[i].kind == NodeKind::image_bitmap && nodes[i].detached) {
                    line(name(i) + ".close(); // detached");
                }
            }
            observation_lists();
            return std::move(m_out);
        }

    private:
        std::string const& name(std::size_t i) const { return m_out.names[i]; }
        void line(std::string const& s) { m_out.text += "  " + s + "\n"; }
        void declare(std::size_t i, std::string const& expression)
        {
            line("const " + name(i) + " = " + expression + ";");
            m_declared[i] = true;
        }
        std::string value(GValue const& v) const { return js_value(v, m_out.names); }
        bool ready(GValue const& v) const
        {
            auto const* r = std::get_if<NodeRef>(&v);
            return !r || (r->node < m_declared.size() && m_declared[r->node]);
        }
        std::string key_text(Property const& p) const
        {
            return p.symbol ? name(*p.symbol) : js_string(p.key);
        }

        void detect_pollution()
        {
            auto const& nodes = m_graph.nodes;
            for (std::size_t i = 0; i < nodes.size(); ++i) {
                if (nodes[i].kind == NodeKind::object_prototype && !nodes[i].properties.empty())
                    m_out.pollutes = true;
                for (auto const& p : nodes[i].properties)
                    if (p.getter)
                        for (auto const& e : p.getter->effects)
                            if ((e.kind == GetterEffect::Kind::delete_property
                                    || e.kind == GetterEffect::Kind::define_property)
                                && nodes[effect_target(e, i)].kind == NodeKind::object_prototype)
                                m_out.pollutes = true;
            }
        }

        // An effect on a Symbol acts on the getter's owner (as the reference model does).
        std::size_t effect_target(GetterEffect const& e, std::size_t owner) const
        {
            return e.target < m_graph.nodes.size() && m_graph.nodes[e.target].kind != NodeKind::symbol
                ? e.target
                : owner;
        }

        void write_buffers_and_views()
        {
            auto const& nodes = m_graph.nodes;
            std::vector<std::uint64_t> need(nodes.size(), 0), length(nodes.size(), 0);
            for (auto const& v : nodes)
                if (is_view(v.kind) && v.buffer < nodes.size())
                    need[v.buffer] = std::max(
                        need[v.buffer], v.byte_offset + v.length.value_or(0) * element_size(v.view_type));
            for (std::size_t i = 0; i < nodes.size(); ++i) {
                auto const& b = nodes[i];
                if (!is_buffer(b.kind))
                    continue;
                std::string const max = b.max_byte_length
                    ? ", { maxByteLength: " + std::to_string(*b.max_byte_length) + " }"
                    : "";
                length[i] = std::max(b.detached ? 0 : b.byte_length, need[i]);
                if (b.kind == NodeKind::shared_array_buffer) {
                    declare(i, "new SharedArrayBuffer(" + std::to_string(b.byte_length) + max + ")");
                } else if (b.detach_key) {
                    auto const pages = (length[i] + wasm_page - 1) / wasm_page;
                    line("const m" + std::to_string(i)
                        + " = new WebAssembly.Memory({ initial: " + std::to_string(pages) + " }), " + name(i)
                        + " = m" + std::to_string(i) + ".buffer; // its detach key is set");
                    m_declared[i] = true;
                } else {
                    declare(i, "new ArrayBuffer(" + std::to_string(length[i]) + max + ")");
                }
            }
            for (std::size_t i = 0; i < nodes.size(); ++i) {
                auto const& v = nodes[i];
                if (!is_view(v.kind) || v.buffer >= nodes.size())
                    continue;
                auto const& b = nodes[v.buffer];
                auto const size = element_size(v.view_type);
                std::string args = name(v.buffer);
                if (v.byte_offset != 0 || v.length)
                    args += ", " + std::to_string(v.byte_offset);
                if (v.length)
                    args += ", " + std::to_string(*v.length);
                auto const at = length[v.buffer];
                auto const rest = at >= v.byte_offset ? (at - v.byte_offset) % size : 0;
                bool const whole
                    = !v.length && b.kind == NodeKind::array_buffer && b.max_byte_length && rest != 0;
                if (whole) // Node.js 20 refuses a length-tracking view over a part of an element
                    line(name(v.buffer) + ".resize(" + std::to_string(at - rest)
                        + "); // Node.js 20 makes a length-tracking view only over whole elements");
                declare(i, "new " + v.view_type + "(" + args + ")");
                if (whole)
                    line(name(v.buffer) + ".resize(" + std::to_string(at) + ");");
            }
            for (std::size_t i = 0; i < nodes.size(); ++i) {
                auto const& b = nodes[i];
                if (b.kind != NodeKind::array_buffer)
                    continue;
                if (b.detached && b.detach_key) {
                    line("m" + std::to_string(i)
                        + ".grow(0); // detached: growing a Memory detaches its old buffer");
                } else if (b.detached) {
                    line("detach(" + name(i) + ");");
                    m_out.helpers.insert("detach");
                } else if (b.max_byte_length && length[i] != b.byte_length) {
                    line(name(i) + ".resize(" + std::to_string(b.byte_length)
                        + "); // now that the views are made");
                }
            }
        }

        void write_bytes()
        {
            for (std::size_t i = 0; i < m_graph.nodes.size(); ++i) {
                auto const& b = m_graph.nodes[i];
                if (!is_buffer(b.kind) || b.detached)
                    continue;
                auto last = b.bytes.size();
                while (last > 0 && b.bytes[last - 1] == 0)
                    --last;
                if (last == 0)
                    continue;
                std::string list;
                for (std::size_t k = 0; k < last; ++k)
                    list += (k ? ", " : "") + std::to_string(b.bytes[k]);
                line("new Uint8Array(" + name(i) + ").set([" + list + "]);");
            }
        }

        void visit(NodeIndex i, std::vector<int>& state)
        {
            if (i >= m_graph.nodes.size() || state[i] != 0 || m_declared[i])
                return;
            state[i] = 1;
            auto const& n = m_graph.nodes[i];
            auto child = [&](GValue const& v) {
                if (auto const* r = std::get_if<NodeRef>(&v))
                    visit(r->node, state);
            };
            for (auto const& p : n.properties)
                if (!p.getter)
                    child(p.value);
            for (auto const& [k, v] : n.map_entries) {
                child(k);
                child(v);
            }
            for (auto const& v : n.set_entries)
                child(v);
            state[i] = 2;
            declare_object(i);
        }

        std::string getter_code(Getter const& g, std::size_t owner)
        {
            m_out.getters = true;
            std::vector<std::string> body;
            auto const label = std::to_string(g.label);
            body.push_back(m_out.pollutes ? "log = [...log, " + label + "];" : "log.push(" + label + ");");
            for (auto const& e : g.effects) {
                auto const t = effect_target(e, owner);
                auto const& target = m_graph.nodes[t];
                switch (e.kind) {
                case GetterEffect::Kind::delete_property:
                    body.push_back("Reflect.deleteProperty(" + name(t) + ", " + js_string(e.key) + ");");
                    break;
                case GetterEffect::Kind::define_property:
                    body.push_back("Reflect.defineProperty(" + name(t) + ", " + js_string(e.key)
                        + ", { value: " + value(e.value)
                        + ", writable: true, enumerable: true, configurable: true });");
                    break;
                case GetterEffect::Kind::detach:
                    if (target.kind == NodeKind::array_buffer && !target.detach_key) {
                        body.push_back("detach(" + name(t) + ");");
                        m_out.helpers.insert("detach");
                    } else if (target.kind == NodeKind::message_port) {
                        body.push_back("transferAway(" + name(t) + ");");
                        m_out.helpers.insert("transferAway");
                    } else if (target.kind == NodeKind::image_bitmap) {
                        body.push_back(name(t) + ".close();");
                    } else {
                        body.push_back(std::string("/* detach ") + name(t) + ": "
                            + (is_buffer(target.kind) ? "a shared or keyed buffer cannot be detached"
                                                      : "nothing to detach")
                            + " */");
                    }
                    break;
                case GetterEffect::Kind::delete_collection_entry:
                    if (target.kind == NodeKind::map && e.entry < target.map_entries.size())
                        body.push_back(
                            name(t) + ".delete(" + value(target.map_entries[e.entry].first) + ");");
                    else if (target.kind == NodeKind::set && e.entry < target.set_entries.size())
                        body.push_back(name(t) + ".delete(" + value(target.set_entries[e.entry]) + ");");
                    else
                        body.push_back("/* delete entry " + std::to_string(e.entry) + " of " + name(t)
                            + ": there is none */");
                    break;
                }
            }
            if (g.throws) {
                body.push_back("throw " + value(g.result) + ";");
                m_out.thrown_by_getters.push_back(value(g.result));
            } else if (!std::holds_alternative<Undefined>(g.result)) {
                body.push_back("return " + value(g.result) + ";");
            }
            std::string s = "{";
            for (auto const& b : body)
                s += " " + b;
            return s + " }";
        }

        void declare_object(std::size_t i)
        {
            auto const& n = m_graph.nodes[i];
            auto& done = m_done[i];
            std::string e;
            switch (n.kind) {
            case NodeKind::object: {
                std::vector<std::string> items;
                for (auto const& p : n.properties) {
                    if (!p.enumerable || (!p.symbol && p.key == u"__proto__")
                        || (!p.getter && !ready(p.value)))
                        break;
                    auto const key = p.symbol ? "[" + name(*p.symbol) + "]" : js_literal_key(p.key);
                    items.push_back(p.getter ? "get " + key + "() " + getter_code(*p.getter, i)
                                             : key + ": " + value(p.value));
                    ++done.props;
                }
                std::string one_line;
                for (auto const& s : items)
                    one_line += (one_line.empty() ? "" : ", ") + s;
                if (items.empty()) {
                    e = "{}";
                } else if (one_line.size() <= 90) {
                    e = "{ " + one_line + " }";
                } else {
                    e = "{\n";
                    for (auto const& s : items)
                        e += "    " + s + ",\n";
                    e += "  }";
                }
                break;
            }
            case NodeKind::array: {
                if (n.array_length > 32) {
                    e = "new Array(" + std::to_string(n.array_length) + ")";
                    break;
                }
                std::vector<std::string> elements;
                for (auto const& p : n.properties) {
                    if (p.symbol || !p.enumerable || p.getter || !ready(p.value) || p.key.empty()
                        || p.key.size() > 2)
                        continue;
                    if (!std::all_of(
                            p.key.begin(), p.key.end(), [](char16_t c) { return c >= u'0' && c <= u'9'; })
                        || (p.key.size() > 1 && p.key[0] == u'0'))
                        continue;
                    auto const index
                        = static_cast<std::size_t>(std::stoi(std::string(p.key.begin(), p.key.end())));
                    if (index >= n.array_length)
                        continue;
                    if (elements.size() <= index)
                        elements.resize(index + 1);
                    elements[index] = value(p.value);
                    done.inlined.insert(&p);
                }
                e = "[";
                for (std::size_t k = 0; k < elements.size(); ++k)
                    e += (k ? ", " : "") + (elements[k].empty() ? std::string() : elements[k]);
                if (!elements.empty() && elements.back().empty())
                    e += ",";
                e += "]";
                if (elements.size() < n.array_length)
                    done.length_line = true;
                break;
            }
            case NodeKind::boolean_object:
                e = "new Boolean(" + value(n.primitive) + ")";
                break;
            case NodeKind::number_object:
                e = "new Number(" + value(n.primitive) + ")";
                break;
            case NodeKind::string_object:
                e = "new String(" + value(n.primitive) + ")";
                break;
            case NodeKind::bigint_object:
                e = "Object(" + value(n.primitive) + ")";
                break;
            case NodeKind::date:
                e = "new Date(" + js_number(n.date_value) + ")";
                break;
            case NodeKind::regexp:
                e = "new RegExp(" + js_string(n.source) + ", " + js_string(n.flags) + ")";
                break;
            case NodeKind::map:
            case NodeKind::set: {
                bool const map = n.kind == NodeKind::map;
                std::string entries;
                auto const count = map ? n.map_entries.size() : n.set_entries.size();
                for (; done.entries < count; ++done.entries) {
                    auto const ok = map ? ready(n.map_entries[done.entries].first)
                            && ready(n.map_entries[done.entries].second)
                                        : ready(n.set_entries[done.entries]);
                    if (!ok)
                        break;
                    entries += (entries.empty() ? "" : ", ")
                        + (map ? "[" + value(n.map_entries[done.entries].first) + ", "
                                    + value(n.map_entries[done.entries].second) + "]"
                               : value(n.set_entries[done.entries]));
                }
                e = std::string(map ? "new Map(" : "new Set(") + (entries.empty() ? "" : "[" + entries + "]")
                    + ")";
                break;
            }
            case NodeKind::error: {
                std::string message;
                if (!n.properties.empty()) {
                    auto const& p = n.properties[0];
                    if (!p.symbol && p.key == u"message" && !p.enumerable && !p.getter
                        && std::holds_alternative<std::u16string>(p.value)) {
                        message = value(
                            p.value); // new Error(m) defines message as a non-enumerable own data property
                        done.props = 1;
                    }
                }
                e = "new " + n.error_prototype + "(" + message + ")";
                break;
            }
            case NodeKind::object_prototype:
                e = "Object.prototype";
                break;
            case NodeKind::message_port:
                line("const c" + std::to_string(i) + " = new MessageChannel(), " + name(i) + " = c"
                    + std::to_string(i) + ".port1;");
                m_declared[i] = true;
                return;
            case NodeKind::image_bitmap:
                e = "await createImageBitmap(new ImageData(" + std::to_string(n.width) + ", "
                    + std::to_string(n.height) + "))";
                break;
            case NodeKind::dom_exception:
                e = "new DOMException(" + js_string(n.message) + ", " + js_string(n.name) + ")";
                break;
            case NodeKind::function:
                e = "function () {}";
                break;
            case NodeKind::weak_map:
                e = "new WeakMap()";
                break;
            case NodeKind::weak_set:
                e = "new WeakSet()";
                break;
            case NodeKind::weak_ref:
                e = "new WeakRef({})";
                break;
            case NodeKind::promise:
                e = "new Promise(() => {})";
                break;
            case NodeKind::proxy:
                e = "new Proxy({}, {})";
                break;
            case NodeKind::callable_proxy:
                e = "new Proxy(function () {}, {})";
                break;
            case NodeKind::platform_object:
                e = "new EventTarget()";
                break; // a platform object that is not serializable
            default:
                return; // symbols, buffers and views are declared already
            }
            declare(i, e);
            if (n.kind == NodeKind::regexp && !same_value(GValue(n.last_index), GValue(0.0)))
                line(name(i) + ".lastIndex = " + js_number(n.last_index) + ";");
            if (done.length_line)
                line(name(i) + ".length = " + std::to_string(n.array_length) + ";");
        }

        // The entries and properties a literal could not hold, in order.
        void write_rest(std::size_t i)
        {
            auto const& n = m_graph.nodes[i];
            if (n.kind == NodeKind::symbol)
                return;
            auto& done = m_done[i];
            for (auto k = done.entries; k < n.map_entries.size(); ++k)
                line(name(i) + ".set(" + value(n.map_entries[k].first) + ", " + value(n.map_entries[k].second)
                    + ");");
            for (auto k = done.entries; k < n.set_entries.size(); ++k)
                line(name(i) + ".add(" + value(n.set_entries[k]) + ");");
            for (auto k = done.props; k < n.properties.size(); ++k) {
                auto const& p = n.properties[k];
                if (done.inlined.contains(&p))
                    continue;
                auto const target = name(i) + (p.symbol ? "[" + name(*p.symbol) + "]" : js_member(p.key));
                if (p.getter) {
                    line("Object.defineProperty(" + name(i) + ", " + key_text(p) + ", { get() "
                        + getter_code(*p.getter, i) + ", enumerable: " + (p.enumerable ? "true" : "false")
                        + ", configurable: true });");
                } else if (assignable(n, p)) {
                    line(target + " = " + value(p.value) + ";");
                } else {
                    line("define(" + name(i) + ", " + key_text(p) + ", " + value(p.value)
                        + (p.enumerable ? "" : ", false") + ");");
                    m_out.helpers.insert("define");
                }
            }
        }

        void observation_lists()
        {
            auto const& nodes = m_graph.nodes;
            auto add = [](std::string& list, std::string const& item) {
                list += (list.empty() ? "" : ", ") + item;
            };
            for (std::size_t i = 0; i < nodes.size(); ++i) {
                auto const& n = nodes[i];
                auto const index = std::to_string(i);
                if (n.kind == NodeKind::array_buffer)
                    add(m_out.inputs, "[" + index + ", 'ArrayBuffer', " + name(i) + "]");
                else if (n.kind == NodeKind::message_port)
                    add(m_out.inputs, "[" + index + ", 'MessagePort', " + name(i) + "]");
                else if (n.kind == NodeKind::image_bitmap)
                    add(m_out.inputs, "[" + index + ", 'ImageBitmap', " + name(i) + "]");
                if (n.kind == NodeKind::message_port)
                    add(m_out.input_ports,
                        "[" + name(i) + ", c" + index + ".port2, " + std::to_string(n.port_id) + "]");
                if (n.kind == NodeKind::regexp)
                    add(m_out.regexps,
                        "[" + name(i) + ", " + js_string(n.source) + ", " + js_string(n.flags) + "]");
            }
            m_out.inputs = "[" + m_out.inputs + "]";
            m_out.input_ports = "[" + m_out.input_ports + "]";
            m_out.regexps = "[" + m_out.regexps + "]";
        }

        struct Done {
            std::size_t props = 0; // a prefix of the properties is in the literal
            std::size_t entries = 0; // a prefix of the entries is in the literal
            std::set<Property const*> inlined; // array elements in the literal
            bool length_line = false;
        };

        Graph const& m_graph;
        ValueCode m_out;
        std::vector<bool> m_declared;
        std::map<std::size_t, Done> m_done;
    };

} // namespace

std::string js_value(GValue const& v, std::vector<std::string> const& names)
{
    auto const* r = std::get_if<NodeRef>(&v);
    return js_primitive(v, r && r->node < names.size() ? names[r->node] : "undefined");
}

ValueCode value_code(Graph const& graph)
{
    return Writer(graph).write();
}

std::string helper_code(std::set<std::string> const& helpers)
{
    std::string s;
    if (helpers.contains("define"))
        s += "// An own data property, writable and configurable, as the counterexample has it.\n"
             "function define(o, key, value, enumerable = true) { Object.defineProperty(o, key, { value, "
             "writable: true, enumerable, configurable: true }); }\n";
    if (helpers.contains("detach"))
        s += "// Detaches a buffer the way a script can: by transferring it. One that is detached already "
             "stays so.\n"
             "function detach(buffer) { try { buffer.transfer ? buffer.transfer() : structuredClone(buffer, "
             "{ transfer: [buffer] }); } catch { /* detached */ } }\n";
    if (helpers.contains("transferAway"))
        s += "// Detaches a port the way a script can: by transferring it to another channel.\n"
             "function transferAway(port) { try { new MessageChannel().port1.postMessage(null, [port]); } "
             "catch { /* detached */ } }\n";
    return s;
}

} // namespace pmconf::reports::reproducer
