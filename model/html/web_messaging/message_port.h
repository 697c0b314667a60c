// MessagePort as a transferable platform object. Its transfer and transfer-receiving steps need
// the event loop's state (the port message queue, the entangled port); the messaging model
// (messaging.h) provides it as a PortHost while it serializes and deserializes messages. Without
// a host (structuredClone and the clone properties), a transferred port carries its identity.
#pragma once

#include "model/html/structured_data/serialized.h"

namespace pmconf::model::web_messaging {

class PortHost {
public:
    virtual ~PortHost() = default;
    // https://html.spec.whatwg.org/multipage/web-messaging.html#transferMessagePort
    virtual void transfer_steps(ecma262::PlatformSlots& value, html::TransferDataHolder& data_holder) = 0;
    // `object` is the new port (whose slots are `value`).
    virtual void transfer_receiving_steps(html::TransferDataHolder const& data_holder, ecma262::ObjectId object,
        ecma262::PlatformSlots& value) = 0;
};

// Installs a host for the transfers made on this thread while the scope lives.
class PortHostScope {
public:
    explicit PortHostScope(PortHost&);
    ~PortHostScope();
    PortHostScope(PortHostScope const&) = delete;
    PortHostScope& operator=(PortHostScope const&) = delete;

private:
    PortHost* m_previous;
};

// https://html.spec.whatwg.org/multipage/web-messaging.html#transferMessagePort
void message_port_transfer_steps(ecma262::PlatformSlots& value, html::TransferDataHolder& data_holder);
void message_port_transfer_receiving_steps(html::TransferDataHolder const& data_holder, ecma262::ObjectId object,
    ecma262::PlatformSlots& value);

} // namespace pmconf::model::web_messaging
