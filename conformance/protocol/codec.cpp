#include "conformance/protocol/codec.h"

#include <charconv>
#include <cmath>
#include <limits>

namespace pmconf::conformance::protocol {

using nlohmann::json;

namespace {

bool well_formed_utf16(std::u16string const& s)
{
    for (std::size_t i = 0; i < s.size(); ++i) {
        char16_t c = s[i];
        if (c >= 0xD800 && c <= 0xDBFF) {
            if (i + 1 >= s.size() || s[i + 1] < 0xDC00 || s[i + 1] > 0xDFFF)
                return false;
            ++i;
        } else if (c >= 0xDC00 && c <= 0xDFFF) {
            return false;
        }
    }
    return true;
}

std::string utf16_to_utf8(std::u16string const& s)
{
    std::string out;
    for (std::size_t i = 0; i < s.size(); ++i) {
        char32_t cp = s[i];
        if (cp >= 0xD800 && cp <= 0xDBFF && i + 1 < s.size()) {
            cp = 0x10000 + ((cp - 0xD800) << 10) + (s[i + 1] - 0xDC00);
            ++i;
        }
        if (cp < 0x80) {
            out += static_cast<char>(cp);
        } else if (cp < 0x800) {
            out += static_cast<char>(0xC0 | (cp >> 6));
            out += static_cast<char>(0x80 | (cp & 0x3F));
        } else if (cp < 0x10000) {
            out += static_cast<char>(0xE0 | (cp >> 12));
            out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
            out += static_cast<char>(0x80 | (cp & 0x3F));
        } else {
            out += static_cast<char>(0xF0 | (cp >> 18));
            out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
            out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
            out += static_cast<char>(0x80 | (cp & 0x3F));
        }
    }
    return out;
}

std::u16string utf8_to_utf16(std::string const& s, std::string const& where)
{
    std::u16string out;
    for (std::size_t i = 0; i < s.size();) {
        auto const c = static_cast<unsigned char>(s[i]);
        char32_t cp;
        std::size_t n;
        if (c < 0x80) {
            cp = c;
            n = 1;
        } else if ((c >> 5) == 6) {
            cp = c & 0x1F;
            n = 2;
        } else if ((c >> 4) == 14) {
            cp = c & 0x0F;
            n = 3;
        } else if ((c >> 3) == 30) {
            cp = c & 0x07;
            n = 4;
        } else {
            throw ProtocolError(where, "invalid UTF-8");
        }
        if (i + n > s.size())
            throw ProtocolError(where, "truncated UTF-8");
        for (std::size_t k = 1; k < n; ++k)
            cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
        if (cp >= 0x10000) {
            cp -= 0x10000;
            out += static_cast<char16_t>(0xD800 + (cp >> 10));
            out += static_cast<char16_t>(0xDC00 + (cp & 0x3FF));
        } else {
            out += static_cast<char16_t>(cp);
        }
        i += n;
    }
    return out;
}

json encode_string(std::u16string const& s)
{
    if (well_formed_utf16(s))
        return utf16_to_utf8(s);
    json units = json::array();
    for (auto c : s)
        units.push_back(static_cast<unsigned>(c));
    return json { { "t", "string" }, { "u16", units } };
}

std::u16string decode_string(json const& j, std::string const& where)
{
    if (j.is_string())
        return utf8_to_utf16(j.get<std::string>(), where);
    if (j.is_object() && j.value("t", "") == "string" && j.contains("u16") && j["u16"].is_array()) {
        std::u16string s;
        for (auto const& u : j["u16"]) {
            if (!u.is_number_unsigned() || u.get<unsigned>() > 0xFFFF)
                throw ProtocolError(where + "/u16", "expected UTF-16 code units (0-65535)");
            s += static_cast<char16_t>(u.get<unsigned>());
        }
        return s;
    }
    throw ProtocolError(where, "expected a string or {\"t\":\"string\",\"u16\":[...]}");
}

std::string hex(std::vector<std::uint8_t> const& bytes)
{
    static constexpr char digits[] = "0123456789abcdef";
    std::string s;
    for (auto b : bytes) {
        s += digits[b >> 4];
        s += digits[b & 15];
    }
    return s;
}

std::vector<std::uint8_t> unhex(json const& j, std::string const& where)
{
    if (!j.is_string())
        throw ProtocolError(where, "expected a hex string");
    auto const s = j.get<std::string>();
    if (s.size() % 2)
        throw ProtocolError(where, "expected an even number of hex digits");
    std::vector<std::uint8_t> out;
    for (std::size_t i = 0; i < s.size(); i += 2) {
        unsigned v = 0;
        auto r = std::from_chars(s.data() + i, s.data() + i + 2, v, 16);
        if (r.ec != std::errc() || r.ptr != s.data() + i + 2)
            throw ProtocolError(where, "expected hex digits");
        out.push_back(static_cast<std::uint8_t>(v));
    }
    return out;
}

json const& field(json const& j, char const* name, std::string const& where)
{
    if (!j.is_object() || !j.contains(name))
        throw ProtocolError(where, std::string("expected a field \"") + name + "\"");
    return j[name];
}

template<class T>
T number_field(json const& j, char const* name, std::string const& where, T fallback)
{
    if (!j.contains(name))
        return fallback;
    auto const& v = j[name];
    if (!v.is_number_unsigned())
        throw ProtocolError(where + "/" + name, "expected a non-negative integer");
    return v.get<T>();
}

bool bool_field(json const& j, char const* name, std::string const& where, bool fallback)
{
    if (!j.contains(name))
        return fallback;
    if (!j[name].is_boolean())
        throw ProtocolError(where + "/" + name, "expected true or false");
    return j[name].get<bool>();
}

NodeIndex node_index(json const& j, std::string const& where)
{
    if (!j.is_number_unsigned())
        throw ProtocolError(where, "expected a node index");
    return j.get<NodeIndex>();
}

json encode_getter(Getter const& g)
{
    static constexpr char const* kinds[] = { "delete", "define", "detach", "delete-entry" };
    json effects = json::array();
    for (auto const& e : g.effects) {
        json je { { "kind", kinds[static_cast<int>(e.kind)] }, { "target", e.target } };
        if (e.kind == GetterEffect::Kind::delete_property || e.kind == GetterEffect::Kind::define_property)
            je["key"] = encode_string(e.key);
        if (e.kind == GetterEffect::Kind::define_property)
            je["value"] = encode_value(e.value);
        if (e.kind == GetterEffect::Kind::delete_collection_entry)
            je["entry"] = e.entry;
        effects.push_back(std::move(je));
    }
    return json { { "label", g.label }, { "effects", effects }, { "throws", g.throws }, { "result", encode_value(g.result) } };
}

Getter decode_getter(json const& j, std::string const& where)
{
    Getter g;
    g.label = number_field<std::uint32_t>(j, "label", where, 0);
    g.throws = bool_field(j, "throws", where, false);
    if (j.contains("result"))
        g.result = decode_value(j["result"], where + "/result");
    if (j.contains("effects")) {
        auto const& effects = j["effects"];
        if (!effects.is_array())
            throw ProtocolError(where + "/effects", "expected an array");
        for (std::size_t i = 0; i < effects.size(); ++i) {
            auto const w = where + "/effects/" + std::to_string(i);
            auto const& je = effects[i];
            GetterEffect e;
            auto const kind = field(je, "kind", w);
            if (kind == "delete")
                e.kind = GetterEffect::Kind::delete_property;
            else if (kind == "define")
                e.kind = GetterEffect::Kind::define_property;
            else if (kind == "detach")
                e.kind = GetterEffect::Kind::detach;
            else if (kind == "delete-entry")
                e.kind = GetterEffect::Kind::delete_collection_entry;
            else
                throw ProtocolError(w + "/kind", "expected delete, define, detach or delete-entry");
            e.target = node_index(field(je, "target", w), w + "/target");
            if (je.contains("key"))
                e.key = decode_string(je["key"], w + "/key");
            if (je.contains("value"))
                e.value = decode_value(je["value"], w + "/value");
            e.entry = number_field<std::uint32_t>(je, "entry", w, 0);
            g.effects.push_back(std::move(e));
        }
    }
    return g;
}

} // namespace

json encode_value(GValue const& v)
{
    return std::visit(
        [](auto const& x) -> json {
            using T = std::decay_t<decltype(x)>;
            if constexpr (std::is_same_v<T, Undefined>) {
                return json { { "t", "undefined" } };
            } else if constexpr (std::is_same_v<T, Null>) {
                return nullptr;
            } else if constexpr (std::is_same_v<T, bool>) {
                return x;
            } else if constexpr (std::is_same_v<T, double>) {
                if (std::isnan(x))
                    return json { { "t", "number" }, { "v", "NaN" } };
                if (std::isinf(x))
                    return json { { "t", "number" }, { "v", x < 0 ? "-Infinity" : "Infinity" } };
                if (x == 0 && std::signbit(x))
                    return json { { "t", "number" }, { "v", "-0" } };
                return x;
            } else if constexpr (std::is_same_v<T, BigInt>) {
                return json { { "t", "bigint" }, { "v", x.decimal } };
            } else if constexpr (std::is_same_v<T, std::u16string>) {
                return encode_string(x);
            } else {
                return json { { "ref", x.node } };
            }
        },
        v);
}

GValue decode_value(json const& j, std::string const& where)
{
    if (j.is_null())
        return Null {};
    if (j.is_boolean())
        return j.get<bool>();
    if (j.is_number())
        return j.get<double>();
    if (j.is_string())
        return decode_string(j, where);
    if (j.is_object()) {
        if (j.contains("ref"))
            return NodeRef { node_index(j["ref"], where + "/ref") };
        auto const t = j.value("t", "");
        if (t == "undefined")
            return Undefined {};
        if (t == "string")
            return decode_string(j, where);
        if (t == "bigint") {
            auto const& v = field(j, "v", where);
            if (!v.is_string())
                throw ProtocolError(where + "/v", "expected a decimal string");
            return BigInt { v.get<std::string>() };
        }
        if (t == "number") {
            auto const v = field(j, "v", where);
            if (v == "-0")
                return -0.0;
            if (v == "NaN")
                return std::numeric_limits<double>::quiet_NaN();
            if (v == "Infinity")
                return std::numeric_limits<double>::infinity();
            if (v == "-Infinity")
                return -std::numeric_limits<double>::infinity();
            throw ProtocolError(where + "/v", "expected \"-0\", \"NaN\", \"Infinity\" or \"-Infinity\"");
        }
    }
    throw ProtocolError(where, "expected a value (null, a boolean, a number, a string, {\"t\":...} or {\"ref\":N})");
}

json encode_graph(Graph const& g)
{
    json nodes = json::array();
    for (auto const& n : g.nodes) {
        json j { { "kind", node_kind_name(n.kind) } };
        if (!n.properties.empty()) {
            json props = json::array();
            for (auto const& p : n.properties) {
                json jp;
                if (p.symbol)
                    jp["symbol"] = *p.symbol;
                else
                    jp["key"] = encode_string(p.key);
                if (p.getter)
                    jp["getter"] = encode_getter(*p.getter);
                else
                    jp["value"] = encode_value(p.value);
                if (!p.enumerable)
                    jp["enumerable"] = false;
                props.push_back(std::move(jp));
            }
            j["props"] = std::move(props);
        }
        switch (n.kind) {
        case NodeKind::boolean_object:
        case NodeKind::number_object:
        case NodeKind::bigint_object:
        case NodeKind::string_object: j["primitive"] = encode_value(n.primitive); break;
        case NodeKind::date: j["date"] = encode_value(n.date_value); break;
        case NodeKind::regexp:
            j["source"] = encode_string(n.source);
            j["flags"] = n.flags;
            j["lastIndex"] = encode_value(n.last_index);
            break;
        case NodeKind::array_buffer:
        case NodeKind::shared_array_buffer:
            j["bytes"] = hex(n.bytes);
            j["byteLength"] = n.byte_length;
            if (n.max_byte_length)
                j["maxByteLength"] = *n.max_byte_length;
            if (n.detached)
                j["detached"] = true;
            if (n.detach_key)
                j["detachKey"] = true;
            break;
        case NodeKind::typed_array:
        case NodeKind::data_view:
            j["buffer"] = n.buffer;
            j["viewType"] = n.view_type;
            j["byteOffset"] = n.byte_offset;
            j["length"] = n.length ? json(*n.length) : json(nullptr);
            break;
        case NodeKind::array: j["arrayLength"] = n.array_length; break;
        case NodeKind::map: {
            json entries = json::array();
            for (auto const& [k, v] : n.map_entries)
                entries.push_back(json::array({ encode_value(k), encode_value(v) }));
            j["mapEntries"] = std::move(entries);
            break;
        }
        case NodeKind::set: {
            json entries = json::array();
            for (auto const& v : n.set_entries)
                entries.push_back(encode_value(v));
            j["setEntries"] = std::move(entries);
            break;
        }
        case NodeKind::error:
            j["errorPrototype"] = n.error_prototype;
            j["stack"] = encode_string(n.stack);
            break;
        case NodeKind::message_port:
            j["portId"] = n.port_id;
            if (n.detached)
                j["detached"] = true;
            break;
        case NodeKind::image_bitmap:
            j["width"] = n.width;
            j["height"] = n.height;
            j["originClean"] = n.origin_clean;
            if (n.detached)
                j["detached"] = true;
            break;
        case NodeKind::dom_exception:
            j["name"] = encode_string(n.name);
            j["message"] = encode_string(n.message);
            break;
        case NodeKind::symbol: j["description"] = encode_string(n.source); break;
        default: break;
        }
        nodes.push_back(std::move(j));
    }
    return json { { "root", encode_value(g.root) }, { "nodes", nodes } };
}

Graph decode_graph(json const& j, std::string const& where)
{
    Graph g;
    g.root = decode_value(field(j, "root", where), where + "/root");
    auto const& nodes = field(j, "nodes", where);
    if (!nodes.is_array())
        throw ProtocolError(where + "/nodes", "expected an array of nodes");
    for (std::size_t i = 0; i < nodes.size(); ++i) {
        auto const w = where + "/nodes/" + std::to_string(i);
        auto const& jn = nodes[i];
        Node n;
        auto const& kind = field(jn, "kind", w);
        auto const parsed = kind.is_string() ? node_kind_from_name(kind.get<std::string>()) : std::nullopt;
        if (!parsed)
            throw ProtocolError(w + "/kind", "expected a node kind (Object, Array, Map, ...; see docs/protocol.md)");
        n.kind = *parsed;
        if (jn.contains("props")) {
            auto const& props = jn["props"];
            if (!props.is_array())
                throw ProtocolError(w + "/props", "expected an array");
            for (std::size_t k = 0; k < props.size(); ++k) {
                auto const wp = w + "/props/" + std::to_string(k);
                auto const& jp = props[k];
                Property p;
                if (jp.contains("symbol"))
                    p.symbol = node_index(jp["symbol"], wp + "/symbol");
                else
                    p.key = decode_string(field(jp, "key", wp), wp + "/key");
                if (jp.contains("getter"))
                    p.getter = decode_getter(jp["getter"], wp + "/getter");
                else if (jp.contains("value"))
                    p.value = decode_value(jp["value"], wp + "/value");
                p.enumerable = bool_field(jp, "enumerable", wp, true);
                n.properties.push_back(std::move(p));
            }
        }
        if (jn.contains("primitive"))
            n.primitive = decode_value(jn["primitive"], w + "/primitive");
        if (jn.contains("date")) {
            auto const d = decode_value(jn["date"], w + "/date");
            if (!std::holds_alternative<double>(d))
                throw ProtocolError(w + "/date", "expected a number");
            n.date_value = std::get<double>(d);
        }
        if (jn.contains("source"))
            n.source = decode_string(jn["source"], w + "/source");
        if (jn.contains("description"))
            n.source = decode_string(jn["description"], w + "/description");
        if (jn.contains("flags"))
            n.flags = jn["flags"].is_string() ? jn["flags"].get<std::string>() : throw ProtocolError(w + "/flags", "expected a string");
        if (jn.contains("lastIndex")) {
            auto const li = decode_value(jn["lastIndex"], w + "/lastIndex");
            n.last_index = std::holds_alternative<double>(li) ? std::get<double>(li) : 0;
        }
        if (jn.contains("bytes"))
            n.bytes = unhex(jn["bytes"], w + "/bytes");
        n.byte_length = number_field<std::uint64_t>(jn, "byteLength", w, n.bytes.size());
        if (jn.contains("maxByteLength"))
            n.max_byte_length = number_field<std::uint64_t>(jn, "maxByteLength", w, 0);
        n.detached = bool_field(jn, "detached", w, false);
        n.detach_key = bool_field(jn, "detachKey", w, false);
        if (n.kind == NodeKind::typed_array || n.kind == NodeKind::data_view) {
            n.buffer = node_index(field(jn, "buffer", w), w + "/buffer");
            auto const& vt = field(jn, "viewType", w);
            if (!vt.is_string())
                throw ProtocolError(w + "/viewType", "expected \"DataView\" or a typed array name");
            n.view_type = vt.get<std::string>();
            n.byte_offset = number_field<std::uint64_t>(jn, "byteOffset", w, 0);
            if (jn.contains("length") && !jn["length"].is_null())
                n.length = number_field<std::uint64_t>(jn, "length", w, 0);
        }
        n.array_length = number_field<std::uint32_t>(jn, "arrayLength", w, 0);
        if (jn.contains("mapEntries")) {
            auto const& entries = jn["mapEntries"];
            if (!entries.is_array())
                throw ProtocolError(w + "/mapEntries", "expected [[key, value], ...]");
            for (std::size_t k = 0; k < entries.size(); ++k) {
                auto const we = w + "/mapEntries/" + std::to_string(k);
                if (!entries[k].is_array() || entries[k].size() != 2)
                    throw ProtocolError(we, "expected [key, value]");
                n.map_entries.emplace_back(decode_value(entries[k][0], we + "/0"), decode_value(entries[k][1], we + "/1"));
            }
        }
        if (jn.contains("setEntries")) {
            auto const& entries = jn["setEntries"];
            if (!entries.is_array())
                throw ProtocolError(w + "/setEntries", "expected an array");
            for (std::size_t k = 0; k < entries.size(); ++k)
                n.set_entries.push_back(decode_value(entries[k], w + "/setEntries/" + std::to_string(k)));
        }
        if (jn.contains("errorPrototype"))
            n.error_prototype = jn["errorPrototype"].is_string() ? jn["errorPrototype"].get<std::string>()
                                                                : throw ProtocolError(w + "/errorPrototype", "expected a string");
        if (jn.contains("stack"))
            n.stack = decode_string(jn["stack"], w + "/stack");
        n.port_id = number_field<std::uint32_t>(jn, "portId", w, 0);
        if (jn.contains("name"))
            n.name = decode_string(jn["name"], w + "/name");
        if (jn.contains("message"))
            n.message = decode_string(jn["message"], w + "/message");
        n.width = number_field<std::uint32_t>(jn, "width", w, 0);
        n.height = number_field<std::uint32_t>(jn, "height", w, 0);
        n.origin_clean = bool_field(jn, "originClean", w, true);
        g.nodes.push_back(std::move(n));
    }
    // References must stay inside the graph.
    auto check = [&](GValue const& v, std::string const& what) {
        if (auto const* r = std::get_if<NodeRef>(&v); r && r->node >= g.nodes.size())
            throw ProtocolError(where, what + " refers to node " + std::to_string(r->node) + ", but there are "
                    + std::to_string(g.nodes.size()) + " nodes");
    };
    check(g.root, "the root");
    for (std::size_t i = 0; i < g.nodes.size(); ++i) {
        auto const& n = g.nodes[i];
        auto const at = "node " + std::to_string(i);
        for (auto const& p : n.properties) {
            check(p.value, at);
            if (p.symbol && *p.symbol >= g.nodes.size())
                throw ProtocolError(where, at + " has a symbol key that is not a node");
        }
        for (auto const& [k, v] : n.map_entries) {
            check(k, at);
            check(v, at);
        }
        for (auto const& v : n.set_entries)
            check(v, at);
        check(n.primitive, at);
        if ((n.kind == NodeKind::typed_array || n.kind == NodeKind::data_view) && n.buffer >= g.nodes.size())
            throw ProtocolError(where, at + " views a buffer that is not a node");
    }
    return g;
}

json encode_scenario(Scenario const& s)
{
    if (s.mode != PassMode::structured_clone && s.mode != PassMode::message_channel)
        throw ProtocolError("/mode", std::string("the mode \"") + pass_mode_name(s.mode) + "\" runs on the model only");
    json transfer = json::array();
    for (auto const& t : s.transfer)
        transfer.push_back(encode_value(t));
    return json { { "graph", encode_graph(s.graph) }, { "transfer", transfer },
        { "mode", s.mode == PassMode::message_channel ? "messageChannel" : "structuredClone" } };
}

Scenario decode_scenario(json const& j, std::string const& where)
{
    Scenario s;
    s.graph = decode_graph(field(j, "graph", where), where + "/graph");
    auto const& transfer = field(j, "transfer", where);
    if (!transfer.is_array())
        throw ProtocolError(where + "/transfer", "expected an array");
    for (std::size_t i = 0; i < transfer.size(); ++i)
        s.transfer.push_back(decode_value(transfer[i], where + "/transfer/" + std::to_string(i)));
    auto const& mode = field(j, "mode", where);
    if (mode == "messageChannel")
        s.mode = PassMode::message_channel;
    else if (mode != "structuredClone")
        throw ProtocolError(where + "/mode", "expected \"structuredClone\" or \"messageChannel\"");
    return s;
}

json encode_observation(Observation const& o)
{
    json transferables = json::array();
    for (auto const& t : o.transferables)
        transferables.push_back(json { { "node", t.node }, { "detached", t.detached }, { "byteLength", t.byte_length } });
    json j { { "threw", o.threw }, { "transferables", transferables }, { "getterCalls", o.getter_calls } };
    if (o.threw) {
        j["error"] = json { { "name", o.error_name }, { "domException", o.error_is_dom_exception } };
        if (o.error_name == "user value")
            j["thrownValue"] = encode_value(o.thrown_value);
    } else {
        j["result"] = encode_graph(o.result);
    }
    return j;
}

Observation decode_observation(json const& j, std::string const& where)
{
    Observation o;
    auto const& threw = field(j, "threw", where);
    if (!threw.is_boolean())
        throw ProtocolError(where + "/threw", "expected true or false");
    o.threw = threw.get<bool>();
    if (o.threw) {
        auto const& error = field(j, "error", where);
        auto const& name = field(error, "name", where + "/error");
        if (!name.is_string())
            throw ProtocolError(where + "/error/name", "expected a string");
        o.error_name = name.get<std::string>();
        o.error_is_dom_exception = bool_field(error, "domException", where + "/error", false);
        if (j.contains("thrownValue")) {
            o.thrown_value = decode_value(j["thrownValue"], where + "/thrownValue");
            if (std::holds_alternative<NodeRef>(o.thrown_value))
                throw ProtocolError(where + "/thrownValue", "expected a primitive");
        }
    } else {
        o.result = decode_graph(field(j, "result", where), where + "/result");
    }
    if (j.contains("transferables")) {
        auto const& ts = j["transferables"];
        if (!ts.is_array())
            throw ProtocolError(where + "/transferables", "expected an array");
        for (std::size_t i = 0; i < ts.size(); ++i) {
            auto const w = where + "/transferables/" + std::to_string(i);
            TransferableState t;
            t.node = node_index(field(ts[i], "node", w), w + "/node");
            t.detached = bool_field(ts[i], "detached", w, false);
            t.byte_length = number_field<std::uint64_t>(ts[i], "byteLength", w, 0);
            o.transferables.push_back(t);
        }
    }
    if (j.contains("getterCalls")) {
        auto const& calls = j["getterCalls"];
        if (!calls.is_array())
            throw ProtocolError(where + "/getterCalls", "expected an array of getter labels");
        for (std::size_t i = 0; i < calls.size(); ++i) {
            if (!calls[i].is_number_unsigned())
                throw ProtocolError(where + "/getterCalls/" + std::to_string(i), "expected a getter label");
            o.getter_calls.push_back(calls[i].get<std::uint32_t>());
        }
    }
    return o;
}

} // namespace pmconf::conformance::protocol
