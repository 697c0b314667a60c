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
