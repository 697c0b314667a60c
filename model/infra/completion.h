// Spec completions: a model function returns either its result or a thrown exception.
// A spec throw is a value (never a C++ exception); it records the step that threw it.
#pragma once

#include "model/ecma262/value.h"
#include "spec/steps.gen.h"

#include <cstdint>
#include <stdexcept>
#include <string_view>
#include <utility>

namespace pmconf::model {

// The names of the exceptions the modelled algorithms throw. DOMException names come from
// https://webidl.spec.whatwg.org/#dfn-error-names-table; simple exceptions are ECMAScript
// NativeError types.
enum class ErrorKind : std::uint8_t {
    dom_data_clone_error,
    dom_invalid_state_error,
    dom_syntax_error,
    range_error,
    type_error,
    user_value, // a value thrown by author code (a getter)
};

std::string_view error_kind_name(ErrorKind); // "DataCloneError", "RangeError", ..., "user value"
bool is_dom_exception(ErrorKind);

struct Throw {
    ErrorKind kind;
    spec::StepId step;            // the step that threw (for a user value: the step whose call propagated it)
    ecma262::Value thrown_value;  // for user_value only
};

// NOTE: the result and the throw are separate members, not a std::variant: GCC 12.2's scalar
// replacement of aggregates miscompiles a variant whose alternatives both hold a Value at
// different offsets (GCC PR 105860, fixed in 12.3), and Debian 12 ships 12.2.
template<class T>
class [[nodiscard]] Completion {
public:
    Completion(T value) : m_value(std::move(value)) { }
    Completion(Throw thrown) : m_thrown(thrown), m_is_throw(true) { }
    bool is_throw() const { return m_is_throw; }
    T& value() { return m_value; }
    T const& value() const { return m_value; }
    T release_value() { return std::move(m_value); }
    Throw const& thrown() const { return m_thrown; }
    Throw release_throw() { return m_thrown; }

private:
    T m_value {};
    Throw m_thrown {};
    bool m_is_throw = false;
};

struct Unit { };

template<>
class [[nodiscard]] Completion<void> {
public:
    Completion() = default;
    Completion(Throw thrown) : m_thrown(thrown), m_is_throw(true) { }
    bool is_throw() const { return m_is_throw; }
    Throw const& thrown() const { return m_thrown; }
    Throw release_throw() { return m_thrown; }
    void release_value() { }

private:
    Throw m_thrown {};
    bool m_is_throw = false;
};

// A defect of the model itself (a failed Assert or !): never a verdict on an implementation.
// It is the one C++ exception the model throws; the harness reports it as an infrastructure error.
class ModelDefect : public std::logic_error {
public:
    using std::logic_error::logic_error;
};
[[noreturn]] void model_defect(char const* what, char const* file, int line);

inline Throw throw_error(ErrorKind kind, spec::StepId step) { return Throw { kind, step, {} }; }

} // namespace pmconf::model

#define PM_CONCAT_INNER(a, b) a##b
#define PM_CONCAT(a, b) PM_CONCAT_INNER(a, b)

// `?` and "rethrow": `PM_TRY(auto const x, f());` declares x (or assigns an existing target) with
// the value, or returns the throw from the enclosing function. A statement, not an expression:
// GCC 12 miscompiles statement expressions whose value is a class object moved out of a local.
#define PM_TRY(target, expression)                                             \
    auto PM_CONCAT(_pm_completion_, __LINE__) = (expression);                  \
    if (PM_CONCAT(_pm_completion_, __LINE__).is_throw())                       \
        return PM_CONCAT(_pm_completion_, __LINE__).release_throw();           \
    target = PM_CONCAT(_pm_completion_, __LINE__).release_value()

// `?` on an operation that returns nothing.
#define PM_TRY_VOID(expression)                                                \
    do {                                                                       \
        auto _pm_completion = (expression);                                    \
        if (_pm_completion.is_throw())                                         \
            return _pm_completion.release_throw();                             \
    } while (0)

// `!`: the operation cannot throw here; if it does, the model is wrong.
#define PM_MUST(target, expression)                                                                \
    auto PM_CONCAT(_pm_completion_, __LINE__) = (expression);                                      \
    if (PM_CONCAT(_pm_completion_, __LINE__).is_throw())                                           \
        ::pmconf::model::model_defect("! " #expression " threw", __FILE__, __LINE__);              \
    target = PM_CONCAT(_pm_completion_, __LINE__).release_value()

// "Assert:" — a broken assertion is a defect of the model.
#define PM_ASSERT(condition)                                                                       \
    do {                                                                                           \
        if (!(condition))                                                                          \
            ::pmconf::model::model_defect("Assert: " #condition, __FILE__, __LINE__);              \
    } while (0)
