#include "model/html/canvas/image_bitmap.h"

namespace pmconf::model::canvas {

// https://html.spec.whatwg.org/multipage/imagebitmap-and-animations.html#the-imagebitmap-interface
Completion<void> image_bitmap_serialization_steps(ecma262::PlatformSlots const& value, html::PlatformObjectRecord& serialized,
    spec::StepId calling_step)
{
    // NOTE: the canvas section's steps are not catalogued; the model keeps their observable effects.
    // A bitmap that is not origin-clean cannot be serialized.
    if (!value.origin_clean)
        return throw_error(ErrorKind::dom_data_clone_error, calling_step);
    // The bitmap data (here: its dimensions) is copied.
    serialized.width = value.width;
    serialized.height = value.height;
    return {};
}

void image_bitmap_deserialization_steps(html::PlatformObjectRecord const& serialized, ecma262::PlatformSlots& value)
{
    value.width = serialized.width;
    value.height = serialized.height;
}

Completion<void> image_bitmap_transfer_steps(ecma262::PlatformSlots& value, html::TransferDataHolder& data_holder,
    spec::StepId calling_step)
{
    // A bitmap that is not origin-clean cannot be transferred either.
    if (!value.origin_clean)
        return throw_error(ErrorKind::dom_data_clone_error, calling_step);
    // The bitmap moves into the data holder; the original is left without one.
    data_holder.width = value.width;
    data_holder.height = value.height;
    value.width = 0;
    value.height = 0;
    return {};
}

void image_bitmap_transfer_receiving_steps(html::TransferDataHolder const& data_holder, ecma262::PlatformSlots& value)
{
    value.width = data_holder.width;
    value.height = data_holder.height;
}

} // namespace pmconf::model::canvas
