#include "model/html/web_messaging/message_port.h"

namespace pmconf::model::web_messaging {

namespace {
thread_local PortHost* current_host = nullptr;
}

PortHostScope::PortHostScope(PortHost& host) : m_previous(current_host) { current_host = &host; }
PortHostScope::~PortHostScope() { current_host = m_previous; }

// https://html.spec.whatwg.org/multipage/web-messaging.html#transferMessagePort
void message_port_transfer_steps(ecma262::PlatformSlots& value, html::TransferDataHolder& data_holder)
{
    if (current_host) {
        current_host->transfer_steps(value, data_holder);
        return;
    }
    // NOTE: without the messaging model there is no queue or partner to move: what moves is the
    // port's identity.
    data_holder.port_id = value.port_id;
}

void message_port_transfer_receiving_steps(html::TransferDataHolder const& data_holder, ecma262::ObjectId object,
    ecma262::PlatformSlots& value)
{
    if (current_host) {
        current_host->transfer_receiving_steps(data_holder, object, value);
        return;
    }
    // The new port takes over the transferred port's identity (its queue and entanglement).
    value.port_id = data_holder.port_id;
}

} // namespace pmconf::model::web_messaging
