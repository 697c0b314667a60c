// ImageBitmap is the model's [Serializable, Transferable] platform object: the one kind of value
// that reaches both StructuredSerializeInternal step 19.1 (a detached serializable object) and
// StructuredSerializeWithTransfer step 5.5 with serialization steps of its own. Its bitmap is
// reduced to its dimensions.
#pragma once

#include "model/html/structured_data/serialized.h"

namespace pmconf::model::canvas {

// https://html.spec.whatwg.org/multipage/imagebitmap-and-animations.html#the-imagebitmap-interface
Completion<void> image_bitmap_serialization_steps(ecma262::PlatformSlots const& value, html::PlatformObjectRecord& serialized,
    spec::StepId calling_step);
void image_bitmap_deserialization_steps(html::PlatformObjectRecord const& serialized, ecma262::PlatformSlots& value);
Completion<void> image_bitmap_transfer_steps(ecma262::PlatformSlots& value, html::TransferDataHolder& data_holder,
    spec::StepId calling_step);
void image_bitmap_transfer_receiving_steps(html::TransferDataHolder const& data_holder, ecma262::PlatformSlots& value);

} // namespace pmconf::model::canvas
