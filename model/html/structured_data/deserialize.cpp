// StructuredDeserialize. As with serialization, the recursion of step 24 runs on an explicit
// stack: deserialize_record() is steps 2-25 for one Record (deserialize_graph_record() for a
// Record in the graph); next_deep_child() and append_deep_child() run step 24 one entry at a time.

#include "model/html/structured_data/deserialize.h"

#include "model/html/canvas/image_bitmap.h"
#include "model/infra/faults.h"
#include "model/infra/trace.h"
#include "model/webidl/dom_exception.h"

namespace pmconf::model::html {

using namespace ecma262;
namespace S = spec::steps::structured_deserialize;

namespace {

struct DeserializeContext {
    Heap& heap;
    SerializedGraph const& graph;
    RealmId target_realm;
    DeserializeMemory& memory;
};

struct DeserializedValue {
    Value value;
    bool deep = false;
};

struct DeepFrame {
    RecordId serialized;
    // OPTIMIZATION: the Record itself (Records do not move: see SerializedGraph), and its
    // [[Properties]] once step 24.3 found them.
    Record const* record;
    Value value;
    std::size_t next = 0;
    bool awaiting_map_value = false;
    Value deserialized_key {};
    ArenaVector<PropertyRecord> const* properties = nullptr;
};

Throw data_clone_error(spec::StepId step) { return throw_error(ErrorKind::dom_data_clone_error, step); }

ErrorPrototype prototype_for_name(std::u16string const& name)
{
    // NOTE: steps 21.1-21.7 as one lookup; each step is still marked by the caller.
    for (int i = 1; i < 7; ++i)
        if (name == ascii_to_u16(error_prototype_name(static_cast<ErrorPrototype>(i))))
            return static_cast<ErrorPrototype>(i);
    return ErrorPrototype::Error;
}

Completion<void> deserialize_graph_record(DeserializeContext&, RecordId serialized_id, DeserializedValue& result);

// https://html.spec.whatwg.org/multipage/structured-data.html#structureddeserialize
// Steps 2-25 for one Record (step 1 is the caller's), into *result*: a Record in the graph goes to
// deserialize_graph_record; a primitive Record held inline (see SerializedRef) is done here.
// OPTIMIZATION: an out parameter, not a struct in the completion, which GCC copies through memory.
// OPTIMIZATION: inline, so that a primitive costs no call.
[[gnu::always_inline]] inline Completion<void> deserialize_record(DeserializeContext& ctx, SerializedRef serialized_ref,
    DeserializedValue& result)
{
    if (!serialized_ref.is_primitive()) {
        // OPTIMIZATION: through a variable of its own, so that *result* can live in registers: a
        // Value written in two halves and read back whole stalls the CPU's store-to-load forwarding.
        DeserializedValue graph_result;
        auto completion = deserialize_graph_record(ctx, serialized_ref.record_id(), graph_result);
        result = graph_result;
        return completion;
    }

    // 2. A primitive Record held inline is never in memory: it has no identity.
    PM_STEP(S::s2);
    // 3. deep starts false.
    PM_STEP(S::s3);
    // 4. value starts uninitialized.
    PM_STEP(S::s4);
    // 5. A primitive is itself.
    PM_STEP(S::s5);
    auto const value = serialized_ref.primitive_record().value;
    // 23. Remember the value for this Record.
    PM_STEP(S::s23);
    // MODEL: an inline primitive Record has no identity to remember.
    // 25. Return value (step 24 is skipped).
    PM_STEP(S::s25);
    result = DeserializedValue { value, false };
    return {};
}

// https://html.spec.whatwg.org/multipage/structured-data.html#structureddeserialize
// Steps 2-25 for a Record in the graph.
Completion<void> deserialize_graph_record(DeserializeContext& ctx, RecordId serialized_id,
    DeserializedValue& result)
{
    auto& heap = ctx.heap;
    auto const& realm = heap.realm(ctx.target_realm);

    // 2. A Record already in memory deserializes to the value made for it before.
    PM_STEP(S::s2);
    if (auto existing = ctx.memory.get(serialized_id)) {
        bool const lose = fault_active(Fault::lose_sharing) && existing->is_object()
            && ctx.memory.state(serialized_id) == DeserializeMemory::State::complete
            && !record_holds<TransferDataHolder>(ctx.graph[serialized_id]);
        if (!lose) {
            result = DeserializedValue { *existing, false };
            return {};
        }
    }

    // 3. deep starts false.
    PM_STEP(S::s3);
    bool deep = false;
    // 4. value starts uninitialized.
    PM_STEP(S::s4);
    Value value;
    Record const* serialized = &ctx.graph[serialized_id];

    if (auto const* primitive = record_if<PrimitiveRecord>(serialized)) {
        // 5. A primitive is itself.
        PM_STEP(S::s5);
        value = primitive->value;
    } else if (auto const* boolean = record_if<BooleanRecord>(serialized)) {
        // 6. A new Boolean object.
        PM_STEP(S::s6);
        value = Value::object(heap.allocate(ObjectKind::boolean_object, ctx.target_realm,
            PrimitiveWrapperSlots { Value::boolean(boolean->boolean_data) }));
    } else if (auto const* number = record_if<NumberRecord>(serialized)) {
        // 7. A new Number object.
        PM_STEP(S::s7);
        value = Value::object(heap.allocate(ObjectKind::number_object, ctx.target_realm,
            PrimitiveWrapperSlots { Value::number(number->number_data) }));
    } else if (auto const* bigint = record_if<BigIntRecord>(serialized)) {
        // 8. A new BigInt object.
        PM_STEP(S::s8);
        value = Value::object(heap.allocate(ObjectKind::bigint_object, ctx.target_realm, PrimitiveWrapperSlots { bigint->bigint_data }));
    } else if (auto const* string = record_if<StringRecord>(serialized)) {
        // 9. A new String object.
        PM_STEP(S::s9);
        value = Value::object(heap.allocate(ObjectKind::string_object, ctx.target_realm, PrimitiveWrapperSlots { string->string_data }));
    } else if (auto const* date = record_if<DateRecord>(serialized)) {
        // 10. A new Date object.
        PM_STEP(S::s10);
        value = Value::object(heap.allocate(ObjectKind::date, ctx.target_realm, DateSlots { date->date_value }));
    } else if (auto const* regexp = record_if<RegExpRecord>(serialized)) {
        // 11. A new RegExp object with the same matcher, source and flags (lastIndex 0).
        PM_STEP(S::s11);
        auto const id = heap.allocate(ObjectKind::regexp, ctx.target_realm,
            RegExpSlots { regexp->original_source, fault_active(Fault::regexp_loses_flags) ? std::string() : regexp->original_flags });
        heap.define_data_property(id, PropertyKey::string(heap.intern_string(u"lastIndex").table_index()), Value::number(0), false, true, false);
        value = Value::object(id);
    } else if (auto const* shared = record_if<SharedArrayBufferRecord>(serialized)) {
        // 12. SharedArrayBuffer.
        PM_STEP(S::s12);
        // 12.1. Only within the agent cluster it came from.
        PM_STEP(S::s12_1);
        if (realm.agent_cluster != shared->agent_cluster)
            return data_clone_error(S::s12_1);
        // 12.2. A new SharedArrayBuffer on the same data block.
        PM_STEP(S::s12_2);
        value = Value::object(heap.allocate(ObjectKind::array_buffer, ctx.target_realm,
            ArrayBufferSlots { shared->array_buffer_data, shared->array_buffer_byte_length, std::nullopt, true, false }));
    } else if (auto const* growable = record_if<GrowableSharedArrayBufferRecord>(serialized)) {
        // 13. Growable SharedArrayBuffer.
        PM_STEP(S::s13);
        // 13.1. Only within the agent cluster it came from.
        PM_STEP(S::s13_1);
        if (realm.agent_cluster != growable->agent_cluster)
            return data_clone_error(S::s13_1);
        // 13.2. A new growable SharedArrayBuffer on the same data block, length and maximum.
        PM_STEP(S::s13_2);
        value = Value::object(heap.allocate(ObjectKind::array_buffer, ctx.target_realm,
            ArrayBufferSlots { growable->array_buffer_data, growable->array_buffer_byte_length_data,
                growable->array_buffer_max_byte_length, true, false }));
    } else if (auto const* buffer = record_if<ArrayBufferRecord>(serialized)) {
        // 14. A new ArrayBuffer with the serialized bytes.
        PM_STEP(S::s14);
        if (buffer->array_buffer_byte_length > realm.max_allocation) {
            // 14/catch. Failing to create it is a DataCloneError.
            PM_STEP(S::s14_catch);
            return data_clone_error(S::s14_catch);
        }
        // NOTE: the model copies the block, so that deserializing one Record twice (BroadcastChannel)
        // gives independent buffers, as every implementation does.
        value = Value::object(heap.allocate(ObjectKind::array_buffer, ctx.target_realm,
            ArrayBufferSlots { std::make_shared<DataBlock>(*buffer->array_buffer_data), buffer->array_buffer_byte_length,
                std::nullopt, false, false }));
    } else if (auto const* resizable = record_if<ResizableArrayBufferRecord>(serialized)) {
        // 15. A new resizable ArrayBuffer with the serialized bytes and maximum.
        PM_STEP(S::s15);
        if (resizable->array_buffer_max_byte_length > realm.max_allocation) {
            // 15/catch. Failing to create it is a DataCloneError.
            PM_STEP(S::s15_catch);
            return data_clone_error(S::s15_catch);
        }
        value = Value::object(heap.allocate(ObjectKind::array_buffer, ctx.target_realm,
            ArrayBufferSlots { std::make_shared<DataBlock>(*resizable->array_buffer_data), resizable->array_buffer_byte_length,
                resizable->array_buffer_max_byte_length, false, false }));
    } else if (auto const* view = record_if<ArrayBufferViewRecord>(serialized)) {
        // 16. A view.
        PM_STEP(S::s16);
        // 16.1. Deserialize its buffer first, with the same memory.
        PM_STEP(S::s16_1);
        DeserializedValue buffer;
        PM_TRY_VOID(deserialize_record(ctx, SerializedRef::record(view->array_buffer_serialized), buffer));
        auto const deserialized_array_buffer = buffer.value;
        ViewSlots slots { deserialized_array_buffer.as_object(), std::nullopt, view->byte_offset, view->byte_length, std::nullopt };
        ObjectKind kind = ObjectKind::data_view;
        if (view->constructor == "DataView") {
            // 16.2. A new DataView.
            PM_STEP(S::s16_2);
        } else {
            // 16.3. A new typed array of the named kind.
            PM_STEP(S::s16_3);
            kind = ObjectKind::typed_array;
            slots.typed_array_name = typed_array_from_name(view->constructor);
            slots.array_length = view->array_length;
            if (fault_active(Fault::length_tracking_view_fixed) && !slots.array_length) {
                auto const& b = slots_of<ArrayBufferSlots>(heap.object(slots.viewed_array_buffer));
                auto const length = (b.array_buffer_byte_length - std::min(b.array_buffer_byte_length, slots.byte_offset))
                    / typed_array_element_size(*slots.typed_array_name);
                slots.array_length = length;
                slots.byte_length = length * typed_array_element_size(*slots.typed_array_name);
            }
        }
        value = Value::object(heap.allocate(kind, ctx.target_realm, slots));
    } else if (record_holds<MapRecord>(*serialized)) {
        // 17. A Map ...
        PM_STEP(S::s17);
        // 17.1. ... new and empty,
        PM_STEP(S::s17_1);
        value = Value::object(heap.allocate(ObjectKind::map, ctx.target_realm, MapSlots {}));
        // 17.2. filled in deeply.
        PM_STEP(S::s17_2);
        deep = true;
    } else if (record_holds<SetRecord>(*serialized)) {
        // 18. A Set ...
        PM_STEP(S::s18);
        // 18.1. ... new and empty,
        PM_STEP(S::s18_1);
        value = Value::object(heap.allocate(ObjectKind::set, ctx.target_realm, SetSlots {}));
        // 18.2. filled in deeply.
        PM_STEP(S::s18_2);
        deep = true;
    } else if (auto const* array = record_if<ArrayRecord>(serialized)) {
        // 19. An Array ...
        PM_STEP(S::s19);
        // 19.1. ... with the target realm's Array.prototype,
        PM_STEP(S::s19_1);
        // 19.2. ... created with the serialized length,
        PM_STEP(S::s19_2);
        value = Value::object(heap.allocate(ObjectKind::array, ctx.target_realm, ArraySlots { array->length }));
        // 19.3. ... filled in deeply.
        PM_STEP(S::s19_3);
        deep = true;
    } else if (record_holds<ObjectRecord>(*serialized)) {
        // 20. An ordinary object ...
        PM_STEP(S::s20);
        // 20.1. ... new,
        PM_STEP(S::s20_1);
        value = Value::object(heap.allocate(ObjectKind::ordinary, ctx.target_realm));
        // 20.2. ... filled in deeply.
        PM_STEP(S::s20_2);
        deep = true;
    } else if (auto const* error = record_if<ErrorRecord>(serialized)) {
        // 21. An Error object.
        PM_STEP(S::s21);
        // 21.1. The prototype is %Error.prototype% ...
        PM_STEP(S::s21_1);
        // 21.2. ... or %EvalError.prototype% for "EvalError",
        PM_STEP(S::s21_2);
        // 21.3. ... %RangeError.prototype% for "RangeError",
        PM_STEP(S::s21_3);
        // 21.4. ... %ReferenceError.prototype% for "ReferenceError",
        PM_STEP(S::s21_4);
        // 21.5. ... %SyntaxError.prototype% for "SyntaxError",
        PM_STEP(S::s21_5);
        // 21.6. ... %TypeError.prototype% for "TypeError",
        PM_STEP(S::s21_6);
        // 21.7. ... %URIError.prototype% for "URIError".
        PM_STEP(S::s21_7);
        auto prototype = prototype_for_name(error->name);
        if (fault_active(Fault::error_prototype_always_error))
            prototype = ErrorPrototype::Error;
        // 21.8. message is the serialized message.
        PM_STEP(S::s21_8);
        // 21.9. A new object with [[ErrorData]] and [[Stack]].
        PM_STEP(S::s21_9);
        auto const id = heap.allocate(ObjectKind::error, ctx.target_realm, ErrorSlots { prototype, {} });
        // 21.10. The message property is writable, configurable and not enumerable ...
        PM_STEP(S::s21_10);
        // 21.11. ... and defined only when message is not undefined.
        PM_STEP(S::s21_11);
        if (error->message)
            heap.define_data_property(id, PropertyKey::string(heap.intern_string(u"message").table_index()),
                heap.intern_string(*error->message), false, true, true);
        // 21.12. [[Stack]] is the serialized stack.
        PM_STEP(S::s21_12);
        slots_of<ErrorSlots>(heap.object(id)).stack = error->stack;
        // 21.13. Accompanying data should be deserialized and attached.
        PM_STEP(S::s21_13);
        // IMPLEMENTATION-DEFINED: the model attaches none (it serialized none).
        value = Value::object(id);
    } else {
        // 22. A platform object.
        PM_STEP(S::s22);
        auto const& platform = record_get<PlatformObjectRecord>(*serialized);
        // 22.1. interfaceName is the record's [[Type]].
        PM_STEP(S::s22_1);
        // 22.2. An interface the target realm does not expose is a DataCloneError.
        PM_STEP(S::s22_2);
        if (!(realm.exposed_interfaces & interface_bit(platform.type)))
            return data_clone_error(S::s22_2);
        // 22.3. A new, not yet set up, instance in the target realm.
        PM_STEP(S::s22_3);
        value = Value::object(heap.allocate(ObjectKind::platform, ctx.target_realm, make_platform_slots(platform.type)));
        // 22.4. Its deserialization steps run in step 24.
        PM_STEP(S::s22_4);
        deep = true;
    }

    // 23. Remember the value for this Record.
    PM_STEP(S::s23);
    ctx.memory.set(serialized_id, value,
        deep ? DeserializeMemory::State::in_progress : DeserializeMemory::State::complete);
    if (!deep) {
        // 25. Return value (step 24 is skipped).
        PM_STEP(S::s25);
    }
    result = DeserializedValue { value, deep };
    return {};
}

// https://html.spec.whatwg.org/multipage/structured-data.html#structureddeserialize
// Step 24.3.1's loop over an Array's or Object's [[Properties]] (found by step 24.3): true with the
// next Record to deserialize in *child*, or false when done.
[[gnu::always_inline]] inline bool next_deep_property(DeepFrame& frame, SerializedRef& child)
{
    auto const& properties = *frame.properties;
    if (frame.next >= properties.size())
        return false;
    // 24.3.1.1. deserialize the value.
    PM_STEP(S::s24_3_1_1);
    child = properties[frame.next].value;
    return true;
}

// https://html.spec.whatwg.org/multipage/structured-data.html#structureddeserialize
// Step 24, one entry at a time: true with the next Record to deserialize in *child*, or false when done.
// OPTIMIZATION: an out parameter, not an optional, which GCC copies through memory.
bool next_deep_child(DeserializeContext& ctx, DeepFrame& frame, SerializedRef& child)
{
    // OPTIMIZATION: once step 24.3 has found an Array's or Object's properties, straight to the next one.
    if (frame.properties)
        return next_deep_property(frame, child);
    auto const& serialized = *frame.record;
    if (frame.next == 0 && !frame.awaiting_map_value) {
        // 24. deep is true.
        PM_STEP(S::s24);
    }
    if (auto const* map = record_if<MapRecord>(&serialized)) {
        if (frame.next == 0 && !frame.awaiting_map_value) {
            // 24.1. A Map's entries,
            PM_STEP(S::s24_1);
            // 24.1.1. in order:
            PM_STEP(S::s24_1_1);
        }
        if (frame.next >= map->map_data.size())
            return false;
        if (!frame.awaiting_map_value) {
            // 24.1.1.1. the key,
            PM_STEP(S::s24_1_1_1);
            child = map->map_data[frame.next].first;
            return true;
        }
        // 24.1.1.2. then the value.
        PM_STEP(S::s24_1_1_2);
        child = map->map_data[frame.next].second;
        return true;
    }
    if (auto const* set = record_if<SetRecord>(&serialized)) {
        if (frame.next == 0) {
            // 24.2. A Set's entries,
            PM_STEP(S::s24_2);
            // 24.2.1. in order:
            PM_STEP(S::s24_2_1);
        }
        if (frame.next >= set->set_data.size())
            return false;
        // 24.2.1.1. deserialize the entry.
        PM_STEP(S::s24_2_1_1);
        child = set->set_data[frame.next];
        return true;
    }
    auto const* array = record_if<ArrayRecord>(&serialized);
    auto const* object = record_if<ObjectRecord>(&serialized);
    if (array || object) {
        frame.properties = array ? &array->properties : &object->properties;
        // OPTIMIZATION: the new object gets exactly these properties.
        ctx.heap.object(frame.value.as_object()).properties.reserve(frame.properties->size());
        // 24.3. An Array's or Object's properties,
        PM_STEP(S::s24_3);
        // 24.3.1. in order:
        PM_STEP(S::s24_3_1);
        return next_deep_property(frame, child);
    }
    // 24.4. A platform object:
    PM_STEP(S::s24_4);
    // 24.4.1. its interface's deserialization steps.
    PM_STEP(S::s24_4_1);
    auto const& platform = record_get<PlatformObjectRecord>(serialized);
    auto& slots = slots_of<PlatformSlots>(ctx.heap.object(frame.value.as_object()));
    if (platform.type == PlatformInterface::dom_exception)
        webidl::dom_exception_deserialization_steps(platform, slots);
    else
        canvas::image_bitmap_deserialization_steps(platform, slots);
    return false;
}

// https://html.spec.whatwg.org/multipage/structured-data.html#structureddeserialize
// Step 24's "append" steps, once the child is deserialized.
// OPTIMIZATION: inline.
[[gnu::always_inline]] inline void append_deep_child(DeserializeContext& ctx, DeepFrame& frame, Value child)
{
    auto& heap = ctx.heap;
    auto const& serialized = *frame.record;
    auto& object = heap.object(frame.value.as_object());
    if (record_holds<MapRecord>(serialized)) {
        if (!frame.awaiting_map_value) {
            frame.deserialized_key = child;
            frame.awaiting_map_value = true;
            return;
        }
        // 24.1.1.3. Append the entry to [[MapData]].
        PM_STEP(S::s24_1_1_3);
        slots_of<MapSlots>(object).map_data.emplace_back(std::pair { frame.deserialized_key, child });
        frame.awaiting_map_value = false;
    } else if (record_holds<SetRecord>(serialized)) {
        // 24.2.1.2. Append the entry to [[SetData]].
        PM_STEP(S::s24_2_1_2);
        // A copy, so that child's address escapes nowhere (see Heap::create_data_property).
        slots_of<SetSlots>(object).set_data.emplace_back(Value(child));
    } else {
        // 24.3.1.2. CreateDataProperty(value, key, deserialized value).
        PM_STEP(S::s24_3_1_2);
        heap.create_data_property(frame.value.as_object(), (*frame.properties)[frame.next].key, child);
        // 24.3.1.3. That cannot fail on a new object.
        PM_STEP(S::s24_3_1_3);
    }
    ++frame.next;
}

} // namespace

// https://html.spec.whatwg.org/multipage/structured-data.html#structureddeserialize
Completion<Value> structured_deserialize(Heap& heap, SerializedGraph const& graph, RecordId serialized, RealmId target_realm,
    DeserializeMemory& memory)
{
    // 1. A fresh memory unless the caller supplied one (StructuredDeserializeWithTransfer does).
    PM_STEP(S::s1);
    DeserializeContext ctx { heap, graph, target_realm, memory };
    // OPTIMIZATION: at most one new object per Record; the heap's chunk table grows once.
    heap.reserve_more_objects(graph.size());
    DeserializedValue root;
    PM_TRY_VOID(deserialize_record(ctx, SerializedRef::record(serialized), root));
    if (!root.deep)
        return root.value;
    std::vector<DeepFrame> stack;
    stack.emplace_back(serialized, &graph[serialized], root.value);
    while (!stack.empty()) {
        SerializedRef child;
        if (!next_deep_child(ctx, stack.back(), child)) {
            // 25. Return value (to the parent's append step, if any).
            PM_STEP(S::s25);
            auto const finished_serialized = stack.back().serialized;
            auto const finished_value = stack.back().value;
            stack.pop_back();
            memory.mark_complete(finished_serialized);
            if (!stack.empty())
                append_deep_child(ctx, stack.back(), finished_value);
            continue;
        }
        DeserializedValue deserialized;
        PM_TRY_VOID(deserialize_record(ctx, child, deserialized));
        if (deserialized.deep)
            // The value filled in afterwards: see Heap::create_data_property.
            stack.emplace_back(child.record_id(), &graph[child.record_id()]).value = deserialized.value;
        else
            append_deep_child(ctx, stack.back(), deserialized.value);
    }
    return root.value;
}

Completion<Value> structured_deserialize(Heap& heap, Serialized const& serialized, RealmId target_realm)
{
    DeserializeMemory memory(serialized.graph.size());
    return structured_deserialize(heap, serialized.graph, serialized.root, target_realm, memory);
}

} // namespace pmconf::model::html
