// StructuredSerializeInternal, StructuredSerialize and StructuredSerializeForStorage.
//
// The spec's algorithm is recursive; the model runs it with an explicit stack so that graphs of
// any depth serialize without overflowing the C++ stack. serialize_value() runs steps 2-25 for one
// value (serialize_object() the object steps 6-25); a value whose *deep* is true gets a DeepFrame,
// and next_deep_child() / append_deep_child() run step 26 one child at a time. Each child is
// serialized completely (its own subtree first) before its parent's "append" step runs, so the
// trace has the recursive algorithm's order.

#include "model/html/structured_data/serialize.h"

#include "model/html/canvas/image_bitmap.h"
#include "model/infra/faults.h"
#include "model/infra/trace.h"
#include "model/webidl/dom_exception.h"

namespace pmconf::model::html {

using namespace ecma262;
namespace S = spec::steps::structured_serialize_internal;

namespace {

struct SerializeContext {
    Heap& heap;
    RealmId current_realm;
    bool for_storage;
    SerializeMemory& memory;
    SerializedGraph& graph;
};

struct SerializedValue {
    SerializedRef serialized;
    bool deep = false;
};

// Step 26's iteration state for one value whose *deep* is true.
struct DeepFrame {
    ObjectId value;
    RecordId serialized;
    bool started = false;
    std::size_t next = 0;
    // Map entries: the key of entry *next* has been serialized, its value is next.
    bool awaiting_map_value = false;
    SerializedRef serialized_key {};
    std::vector<std::pair<Value, Value>> copied_map {};
    std::vector<Value> copied_set {};
    std::vector<KeyAtSlot> keys {};
    // OPTIMIZATION: the Record's [[Properties]] (an Array or Object record), found once in step 26.4.
    ArenaVector<PropertyRecord>* properties = nullptr;
};

// The explicit stack of step 26. OPTIMIZATION: popped frames stay allocated, so that a frame
// pushed later reuses their vectors' storage.
class DeepStack {
public:
    void push(ObjectId value, RecordId serialized)
    {
        if (m_size == m_frames.size())
            m_frames.emplace_back();
        auto& frame = m_frames[m_size++];
        frame.value = value;
        frame.serialized = serialized;
        frame.started = false;
        frame.next = 0;
        frame.awaiting_map_value = false;
        frame.serialized_key = {};
        frame.copied_map.clear();
        frame.copied_set.clear();
        frame.keys.clear();
        frame.properties = nullptr;
    }
    void pop() { --m_size; }
    DeepFrame& back() { return m_frames[m_size - 1]; }
    bool empty() const { return m_size == 0; }

private:
    std::vector<DeepFrame> m_frames;
    std::size_t m_size = 0;
};

Throw data_clone_error(spec::StepId step) { return throw_error(ErrorKind::dom_data_clone_error, step); }

Completion<void> serialize_object(SerializeContext& ctx, ObjectId id, bool deep, SerializedValue& result);

// https://html.spec.whatwg.org/multipage/structured-data.html#structuredserializeinternal
// Steps 2-25 for one value (step 1 is the caller's), into *result*: steps 2-5 here, the object
// steps 6-25 in serialize_object.
// OPTIMIZATION: an out parameter, not a struct in the completion, which GCC copies through memory.
// OPTIMIZATION: inline, so that a primitive (or a value already in memory) costs no call.
[[gnu::always_inline]] inline Completion<void> serialize_value(SerializeContext& ctx, Value value,
    SerializedValue& result)
{
    // 2. A value already in memory serializes to the Record made for it before.
    PM_STEP(S::s2);
    if (value.is_object()) {
        if (auto existing = ctx.memory.get(value.as_object())) {
            result = SerializedValue { SerializedRef::record(*existing), false };
            return {};
        }
    }

    // 3. deep starts false.
    PM_STEP(S::s3);
    bool const deep = false;

    // 4. Primitives other than symbols serialize as themselves.
    PM_STEP(S::s4);
    switch (value.type()) {
    case ValueType::undefined:
    case ValueType::null:
    case ValueType::boolean:
    case ValueType::number:
    case ValueType::bigint:
    case ValueType::string:
        result = SerializedValue { SerializedRef::primitive(PrimitiveRecord { value }), false };
        return {};
    default:
        break;
    }

    // 5. A Symbol is a DataCloneError.
    PM_STEP(S::s5);
    if (value.type() == ValueType::symbol) {
        if (fault_active(Fault::symbol_throws_type_error))
            return throw_error(ErrorKind::type_error, S::s5);
        return data_clone_error(S::s5);
    }

    // 6-25. (see serialize_object)
    // OPTIMIZATION: through a variable of its own, so that *result* can live in registers: a
    // Value written in two halves and read back whole stalls the CPU's store-to-load forwarding.
    SerializedValue object_result;
    auto completion = serialize_object(ctx, value.as_object(), deep, object_result);
    result = object_result;
    return completion;
}

// https://html.spec.whatwg.org/multipage/structured-data.html#structuredserializeinternal
// Steps 6-25 for an object that is not in memory yet; *deep* is step 3's.
Completion<void> serialize_object(SerializeContext& ctx, ObjectId id, bool deep, SerializedValue& result)
{
    auto& heap = ctx.heap;

    // 6. serialized starts uninitialized.
    PM_STEP(S::s6);
    Object& object = heap.object(id);
    // MODEL: a Record goes into the graph as soon as it is made; serialized is its id there.
    // (OPTIMIZATION: built in place, not moved.) No step below can throw once it is made.
    RecordId serialized;

    if (object.kind == ObjectKind::boolean_object) {
        // 7. Boolean objects keep [[BooleanData]].
        PM_STEP(S::s7);
        auto data = slots_of<PrimitiveWrapperSlots>(object).primitive;
        if (fault_active(Fault::boolean_wrapper_unwrapped))
            serialized = ctx.graph.add(PrimitiveRecord { data });
        else
            serialized = ctx.graph.add(BooleanRecord { data.as_boolean() });
    } else if (object.kind == ObjectKind::number_object) {
        // 8. Number objects keep [[NumberData]].
        PM_STEP(S::s8);
        double number = slots_of<PrimitiveWrapperSlots>(object).primitive.as_number();
        if (fault_active(Fault::number_wrapper_loses_negative_zero) && number == 0)
            number = 0.0;
        serialized = ctx.graph.add(NumberRecord { number });
    } else if (object.kind == ObjectKind::bigint_object) {
        // 9. BigInt objects keep [[BigIntData]].
        PM_STEP(S::s9);
        serialized = ctx.graph.add(BigIntRecord { slots_of<PrimitiveWrapperSlots>(object).primitive });
    } else if (object.kind == ObjectKind::string_object) {
        // 10. String objects keep [[StringData]].
        PM_STEP(S::s10);
        serialized = ctx.graph.add(StringRecord { slots_of<PrimitiveWrapperSlots>(object).primitive });
    } else if (object.kind == ObjectKind::date) {
        // 11. Date objects keep [[DateValue]].
        PM_STEP(S::s11);
        serialized = ctx.graph.add(DateRecord { slots_of<DateSlots>(object).date_value });
    } else if (object.kind == ObjectKind::regexp) {
        // 12. RegExp objects keep their matcher, source and flags (lastIndex is not kept).
        PM_STEP(S::s12);
        auto const& r = slots_of<RegExpSlots>(object);
        serialized = ctx.graph.add(RegExpRecord { r.original_source, r.original_flags });
    } else if (object.kind == ObjectKind::array_buffer) {
        // 13. ArrayBuffer and SharedArrayBuffer objects.
        PM_STEP(S::s13);
        auto const& buffer = slots_of<ArrayBufferSlots>(object);
        auto const& realm = heap.realm(ctx.current_realm);
        if (buffer.shared) {
            // 13.1. Shared memory.
            PM_STEP(S::s13_1);
            // 13.1.1. Without cross-origin isolation, shared memory cannot be serialized.
            PM_STEP(S::s13_1_1);
            if (!realm.cross_origin_isolated && !fault_active(Fault::ignore_cross_origin_isolation))
                return data_clone_error(S::s13_1_1);
            // 13.1.2. Shared memory cannot be serialized for storage.
            PM_STEP(S::s13_1_2);
            if (ctx.for_storage && !fault_active(Fault::storage_accepts_shared_memory))
                return data_clone_error(S::s13_1_2);
            if (buffer.array_buffer_max_byte_length) {
                // 13.1.3. A growable SharedArrayBuffer shares its data block and length with the agent cluster.
                PM_STEP(S::s13_1_3);
                serialized = ctx.graph.add(GrowableSharedArrayBufferRecord { buffer.array_buffer_data,
                    buffer.array_buffer_byte_length, *buffer.array_buffer_max_byte_length, realm.agent_cluster });
            } else {
                // 13.1.4. A fixed-length SharedArrayBuffer shares its data block.
                PM_STEP(S::s13_1_4);
                serialized = ctx.graph.add(SharedArrayBufferRecord { buffer.array_buffer_data,
                    buffer.array_buffer_byte_length, realm.agent_cluster });
            }
        } else {
            // 13.2. A non-shared buffer is copied.
            PM_STEP(S::s13_2);
            // 13.2.1. A detached buffer is a DataCloneError.
            PM_STEP(S::s13_2_1);
            if (heap.is_detached_buffer(id))
                return data_clone_error(S::s13_2_1);
            // 13.2.2. size is the byte length.
            PM_STEP(S::s13_2_2);
            auto const size = buffer.array_buffer_byte_length;
            // 13.2.3. Allocate a data block for the copy (RangeError when that fails).
            PM_STEP(S::s13_2_3);
            // IMPLEMENTATION-DEFINED: allocation fails past the realm's max_allocation.
            if (size > realm.max_allocation)
                return throw_error(ErrorKind::range_error, S::s13_2_3);
            // 13.2.4. Copy the bytes.
            PM_STEP(S::s13_2_4);
            auto data_copy = std::make_shared<DataBlock>(buffer.array_buffer_data->begin(),
                buffer.array_buffer_data->begin() + static_cast<std::ptrdiff_t>(size));
            if (buffer.array_buffer_max_byte_length && !fault_active(Fault::resizable_buffer_loses_max_length)) {
                // 13.2.5. A resizable buffer keeps its maximum byte length.
                PM_STEP(S::s13_2_5);
                serialized = ctx.graph.add(ResizableArrayBufferRecord { std::move(data_copy), size,
                    *buffer.array_buffer_max_byte_length });
            } else {
                // 13.2.6. A fixed-length buffer.
                PM_STEP(S::s13_2_6);
                serialized = ctx.graph.add(ArrayBufferRecord { std::move(data_copy), size });
            }
        }
    } else if (object.kind == ObjectKind::typed_array || object.kind == ObjectKind::data_view) {
        // 14. TypedArray and DataView objects.
        PM_STEP(S::s14);
        // 14.1. A view that is out of bounds (or whose buffer is detached) is a DataCloneError.
        PM_STEP(S::s14_1);
        if (heap.is_array_buffer_view_out_of_bounds(id) && !fault_active(Fault::view_bounds_not_checked))
            return data_clone_error(S::s14_1);
        // 14.2. buffer is the viewed buffer.
        PM_STEP(S::s14_2);
        auto const view = slots_of<ViewSlots>(object); // copy: serializing the buffer may grow the heap
        // 14.3. Serialize the buffer with the same memory.
        PM_STEP(S::s14_3);
        SerializedValue buffer;
        PM_TRY_VOID(serialize_value(ctx, Value::object(view.viewed_array_buffer), buffer));
        PM_ASSERT(!buffer.serialized.is_primitive());
        auto const buffer_serialized = buffer.serialized.record_id();
        // 14.4. The buffer serialized as one of the four buffer types.
        PM_STEP(S::s14_4);
        // SPEC-ISSUE: when the buffer is in the transfer list, memory holds its transfer data holder,
        // whose [[Type]] is still uninitialized here (StructuredSerializeWithTransfer fills it in at step 5);
        // the model accepts that case too.
        auto const& b = ctx.graph[buffer_serialized];
        PM_ASSERT(record_holds<ArrayBufferRecord>(b) || record_holds<ResizableArrayBufferRecord>(b)
            || record_holds<SharedArrayBufferRecord>(b) || record_holds<GrowableSharedArrayBufferRecord>(b)
            || record_holds<TransferDataHolder>(b));
        // NOTE: once the view is out of bounds checks are skipped (a seeded fault), lengths can be stale.
        if (!view.typed_array_name) {
            // 14.5. A DataView keeps its byte length and offset.
            PM_STEP(S::s14_5);
            serialized = ctx.graph.add(ArrayBufferViewRecord { "DataView", buffer_serialized, view.byte_length,
                view.byte_offset, std::nullopt });
        } else {
            // 14.6. Otherwise a typed array.
            PM_STEP(S::s14_6);
            // 14.6.1. It has a [[TypedArrayName]].
            PM_STEP(S::s14_6_1);
            PM_ASSERT(view.typed_array_name.has_value());
            // 14.6.2. It keeps its constructor name, byte length, offset and array length.
            PM_STEP(S::s14_6_2);
            auto byte_length = view.byte_length;
            auto array_length = view.array_length;
            serialized = ctx.graph.add(ArrayBufferViewRecord { typed_array_name(*view.typed_array_name),
                buffer_serialized, byte_length, view.byte_offset, array_length });
        }
    } else if (object.kind == ObjectKind::map) {
        // 15. A Map starts with an empty [[MapData]] ...
        PM_STEP(S::s15);
        // 15.1. ... in a Map record,
        PM_STEP(S::s15_1);
        serialized = ctx.graph.add(MapRecord {});
        // 15.2. ... and its entries are serialized deeply.
        PM_STEP(S::s15_2);
        deep = true;
    } else if (object.kind == ObjectKind::set) {
        // 16. A Set likewise.
        PM_STEP(S::s16);
        // 16.1. An empty Set record,
        PM_STEP(S::s16_1);
        serialized = ctx.graph.add(SetRecord {});
        // 16.2. filled in deeply.
        PM_STEP(S::s16_2);
        deep = true;
    } else if (object.kind == ObjectKind::error) {
        // 17. Error objects (not platform objects).
        PM_STEP(S::s17);
        // 17.1. name is Get(value, "name"): an own property, else the prototype's name.
        PM_STEP(S::s17_1);
        Value name;
        auto const name_key = PropertyKey::string(heap.intern_string(u"name").table_index());
        auto const* own = fault_active(Fault::ignore_own_error_name) ? nullptr : heap.find_own_property(id, name_key);
        if (own) {
            if (own->is_accessor()) {
                PM_TRY(name, heap.call_getter(own->getter, S::s17_1));
            } else {
                name = own->value;
            }
        } else {
            name = heap.intern_string(ascii_to_u16(error_prototype_name(slots_of<ErrorSlots>(heap.object(id)).prototype)));
        }
        // 17.2. Any name other than the seven native error names becomes "Error".
        PM_STEP(S::s17_2);
        std::u16string name_string = u"Error";
        if (name.type() == ValueType::string) {
            auto const& n = heap.string(name);
            for (auto p : { u"Error", u"EvalError", u"RangeError", u"ReferenceError", u"SyntaxError", u"TypeError", u"URIError" })
                if (n == p)
                    name_string = n;
        }
        // 17.3. Look at the own "message" property descriptor.
        PM_STEP(S::s17_3);
        auto const message_key = PropertyKey::string(heap.intern_string(u"message").table_index());
        auto const* message_desc = heap.find_own_property(id, message_key);
        // 17.4. message is undefined unless it is a data property, whose value is converted with ToString.
        PM_STEP(S::s17_4);
        std::optional<std::u16string> message;
        if (message_desc && !message_desc->is_accessor()) {
            auto const message_value = message_desc->value;
            PM_TRY(auto const message_string, heap.to_string(message_value, S::s17_4));
            message = heap.string(message_string);
        } else if (message_desc && fault_active(Fault::error_message_from_accessor)) {
            PM_TRY(auto const got, heap.call_getter(message_desc->getter, S::s17_4));
            PM_TRY(auto const got_string, heap.to_string(got, S::s17_4));
            message = heap.string(got_string);
        }
        // 17.5. stack is an implementation-defined string for [[Stack]].
        PM_STEP(S::s17_5);
        // IMPLEMENTATION-DEFINED: the model keeps the [[Stack]] string as it is.
        auto stack = slots_of<ErrorSlots>(heap.object(id)).stack;
        // 17.6. The Error record.
        PM_STEP(S::s17_6);
        serialized = ctx.graph.add(
            ErrorRecord { std::move(name_string), std::move(message), std::move(stack) });
        // 17.7. Other interesting data (such as cause) may be attached.
        PM_STEP(S::s17_7);
        // IMPLEMENTATION-DEFINED: the model attaches nothing; implementations may keep e.g. cause.
    } else if (object.kind == ObjectKind::array) {
        // 18. Array exotic objects.
        PM_STEP(S::s18);
        // 18.1. Read the own "length" descriptor (cannot throw).
        PM_STEP(S::s18_1);
        // 18.2. valueLen is its value.
        PM_STEP(S::s18_2);
        auto const value_len = slots_of<ArraySlots>(object).length;
        // 18.3. An Array record with that length and no properties yet.
        PM_STEP(S::s18_3);
        serialized = ctx.graph.add(ArrayRecord { value_len, ArenaVector<PropertyRecord>(ctx.graph.arena()) });
        // 18.4. Its properties are serialized deeply.
        PM_STEP(S::s18_4);
        deep = true;
    } else if (object.kind == ObjectKind::platform && is_serializable(slots_of<PlatformSlots>(object).interface)) {
        // 19. Serializable platform objects.
        PM_STEP(S::s19);
        auto const& platform = slots_of<PlatformSlots>(object);
        // 19.1. A detached one is a DataCloneError.
        PM_STEP(S::s19_1);
        if (platform.detached)
            return data_clone_error(S::s19_1);
        // 19.2. typeString is the primary interface's identifier.
        PM_STEP(S::s19_2);
        // 19.3. The record has that [[Type]].
        PM_STEP(S::s19_3);
        serialized = ctx.graph.add(PlatformObjectRecord { platform.interface, {}, {}, 0, 0 });
        // 19.4. Its serialization steps run in step 26.
        PM_STEP(S::s19_4);
        deep = true;
    } else if (object.kind == ObjectKind::platform) {
        // 20. Other platform objects are a DataCloneError.
        PM_STEP(S::s20);
        return data_clone_error(S::s20);
    } else if (object.kind == ObjectKind::function || (object.kind == ObjectKind::proxy && slots_of<ProxySlots>(object).callable)) {
        // 21. Callable objects are a DataCloneError.
        PM_STEP(S::s21);
        return data_clone_error(S::s21);
    } else if (object.kind == ObjectKind::weak_map || object.kind == ObjectKind::weak_set || object.kind == ObjectKind::weak_ref
        || object.kind == ObjectKind::promise) {
        // 22. Objects with other internal slots are a DataCloneError.
        PM_STEP(S::s22);
        return data_clone_error(S::s22);
    } else if (object.kind == ObjectKind::proxy) {
        // 23. Exotic objects other than %Object.prototype% are a DataCloneError.
        PM_STEP(S::s23);
        // SPEC-ISSUE: a Proxy has [[ProxyHandler]] and [[ProxyTarget]] slots, so by the letter step 22
        // would catch it; the spec's own example for this step is a proxy, and the model follows it.
        // Either way the result is a DataCloneError.
        return data_clone_error(S::s23);
    } else {
        // 24. Ordinary objects (and %Object.prototype%, whose exoticness is ignored).
        PM_STEP(S::s24);
        // 24.1. An Object record with no properties yet.
        PM_STEP(S::s24_1);
        serialized = ctx.graph.add(ObjectRecord { ArenaVector<PropertyRecord>(ctx.graph.arena()) });
        // 24.2. Its properties are serialized deeply.
        PM_STEP(S::s24_2);
        deep = true;
    }

    // 25. Remember the record for this value.
    PM_STEP(S::s25);
    ctx.memory.set(id, serialized);
    if (!deep) {
        // 27. Return serialized (step 26 is skipped).
        PM_STEP(S::s27);
    }
    result = SerializedValue { SerializedRef::record(serialized), deep };
    return {};
}

// https://html.spec.whatwg.org/multipage/structured-data.html#structuredserializeinternal
// Step 26.4's loop over the keys it listed (an Array or Object record): true with the next value
// to serialize in *child*, or false when done.
[[gnu::always_inline]] inline Completion<bool> next_deep_property(SerializeContext& ctx, DeepFrame& frame,
    Value& child)
{
    auto& heap = ctx.heap;
    while (frame.next < frame.keys.size()) {
        auto const key = frame.keys[frame.next];
        // 26.4.1. Only keys still present (an earlier getter may have deleted one).
        PM_STEP(S::s26_4_1);
        if (!heap.has_own_property(frame.value, key) && !fault_active(Fault::deleted_property_still_serialized)) {
            ++frame.next;
            continue;
        }
        // 26.4.1.1. Get the value (this runs getters).
        PM_STEP(S::s26_4_1_1);
        PM_TRY(auto const input_value, heap.get(frame.value, key, S::s26_4_1_1));
        // 26.4.1.2. Serialize it.
        PM_STEP(S::s26_4_1_2);
        child = input_value;
        return true;
    }
    return false;
}

// https://html.spec.whatwg.org/multipage/structured-data.html#structuredserializeinternal
// Step 26, one child at a time: true with the next value to serialize in *child*, or false when done.
// OPTIMIZATION: an out parameter, not an optional in the completion, which GCC copies through memory.
Completion<bool> next_deep_child(SerializeContext& ctx, DeepFrame& frame, Value& child)
{
    auto& heap = ctx.heap;
    // OPTIMIZATION: once step 26.4 has listed an Array's or Object's keys, straight to the next one.
    if (frame.properties)
        return next_deep_property(ctx, frame, child);
    Object& object = heap.object(frame.value);

    if (!frame.started) {
        // 26. deep is true.
        PM_STEP(S::s26);
    }
    if (object.kind == ObjectKind::map) {
        if (!frame.started) {
            frame.started = true;
            // 26.1. A Map's entries.
            PM_STEP(S::s26_1);
            // 26.1.1. Copy the entries first ...
            PM_STEP(S::s26_1_1);
            // 26.1.2. ... one by one,
            PM_STEP(S::s26_1_2);
            for (auto const& entry : slots_of<MapSlots>(object).map_data) {
                // 26.1.2.1. copying key and value,
                PM_STEP(S::s26_1_2_1);
                // 26.1.2.2. and skipping deleted entries.
                PM_STEP(S::s26_1_2_2);
                if (entry)
                    frame.copied_map.push_back(*entry);
            }
            // 26.1.3. Then serialize each copied entry.
            PM_STEP(S::s26_1_3);
        }
        if (frame.next >= frame.copied_map.size())
            return false;
        if (!frame.awaiting_map_value) {
            // 26.1.3.1. The key first,
            PM_STEP(S::s26_1_3_1);
            child = frame.copied_map[frame.next].first;
            return true;
        }
        // 26.1.3.2. then the value.
        PM_STEP(S::s26_1_3_2);
        child = frame.copied_map[frame.next].second;
        return true;
    }
    if (object.kind == ObjectKind::set) {
        if (!frame.started) {
            frame.started = true;
            // 26.2. A Set's entries.
            PM_STEP(S::s26_2);
            // 26.2.1. Copy the entries first ...
            PM_STEP(S::s26_2_1);
            // 26.2.2. ... one by one,
            PM_STEP(S::s26_2_2);
            for (auto const& entry : slots_of<SetSlots>(object).set_data) {
                // 26.2.2.1. skipping deleted entries.
                PM_STEP(S::s26_2_2_1);
                if (entry)
                    frame.copied_set.push_back(*entry);
            }
            // 26.2.3. Then serialize each copied entry.
            PM_STEP(S::s26_2_3);
        }
        if (frame.next >= frame.copied_set.size())
            return false;
        // 26.2.3.1. Serialize the entry.
        PM_STEP(S::s26_2_3_1);
        child = frame.copied_set[frame.next];
        return true;
    }
    if (object.kind == ObjectKind::platform) {
        // 26.3. A serializable platform object runs its interface's serialization steps.
        PM_STEP(S::s26_3);
        frame.started = true;
        auto& record = record_get<PlatformObjectRecord>(ctx.graph[frame.serialized]);
        auto const& platform = slots_of<PlatformSlots>(object);
        if (platform.interface == PlatformInterface::dom_exception)
            webidl::dom_exception_serialization_steps(platform, record);
        else
            PM_TRY_VOID(canvas::image_bitmap_serialization_steps(platform, record, S::s26_3));
        return false;
    }

    if (!frame.started) {
        frame.started = true;
        // 26.4. Otherwise, each enumerable own string key, listed before any getter runs.
        PM_STEP(S::s26_4);
        heap.enumerable_own_string_keys(frame.value, frame.keys);
        if (fault_active(Fault::serialize_non_enumerable)) {
            frame.keys.clear();
            for (std::uint32_t slot = 0; slot < object.properties.size(); ++slot)
                if (!object.properties[slot].deleted && object.properties[slot].key.type != PropertyKey::Type::symbol)
                    frame.keys.push_back(KeyAtSlot { object.properties[slot].key, slot });
        }
        if (fault_active(Fault::array_drops_extra_properties) && object.kind == ObjectKind::array)
            std::erase_if(frame.keys, [](KeyAtSlot const& k) { return k.key.type != PropertyKey::Type::index; });
        // OPTIMIZATION: at most one record per key. (Records do not move: see SerializedGraph.)
        auto& record = ctx.graph[frame.serialized];
        if (auto* array = record_if<ArrayRecord>(&record))
            frame.properties = &array->properties;
        else
            frame.properties = &record_get<ObjectRecord>(record).properties;
        frame.properties->reserve(frame.keys.size());
    }
    return next_deep_property(ctx, frame, child);
}

// https://html.spec.whatwg.org/multipage/structured-data.html#structuredserializeinternal
// Step 26's "append" steps, run once the child's own serialization is complete.
// OPTIMIZATION: inline; the frame of an Array or Object record has its [[Properties]] at hand.
[[gnu::always_inline]] inline void append_deep_child(SerializeContext& ctx, DeepFrame& frame,
    SerializedRef child)
{
    auto* record = frame.properties ? nullptr : &ctx.graph[frame.serialized];
    if (auto* map = record_if<MapRecord>(record)) {
        if (!frame.awaiting_map_value) {
            frame.serialized_key = child;
            frame.awaiting_map_value = true;
            return;
        }
        // 26.1.3.3. Append the serialized entry.
        PM_STEP(S::s26_1_3_3);
        map->map_data.emplace_back(frame.serialized_key, SerializedRef(child)); // a copy: see below
        frame.awaiting_map_value = false;
    } else if (auto* set = record_if<SetRecord>(record)) {
        // 26.2.3.2. Append the serialized entry.
        PM_STEP(S::s26_2_3_2);
        set->set_data.push_back(SerializedRef(child)); // a copy: see below
    } else {
        // 26.4.1.3. Append { key, serialized value } to [[Properties]].
        PM_STEP(S::s26_4_1_3);
        // OPTIMIZATION: appended, then filled in (see Heap::create_data_property).
        auto& property = frame.properties->emplace_back();
        property.key = frame.keys[frame.next].key;
        property.value = child;
    }
    ++frame.next;
}

} // namespace

// https://html.spec.whatwg.org/multipage/structured-data.html#structuredserializeinternal
Completion<RecordId> structured_serialize_internal(Heap& heap, RealmId current_realm, Value value, bool for_storage,
    SerializeMemory& memory, SerializedGraph& out)
{
    // 1. A fresh memory unless the caller supplied one (StructuredSerializeWithTransfer does).
    PM_STEP(S::s1);
    SerializeContext ctx { heap, current_realm, for_storage, memory, out };

    SerializedValue root;
    PM_TRY_VOID(serialize_value(ctx, value, root));
    if (root.deep) {
        DeepStack stack;
        stack.push(value.as_object(), root.serialized.record_id());
        while (!stack.empty()) {
            Value child;
            PM_TRY(bool const has_child, next_deep_child(ctx, stack.back(), child));
            if (!has_child) {
                // 27. Return serialized (to the parent's append step, if any).
                PM_STEP(S::s27);
                auto const finished = stack.back().serialized;
                stack.pop();
                if (!stack.empty())
                    append_deep_child(ctx, stack.back(), SerializedRef::record(finished));
                continue;
            }
            SerializedValue serialized_child;
            PM_TRY_VOID(serialize_value(ctx, child, serialized_child));
            if (serialized_child.deep)
                stack.push(child.as_object(), serialized_child.serialized.record_id());
            else
                append_deep_child(ctx, stack.back(), serialized_child.serialized);
        }
    }
    // MODEL: a primitive root gets its Record in the graph, so that the result is a RecordId.
    if (root.serialized.is_primitive())
        return out.add(root.serialized.primitive_record());
    return root.serialized.record_id();
}

namespace {
namespace SS = spec::steps::structured_serialize;
namespace SSS = spec::steps::structured_serialize_for_storage;
}

// https://html.spec.whatwg.org/multipage/structured-data.html#structuredserialize
Completion<Serialized> structured_serialize(Heap& heap, RealmId current_realm, Value value)
{
    // 1. StructuredSerializeInternal with forStorage false.
    PM_STEP(SS::s1);
    Serialized result;
    SerializeMemory memory(heap);
    PM_TRY(result.root, structured_serialize_internal(heap, current_realm, value, false, memory, result.graph));
    return result;
}

// https://html.spec.whatwg.org/multipage/structured-data.html#structuredserializeforstorage
Completion<Serialized> structured_serialize_for_storage(Heap& heap, RealmId current_realm, Value value)
{
    // 1. StructuredSerializeInternal with forStorage true.
    PM_STEP(SSS::s1);
    Serialized result;
    SerializeMemory memory(heap);
    PM_TRY(result.root, structured_serialize_internal(heap, current_realm, value, true, memory, result.graph));
    return result;
}

} // namespace pmconf::model::html
