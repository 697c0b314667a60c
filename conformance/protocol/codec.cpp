#include "conformance/protocol/codec.h"

#include <rapidjson/document.h>
#include <rapidjson/error/en.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <charconv>
#include <cmath>
#include <limits>

namespace pmconf::conformance::protocol {

namespace {

using rapidjson::Value;

// Where in the document a decoder is: a chain of JSON pointer segments on the stack, rendered only
// when something is wrong (building a pointer string per node would cost more than the decoding).
// Operation sequences (docs/protocol.md, "Operation sequences"): the wire names of kinds and agents.
using OpKind = model::web_messaging::Operation::Kind;
constexpr std::pair<OpKind, char const*> op_names[] = {
    { OpKind::new_channel, "newChannel" }, { OpKind::port_post, "portPost" }, { OpKind::port_start, "portStart" },
    { OpKind::port_set_onmessage, "portSetOnmessage" }, { OpKind::port_add_listener, "portAddListener" },
    { OpKind::port_close, "portClose" }, { OpKind::new_broadcast, "newBroadcastChannel" }, { OpKind::broadcast_post, "broadcastPost" },
    { OpKind::broadcast_close, "broadcastClose" }, { OpKind::client_post, "clientPost" }, { OpKind::client_gone, "clientGone" },
    { OpKind::container_start, "containerStartMessages" }, { OpKind::container_set_onmessage, "containerSetOnmessage" },
    { OpKind::container_add_listener, "containerAddListener" }, { OpKind::document_parsed, "documentParsed" },
    { OpKind::run_event_loops, "runEventLoops" }, { OpKind::new_worker, "newWorker" }, { OpKind::worker_runs, "workerRuns" },
    { OpKind::worker_post, "workerPost" }, { OpKind::worker_global_post, "workerGlobalPost" },
    { OpKind::service_worker_listens, "serviceWorkerListens" }, { OpKind::service_worker_post, "serviceWorkerPost" },
};
using model::web_messaging::Agent;
constexpr std::pair<Agent, char const*> agent_names[] = {
    { Agent::window_a, "windowA" }, { Agent::window_b, "windowB" }, { Agent::window_other_site, "windowOtherSite" },
    { Agent::service_worker, "serviceWorker" }, { Agent::dedicated_worker, "dedicatedWorker" },
};

struct Where {
    Where const* parent = nullptr;
    char const* name = nullptr; // a member name, or null for an index
    std::size_t index = 0;
    std::string const* root = nullptr;

    Where operator/(char const* member) const { return { this, member, 0, nullptr }; }
    Where operator[](std::size_t i) const { return { this, nullptr, i, nullptr }; }
    std::string str() const
    {
        if (!parent)
            return root ? *root : std::string();
        auto s = parent->str();
        s += '/';
        s += name ? std::string(name) : std::to_string(index);
        return s;
    }
};

[[noreturn]] void fail(Where const& where, std::string what) { throw ProtocolError(where.str(), std::move(what)); }

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

void utf16_to_utf8(std::u16string const& s, std::string& out)
{
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
}

std::u16string utf8_to_utf16(std::string_view s, Where const& where)
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
            fail(where, "invalid UTF-8");
        }
        if (i + n > s.size())
            fail(where, "truncated UTF-8");
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


// ---- Encoding ---------------------------------------------------------------------------------

class Encoder {
public:
    explicit Encoder(std::size_t reserve = 256) : m_buffer(nullptr, reserve), m_writer(m_buffer) { }
    std::string take() const { return { m_buffer.GetString(), m_buffer.GetSize() }; }

    void key(std::string_view k) { m_writer.Key(k.data(), static_cast<rapidjson::SizeType>(k.size())); }
    void string(std::string_view s) { m_writer.String(s.data(), static_cast<rapidjson::SizeType>(s.size())); }
    void uint(std::uint64_t n) { m_writer.Uint64(n); }
    void boolean(bool b) { m_writer.Bool(b); }
    void begin_object() { m_writer.StartObject(); }
    void end_object() { m_writer.EndObject(); }
    void begin_array() { m_writer.StartArray(); }
    void end_array() { m_writer.EndArray(); }

    // A string as UTF-8 when it is well-formed UTF-16, else as its code units.
    void string(std::u16string const& s)
    {
        if (well_formed_utf16(s)) {
            m_scratch.clear();
            utf16_to_utf8(s, m_scratch);
            string(m_scratch);
            return;
        }
        begin_object();
        key("t");
        string("string");
        key("u16");
        begin_array();
        for (auto c : s)
            m_writer.Uint(c);
        end_array();
        end_object();
    }

    void number(double x)
    {
        if (std::isnan(x))
            tagged("number", "NaN");
        else if (std::isinf(x))
            tagged("number", x < 0 ? "-Infinity" : "Infinity");
        else if (x == 0 && std::signbit(x))
            tagged("number", "-0");
        else
            m_writer.Double(x);
    }

    void value(GValue const& v)
    {
        std::visit(
            [this](auto const& x) {
                using T = std::decay_t<decltype(x)>;
                if constexpr (std::is_same_v<T, Undefined>) {
                    begin_object();
                    key("t");
                    string("undefined");
                    end_object();
                } else if constexpr (std::is_same_v<T, Null>) {
                    m_writer.Null();
                } else if constexpr (std::is_same_v<T, bool>) {
                    boolean(x);
                } else if constexpr (std::is_same_v<T, double>) {
                    number(x);
                } else if constexpr (std::is_same_v<T, BigInt>) {
                    tagged("bigint", x.decimal);
                } else if constexpr (std::is_same_v<T, std::u16string>) {
                    string(x);
                } else {
                    begin_object();
                    key("ref");
                    uint(x.node);
                    end_object();
                }
            },
            v);
    }

    void getter(Getter const& g)
    {
        static constexpr char const* kinds[] = { "delete", "define", "detach", "delete-entry" };
        begin_object();
        key("label");
        uint(g.label);
        key("effects");
        begin_array();
        for (auto const& e : g.effects) {
            begin_object();
            key("kind");
            string(kinds[static_cast<int>(e.kind)]);
            key("target");
            uint(e.target);
            if (e.kind == GetterEffect::Kind::delete_property || e.kind == GetterEffect::Kind::define_property) {
                key("key");
                string(e.key);
            }
            if (e.kind == GetterEffect::Kind::define_property) {
                key("value");
                value(e.value);
            }
            if (e.kind == GetterEffect::Kind::delete_collection_entry) {
                key("entry");
                uint(e.entry);
            }
            end_object();
        }
        end_array();
        key("throws");
        boolean(g.throws);
        key("result");
        value(g.result);
        end_object();
    }

    void node(Node const& n)
    {
        begin_object();
        key("kind");
        string(node_kind_name(n.kind));
        if (!n.properties.empty()) {
            key("props");
            begin_array();
            for (auto const& p : n.properties) {
                begin_object();
                if (p.symbol) {
                    key("symbol");
                    uint(*p.symbol);
                } else {
                    key("key");
                    string(p.key);
                }
                if (p.getter) {
                    key("getter");
                    getter(*p.getter);
                } else {
                    key("value");
                    value(p.value);
                }
                if (!p.enumerable) {
                    key("enumerable");
                    boolean(false);
                }
                end_object();
            }
            end_array();
        }
        switch (n.kind) {
        case NodeKind::boolean_object:
        case NodeKind::number_object:
        case NodeKind::bigint_object:
        case NodeKind::string_object:
            key("primitive");
            value(n.primitive);
            break;
        case NodeKind::date:
            key("date");
            number(n.date_value);
            break;
        case NodeKind::regexp:
            key("source");
            string(n.source);
            key("flags");
            string(std::string_view(n.flags));
            key("lastIndex");
            number(n.last_index);
            break;
        case NodeKind::array_buffer:
        case NodeKind::shared_array_buffer:
            key("bytes");
            hex(n.bytes);
            key("byteLength");
            uint(n.byte_length);
            if (n.max_byte_length) {
                key("maxByteLength");
                uint(*n.max_byte_length);
            }
            if (n.detached) {
                key("detached");
                boolean(true);
            }
            if (n.detach_key) {
                key("detachKey");
                boolean(true);
            }
            break;
        case NodeKind::typed_array:
        case NodeKind::data_view:
            key("buffer");
            uint(n.buffer);
            key("viewType");
            string(std::string_view(n.view_type));
            key("byteOffset");
            uint(n.byte_offset);
            key("length");
            if (n.length)
                uint(*n.length);
            else
                m_writer.Null();
            break;
        case NodeKind::array:
            key("arrayLength");
            uint(n.array_length);
            break;
        case NodeKind::map:
            key("mapEntries");
            begin_array();
            for (auto const& [k, v] : n.map_entries) {
                begin_array();
                value(k);
                value(v);
                end_array();
            }
            end_array();
            break;
        case NodeKind::set:
            key("setEntries");
            begin_array();
            for (auto const& v : n.set_entries)
                value(v);
            end_array();
            break;
        case NodeKind::error:
            key("errorPrototype");
            string(std::string_view(n.error_prototype));
            key("stack");
            string(n.stack);
            break;
        case NodeKind::message_port:
            key("portId");
            uint(n.port_id);
            if (n.detached) {
                key("detached");
                boolean(true);
            }
            break;
        case NodeKind::image_bitmap:
            key("width");
            uint(n.width);
            key("height");
            uint(n.height);
            key("originClean");
            boolean(n.origin_clean);
            if (n.detached) {
                key("detached");
                boolean(true);
            }
            break;
        case NodeKind::dom_exception:
            key("name");
            string(n.name);
            key("message");
            string(n.message);
            break;
        case NodeKind::symbol:
            key("description");
            string(n.source);
            break;
        default: break;
        }
        end_object();
    }

    void graph(Graph const& g)
    {
        begin_object();
        key("root");
        value(g.root);
        key("nodes");
        begin_array();
        for (auto const& n : g.nodes)
            node(n);
        end_array();
        end_object();
    }

    void port(model::web_messaging::PortName p)
    {
        begin_array();
        uint(p.op);
        uint(p.index);
        end_array();
    }

    void operations(std::vector<model::web_messaging::Operation> const& ops)
    {
        begin_object();
        key("mode");
        string("operations");
        key("operations");
        begin_array();
        for (auto const& op : ops) {
            begin_object();
            key("op");
            for (auto const& [kind, name] : op_names)
                if (kind == op.kind)
                    string(name);
            key("label");
            uint(op.label);
            switch (op.kind) {
            case OpKind::new_channel:
            case OpKind::new_broadcast:
                key("agent");
                for (auto const& [agent, name] : agent_names)
                    if (agent == op.agent)
                        string(name);
                if (op.kind == OpKind::new_broadcast) {
                    key("name");
                    string(std::string(1, char('a' + op.name)));
                }
                break;
            case OpKind::port_post:
            case OpKind::client_post:
            case OpKind::service_worker_post:
            case OpKind::worker_post:
            case OpKind::worker_global_post:
                if (op.kind == OpKind::port_post) {
                    key("port");
                    port(op.port);
                } else if (op.kind == OpKind::worker_post || op.kind == OpKind::worker_global_post) {
                    key("worker");
                    uint(op.channel);
                } else {
                    key("client");
                    uint(op.client);
                }
                key("transfer");
                begin_array();
                for (auto const& t : op.transfer)
                    port(t);
                end_array();
                key("overload");
                string(op.sequence_overload ? "sequence" : "options");
                [[fallthrough]];
            case OpKind::broadcast_post:
                if (op.kind == OpKind::broadcast_post) {
                    key("channel");
                    uint(op.channel);
                }
                key("message");
                begin_object();
                if (op.message.shared_buffer) {
                    key("sharedArrayBuffer");
                    boolean(true);
                }
                if (op.message.symbol) {
                    key("symbol");
                    boolean(true);
                }
                end_object();
                break;
            case OpKind::port_start:
            case OpKind::port_set_onmessage:
            case OpKind::port_add_listener:
            case OpKind::port_close:
                key("port");
                port(op.port);
                break;
            case OpKind::broadcast_close:
                key("channel");
                uint(op.channel);
                break;
            case OpKind::client_gone:
            case OpKind::container_start:
            case OpKind::container_set_onmessage:
            case OpKind::container_add_listener:
            case OpKind::document_parsed:
                key("client");
                uint(op.client);
                break;
            case OpKind::worker_runs:
                key("worker");
                uint(op.channel);
                break;
            case OpKind::new_worker:
                if (op.unparsable_url) {
                    key("unparsableURL");
                    boolean(true);
                }
                break;
            case OpKind::service_worker_listens:
            case OpKind::run_event_loops:
                break;
            }
            end_object();
        }
        end_array();
        end_object();
    }

    void messaging_observation(Observation const& o)
    {
        using model::web_messaging::EventTargetName;
        begin_object();
        key("outcomes");
        begin_array();
        for (auto const& r : o.outcomes) {
            begin_object();
            if (r.skipped) {
                key("skipped");
                boolean(true);
            } else if (r.threw) {
                key("threw");
                boolean(true);
                key("error");
                string(std::string_view(r.error));
            }
            if (!r.step.empty()) { // the model's (reproducers compute signatures with it)
                key("step");
                string(std::string_view(r.step));
            }
            end_object();
        }
        end_array();
        key("events");
        begin_array();
        for (auto const& e : o.events) {
            begin_object();
            key("target");
            begin_object();
            switch (e.target.kind) {
            case EventTargetName::Kind::port:
                key("port");
                port(e.target.port);
                break;
            case EventTargetName::Kind::broadcast_channel:
                key("broadcast");
                uint(e.target.id);
                break;
            case EventTargetName::Kind::container:
                key("client");
                uint(e.target.id);
                break;
            case EventTargetName::Kind::worker:
                key("worker");
                uint(e.target.id);
                break;
            case EventTargetName::Kind::worker_global:
                key("workerGlobal");
                uint(e.target.id);
                break;
            case EventTargetName::Kind::service_worker_global:
                key("serviceWorker");
                uint(0);
                break;
            }
            end_object();
            key("type");
            string(std::string_view(e.type));
            if (e.type == "message") {
                key("message");
                uint(e.message);
                key("ports");
                begin_array();
                for (auto const& p : e.ports)
                    port(p);
                end_array();
            }
            if (!e.origin.empty()) {
                key("origin");
                string(std::string_view(e.origin));
            }
            if (!e.source.empty()) {
                key("source");
                string(std::string_view(e.source));
            }
            if (e.optional) { // the model's: the spec lets the user agent skip this event
                key("optional");
                boolean(true);
            }
            end_object();
        }
        end_array();
        end_object();
    }

    void scenario(Scenario const& s)
    {
        if (s.mode == PassMode::operations) {
            operations(s.operations);
            return;
        }
        if (s.mode != PassMode::structured_clone && s.mode != PassMode::message_channel)
            throw ProtocolError("/mode", std::string("the mode \"") + pass_mode_name(s.mode) + "\" runs on the model only");
        begin_object();
        key("graph");
        graph(s.graph);
        key("transfer");
        begin_array();
        for (auto const& t : s.transfer)
            value(t);
        end_array();
        key("mode");
        string(s.mode == PassMode::message_channel ? "messageChannel" : "structuredClone");
        end_object();
    }

    void observation(Observation const& o)
    {
        if (!o.outcomes.empty()) {
            messaging_observation(o);
            return;
        }
        begin_object();
        key("threw");
        boolean(o.threw);
        key("transferables");
        begin_array();
        for (auto const& t : o.transferables) {
            begin_object();
            key("node");
            uint(t.node);
            key("detached");
            boolean(t.detached);
            key("byteLength");
            uint(t.byte_length);
            end_object();
        }
        end_array();
        key("getterCalls");
        begin_array();
        for (auto label : o.getter_calls)
            uint(label);
        end_array();
        if (o.threw) {
            key("error");
            begin_object();
            key("name");
            string(std::string_view(o.error_name));
            key("domException");
            boolean(o.error_is_dom_exception);
            end_object();
            if (o.error_name == "user value") {
                key("thrownValue");
                value(o.thrown_value);
            }
        } else {
            key("result");
            graph(o.result);
        }
        end_object();
    }

private:
    void tagged(std::string_view t, std::string_view v)
    {
        begin_object();
        key("t");
        string(t);
        key("v");
        string(v);
        end_object();
    }

    void hex(std::vector<std::uint8_t> const& bytes)
    {
        static constexpr char digits[] = "0123456789abcdef";
        m_scratch.clear();
        for (auto b : bytes) {
            m_scratch += digits[b >> 4];
            m_scratch += digits[b & 15];
        }
        string(m_scratch);
    }

    rapidjson::StringBuffer m_buffer;
    rapidjson::Writer<rapidjson::StringBuffer> m_writer;
    std::string m_scratch;
};

// ---- Decoding ---------------------------------------------------------------------------------

constexpr unsigned parse_flags = rapidjson::kParseFullPrecisionFlag | rapidjson::kParseValidateEncodingFlag;

void parse(rapidjson::Document& d, std::string_view text)
{
    d.Parse<parse_flags>(text.data(), text.size());
    if (d.HasParseError())
        throw NotJson(std::string(rapidjson::GetParseError_En(d.GetParseError())) + " (at byte " + std::to_string(d.GetErrorOffset()) + ")");
}

Value const* member(Value const& j, char const* name)
{
    if (!j.IsObject())
        return nullptr;
    auto it = j.FindMember(name);
    return it == j.MemberEnd() ? nullptr : &it->value;
}

Value const& field(Value const& j, char const* name, Where const& where)
{
    auto const* v = member(j, name);
    if (!v)
        fail(where, std::string("expected a field \"") + name + "\"");
    return *v;
}

bool equals(Value const& v, std::string_view s)
{
    return v.IsString() && std::string_view(v.GetString(), v.GetStringLength()) == s;
}

std::string_view string_of(Value const& v) { return { v.GetString(), v.GetStringLength() }; }

template<class T>
T number_field(Value const& j, char const* name, Where const& where, T fallback)
{
    auto const* v = member(j, name);
    if (!v)
        return fallback;
    if (!v->IsUint64() || v->GetUint64() > std::numeric_limits<T>::max())
        fail(where / name, "expected a non-negative integer");
    return static_cast<T>(v->GetUint64());
}

bool bool_field(Value const& j, char const* name, Where const& where, bool fallback)
{
    auto const* v = member(j, name);
    if (!v)
        return fallback;
    if (!v->IsBool())
        fail(where / name, "expected true or false");
    return v->GetBool();
}

NodeIndex node_index(Value const& j, Where const& where)
{
    if (!j.IsUint())
        fail(where, "expected a node index");
    return j.GetUint();
}

Value const& array_field(Value const& j, char const* name, Where const& where, char const* expected)
{
    auto const& v = field(j, name, where);
    if (!v.IsArray())
        fail(where / name, expected);
    return v;
}

std::u16string decode_string(Value const& j, Where const& where)
{
    if (j.IsString())
        return utf8_to_utf16(string_of(j), where);
    if (auto const* t = member(j, "t"); t && equals(*t, "string")) {
        if (auto const* units = member(j, "u16"); units && units->IsArray()) {
            std::u16string s;
            for (rapidjson::SizeType i = 0; i < units->Size(); ++i) {
                auto const& u = (*units)[i];
                if (!u.IsUint() || u.GetUint() > 0xFFFF)
                    fail(where / "u16", "expected UTF-16 code units (0-65535)");
                s += static_cast<char16_t>(u.GetUint());
            }
            return s;
        }
    }
    fail(where, "expected a string or {\"t\":\"string\",\"u16\":[...]}");
}

std::vector<std::uint8_t> unhex(Value const& j, Where const& where)
{
    if (!j.IsString())
        fail(where, "expected a hex string");
    auto const s = string_of(j);
    if (s.size() % 2)
        fail(where, "expected an even number of hex digits");
    std::vector<std::uint8_t> out;
    out.reserve(s.size() / 2);
    for (std::size_t i = 0; i < s.size(); i += 2) {
        unsigned v = 0;
        auto r = std::from_chars(s.data() + i, s.data() + i + 2, v, 16);
        if (r.ec != std::errc() || r.ptr != s.data() + i + 2)
            fail(where, "expected hex digits");
        out.push_back(static_cast<std::uint8_t>(v));
    }
    return out;
}

GValue decode_value(Value const& j, Where const& where)
{
    if (j.IsNull())
        return Null {};
    if (j.IsBool())
        return j.GetBool();
    if (j.IsNumber())
        return j.GetDouble();
    if (j.IsString())
        return decode_string(j, where);
    if (j.IsObject()) {
        if (auto const* ref = member(j, "ref"))
            return NodeRef { node_index(*ref, where / "ref") };
        auto const* t = member(j, "t");
        if (t && equals(*t, "undefined"))
            return Undefined {};
        if (t && equals(*t, "string"))
            return decode_string(j, where);
        if (t && equals(*t, "bigint")) {
            auto const& v = field(j, "v", where);
            if (!v.IsString())
                fail(where / "v", "expected a decimal string");
            return BigInt { std::string(string_of(v)) };
        }
        if (t && equals(*t, "number")) {
            auto const& v = field(j, "v", where);
            if (equals(v, "-0"))
                return -0.0;
            if (equals(v, "NaN"))
                return std::numeric_limits<double>::quiet_NaN();
            if (equals(v, "Infinity"))
                return std::numeric_limits<double>::infinity();
            if (equals(v, "-Infinity"))
                return -std::numeric_limits<double>::infinity();
            fail(where / "v", "expected \"-0\", \"NaN\", \"Infinity\" or \"-Infinity\"");
        }
    }
    fail(where, "expected a value (null, a boolean, a number, a string, {\"t\":...} or {\"ref\":N})");
}

Getter decode_getter(Value const& j, Where const& where)
{
    Getter g;
    g.label = number_field<std::uint32_t>(j, "label", where, 0);
    g.throws = bool_field(j, "throws", where, false);
    if (auto const* result = member(j, "result"))
        g.result = decode_value(*result, where / "result");
    if (auto const* effects = member(j, "effects")) {
        auto const we = where / "effects";
        if (!effects->IsArray())
            fail(we, "expected an array");
        for (rapidjson::SizeType i = 0; i < effects->Size(); ++i) {
            auto const w = we[i];
            auto const& je = (*effects)[i];
            GetterEffect e;
            auto const& kind = field(je, "kind", w);
            if (equals(kind, "delete"))
                e.kind = GetterEffect::Kind::delete_property;
            else if (equals(kind, "define"))
                e.kind = GetterEffect::Kind::define_property;
            else if (equals(kind, "detach"))
                e.kind = GetterEffect::Kind::detach;
            else if (equals(kind, "delete-entry"))
                e.kind = GetterEffect::Kind::delete_collection_entry;
            else
                fail(w / "kind", "expected delete, define, detach or delete-entry");
            e.target = node_index(field(je, "target", w), w / "target");
            if (auto const* key = member(je, "key"))
                e.key = decode_string(*key, w / "key");
            if (auto const* value = member(je, "value"))
                e.value = decode_value(*value, w / "value");
            e.entry = number_field<std::uint32_t>(je, "entry", w, 0);
            g.effects.push_back(std::move(e));
        }
    }
    return g;
}

Node decode_node(Value const& jn, Where const& w)
{
    Node n;
    auto const& kind = field(jn, "kind", w);
    auto const parsed = kind.IsString() ? node_kind_from_name(std::string(string_of(kind))) : std::nullopt;
    if (!parsed)
        fail(w / "kind", "expected a node kind (Object, Array, Map, ...; see docs/protocol.md)");
    n.kind = *parsed;
    if (auto const* props = member(jn, "props")) {
        auto const wps = w / "props";
        if (!props->IsArray())
            fail(wps, "expected an array");
        n.properties.reserve(props->Size());
        for (rapidjson::SizeType k = 0; k < props->Size(); ++k) {
            auto const wp = wps[k];
            auto const& jp = (*props)[k];
            Property p;
            if (auto const* symbol = member(jp, "symbol"))
                p.symbol = node_index(*symbol, wp / "symbol");
            else
                p.key = decode_string(field(jp, "key", wp), wp / "key");
            if (auto const* getter = member(jp, "getter"))
                p.getter = decode_getter(*getter, wp / "getter");
            else if (auto const* value = member(jp, "value"))
                p.value = decode_value(*value, wp / "value");
            p.enumerable = bool_field(jp, "enumerable", wp, true);
            n.properties.push_back(std::move(p));
        }
    }
    if (auto const* primitive = member(jn, "primitive"))
        n.primitive = decode_value(*primitive, w / "primitive");
    if (auto const* date = member(jn, "date")) {
        auto const d = decode_value(*date, w / "date");
        if (!std::holds_alternative<double>(d))
            fail(w / "date", "expected a number");
        n.date_value = std::get<double>(d);
    }
    if (auto const* source = member(jn, "source"))
        n.source = decode_string(*source, w / "source");
    if (auto const* description = member(jn, "description"))
        n.source = decode_string(*description, w / "description");
    if (auto const* flags = member(jn, "flags")) {
        if (!flags->IsString())
            fail(w / "flags", "expected a string");
        n.flags = string_of(*flags);
    }
    if (auto const* last_index = member(jn, "lastIndex")) {
        auto const li = decode_value(*last_index, w / "lastIndex");
        n.last_index = std::holds_alternative<double>(li) ? std::get<double>(li) : 0;
    }
    if (auto const* bytes = member(jn, "bytes"))
        n.bytes = unhex(*bytes, w / "bytes");
    n.byte_length = number_field<std::uint64_t>(jn, "byteLength", w, n.bytes.size());
    if (member(jn, "maxByteLength"))
        n.max_byte_length = number_field<std::uint64_t>(jn, "maxByteLength", w, 0);
    n.detached = bool_field(jn, "detached", w, false);
    n.detach_key = bool_field(jn, "detachKey", w, false);
    if (n.kind == NodeKind::typed_array || n.kind == NodeKind::data_view) {
        n.buffer = node_index(field(jn, "buffer", w), w / "buffer");
        auto const& vt = field(jn, "viewType", w);
        if (!vt.IsString())
            fail(w / "viewType", "expected \"DataView\" or a typed array name");
        n.view_type = string_of(vt);
        n.byte_offset = number_field<std::uint64_t>(jn, "byteOffset", w, 0);
        if (auto const* length = member(jn, "length"); length && !length->IsNull())
            n.length = number_field<std::uint64_t>(jn, "length", w, 0);
    }
    n.array_length = number_field<std::uint32_t>(jn, "arrayLength", w, 0);
    if (auto const* entries = member(jn, "mapEntries")) {
        auto const wes = w / "mapEntries";
        if (!entries->IsArray())
            fail(wes, "expected [[key, value], ...]");
        for (rapidjson::SizeType k = 0; k < entries->Size(); ++k) {
            auto const we = wes[k];
            auto const& e = (*entries)[k];
            if (!e.IsArray() || e.Size() != 2)
                fail(we, "expected [key, value]");
            auto key = decode_value(e[0], we[0]);
            n.map_entries.emplace_back(std::move(key), decode_value(e[1], we[1]));
        }
    }
    if (auto const* entries = member(jn, "setEntries")) {
        auto const wes = w / "setEntries";
        if (!entries->IsArray())
            fail(wes, "expected an array");
        for (rapidjson::SizeType k = 0; k < entries->Size(); ++k)
            n.set_entries.push_back(decode_value((*entries)[k], wes[k]));
    }
    if (auto const* prototype = member(jn, "errorPrototype")) {
        if (!prototype->IsString())
            fail(w / "errorPrototype", "expected a string");
        n.error_prototype = string_of(*prototype);
    }
    if (auto const* stack = member(jn, "stack"))
        n.stack = decode_string(*stack, w / "stack");
    n.port_id = number_field<std::uint32_t>(jn, "portId", w, 0);
    if (auto const* name = member(jn, "name"))
        n.name = decode_string(*name, w / "name");
    if (auto const* message = member(jn, "message"))
        n.message = decode_string(*message, w / "message");
    n.width = number_field<std::uint32_t>(jn, "width", w, 0);
    n.height = number_field<std::uint32_t>(jn, "height", w, 0);
    n.origin_clean = bool_field(jn, "originClean", w, true);
    return n;
}

Graph decode_graph(Value const& j, Where const& where)
{
    Graph g;
    g.root = decode_value(field(j, "root", where), where / "root");
    auto const& nodes = array_field(j, "nodes", where, "expected an array of nodes");
    auto const wn = where / "nodes";
    g.nodes.reserve(nodes.Size());
    for (rapidjson::SizeType i = 0; i < nodes.Size(); ++i)
        g.nodes.push_back(decode_node(nodes[i], wn[i]));
    // References must stay inside the graph.
    auto check = [&](GValue const& v, auto const& what) {
        if (auto const* r = std::get_if<NodeRef>(&v); r && r->node >= g.nodes.size())
            fail(where, what() + " refers to node " + std::to_string(r->node) + ", but there are " + std::to_string(g.nodes.size()) + " nodes");
    };
    check(g.root, [] { return std::string("the root"); });
    for (std::size_t i = 0; i < g.nodes.size(); ++i) {
        auto const& n = g.nodes[i];
        auto const at = [i] { return "node " + std::to_string(i); };
        for (auto const& p : n.properties) {
            check(p.value, at);
            if (p.symbol && *p.symbol >= g.nodes.size())
                fail(where, at() + " has a symbol key that is not a node");
        }
        for (auto const& [k, v] : n.map_entries) {
            check(k, at);
            check(v, at);
        }
        for (auto const& v : n.set_entries)
            check(v, at);
        check(n.primitive, at);
        if ((n.kind == NodeKind::typed_array || n.kind == NodeKind::data_view) && n.buffer >= g.nodes.size())
            fail(where, at() + " views a buffer that is not a node");
    }
    return g;
}

model::web_messaging::PortName decode_port(Value const& j, Where const& where)
{
    if (!j.IsArray() || j.Size() != 2 || !j[0].IsUint() || !j[1].IsUint())
        fail(where, "expected a port: [label, index]");
    return { j[0].GetUint(), j[1].GetUint() };
}

std::uint32_t uint_field(Value const& j, char const* name, Where const& where)
{
    auto const& v = field(j, name, where);
    if (!v.IsUint())
        fail(where / name, "expected a non-negative integer");
    return v.GetUint();
}

Scenario decode_operations(Value const& j, Where const& where)
{
    Scenario s;
    s.mode = PassMode::operations;
    auto const& ops = array_field(j, "operations", where, "expected an array of operations");
    auto const wo = where / "operations";
    for (rapidjson::SizeType i = 0; i < ops.Size(); ++i) {
        auto const w = wo[i];
        auto const& jo = ops[i];
        model::web_messaging::Operation op;
        auto const& name = field(jo, "op", w);
        bool known = false;
        for (auto const& [kind, n] : op_names)
            if (name.IsString() && equals(name, n)) {
                op.kind = kind;
                known = true;
            }
        if (!known)
            fail(w / "op", "expected an operation name (newChannel, portPost, ..., runEventLoops)");
        op.label = uint_field(jo, "label", w);
        if (auto const* agent = member(jo, "agent")) {
            bool found = false;
            for (auto const& [a, n] : agent_names)
                if (agent->IsString() && equals(*agent, n)) {
                    op.agent = a;
                    found = true;
                }
            if (!found)
                fail(w / "agent", "expected windowA, windowB, windowOtherSite or serviceWorker");
        }
        if (auto const* p = member(jo, "port"))
            op.port = decode_port(*p, w / "port");
        if (auto const* t = member(jo, "transfer")) {
            if (!t->IsArray())
                fail(w / "transfer", "expected an array of ports");
            for (rapidjson::SizeType k = 0; k < t->Size(); ++k)
                op.transfer.push_back(decode_port((*t)[k], (w / "transfer")[k]));
        }
        if (auto const* c = member(jo, "channel")) {
            if (!c->IsUint())
                fail(w / "channel", "expected a label");
            op.channel = c->GetUint();
        }
        if (auto const* c = member(jo, "worker")) {
            if (!c->IsUint())
                fail(w / "worker", "expected the label of the newWorker operation");
            op.channel = c->GetUint();
        }
        if (auto const* c = member(jo, "client")) {
            if (!c->IsUint() || c->GetUint() >= model::web_messaging::client_count)
                fail(w / "client", "expected a client: 0, 1, 2 (the windows) or 3 (the dedicated worker)");
            op.client = c->GetUint();
        }
        if (auto const* n = member(jo, "name")) {
            if (!n->IsString() || n->GetStringLength() != 1 || (n->GetString()[0] != 'a' && n->GetString()[0] != 'b'))
                fail(w / "name", "expected \"a\" or \"b\"");
            op.name = std::uint8_t(n->GetString()[0] - 'a');
        }
        if (auto const* o = member(jo, "overload")) {
            if (!o->IsString() || (!equals(*o, "options") && !equals(*o, "sequence")))
                fail(w / "overload", "expected \"options\" or \"sequence\"");
            op.sequence_overload = equals(*o, "sequence");
        }
        if (auto const* m = member(jo, "message")) {
            if (!m->IsObject())
                fail(w / "message", "expected an object");
            op.message.shared_buffer = bool_field(*m, "sharedArrayBuffer", w / "message", false);
            op.message.symbol = bool_field(*m, "symbol", w / "message", false);
        }
        op.unparsable_url = bool_field(jo, "unparsableURL", w, false);
        s.operations.push_back(std::move(op));
    }
    return s;
}

Observation decode_messaging_observation(Value const& j, Where const& where)
{
    using model::web_messaging::EventTargetName;
    Observation o;
    auto const& outcomes = array_field(j, "outcomes", where, "expected an array of outcomes");
    auto const wo = where / "outcomes";
    for (rapidjson::SizeType i = 0; i < outcomes.Size(); ++i) {
        auto const& jr = outcomes[i];
        if (!jr.IsObject())
            fail(wo[i], "expected an object");
        model::web_messaging::OperationOutcome r;
        r.skipped = bool_field(jr, "skipped", wo[i], false);
        r.threw = bool_field(jr, "threw", wo[i], false);
        if (r.threw) {
            auto const& e = field(jr, "error", wo[i]);
            if (!e.IsString())
                fail(wo[i] / "error", "expected the error's name");
            r.error = string_of(e);
        }
        if (auto const* step = member(jr, "step"); step && step->IsString())
            r.step = string_of(*step);
        o.outcomes.push_back(std::move(r));
    }
    auto const& events = array_field(j, "events", where, "expected an array of events");
    auto const we = where / "events";
    for (rapidjson::SizeType i = 0; i < events.Size(); ++i) {
        auto const w = we[i];
        auto const& je = events[i];
        model::web_messaging::ObservedEvent e;
        auto const& target = field(je, "target", w);
        if (auto const* p = member(target, "port")) {
            e.target.kind = EventTargetName::Kind::port;
            e.target.port = decode_port(*p, w / "target" / "port");
        } else if (auto const* b = member(target, "broadcast")) {
            if (!b->IsUint())
                fail(w / "target" / "broadcast", "expected a label");
            e.target.kind = EventTargetName::Kind::broadcast_channel;
            e.target.id = b->GetUint();
        } else if (auto const* c = member(target, "client")) {
            if (!c->IsUint())
                fail(w / "target" / "client", "expected a client");
            e.target.kind = EventTargetName::Kind::container;
            e.target.id = c->GetUint();
        } else if (auto const* wk = member(target, "worker")) {
            if (!wk->IsUint())
                fail(w / "target" / "worker", "expected a label");
            e.target.kind = EventTargetName::Kind::worker;
            e.target.id = wk->GetUint();
        } else if (auto const* sw = member(target, "serviceWorker")) {
            (void)sw;
            e.target.kind = EventTargetName::Kind::service_worker_global;
        } else if (auto const* wg = member(target, "workerGlobal")) {
            if (!wg->IsUint())
                fail(w / "target" / "workerGlobal", "expected a label");
            e.target.kind = EventTargetName::Kind::worker_global;
            e.target.id = wg->GetUint();
        } else {
            fail(w / "target", "expected {\"port\":[label,index]}, {\"broadcast\":label} or {\"client\":n}");
        }
        auto const& type = field(je, "type", w);
        if (!type.IsString() || (!equals(type, "message") && !equals(type, "messageerror") && !equals(type, "close")))
            fail(w / "type", "expected \"message\", \"messageerror\" or \"close\"");
        e.type = string_of(type);
        if (e.type == "message") {
            e.message = uint_field(je, "message", w);
            if (auto const* ports = member(je, "ports")) {
                if (!ports->IsArray())
                    fail(w / "ports", "expected an array of ports");
                for (rapidjson::SizeType k = 0; k < ports->Size(); ++k)
                    e.ports.push_back(decode_port((*ports)[k], (w / "ports")[k]));
            }
        }
        if (auto const* origin = member(je, "origin"); origin && origin->IsString())
            e.origin = string_of(*origin);
        if (auto const* source = member(je, "source"); source && source->IsString())
            e.source = string_of(*source);
        e.optional = bool_field(je, "optional", w, false);
        o.events.push_back(std::move(e));
    }
    return o;
}

Scenario decode_scenario_value(Value const& j, Where const& where)
{
    if (auto const* mode = member(j, "mode"); mode && mode->IsString() && equals(*mode, "operations"))
        return decode_operations(j, where);
    Scenario s;
    s.graph = decode_graph(field(j, "graph", where), where / "graph");
    auto const& transfer = array_field(j, "transfer", where, "expected an array");
    auto const wt = where / "transfer";
    for (rapidjson::SizeType i = 0; i < transfer.Size(); ++i)
        s.transfer.push_back(decode_value(transfer[i], wt[i]));
    auto const& mode = field(j, "mode", where);
    if (equals(mode, "messageChannel"))
        s.mode = PassMode::message_channel;
    else if (!equals(mode, "structuredClone"))
        fail(where / "mode", "expected \"structuredClone\" or \"messageChannel\"");
    return s;
}

Observation decode_observation_value(Value const& j, Where const& where)
{
    if (j.IsObject() && member(j, "outcomes"))
        return decode_messaging_observation(j, where);
    Observation o;
    auto const& threw = field(j, "threw", where);
    if (!threw.IsBool())
        fail(where / "threw", "expected true or false");
    o.threw = threw.GetBool();
    if (o.threw) {
        auto const& error = field(j, "error", where);
        auto const we = where / "error";
        auto const& name = field(error, "name", we);
        if (!name.IsString())
            fail(we / "name", "expected a string");
        o.error_name = string_of(name);
        o.error_is_dom_exception = bool_field(error, "domException", we, false);
        if (auto const* thrown = member(j, "thrownValue")) {
            o.thrown_value = decode_value(*thrown, where / "thrownValue");
            if (std::holds_alternative<NodeRef>(o.thrown_value))
                fail(where / "thrownValue", "expected a primitive");
        }
    } else {
        o.result = decode_graph(field(j, "result", where), where / "result");
    }
    if (auto const* ts = member(j, "transferables")) {
        auto const wts = where / "transferables";
        if (!ts->IsArray())
            fail(wts, "expected an array");
        for (rapidjson::SizeType i = 0; i < ts->Size(); ++i) {
            auto const w = wts[i];
            auto const& jt = (*ts)[i];
            TransferableState t;
            t.node = node_index(field(jt, "node", w), w / "node");
            t.detached = bool_field(jt, "detached", w, false);
            t.byte_length = number_field<std::uint64_t>(jt, "byteLength", w, 0);
            o.transferables.push_back(t);
        }
    }
    if (auto const* calls = member(j, "getterCalls")) {
        auto const wc = where / "getterCalls";
        if (!calls->IsArray())
            fail(wc, "expected an array of getter labels");
        for (rapidjson::SizeType i = 0; i < calls->Size(); ++i) {
            if (!(*calls)[i].IsUint())
                fail(wc[i], "expected a getter label");
            o.getter_calls.push_back((*calls)[i].GetUint());
        }
    }
    return o;
}

} // namespace

std::string encode_scenario(Scenario const& s)
{
    Encoder e;
    e.scenario(s);
    return e.take();
}

std::string encode_observation(Observation const& o)
{
    Encoder e;
    e.observation(o);
    return e.take();
}

// {"pmconf":KIND,"id":ID,LIST:[...]}, each item written by *write*.
template<class T, class Write>
std::string encode_batch(char const* kind, std::uint64_t id, char const* list, std::span<T const> items, Write write)
{
    Encoder e(64 + 1024 * items.size());
    e.begin_object();
    e.key("pmconf");
    e.string(std::string_view(kind));
    e.key("id");
    e.uint(id);
    e.key(list);
    e.begin_array();
    for (auto const& item : items)
        write(e, item);
    e.end_array();
    e.end_object();
    return e.take();
}

std::string encode_run_request(std::uint64_t id, std::span<Scenario const> scenarios)
{
    return encode_batch("run", id, "scenarios", scenarios, [](Encoder& e, Scenario const& s) { e.scenario(s); });
}

std::string encode_observations_reply(std::uint64_t id, std::span<Observation const> observations)
{
    return encode_batch("observations", id, "observations", observations, [](Encoder& e, Observation const& o) { e.observation(o); });
}

Scenario decode_scenario(std::string_view text, std::string const& where)
{
    rapidjson::Document d;
    parse(d, text);
    return decode_scenario_value(d, Where { nullptr, nullptr, 0, &where });
}

Observation decode_observation(std::string_view text, std::string const& where)
{
    rapidjson::Document d;
    parse(d, text);
    return decode_observation_value(d, Where { nullptr, nullptr, 0, &where });
}

Reply decode_reply(std::string_view line)
{
    rapidjson::Document d;
    parse(d, line);
    Reply reply;
    if (auto const* kind = member(d, "pmconf"); kind && kind->IsString())
        reply.kind = string_of(*kind);
    if (auto const* id = member(d, "id")) {
        reply.has_id = true;
        rapidjson::StringBuffer buffer;
        rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
        id->Accept(writer);
        reply.id = std::string(buffer.GetString(), buffer.GetSize());
    }
    if (auto const* message = member(d, "message"); message && message->IsString())
        reply.message = string_of(*message);
    if (auto const* observations = member(d, "observations"); observations && observations->IsArray()) {
        reply.has_observations = true;
        std::string const root;
        Where const top { nullptr, nullptr, 0, &root };
        auto const wo = top / "observations";
        reply.observations.reserve(observations->Size());
        for (rapidjson::SizeType i = 0; i < observations->Size(); ++i)
            reply.observations.push_back(decode_observation_value((*observations)[i], wo[i]));
    }
    return reply;
}

} // namespace pmconf::conformance::protocol
