#include "model/html/web_messaging/message_port.h"

namespace pmconf::model::web_messaging {

// https://html.spec.whatwg.org/multipage/web-messaging.html#transferMessagePort
void message_port_transfer_steps(ecma262::PlatformSlots& value, html::TransferDataHolder& data_holder)
{
    // NOTE: the port message queue and the remote port move with the data holder; without the
    // messaging model, what moves is the port's identity.
    data_holder.port_id = value.port_id;
}

void message_port_transfer_receiving_steps(html::TransferDataHolder const& data_holder, ecma262::PlatformSlots& value)
{
    // The new port takes over the transferred port's identity (its queue and entanglement).
    value.port_id = data_holder.port_id;
}

} // namespace pmconf::model::web_messaging
