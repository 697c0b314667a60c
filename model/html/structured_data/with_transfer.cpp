// StructuredSerializeWithTransfer, StructuredDeserializeWithTransfer and structuredClone().

#include "model/html/structured_data/with_transfer.h"

#include "model/html/canvas/image_bitmap.h"
#include "model/html/structured_data/deserialize.h"
#include "model/html/structured_data/serialize.h"
#include "model/html/web_messaging/message_port.h"
#include "model/infra/faults.h"
#include "model/infra/trace.h"

namespace pmconf::model::html {

using namespace ecma262;

namespace {

Throw data_clone_error(spec::StepId step) { return throw_error(ErrorKind::dom_data_clone_error, step); }

bool has_detached_slot(Object const& o)
{
    return o.kind == ObjectKind::platform && is_transferable(slots_of<PlatformSlots>(o).interface);
}

namespace S = spec::steps::structured_serialize_with_transfer;

// https://html.spec.whatwg.org/multipage/structured-data.html#structuredserializewithtransfer
// Step 5: transfer every transferable into its data holder.
Completion<std::vector<RecordId>> transfer_into_data_holders(Heap& heap, std::vector<ObjectId> const& transfer_list,
    SerializeMemory& memory, SerializedGraph& graph)
{
    // 4. transferDataHolders starts empty.
    PM_STEP(S::s4);
    std::vector<RecordId> transfer_data_holders;
    // 5. For each transferable, in order:
    PM_STEP(S::s5);
    for (auto const transferable : transfer_list) {
        auto& object = heap.object(transferable);
        bool const is_buffer = object.kind == ObjectKind::array_buffer;
        // 5.1. A buffer detached by now is a DataCloneError.
        PM_STEP(S::s5_1);
        if (is_buffer && heap.is_detached_buffer(transferable) && !fault_active(Fault::transfer_detached_buffer_not_checked))
            return data_clone_error(S::s5_1);
        // 5.2. A platform object detached by now is a DataCloneError.
        PM_STEP(S::s5_2);
        if (has_detached_slot(object) && slots_of<PlatformSlots>(object).detached)
            return data_clone_error(S::s5_2);
        // 5.3. dataHolder is the placeholder made in step 2.4.
        PM_STEP(S::s5_3);
        auto const data_holder_id = *memory.get(transferable);
        auto& data_holder = record_get<TransferDataHolder>(graph[data_holder_id]);
        if (is_buffer) {
            // 5.4. An ArrayBuffer:
            PM_STEP(S::s5_4);
            auto& buffer = slots_of<ArrayBufferSlots>(object);
            if (buffer.array_buffer_max_byte_length) {
                // 5.4.1. resizable:
                PM_STEP(S::s5_4_1);
                // 5.4.1.1. the holder's type is ResizableArrayBuffer,
                PM_STEP(S::s5_4_1_1);
                data_holder.type = TransferDataHolder::Type::resizable_array_buffer;
                // 5.4.1.2. it takes the data block,
                PM_STEP(S::s5_4_1_2);
                data_holder.array_buffer_data = buffer.array_buffer_data;
                // 5.4.1.3. the byte length,
                PM_STEP(S::s5_4_1_3);
                data_holder.array_buffer_byte_length = buffer.array_buffer_byte_length;
                // 5.4.1.4. and the maximum byte length.
                PM_STEP(S::s5_4_1_4);
                data_holder.array_buffer_max_byte_length = *buffer.array_buffer_max_byte_length;
            } else {
                // 5.4.2. fixed-length:
                PM_STEP(S::s5_4_2);
                // 5.4.2.1. the holder's type is ArrayBuffer,
                PM_STEP(S::s5_4_2_1);
                data_holder.type = TransferDataHolder::Type::array_buffer;
                // 5.4.2.2. it takes the data block,
                PM_STEP(S::s5_4_2_2);
                data_holder.array_buffer_data = buffer.array_buffer_data;
                // 5.4.2.3. and the byte length.
                PM_STEP(S::s5_4_2_3);
                data_holder.array_buffer_byte_length = buffer.array_buffer_byte_length;
            }
            // 5.4.3. Detach the original (TypeError if its detach key forbids it).
            PM_STEP(S::s5_4_3);
            PM_TRY_VOID(heap.detach_array_buffer(transferable, S::s5_4_3));
        } else {
            // 5.5. A transferable platform object:
            PM_STEP(S::s5_5);
            // 5.5.1. it must be one.
            PM_STEP(S::s5_5_1);
            PM_ASSERT(has_detached_slot(object));
            auto& platform = slots_of<PlatformSlots>(object);
            // 5.5.2. interfaceName is its primary interface,
            PM_STEP(S::s5_5_2);
            // 5.5.3. which becomes the holder's type;
            PM_STEP(S::s5_5_3);
            data_holder.type = TransferDataHolder::Type::platform;
            data_holder.interface = platform.interface;
            // 5.5.4. the interface's transfer steps fill in the holder;
            PM_STEP(S::s5_5_4);
            if (platform.interface == PlatformInterface::message_port)
                web_messaging::message_port_transfer_steps(platform, data_holder);
            else
                PM_TRY_VOID(canvas::image_bitmap_transfer_steps(platform, data_holder, S::s5_5_4));
            // 5.5.5. the original is now detached.
            PM_STEP(S::s5_5_5);
            if (!fault_active(Fault::transferred_port_not_detached))
                platform.detached = true;
        }
        // 5.6. Append the holder.
        PM_STEP(S::s5_6);
        transfer_data_holders.push_back(data_holder_id);
    }
    return transfer_data_holders;
}

} // namespace

// https://html.spec.whatwg.org/multipage/structured-data.html#structuredserializewithtransfer
Completion<SerializeWithTransferResult> structured_serialize_with_transfer(Heap& heap, RealmId current_realm, Value value,
    std::vector<ObjectId> const& transfer_list)
{
    SerializeWithTransferResult result;
    // 1. memory starts empty; it also makes serialization skip the transferables.
    PM_STEP(S::s1);
    SerializeMemory memory(heap);
    // 2. Check each transferable:
    PM_STEP(S::s2);
    for (auto const transferable : transfer_list) {
        auto const& object = heap.object(transferable);
        bool const is_buffer = object.kind == ObjectKind::array_buffer;
        // 2.1. it must be a buffer or have a [[Detached]] slot;
        PM_STEP(S::s2_1);
        if (!is_buffer && !has_detached_slot(object))
            return data_clone_error(S::s2_1);
        // 2.2. it must not be shared memory;
        PM_STEP(S::s2_2);
        if (is_buffer && slots_of<ArrayBufferSlots>(object).shared)
            return data_clone_error(S::s2_2);
        // 2.3. it must not be listed twice;
        PM_STEP(S::s2_3);
        if (memory.get(transferable) && !fault_active(Fault::skip_transfer_duplicate_check))
            return data_clone_error(S::s2_3);
        // 2.4. it gets a placeholder holder, so serialization refers to it instead of copying it.
        PM_STEP(S::s2_4);
        memory.set(transferable, result.graph.add(TransferDataHolder {}));
    }

    if (fault_active(Fault::detach_before_serialize)) {
        PM_TRY(auto holders, transfer_into_data_holders(heap, transfer_list, memory, result.graph));
        PM_TRY(result.serialized, structured_serialize_internal(heap, current_realm, value, false, memory, result.graph));
        result.transfer_data_holders = std::move(holders);
        return result;
    }

    // 3. Serialize the value with that memory (this may throw; nothing is detached yet).
    PM_STEP(S::s3);
    PM_TRY(result.serialized, structured_serialize_internal(heap, current_realm, value, false, memory, result.graph));

    // 4-5. (see transfer_into_data_holders)
    PM_TRY(result.transfer_data_holders, transfer_into_data_holders(heap, transfer_list, memory, result.graph));

    // 6. Return the serialized value and the holders.
    PM_STEP(S::s6);
    return result;
}

namespace {
namespace D = spec::steps::structured_deserialize_with_transfer;
}

// https://html.spec.whatwg.org/multipage/structured-data.html#structureddeserializewithtransfer
Completion<DeserializeWithTransferResult> structured_deserialize_with_transfer(Heap& heap,
    SerializeWithTransferResult const& serialize_with_transfer_result, RealmId target_realm)
{
    auto const& graph = serialize_with_transfer_result.graph;
    auto const& realm = heap.realm(target_realm);
    // 1. memory starts empty; the holders go in first.
    PM_STEP(D::s1);
    DeserializeMemory memory(graph.size());
    // 2. transferredValues starts empty.
    PM_STEP(D::s2);
    DeserializeWithTransferResult result;
    // 3. For each transfer data holder:
    PM_STEP(D::s3);
    for (auto const holder_id : serialize_with_transfer_result.transfer_data_holders) {
        auto const& transfer_data_holder = record_get<TransferDataHolder>(graph[holder_id]);
        // 3.1. value starts uninitialized.
        PM_STEP(D::s3_1);
        Value value;
        if (transfer_data_holder.type == TransferDataHolder::Type::array_buffer) {
            // 3.2. A new ArrayBuffer on the transferred data block.
            PM_STEP(D::s3_2);
            value = Value::object(heap.allocate(ObjectKind::array_buffer, target_realm,
                ArrayBufferSlots { transfer_data_holder.array_buffer_data, transfer_data_holder.array_buffer_byte_length,
                    std::nullopt, false, false }));
        } else if (transfer_data_holder.type == TransferDataHolder::Type::resizable_array_buffer) {
            // 3.3. A new resizable ArrayBuffer on the transferred data block.
            PM_STEP(D::s3_3);
            value = Value::object(heap.allocate(ObjectKind::array_buffer, target_realm,
                ArrayBufferSlots { transfer_data_holder.array_buffer_data, transfer_data_holder.array_buffer_byte_length,
                    transfer_data_holder.array_buffer_max_byte_length, false, false }));
        } else {
            // 3.4. A platform object:
            PM_STEP(D::s3_4);
            PM_ASSERT(transfer_data_holder.type == TransferDataHolder::Type::platform);
            // 3.4.1. interfaceName is the holder's type;
            PM_STEP(D::s3_4_1);
            // 3.4.2. an interface the target realm does not expose is a DataCloneError;
            PM_STEP(D::s3_4_2);
            if (!(realm.exposed_interfaces & interface_bit(transfer_data_holder.interface)))
                return data_clone_error(D::s3_4_2);
            // 3.4.3. a new instance in the target realm
            PM_STEP(D::s3_4_3);
            auto const id = heap.allocate(ObjectKind::platform, target_realm, make_platform_slots(transfer_data_holder.interface));
            // 3.4.4. runs the interface's transfer-receiving steps.
            PM_STEP(D::s3_4_4);
            auto& slots = slots_of<PlatformSlots>(heap.object(id));
            if (transfer_data_holder.interface == PlatformInterface::message_port)
                web_messaging::message_port_transfer_receiving_steps(transfer_data_holder, id, slots);
            else
                canvas::image_bitmap_transfer_receiving_steps(transfer_data_holder, slots);
            value = Value::object(id);
        }
        // 3.5. Deserialization will use this value wherever the holder appears.
        PM_STEP(D::s3_5);
        memory.set(holder_id, value, DeserializeMemory::State::complete);
        // 3.6. Append it to transferredValues.
        PM_STEP(D::s3_6);
        result.transferred_values.push_back(value);
    }
    // 4. Deserialize the value with that memory.
    PM_STEP(D::s4);
    PM_TRY(result.deserialized, structured_deserialize(heap, graph, serialize_with_transfer_result.serialized, target_realm, memory));
    // 5. Return the value and the transferred values.
    PM_STEP(D::s5);
    return result;
}

namespace {
namespace C = spec::steps::structured_clone;
}

// https://html.spec.whatwg.org/multipage/structured-data.html#dom-structuredclone
Completion<Value> structured_clone(Heap& heap, RealmId relevant_realm, Value value, std::vector<ObjectId> const& transfer)
{
    // 1. Serialize with the transfer list.
    PM_STEP(C::s1);
    PM_TRY(auto const serialized, structured_serialize_with_transfer(heap, relevant_realm, value, transfer));
    // 2. Deserialize into this's relevant realm.
    PM_STEP(C::s2);
    PM_TRY(auto const deserialize_record, structured_deserialize_with_transfer(heap, serialized, relevant_realm));
    // 3. Return the deserialized value.
    PM_STEP(C::s3);
    return deserialize_record.deserialized;
}

} // namespace pmconf::model::html
