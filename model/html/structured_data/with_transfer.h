#pragma once

#include "model/html/structured_data/serialized.h"

#include <vector>

namespace pmconf::model::html {

// https://html.spec.whatwg.org/multipage/structured-data.html#structuredserializewithtransfer
// The transfer list holds objects (Web IDL's sequence<object> conversion happened before).
Completion<SerializeWithTransferResult> structured_serialize_with_transfer(ecma262::Heap&, ecma262::RealmId current_realm,
    Value value, std::vector<ecma262::ObjectId> const& transfer_list);

// https://html.spec.whatwg.org/multipage/structured-data.html#structureddeserializewithtransfer
Completion<DeserializeWithTransferResult> structured_deserialize_with_transfer(ecma262::Heap&,
    SerializeWithTransferResult const& serialize_with_transfer_result, ecma262::RealmId target_realm);

// https://html.spec.whatwg.org/multipage/structured-data.html#dom-structuredclone
Completion<Value> structured_clone(ecma262::Heap&, ecma262::RealmId relevant_realm, Value value,
    std::vector<ecma262::ObjectId> const& transfer);

} // namespace pmconf::model::html
