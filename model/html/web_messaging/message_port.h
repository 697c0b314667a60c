// MessagePort as a transferable platform object. Entangling and the port message queue arrive
// with the messaging model; here a port carries its identity through a transfer.
#pragma once

#include "model/html/structured_data/serialized.h"

namespace pmconf::model::web_messaging {

// https://html.spec.whatwg.org/multipage/web-messaging.html#transferMessagePort
void message_port_transfer_steps(ecma262::PlatformSlots& value, html::TransferDataHolder& data_holder);
void message_port_transfer_receiving_steps(html::TransferDataHolder const& data_holder, ecma262::PlatformSlots& value);

} // namespace pmconf::model::web_messaging
