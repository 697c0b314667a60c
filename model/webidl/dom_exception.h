#pragma once

#include "model/html/structured_data/serialized.h"

namespace pmconf::model::webidl {

// https://webidl.spec.whatwg.org/#idl-DOMException (serialization steps)
void dom_exception_serialization_steps(ecma262::PlatformSlots const& value, html::PlatformObjectRecord& serialized);
// https://webidl.spec.whatwg.org/#idl-DOMException (deserialization steps)
void dom_exception_deserialization_steps(html::PlatformObjectRecord const& serialized, ecma262::PlatformSlots& value);

} // namespace pmconf::model::webidl
