#include "conformance/model_runner.h"

#include "conformance/canonical.h"
#include "model/ecma262/heap.h"
#include "model/html/structured_data/deserialize.h"
#include "model/html/structured_data/serialize.h"
#include "model/html/structured_data/with_transfer.h"
#include "spec/catalogue.h"

#include <deque>
#include <unordered_map>

namespace pmconf::conformance {

using namespace model::ecma262;
namespace html = model::html;

namespace {

ObjectKind object_kind(NodeKind kind)
{
    switch (kind) {
    case NodeKind::object: return ObjectKind::ordinary;
    case NodeKind::object_prototype: return ObjectKind::object_prototype;
    case NodeKind::array: return ObjectKind::array;
    case NodeKind::boolean_object: return ObjectKind::boolean_object;
    case NodeKind::number_object: return ObjectKind::number_object;
    case NodeKind::bigint_object: return ObjectKind::bigint_object;
    case NodeKind::string_object: return ObjectKind::string_object;
    case NodeKind::date: return ObjectKind::date;
    case NodeKind::regexp: return ObjectKind::regexp;
    case NodeKind::array_buffer:
    case NodeKind::shared_array_buffer: return ObjectKind::array_buffer;
    case NodeKind::typed_array: return ObjectKind::typed_array;
    case NodeKind::data_view: return ObjectKind::data_view;
    case NodeKind::map: return ObjectKind::map;
    case NodeKind::set: return ObjectKind::set;
    case NodeKind::error: return ObjectKind::error;
    case NodeKind::function: return ObjectKind::function;
    case NodeKind::weak_map: return ObjectKind::weak_map;
    case NodeKind::weak_set: return ObjectKind::weak_set;
    case NodeKind::weak_ref: return ObjectKind::weak_ref;
    case NodeKind::promise: return ObjectKind::promise;
    case NodeKind::proxy:
    case NodeKind::callable_proxy: return ObjectKind::proxy;
    case NodeKind::message_port:
    case NodeKind::image_bitmap:
    case NodeKind::dom_exception:
    case NodeKind::platform_object: return ObjectKind::platform;
    case NodeKind::symbol: break;
    }
    return ObjectKind::ordinary;
}

PlatformInterface platform_interface(NodeKind kind)
{
    switch (kind) {
    case NodeKind::message_port: return PlatformInterface::message_port;
    case NodeKind::image_bitmap: return PlatformInterface::image_bitmap;
    case NodeKind::dom_exception: return PlatformInterface::dom_exception;
    default: return PlatformInterface::non_serializable;
    }
}

ErrorPrototype error_prototype(std::string const& name)
{
    for (int i = 0; i < 7; ++i)
        if (name == error_prototype_name(static_cast<ErrorPrototype>(i)))
            return static_cast<ErrorPrototype>(i);
    return ErrorPrototype::Error;
}

std::uint32_t exposure(RealmSettings const& s)
{
    std::uint32_t bits = interface_bit(PlatformInterface::non_serializable);
    if (s.exposes_message_port)
        bits |= interface_bit(PlatformInterface::message_port);
    if (s.exposes_image_bitmap)
        bits |= interface_bit(PlatformInterface::image_bitmap);
    if (s.exposes_dom_exception)
        bits |= interface_bit(PlatformInterface::dom_exception);
    return bits;
}

// Builds the Scenario's graph in a heap.
class Materializer {
public:
    Materializer(Heap& heap, Graph const& graph, RealmId realm) : m_heap(heap), m_graph(graph), m_realm(realm) { }

    void build()
    {
        m_values.resize(m_graph.nodes.size());
        m_heap.reserve_objects(m_graph.nodes.size() * 2 + 8);
        for (NodeIndex i = 0; i < m_graph.nodes.size(); ++i)
            allocate(i);
        for (NodeIndex i = 0; i < m_graph.nodes.size(); ++i)
            fill(i);
    }

    Value value(GValue const& v)
    {
        return std::visit(
            [&](auto const& x) -> Value {
                using T = std::decay_t<decltype(x)>;
                if constexpr (std::is_same_v<T, Undefined>)
                    return Value::undefined();
                else if constexpr (std::is_same_v<T, Null>)
                    return Value::null();
                else if constexpr (std::is_same_v<T, bool>)
                    return Value::boolean(x);
                else if constexpr (std::is_same_v<T, double>)
                    return Value::number(x);
                else if constexpr (std::is_same_v<T, BigInt>)
                    return m_heap.new_bigint(x.decimal);
                else if constexpr (std::is_same_v<T, std::u16string>)
                    return m_heap.intern_string(x);
                else
                    return m_values[x.node];
            },
            v);
    }

    Value node_value(NodeIndex i) const { return m_values[i]; }

private:
    void allocate(NodeIndex i)
    {
        auto const& node = m_graph.nodes[i];
        if (node.kind == NodeKind::symbol) {
            m_values[i] = m_heap.new_symbol(node.source);
            return;
        }
        m_values[i] = Value::object(m_heap.allocate(object_kind(node.kind), m_realm));
    }

    PropertyKey key(Property const& p)
    {
        if (p.symbol)
            return PropertyKey::symbol(m_values[*p.symbol].table_index());
        if (auto index = array_index_of(p.key))
            return PropertyKey::index(*index);
        return PropertyKey::string(m_heap.intern_string(p.key).table_index());
    }

    PropertyKey key_of_string(std::u16string const& s)
    {
        if (auto index = array_index_of(s))
            return PropertyKey::index(*index);
        return PropertyKey::string(m_heap.intern_string(s).table_index());
    }

    void fill(NodeIndex i)
    {
        auto const& node = m_graph.nodes[i];
        if (node.kind == NodeKind::symbol)
            return;
        auto const id = m_values[i].as_object();
        Slots slots;
        switch (node.kind) {
        case NodeKind::array: slots = ArraySlots { node.array_length }; break;
        case NodeKind::boolean_object:
        case NodeKind::number_object:
        case NodeKind::bigint_object:
        case NodeKind::string_object: slots = PrimitiveWrapperSlots { value(node.primitive) }; break;
        case NodeKind::date: slots = DateSlots { node.date_value }; break;
        case NodeKind::regexp: slots = RegExpSlots { node.source, node.flags }; break;
        case NodeKind::array_buffer:
        case NodeKind::shared_array_buffer: {
            ArrayBufferSlots b;
            if (!node.detached) {
                b.array_buffer_data = std::make_shared<DataBlock>(node.bytes);
                b.array_buffer_data->resize(std::max<std::size_t>(node.bytes.size(),
                    static_cast<std::size_t>(node.max_byte_length.value_or(node.byte_length))));
                b.array_buffer_byte_length = static_cast<std::size_t>(node.byte_length);
            }
            if (node.max_byte_length)
                b.array_buffer_max_byte_length = static_cast<std::size_t>(*node.max_byte_length);
            b.shared = node.kind == NodeKind::shared_array_buffer;
            b.has_detach_key = node.detach_key;
            slots = b;
            break;
        }
        case NodeKind::typed_array:
        case NodeKind::data_view: {
            ViewSlots v;
            v.viewed_array_buffer = m_values[node.buffer].as_object();
            v.byte_offset = static_cast<std::size_t>(node.byte_offset);
            if (node.kind == NodeKind::typed_array) {
                v.typed_array_name = typed_array_from_name(node.view_type).value_or(TypedArrayName::Uint8Array);
                if (node.length) {
                    v.array_length = static_cast<std::size_t>(*node.length);
                    v.byte_length = *v.array_length * typed_array_element_size(*v.typed_array_name);
                }
            } else if (node.length) {
                v.byte_length = static_cast<std::size_t>(*node.length);
            }
            slots = v;
            break;
        }
        case NodeKind::map: {
            MapSlots m;
            for (auto const& [k, v] : node.map_entries)
                m.map_data.emplace_back(std::pair { value(k), value(v) });
            slots = std::move(m);
            break;
        }
        case NodeKind::set: {
            SetSlots s;
            for (auto const& v : node.set_entries)
                s.set_data.emplace_back(value(v));
            slots = std::move(s);
            break;
        }
        case NodeKind::error: slots = ErrorSlots { error_prototype(node.error_prototype), node.stack }; break;
        case NodeKind::proxy:
        case NodeKind::callable_proxy: slots = ProxySlots { node.kind == NodeKind::callable_proxy }; break;
        case NodeKind::message_port:
        case NodeKind::image_bitmap:
        case NodeKind::dom_exception:
        case NodeKind::platform_object: {
            PlatformSlots p;
            p.interface = platform_interface(node.kind);
            p.detached = node.detached;
            p.port_id = node.port_id;
            p.name = node.name;
            p.message = node.message;
            p.width = node.width;
            p.height = node.height;
            p.origin_clean = node.origin_clean;
            slots = std::move(p);
            break;
        }
        default: break;
        }
        m_heap.object(id).slots = std::move(slots);
        if (node.kind == NodeKind::regexp)
            m_heap.define_data_property(id, key_of_string(u"lastIndex"), Value::number(node.last_index), false, true, false);
        for (auto const& p : node.properties) {
            if (p.getter) {
                GetterScript script;
                script.label = p.getter->label;
                script.throws = p.getter->throws;
                script.result = value(p.getter->result);
                for (auto const& e : p.getter->effects) {
                    model::ecma262::GetterEffect effect;
                    effect.kind = static_cast<model::ecma262::GetterEffect::Kind>(e.kind);
                    effect.target = m_values[e.target].is_object() ? m_values[e.target].as_object() : id;
                    effect.key = key_of_string(e.key);
                    effect.value = value(e.value);
                    effect.entry = e.entry;
                    script.effects.push_back(effect);
                }
                m_heap.define_accessor_property(id, key(p), m_heap.add_getter(std::move(script)), p.enumerable);
            } else {
                m_heap.define_data_property(id, key(p), value(p.value), p.enumerable);
            }
        }
    }

    Heap& m_heap;
    Graph const& m_graph;
    RealmId m_realm;
    std::vector<Value> m_values;
};

// Reads a heap value graph back into the encoded form.
class Reader {
public:
    explicit Reader(Heap const& heap) : m_heap(heap) { }

    Graph read(Value root)
    {
        Graph graph;
        graph.root = value(root);
        while (!m_queue.empty()) {
            auto const id = m_queue.front();
            m_queue.pop_front();
            m_nodes[m_index.at(id.index)] = node(id);
        }
        graph.nodes = std::move(m_nodes);
        return canonicalize(graph);
    }

    GValue value(Value v)
    {
        switch (v.type()) {
        case ValueType::undefined: return Undefined {};
        case ValueType::null: return Null {};
        case ValueType::boolean: return v.as_boolean();
        case ValueType::number: return v.as_number();
        case ValueType::bigint: return BigInt { m_heap.bigint(v) };
        case ValueType::string: return m_heap.string(v);
        case ValueType::symbol: {
            // Symbols never survive a clone; a thrown or returned symbol is still shown.
            Node n;
            n.kind = NodeKind::symbol;
            n.source = m_heap.symbol_description(v);
            m_nodes.push_back(std::move(n));
            return NodeRef { static_cast<NodeIndex>(m_nodes.size() - 1) };
        }
        case ValueType::object: break;
        }
        auto const id = v.as_object();
        auto [it, inserted] = m_index.try_emplace(id.index, static_cast<NodeIndex>(m_nodes.size()));
        if (inserted) {
            m_nodes.emplace_back();
            m_queue.push_back(id);
        }
        return NodeRef { it->second };
    }

private:
    Node node(ObjectId id)
    {
        auto const& o = m_heap.object(id);
        Node n;
        switch (o.kind) {
        case ObjectKind::ordinary: n.kind = NodeKind::object; break;
        case ObjectKind::object_prototype: n.kind = NodeKind::object_prototype; break;
        case ObjectKind::array: n.kind = NodeKind::array; n.array_length = slots_of<ArraySlots>(o).length; break;
        case ObjectKind::boolean_object: n.kind = NodeKind::boolean_object; n.primitive = value(slots_of<PrimitiveWrapperSlots>(o).primitive); break;
        case ObjectKind::number_object: n.kind = NodeKind::number_object; n.primitive = value(slots_of<PrimitiveWrapperSlots>(o).primitive); break;
        case ObjectKind::bigint_object: n.kind = NodeKind::bigint_object; n.primitive = value(slots_of<PrimitiveWrapperSlots>(o).primitive); break;
        case ObjectKind::string_object: n.kind = NodeKind::string_object; n.primitive = value(slots_of<PrimitiveWrapperSlots>(o).primitive); break;
        case ObjectKind::date: n.kind = NodeKind::date; n.date_value = slots_of<DateSlots>(o).date_value; break;
        case ObjectKind::regexp: {
            n.kind = NodeKind::regexp;
            auto const& r = slots_of<RegExpSlots>(o);
            n.source = r.original_source;
            n.flags = r.original_flags;
            break;
        }
        case ObjectKind::array_buffer: {
            auto const& b = slots_of<ArrayBufferSlots>(o);
            n.kind = b.shared ? NodeKind::shared_array_buffer : NodeKind::array_buffer;
            n.detached = !b.array_buffer_data;
            n.byte_length = b.array_buffer_byte_length;
            n.max_byte_length = b.array_buffer_max_byte_length;
            if (b.array_buffer_data)
                n.bytes.assign(b.array_buffer_data->begin(), b.array_buffer_data->begin() + static_cast<std::ptrdiff_t>(b.array_buffer_byte_length));
            n.detach_key = b.has_detach_key;
            break;
        }
        case ObjectKind::typed_array:
        case ObjectKind::data_view: {
            auto const& v = slots_of<ViewSlots>(o);
            n.kind = v.typed_array_name ? NodeKind::typed_array : NodeKind::data_view;
            n.view_type = v.typed_array_name ? typed_array_name(*v.typed_array_name) : "DataView";
            n.byte_offset = v.byte_offset;
            if (v.typed_array_name) {
                if (v.array_length)
                    n.length = *v.array_length;
            } else if (v.byte_length) {
                n.length = *v.byte_length;
            }
            n.buffer = std::get<NodeRef>(value(Value::object(v.viewed_array_buffer))).node;
            break;
        }
        case ObjectKind::map:
            n.kind = NodeKind::map;
            for (auto const& e : slots_of<MapSlots>(o).map_data)
                if (e)
                    n.map_entries.emplace_back(value(e->first), value(e->second));
            break;
        case ObjectKind::set:
            n.kind = NodeKind::set;
            for (auto const& e : slots_of<SetSlots>(o).set_data)
                if (e)
                    n.set_entries.push_back(value(*e));
            break;
        case ObjectKind::error: {
            n.kind = NodeKind::error;
            auto const& e = slots_of<ErrorSlots>(o);
            n.error_prototype = error_prototype_name(e.prototype);
            n.stack = e.stack;
            break;
        }
        case ObjectKind::function: n.kind = NodeKind::function; break;
        case ObjectKind::weak_map: n.kind = NodeKind::weak_map; break;
        case ObjectKind::weak_set: n.kind = NodeKind::weak_set; break;
        case ObjectKind::weak_ref: n.kind = NodeKind::weak_ref; break;
        case ObjectKind::promise: n.kind = NodeKind::promise; break;
        case ObjectKind::proxy: n.kind = slots_of<ProxySlots>(o).callable ? NodeKind::callable_proxy : NodeKind::proxy; break;
        case ObjectKind::platform: {
            auto const& p = slots_of<PlatformSlots>(o);
            switch (p.interface) {
            case PlatformInterface::message_port: n.kind = NodeKind::message_port; break;
            case PlatformInterface::image_bitmap: n.kind = NodeKind::image_bitmap; break;
            case PlatformInterface::dom_exception: n.kind = NodeKind::dom_exception; break;
            case PlatformInterface::non_serializable: n.kind = NodeKind::platform_object; break;
            }
            n.detached = p.detached;
            n.port_id = p.port_id;
            n.name = p.name;
            n.message = p.message;
            n.width = p.width;
            n.height = p.height;
            n.origin_clean = p.origin_clean;
            break;
        }
        }
        for (auto const& p : o.properties) {
            if (p.deleted)
                continue;
            Property prop;
            if (p.key.type == PropertyKey::Type::symbol) {
                prop.symbol = std::get<NodeRef>(value(Value::symbol(p.key.value))).node;
            } else {
                prop.key = m_heap.key_string(p.key);
            }
            prop.enumerable = p.enumerable;
            if (o.kind == ObjectKind::regexp && prop.key == u"lastIndex") {
                n.last_index = p.value.type() == ValueType::number ? p.value.as_number() : 0;
                continue;
            }
            if (p.is_accessor()) {
                Getter g;
                g.label = m_heap.getter(p.getter).label;
                prop.getter = g;
            } else {
                prop.value = value(p.value);
            }
            n.properties.push_back(std::move(prop));
        }
        return n;
    }

    Heap const& m_heap;
    std::vector<Node> m_nodes;
    std::unordered_map<std::uint32_t, NodeIndex> m_index;
    std::deque<ObjectId> m_queue;
};

Realm realm_from(RealmSettings const& s, std::string name, AgentClusterId cluster)
{
    Realm r;
    r.name = std::move(name);
    r.agent_cluster = cluster;
    r.cross_origin_isolated = s.cross_origin_isolated;
    r.exposed_interfaces = exposure(s);
    r.max_allocation = static_cast<std::size_t>(s.max_allocation);
    return r;
}

void record_throw(Observation& obs, Heap const& heap, model::Throw const& thrown)
{
    obs.threw = true;
    obs.error_name = std::string(model::error_kind_name(thrown.kind));
    obs.error_is_dom_exception = model::is_dom_exception(thrown.kind);
    obs.thrown_at_step = std::string(spec::step_info(thrown.step).id);
    if (thrown.kind == model::ErrorKind::user_value) {
        Reader reader(heap);
        auto const v = reader.value(thrown.thrown_value);
        // A thrown object is named by identity only: report the primitive or mark the object.
        obs.thrown_value = std::holds_alternative<NodeRef>(v) ? GValue(std::u16string(u"<object>")) : v;
    }
}

} // namespace

Observation run_on_model(Scenario const& scenario, model::Fault fault, model::Trace* trace)
{
    model::Trace scratch;
    model::TraceScope trace_scope(trace ? *trace : scratch);
    model::FaultScope fault_scope(fault);

    if (scenario.mode == PassMode::operations) {
        auto run = model::web_messaging::run_operations(scenario.operations);
        auto const observation = [](model::web_messaging::MessagingObservation& r) {
            Observation obs;
            obs.outcomes = std::move(r.outcomes);
            obs.events = std::move(r.events);
            obs.questioned = std::move(r.questioned);
            return obs;
        };
        auto obs = observation(run);
        for (auto& alternative : run.alternatives)
            obs.alternatives.push_back(observation(alternative));
        return obs;
    }

    Heap heap;
    auto const source = heap.add_realm(realm_from(scenario.source, "source", 0));
    // A MessageChannel made in one realm delivers to that realm.
    auto const target = scenario.mode == PassMode::structured_clone || scenario.mode == PassMode::message_channel
        ? source
        : heap.add_realm(realm_from(scenario.target, "target", scenario.target.same_agent_cluster ? 0 : 1));

    Materializer materializer(heap, scenario.graph, source);
    materializer.build();
    auto const root = materializer.value(scenario.graph.root);

    Observation obs;
    // Web IDL converts the transfer list to sequence<object> before the method steps run.
    std::vector<ObjectId> transfer;
    bool transfer_ok = true;
    for (auto const& t : scenario.transfer) {
        auto const v = materializer.value(t);
        if (!v.is_object()) {
            transfer_ok = false;
            break;
        }
        transfer.push_back(v.as_object());
    }

    std::optional<model::Throw> thrown;
    bool message_error = false;
    Value result;
    if (!transfer_ok) {
        obs.threw = true;
        obs.error_name = "TypeError";
    } else {
        switch (scenario.mode) {
        case PassMode::structured_clone: {
            auto c = html::structured_clone(heap, source, root, transfer);
            if (c.is_throw())
                thrown = c.thrown();
            else
                result = c.value();
            break;
        }
        case PassMode::with_transfer_to_realm:
        case PassMode::message_channel: {
            // For message_channel, the message port post message steps
            // (https://html.spec.whatwg.org/multipage/web-messaging.html#message-port-post-message-steps):
            // the sender serializes (a throw reaches the caller); the receiver deserializes, and a
            // throw there becomes a messageerror event instead of a message event.
            auto s = html::structured_serialize_with_transfer(heap, source, root, transfer);
            if (s.is_throw()) {
                thrown = s.thrown();
                break;
            }
            auto d = html::structured_deserialize_with_transfer(heap, s.value(), target);
            if (!d.is_throw())
                result = d.value().deserialized;
            else if (scenario.mode == PassMode::message_channel)
                message_error = true;
            else
                thrown = d.thrown();
            break;
        }
        case PassMode::operations: // handled above
            break;
        case PassMode::serialize_deserialize:
        case PassMode::for_storage: {
            auto s = scenario.mode == PassMode::for_storage ? html::structured_serialize_for_storage(heap, source, root)
                                                            : html::structured_serialize(heap, source, root);
            if (s.is_throw()) {
                thrown = s.thrown();
                break;
            }
            auto d = html::structured_deserialize(heap, s.value(), target);
            if (d.is_throw())
                thrown = d.thrown();
            else
                result = d.value();
            break;
        }
        }
        if (thrown) {
            record_throw(obs, heap, *thrown);
        } else if (message_error) {
            obs.threw = true;
            obs.error_name = "messageerror";
        } else
            obs.result = Reader(heap).read(result);
    }

    for (NodeIndex i = 0; i < scenario.graph.nodes.size(); ++i) {
        auto const kind = scenario.graph.nodes[i].kind;
        if (kind != NodeKind::array_buffer && kind != NodeKind::message_port && kind != NodeKind::image_bitmap)
            continue;
        auto const& o = heap.object(materializer.node_value(i).as_object());
        TransferableState state { i, false, 0 };
        if (kind == NodeKind::array_buffer) {
            auto const& b = slots_of<ArrayBufferSlots>(o);
            state.detached = !b.array_buffer_data;
            state.byte_length = b.array_buffer_byte_length;
        } else {
            state.detached = slots_of<PlatformSlots>(o).detached;
        }
        obs.transferables.push_back(state);
    }
    obs.getter_calls = heap.getter_calls();
    for (auto const& node : scenario.graph.nodes) {
        if (node.kind != NodeKind::error)
            continue;
        for (auto const& p : node.properties)
            if (p.getter && !p.symbol && (p.key == u"name" || p.key == u"message")) {
                obs.stack_getters.push_back(p.getter->label);
                obs.stack_getters_act |= !p.getter->effects.empty();
            }
    }
    return obs;
}

} // namespace pmconf::conformance
