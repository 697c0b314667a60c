#include "model/webidl/dom_exception.h"

namespace pmconf::model::webidl {

// https://webidl.spec.whatwg.org/#idl-DOMException
void dom_exception_serialization_steps(ecma262::PlatformSlots const& value, html::PlatformObjectRecord& serialized)
{
    // NOTE: Web IDL's steps are not in the catalogue yet; they are short enough to read here.
    // Keep the name and the message.
    serialized.name = value.name;
    serialized.message = value.message;
    // IMPLEMENTATION-DEFINED: accompanying data such as the stack; the model attaches none.
}

// https://webidl.spec.whatwg.org/#idl-DOMException
void dom_exception_deserialization_steps(html::PlatformObjectRecord const& serialized, ecma262::PlatformSlots& value)
{
    // Restore the name and the message.
    value.name = serialized.name;
    value.message = serialized.message;
}

} // namespace pmconf::model::webidl
