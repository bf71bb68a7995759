// A unified diff (3 lines of context) between two texts, for `deployctl render --diff`.
#pragma once

#include <string>
#include <string_view>

namespace deployctl::generators {

// "" when the texts are equal. Rendered configs are small, so a plain LCS table is fast enough.
std::string unified_diff(std::string_view old_text, std::string_view new_text, std::string_view old_name,
                         std::string_view new_name);

}  // namespace deployctl::generators
