// Methods of known data values: str, bytes, list, tuple, dict, set. Mutating methods return the changed
// receiver too, for the caller to store back where the receiver came from.
#pragma once

#include <optional>
#include <string_view>

#include "checks/settings/eval/calls.hpp"

namespace deployctl::checks::settings::eval {

struct MethodResult {
  ValuePtr result;
  ValuePtr mutated;  // the receiver after an in-place change; null when unchanged
};

// nullopt when the receiver's type has no such method that we model.
std::optional<MethodResult> call_string_method(CallSite& site, const ValuePtr& receiver, std::string_view method);
std::optional<MethodResult> call_collection_method(CallSite& site, const ValuePtr& receiver, std::string_view method);

// Python's str(x) conversion applied by str.join, f-strings and '%s': nullopt when unknown.
std::optional<std::string> format_field(const Value& value, char conversion);

}  // namespace deployctl::checks::settings::eval
