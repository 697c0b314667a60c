// Seeded faults: each one breaks one spec step on purpose, so that the harness can check that
// its properties notice. The fault-free model (Fault::none) follows the spec.
#pragma once

#include <optional>
#include <span>
#include <string_view>

namespace pmconf::model {

enum class Fault {
    none,
    skip_transfer_duplicate_check,
    detach_before_serialize,
    symbol_throws_type_error,
    lose_sharing,
    regexp_loses_flags,
    ignore_cross_origin_isolation,
    storage_accepts_shared_memory,
    ignore_own_error_name,
    error_message_from_accessor,
    view_bounds_not_checked,
    transfer_detached_buffer_not_checked,
    boolean_wrapper_unwrapped,
    number_wrapper_loses_negative_zero,
    serialize_non_enumerable,
    deleted_property_still_serialized,
    transferred_port_not_detached,
    error_prototype_always_error,
    resizable_buffer_loses_max_length,
    length_tracking_view_fixed,
    array_drops_extra_properties,
    // The messaging model (model/html/web_messaging/messaging.cpp).
    add_listener_enables_port_queue,
    port_queue_delivers_newest_first,
    transferred_port_drops_queued_messages,
    source_port_transfer_allowed,
    doomed_message_delivered,
    closed_port_still_receives,
    close_event_not_fired,
    received_port_queue_enabled,
    new_ports_reversed,
    port_messageerror_not_fired,
    broadcast_to_source,
    broadcast_to_closed_destination,
    closed_broadcast_channel_posts,
    broadcast_ignores_storage_key,
    client_queue_enabled_by_add_listener,
    client_queue_not_enabled_by_parsing,
    client_queue_enabled_from_start,
    worker_outside_port_not_enabled,
    service_worker_skips_handled_message,
    worker_client_queue_not_enabled,
    unparsable_worker_url_accepted,
};

struct FaultInfo {
    Fault fault;
    std::string_view name;    // as given to --fault
    std::string_view step_id; // the catalogue step it breaks
    std::string_view summary;
};

std::span<FaultInfo const> all_faults(); // excluding Fault::none
std::optional<Fault> find_fault(std::string_view name);
FaultInfo const& fault_info(Fault);

namespace detail {
inline thread_local Fault active_fault = Fault::none;
}

inline bool fault_active(Fault fault) { return detail::active_fault == fault; }

class FaultScope {
public:
    explicit FaultScope(Fault fault) : m_previous(detail::active_fault) { detail::active_fault = fault; }
    ~FaultScope() { detail::active_fault = m_previous; }
    FaultScope(FaultScope const&) = delete;
    FaultScope& operator=(FaultScope const&) = delete;

private:
    Fault m_previous;
};

} // namespace pmconf::model
