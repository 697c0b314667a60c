#include "model/infra/faults.h"

#include <array>

namespace pmconf::model {

namespace {
constexpr std::array faults {
    FaultInfo { Fault::skip_transfer_duplicate_check, "skip-transfer-duplicate-check",
        "html:structuredserializewithtransfer:2.3", "a transferable listed twice is not rejected" },
    FaultInfo { Fault::detach_before_serialize, "detach-before-serialize", "html:structuredserializewithtransfer:3",
        "transferables are detached before the value is serialized" },
    FaultInfo { Fault::symbol_throws_type_error, "symbol-throws-type-error", "html:structuredserializeinternal:5",
        "a Symbol throws TypeError instead of DataCloneError" },
    FaultInfo { Fault::lose_sharing, "lose-sharing", "html:structureddeserialize:2",
        "a record deserialized before is deserialized again (shared references are lost)" },
    FaultInfo { Fault::regexp_loses_flags, "regexp-loses-flags", "html:structureddeserialize:11",
        "a deserialized RegExp loses its flags" },
    FaultInfo { Fault::ignore_cross_origin_isolation, "ignore-cross-origin-isolation", "html:structuredserializeinternal:13.1.1",
        "shared memory is serialized without cross-origin isolation" },
    FaultInfo { Fault::storage_accepts_shared_memory, "storage-accepts-shared-memory", "html:structuredserializeinternal:13.1.2",
        "shared memory is serialized for storage" },
    FaultInfo { Fault::ignore_own_error_name, "ignore-own-error-name", "html:structuredserializeinternal:17.1",
        "an Error's own name property is ignored (only its prototype's name is read)" },
    FaultInfo { Fault::error_message_from_accessor, "error-message-from-accessor", "html:structuredserializeinternal:17.4",
        "an Error's accessor message is read through its getter" },
    FaultInfo { Fault::view_bounds_not_checked, "view-bounds-not-checked", "html:structuredserializeinternal:14.1",
        "an out-of-bounds view is serialized" },
    FaultInfo { Fault::transfer_detached_buffer_not_checked, "transfer-detached-buffer-not-checked",
        "html:structuredserializewithtransfer:5.1", "a detached buffer in the transfer list is transferred" },
    FaultInfo { Fault::boolean_wrapper_unwrapped, "boolean-wrapper-unwrapped", "html:structuredserializeinternal:7",
        "a Boolean object clones to a primitive boolean" },
    FaultInfo { Fault::number_wrapper_loses_negative_zero, "number-wrapper-loses-negative-zero",
        "html:structuredserializeinternal:8", "a Number object holding -0 clones to +0" },
    FaultInfo { Fault::serialize_non_enumerable, "serialize-non-enumerable", "html:structuredserializeinternal:26.4",
        "non-enumerable own properties are serialized" },
    FaultInfo { Fault::deleted_property_still_serialized, "deleted-property-still-serialized",
        "html:structuredserializeinternal:26.4.1", "a property deleted by an earlier getter is still serialized" },
    FaultInfo { Fault::transferred_port_not_detached, "transferred-port-not-detached",
        "html:structuredserializewithtransfer:5.5.5", "a transferred platform object is not marked detached" },
    FaultInfo { Fault::error_prototype_always_error, "error-prototype-always-error", "html:structureddeserialize:21.3",
        "every deserialized Error gets %Error.prototype%" },
    FaultInfo { Fault::resizable_buffer_loses_max_length, "resizable-buffer-loses-max-length",
        "html:structuredserializeinternal:13.2.5", "a resizable ArrayBuffer clones to a fixed-length one" },
    FaultInfo { Fault::length_tracking_view_fixed, "length-tracking-view-fixed", "html:structureddeserialize:16.3",
        "a length-tracking typed array clones to a fixed-length one" },
    FaultInfo { Fault::array_drops_extra_properties, "array-drops-extra-properties", "html:structuredserializeinternal:26.4",
        "an Array's non-index properties are dropped" },
    // The messaging model.
    FaultInfo { Fault::add_listener_enables_port_queue, "add-listener-enables-port-queue",
        "html:handler-messageeventtarget-onmessage:1", "addEventListener('message') enables a port's message queue" },
    FaultInfo { Fault::port_queue_delivers_newest_first, "port-queue-delivers-newest-first",
        "html:message-port-post-message-steps:7", "a port message queue runs its newest task first (not FIFO)" },
    FaultInfo { Fault::transferred_port_drops_queued_messages, "transferred-port-drops-queued-messages",
        "html:transfermessageport--receiving:2", "messages queued on a transferred port do not move with it" },
    FaultInfo { Fault::source_port_transfer_allowed, "source-port-transfer-allowed",
        "html:message-port-post-message-steps:2", "a port may transfer itself in its own postMessage" },
    FaultInfo { Fault::doomed_message_delivered, "doomed-message-delivered",
        "html:message-port-post-message-steps:6", "a message that transfers its target port is still delivered" },
    FaultInfo { Fault::closed_port_still_receives, "closed-port-still-receives",
        "html:dom-messageport-close:2", "close() does not disentangle the port" },
    FaultInfo { Fault::close_event_not_fired, "close-event-not-fired", "html:disentangle:4",
        "disentangling fires no close event at the other port" },
    FaultInfo { Fault::received_port_queue_enabled, "received-port-queue-enabled",
        "html:transfermessageport--receiving:2", "a received port's message queue starts enabled" },
    FaultInfo { Fault::new_ports_reversed, "new-ports-reversed", "html:message-port-post-message-steps:7.6",
        "a message event's ports are in reverse transfer order" },
    FaultInfo { Fault::port_messageerror_not_fired, "port-messageerror-not-fired",
        "html:message-port-post-message-steps:7.4/catch", "a message that fails to deserialize is dropped silently" },
    FaultInfo { Fault::broadcast_to_source, "broadcast-to-source", "html:dom-broadcastchannel-postmessage:7",
        "a BroadcastChannel receives its own messages" },
    FaultInfo { Fault::broadcast_to_closed_destination, "broadcast-to-closed-destination",
        "html:dom-broadcastchannel-postmessage:9.1", "a channel closed before the task runs still gets the message" },
    FaultInfo { Fault::closed_broadcast_channel_posts, "closed-broadcast-channel-posts",
        "html:dom-broadcastchannel-postmessage:2", "a closed BroadcastChannel posts instead of throwing InvalidStateError" },
    FaultInfo { Fault::broadcast_ignores_storage_key, "broadcast-ignores-storage-key",
        "html:dom-broadcastchannel-postmessage:6", "BroadcastChannel delivers across storage keys" },
    FaultInfo { Fault::client_queue_enabled_by_add_listener, "client-queue-enabled-by-add-listener",
        "service-workers:service-worker-container-event-handlers:1",
        "addEventListener('message') on navigator.serviceWorker enables the client message queue" },
    FaultInfo { Fault::client_queue_not_enabled_by_parsing, "client-queue-not-enabled-by-parsing",
        "html:stop-parsing:6.4", "the end of parsing does not enable the client message queue" },
    FaultInfo { Fault::client_queue_enabled_from_start, "client-queue-enabled-from-start",
        "service-workers:client-postmessage-options:4.5", "the client message queue starts enabled" },
    FaultInfo { Fault::worker_outside_port_not_enabled, "worker-outside-port-not-enabled", "html:run-a-worker--oncomplete:11",
        "a Worker's outside port queue stays disabled: the worker's messages never reach the page" },
    FaultInfo { Fault::service_worker_skips_handled_message, "service-worker-skips-handled-message",
        "service-workers:should-skip-event-algorithm:2", "a message to a service worker that listens for messages is skipped" },
    FaultInfo { Fault::worker_client_queue_not_enabled, "worker-client-queue-not-enabled", "html:run-a-worker--oncomplete:14",
        "a worker that runs does not enable its client message queue: Client.postMessage() to it waits for startMessages()" },
    FaultInfo { Fault::unparsable_worker_url_accepted, "unparsable-worker-url-accepted", "html:dom-worker:4",
        "new Worker() with a URL that does not parse makes a worker instead of throwing SyntaxError" },
};
} // namespace

std::span<FaultInfo const> all_faults() { return faults; }

std::optional<Fault> find_fault(std::string_view name)
{
    for (auto const& f : faults)
        if (f.name == name)
            return f.fault;
    return std::nullopt;
}

FaultInfo const& fault_info(Fault fault)
{
    for (auto const& f : faults)
        if (f.fault == fault)
            return f;
    static constexpr FaultInfo none { Fault::none, "none", "", "no fault" };
    return none;
}

} // namespace pmconf::model
