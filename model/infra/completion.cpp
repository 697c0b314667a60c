#include "model/infra/completion.h"

#include <string>

namespace pmconf::model {

std::string_view error_kind_name(ErrorKind kind)
{
    switch (kind) {
    case ErrorKind::dom_data_clone_error: return "DataCloneError";
    case ErrorKind::dom_invalid_state_error: return "InvalidStateError";
    case ErrorKind::dom_syntax_error: return "SyntaxError";
    case ErrorKind::range_error: return "RangeError";
    case ErrorKind::type_error: return "TypeError";
    case ErrorKind::user_value: return "user value";
    }
    return "?";
}

bool is_dom_exception(ErrorKind kind)
{
    return kind == ErrorKind::dom_data_clone_error || kind == ErrorKind::dom_invalid_state_error
        || kind == ErrorKind::dom_syntax_error;
}

void model_defect(char const* what, char const* file, int line)
{
    throw ModelDefect(std::string("defect in the reference model at ") + file + ":" + std::to_string(line) + ": " + what);
}

} // namespace pmconf::model
