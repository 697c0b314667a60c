#include "conformance/tests/serialization_oracle.h"

#include "conformance/canonical.h"
#include "conformance/tests/graph_equality.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <optional>

namespace pmconf::conformance::tests {

namespace {

std::u16string ascii(std::string const& s) { return std::u16string(s.begin(), s.end()); }

// https://tc39.es/ecma262/#sec-numeric-types-number-tostring (radix 10).
std::string number_to_js(double x)
{
    if (std::isnan(x))
        return "NaN";
    if (x == 0)
        return "0";
    if (x < 0)
        return "-" + number_to_js(-x);
    if (std::isinf(x))
        return "Infinity";
    // The fewest digits s (k of them) with s × 10^(n−k) = x: try each precision until one reads back.
    std::string digits;
    int n = 0;
    for (int k = 1; k <= 17; ++k) {
        char buf[64];
        std::snprintf(buf, sizeof buf, "%.*e", k - 1, x);
        if (std::strtod(buf, nullptr) != x)
            continue;
        std::string const text(buf);
        auto const e = text.find('e');
        for (char c : text.substr(0, e))
            if (c != '.')
                digits += c;
        n = std::atoi(text.c_str() + e + 1) + 1;
        break;
    }
    int const k = static_cast<int>(digits.size());
    if (k <= n && n <= 21)
        return digits + std::string(static_cast<std::size_t>(n - k), '0');
    if (0 < n && n <= 21)
        return digits.substr(0, static_cast<std::size_t>(n)) + "." + digits.substr(static_cast<std::size_t>(n));
    if (-6 < n && n <= 0)
        return "0." + std::string(static_cast<std::size_t>(-n), '0') + digits;
    std::string const exponent = std::string(n - 1 >= 0 ? "+" : "-") + std::to_string(std::abs(n - 1));
    if (k == 1)
        return digits + "e" + exponent;
    return digits.substr(0, 1) + "." + digits.substr(1) + "e" + exponent;
}

bool is_index(std::u16string const& key)
{
    if (key.empty() || key.size() > 10 || (key.size() > 1 && key[0] == u'0'))
        return false;
    std::uint64_t v = 0;
    for (char16_t c : key) {
        if (c < u'0' || c > u'9')
            return false;
        v = v * 10 + static_cast<std::uint64_t>(c - u'0');
    }
    return v < 4294967295ull;
}

std::uint64_t index_of(std::u16string const& key)
{
    std::uint64_t v = 0;
    for (char16_t c : key)
        v = v * 10 + static_cast<std::uint64_t>(c - u'0');
    return v;
}

// EnumerableOwnProperties(O, key): string keys only, array indices ascending, then the other
// strings in creation order.
std::vector<std::u16string> enumerable_string_keys(Node const& node)
{
    std::vector<std::u16string> indices, strings;
    for (auto const& p : node.properties) {
        if (p.symbol || !p.enumerable)
            continue;
        (is_index(p.key) ? indices : strings).push_back(p.key);
    }
    std::stable_sort(indices.begin(), indices.end(),
        [](std::u16string const& a, std::u16string const& b) { return index_of(a) < index_of(b); });
    indices.insert(indices.end(), strings.begin(), strings.end());
    return indices;
}

Property* own_string_property(Node& node, std::u16string const& key)
{
    for (auto& p : node.properties)
        if (!p.symbol && p.key == key)
            return &p;
    return nullptr;
}

bool is_transferable_kind(NodeKind k)
{
    return k == NodeKind::array_buffer || k == NodeKind::message_port || k == NodeKind::image_bitmap;
}

// Ends the walk: the clone throws, or the oracle cannot say.
struct Stop {
    Prediction::Status status;
    std::string error_name, step, why;
    GValue thrown_value;
};

Stop data_clone_error(char const* step) { return Stop { Prediction::Status::threw, "DataCloneError", step, "", {} }; }
Stop error_at(char const* name, char const* step) { return Stop { Prediction::Status::threw, name, step, "", {} }; }
Stop out_of_scope(std::string why) { return Stop { Prediction::Status::out_of_scope, "", "", std::move(why), {} }; }

// The clone, step by step, on a copy of the input graph that getters may change.
class Walk {
public:
    explicit Walk(Scenario const& scenario)
        : m_scenario(scenario)
        , m_in(scenario.graph)
        , m_memory(scenario.graph.nodes.size())
        , m_deleted_entries(scenario.graph.nodes.size())
    {
        for (NodeIndex i = 0; i < m_in.nodes.size(); ++i)
            m_deleted_entries[i].assign(std::max(m_in.nodes[i].map_entries.size(), m_in.nodes[i].set_entries.size()), false);
    }

    std::vector<std::uint32_t> calls;
    Graph out;
    std::vector<NodeIndex> holders; // the transfer data holders' output nodes, in transfer-list order

    // StructuredSerializeWithTransfer steps 1-3 and 5, and StructuredDeserializeWithTransfer.
    void run()
    {
        // Web IDL converts the transfer list to sequence<object> before the method steps.
        for (auto const& t : m_scenario.transfer) {
            auto const* r = std::get_if<NodeRef>(&t);
            if (!r || m_in.nodes[r->node].kind == NodeKind::symbol)
                throw error_at("TypeError", "");
        }
        // 2. Check the transfer list; 2.4: a placeholder, filled in at step 5.
        std::vector<NodeIndex> transfer;
        for (auto const& t : m_scenario.transfer) {
            auto const node = std::get<NodeRef>(t).node;
            auto const kind = m_in.nodes[node].kind;
            if (!is_transferable_kind(kind) && kind != NodeKind::shared_array_buffer)
                throw data_clone_error("html:structuredserializewithtransfer:2.1");
            if (kind == NodeKind::shared_array_buffer)
                throw data_clone_error("html:structuredserializewithtransfer:2.2");
            if (m_memory[node])
                throw data_clone_error("html:structuredserializewithtransfer:2.3");
            out.nodes.emplace_back();
            m_memory[node] = static_cast<NodeIndex>(out.nodes.size() - 1);
            holders.push_back(*m_memory[node]);
            transfer.push_back(node);
        }
        // 3.
        out.root = serialize(m_scenario.graph.root);
        // 5. Transfer each entry, in order.
        for (auto const i : transfer) {
            auto& in = m_in.nodes[i];
            auto& holder = out.nodes[*m_memory[i]];
            if (in.kind == NodeKind::array_buffer) {
                if (in.detached)
                    throw data_clone_error("html:structuredserializewithtransfer:5.1");
                holder.kind = NodeKind::array_buffer;
                holder.bytes = in.bytes;
                holder.bytes.resize(in.byte_length);
                holder.byte_length = in.byte_length;
                holder.max_byte_length = in.max_byte_length;
                if (in.detach_key)
                    throw error_at("TypeError", "html:structuredserializewithtransfer:5.4.3");
                detach(in);
            } else {
                if (in.detached)
                    throw data_clone_error("html:structuredserializewithtransfer:5.2");
                // 5.5.4: the transfer steps. ImageBitmap's throw for a bitmap that is not origin-clean.
                if (in.kind == NodeKind::image_bitmap && !in.origin_clean)
                    throw data_clone_error("html:structuredserializewithtransfer:5.5.4");
                holder.kind = in.kind;
                holder.port_id = in.port_id;
                holder.width = in.width;
                holder.height = in.height;
                detach(in);
            }
        }
    }

    // The state of the transferables afterwards, as an Observation reports them.
    std::vector<TransferableState> transferables() const
    {
        std::vector<TransferableState> states;
        for (NodeIndex i = 0; i < m_in.nodes.size(); ++i) {
            auto const& n = m_in.nodes[i];
            if (is_transferable_kind(n.kind))
                states.push_back(TransferableState { i, n.detached, n.kind == NodeKind::array_buffer && !n.detached ? n.byte_length : 0 });
        }
        return states;
    }

private:
    static void detach(Node& n)
    {
        n.detached = true;
        if (n.kind == NodeKind::array_buffer) {
            n.byte_length = 0;
            n.bytes.clear();
        }
    }

    // StructuredSerializeInternal(value) and, in the same pass, what StructuredDeserialize makes of it.
    GValue serialize(GValue const& value)
    {
        auto const* ref = std::get_if<NodeRef>(&value);
        if (!ref)
            return value; // step 4
        if (auto const existing = m_memory[ref->node])
            return NodeRef { *existing }; // step 2
        auto const index = ref->node;
        Node const in = m_in.nodes[index]; // a copy: getters may change the original
        switch (in.kind) {
        case NodeKind::symbol: throw data_clone_error("html:structuredserializeinternal:5");
        case NodeKind::boolean_object:
        case NodeKind::number_object:
        case NodeKind::bigint_object:
        case NodeKind::string_object: {
            Node n;
            n.kind = in.kind;
            n.primitive = in.primitive;
            return remember(index, std::move(n));
        }
        case NodeKind::date: {
            Node n;
            n.kind = NodeKind::date;
            n.date_value = in.date_value;
            return remember(index, std::move(n));
        }
        case NodeKind::regexp: {
            Node n;
            n.kind = NodeKind::regexp;
            n.source = in.source;
            n.flags = in.flags;
            n.last_index = 0; // a new RegExp: lastIndex 0, own properties not copied
            return remember(index, std::move(n));
        }
        case NodeKind::array_buffer: {
            if (in.detached)
                throw data_clone_error("html:structuredserializeinternal:13.2.1");
            if (in.byte_length > m_scenario.source.max_allocation)
                throw error_at("RangeError", "html:structuredserializeinternal:13.2.3");
            if (in.byte_length > target().max_allocation || in.max_byte_length.value_or(0) > target().max_allocation)
                throw out_of_scope("an allocation failure while deserializing");
            Node n;
            n.kind = NodeKind::array_buffer;
            n.bytes = in.bytes;
            n.bytes.resize(in.byte_length);
            n.byte_length = in.byte_length;
            n.max_byte_length = in.max_byte_length;
            return remember(index, std::move(n));
        }
        case NodeKind::error: return error(index, in);
        case NodeKind::object:
        case NodeKind::object_prototype:
        case NodeKind::array: {
            Node n;
            n.kind = in.kind == NodeKind::array ? NodeKind::array : NodeKind::object;
            n.array_length = in.kind == NodeKind::array ? in.array_length : 0; // 18.2: read before any getter
            auto const self = remember(index, std::move(n));
            // 26.4: the keys are listed before any getter runs.
            for (auto const& key : enumerable_string_keys(in)) {
                // 26.4.1: only keys still there; 26.4.1.1: Get, which may run a getter.
                auto* p = own_string_property(m_in.nodes[index], key);
                if (!p)
                    continue;
                GValue input_value = p->value;
                if (p->getter) {
                    auto const getter = *p->getter; // a copy: its effects may remove the property
                    input_value = call(getter, index, "html:structuredserializeinternal:26.4.1.1");
                }
                auto const output_value = serialize(input_value);
                // 26.4.1.3; StructuredDeserialize 24.3.1.2 creates the property (an index past the
                // length makes the array longer).
                Property q;
                q.key = key;
                q.value = output_value;
                auto& copy = out.nodes[self.node];
                copy.properties.push_back(std::move(q));
                if (copy.kind == NodeKind::array && is_index(key) && index_of(key) >= copy.array_length)
                    copy.array_length = static_cast<std::uint32_t>(index_of(key) + 1);
            }
            return self;
        }
        case NodeKind::map: {
            Node n;
            n.kind = NodeKind::map;
            auto const self = remember(index, std::move(n));
            // 26.1.1-26.1.2: copy the entries that are not deleted yet, then serialize the copy.
            std::vector<std::pair<GValue, GValue>> copied;
            for (std::size_t e = 0; e < in.map_entries.size(); ++e)
                if (!m_deleted_entries[index][e])
                    copied.push_back(in.map_entries[e]);
            for (auto const& [k, v] : copied) {
                auto const key = serialize(k);
                auto const entry_value = serialize(v);
                out.nodes[self.node].map_entries.emplace_back(key, entry_value);
            }
            return self;
        }
        case NodeKind::set: {
            Node n;
            n.kind = NodeKind::set;
            auto const self = remember(index, std::move(n));
            std::vector<GValue> copied;
            for (std::size_t e = 0; e < in.set_entries.size(); ++e)
                if (!m_deleted_entries[index][e])
                    copied.push_back(in.set_entries[e]);
            for (auto const& v : copied) {
                auto const entry = serialize(v);
                out.nodes[self.node].set_entries.push_back(entry);
            }
            return self;
        }
        case NodeKind::dom_exception:
        case NodeKind::image_bitmap: {
            if (in.detached)
                throw data_clone_error("html:structuredserializeinternal:19.1");
            if (in.kind == NodeKind::image_bitmap && m_scenario.mode == PassMode::for_storage)
                throw out_of_scope("an ImageBitmap serialized for storage");
            Node n;
            n.kind = in.kind;
            auto const self = remember(index, std::move(n));
            // 26.3: the interface's serialization steps.
            if (in.kind == NodeKind::image_bitmap && !in.origin_clean)
                throw data_clone_error("html:structuredserializeinternal:26.3");
            auto& node = out.nodes[self.node];
            node.name = in.name;
            node.message = in.message;
            node.width = in.width;
            node.height = in.height;
            return self;
        }
        case NodeKind::message_port:
        case NodeKind::platform_object: throw data_clone_error("html:structuredserializeinternal:20");
        case NodeKind::function:
        case NodeKind::callable_proxy: throw data_clone_error("html:structuredserializeinternal:21");
        case NodeKind::weak_map:
        case NodeKind::weak_set:
        case NodeKind::weak_ref:
        case NodeKind::promise: throw data_clone_error("html:structuredserializeinternal:22");
        case NodeKind::proxy: throw data_clone_error("html:structuredserializeinternal:23");
        case NodeKind::shared_array_buffer:
        case NodeKind::typed_array:
        case NodeKind::data_view: break;
        }
        throw out_of_scope(std::string("a ") + node_kind_name(in.kind));
    }

    RealmSettings const& target() const
    {
        return m_scenario.mode == PassMode::structured_clone ? m_scenario.source : m_scenario.target;
    }

    NodeRef remember(NodeIndex input, Node n)
    {
        out.nodes.push_back(std::move(n));
        auto const index = static_cast<NodeIndex>(out.nodes.size() - 1);
        m_memory[input] = index; // step 25
        return NodeRef { index };
    }

    static Stop user_value(char const* step, GValue const& thrown)
    {
        Stop s { Prediction::Status::threw, "user value", step, "", thrown };
        if (std::holds_alternative<NodeRef>(thrown))
            s.thrown_value = std::u16string(u"<object>");
        return s;
    }

    // Author code: the getter's effects, then its result or its throw.
    GValue call(Getter const& getter, NodeIndex owner, char const* step)
    {
        calls.push_back(getter.label);
        for (auto const& e : getter.effects) {
            auto const target_index = m_in.nodes[e.target].kind == NodeKind::symbol ? owner : e.target;
            auto& target = m_in.nodes[target_index];
            switch (e.kind) {
            case GetterEffect::Kind::delete_property: // delete target[key]
                std::erase_if(target.properties, [&](Property const& p) { return !p.symbol && p.key == e.key; });
                break;
            case GetterEffect::Kind::define_property: // Object.defineProperty(target, key, {value, writable, enumerable, configurable})
                if (auto* existing = own_string_property(target, e.key)) {
                    existing->value = e.value;
                    existing->getter.reset();
                    existing->enumerable = true;
                } else {
                    Property added;
                    added.key = e.key;
                    added.value = e.value;
                    target.properties.push_back(std::move(added));
                    if (target.kind == NodeKind::array && is_index(e.key) && index_of(e.key) >= target.array_length)
                        target.array_length = static_cast<std::uint32_t>(index_of(e.key) + 1);
                }
                break;
            case GetterEffect::Kind::detach: // transfer a buffer away (impossible with a detach key), or a port; close a bitmap
                if ((target.kind == NodeKind::array_buffer && !target.detach_key) || target.kind == NodeKind::message_port
                    || target.kind == NodeKind::image_bitmap)
                    detach(target);
                break;
            case GetterEffect::Kind::delete_collection_entry: // map.delete(key) / set.delete(value) of an original entry
                if ((target.kind == NodeKind::map || target.kind == NodeKind::set) && e.entry < m_deleted_entries[target_index].size())
                    m_deleted_entries[target_index][e.entry] = true;
                break;
            }
        }
        if (getter.throws)
            throw user_value(step, getter.result);
        return getter.result;
    }

    // Step 17 and StructuredDeserialize step 21.
    NodeRef error(NodeIndex input, Node const& in)
    {
        // 17.1: Get(value, "name"), an own property or the prototype's.
        GValue name = ascii(in.error_prototype);
        if (auto const* own = own_string_property(m_in.nodes[input], u"name")) {
            name = own->value;
            if (own->getter) {
                auto const getter = *own->getter;
                name = call(getter, input, "html:structuredserializeinternal:17.1");
            }
        }
        // 17.2: anything but the seven native error names is "Error".
        std::string normalized = "Error";
        if (auto const* s = std::get_if<std::u16string>(&name)) {
            for (char const* native : { "Error", "EvalError", "RangeError", "ReferenceError", "SyntaxError", "TypeError", "URIError" })
                if (*s == ascii(native))
                    normalized = native;
        }
        // 17.3-17.4: an own data property "message" is converted with ToString; an accessor is ignored.
        std::optional<std::u16string> message;
        if (auto const* own = own_string_property(m_in.nodes[input], u"message"); own && !own->getter) {
            if (auto const* r = std::get_if<NodeRef>(&own->value)) {
                if (m_in.nodes[r->node].kind == NodeKind::symbol)
                    throw error_at("TypeError", "html:structuredserializeinternal:17.4");
                throw out_of_scope("an Error message that is an object");
            }
            message = js_to_string(own->value);
        }
        Node n;
        n.kind = NodeKind::error;
        n.error_prototype = normalized; // 21.1-21.7
        n.stack = in.stack;             // IMPLEMENTATION-DEFINED in the spec; the model keeps [[Stack]]
        if (message) {
            // 21.10-21.11: a writable, configurable, non-enumerable data property.
            Property p;
            p.key = u"message";
            p.value = *message;
            p.enumerable = false;
            n.properties.push_back(std::move(p));
        }
        return remember(input, std::move(n));
    }

    Scenario const& m_scenario;
    Graph m_in;
    std::vector<std::optional<NodeIndex>> m_memory;
    std::vector<std::vector<bool>> m_deleted_entries;
};

} // namespace

std::u16string js_to_string(GValue const& v)
{
    return std::visit(
        [](auto const& x) -> std::u16string {
            using T = std::decay_t<decltype(x)>;
            if constexpr (std::is_same_v<T, Undefined>)
                return u"undefined";
            else if constexpr (std::is_same_v<T, Null>)
                return u"null";
            else if constexpr (std::is_same_v<T, bool>)
                return x ? u"true" : u"false";
            else if constexpr (std::is_same_v<T, double>)
                return ascii(number_to_js(x));
            else if constexpr (std::is_same_v<T, BigInt>)
                return ascii(x.decimal);
            else if constexpr (std::is_same_v<T, std::u16string>)
                return x;
            else
                return u"<object>";
        },
        v);
}

Prediction predict_clone(Scenario const& scenario)
{
    Prediction prediction;
    if ((scenario.mode == PassMode::serialize_deserialize || scenario.mode == PassMode::for_storage) && !scenario.transfer.empty()) {
        prediction.status = Prediction::Status::out_of_scope;
        prediction.out_of_scope = "a transfer list with a pass mode that has none";
        return prediction;
    }
    Walk walk(scenario);
    try {
        walk.run();
        // An interface the target realm does not expose: StructuredDeserializeWithTransfer 3.4.2
        // for the transferred values (created first), StructuredDeserialize 22.2 for the others.
        auto const& target = scenario.mode == PassMode::structured_clone ? scenario.source : scenario.target;
        auto exposed = [&](Node const& n) {
            return n.kind == NodeKind::dom_exception ? target.exposes_dom_exception
                : n.kind == NodeKind::image_bitmap   ? target.exposes_image_bitmap
                : n.kind == NodeKind::message_port   ? target.exposes_message_port
                                                     : true;
        };
        for (auto const h : walk.holders)
            if (!exposed(walk.out.nodes[h]))
                throw data_clone_error("html:structureddeserializewithtransfer:3.4.2");
        for (auto const& n : walk.out.nodes)
            if (!exposed(n))
                throw data_clone_error("html:structureddeserialize:22.2");
        prediction.result = canonicalize(walk.out);
    } catch (Stop const& stop) {
        prediction.status = stop.status;
        prediction.out_of_scope = stop.why;
        prediction.error_name = stop.error_name;
        prediction.step = stop.step;
        prediction.thrown_value = stop.thrown_value;
    }
    prediction.getter_calls = walk.calls;
    prediction.transferables = walk.transferables();
    return prediction;
}

std::optional<std::string> outcome_difference(Prediction const& expected, Observation const& observed)
{
    auto calls = [](std::vector<std::uint32_t> const& labels) {
        std::string s;
        for (auto l : labels)
            s += (s.empty() ? "get#" : ", get#") + std::to_string(l);
        return s.empty() ? std::string("none") : s;
    };
    if (expected.status == Prediction::Status::out_of_scope)
        return "the oracle cannot predict this scenario: " + expected.out_of_scope;
    bool const threw = expected.status == Prediction::Status::threw;
    if (threw != observed.threw)
        return threw ? "expected " + expected.error_name + " at " + expected.step + ", the model returned"
                     : "expected a returned value, the model threw " + observed.error_name + " at " + observed.thrown_at_step;
    if (threw) {
        if (expected.error_name != observed.error_name || expected.step != observed.thrown_at_step)
            return "expected " + expected.error_name + " at " + expected.step + ", the model threw " + observed.error_name
                + " at " + observed.thrown_at_step;
        if (expected.error_name == "user value" && !same_value(expected.thrown_value, observed.thrown_value))
            return "expected the thrown value " + to_display(expected.thrown_value) + ", got " + to_display(observed.thrown_value);
    } else if (auto const d = graph_difference(expected.result, observed.result)) {
        return "result " + *d + "\nexpected " + to_display(expected.result) + "\nmodel gave " + to_display(observed.result);
    }
    if (expected.transferables != observed.transferables) {
        std::string e, o;
        for (auto const& t : expected.transferables)
            e += " #" + std::to_string(t.node) + (t.detached ? " detached" : " live") + "/" + std::to_string(t.byte_length);
        for (auto const& t : observed.transferables)
            o += " #" + std::to_string(t.node) + (t.detached ? " detached" : " live") + "/" + std::to_string(t.byte_length);
        return "expected the transferables" + e + ", the model left" + o;
    }
    if (expected.getter_calls != observed.getter_calls)
        return "expected getter calls " + calls(expected.getter_calls) + ", the model made " + calls(observed.getter_calls);
    return std::nullopt;
}

} // namespace pmconf::conformance::tests
