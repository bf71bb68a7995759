// pathlib.Path and os.path over POSIX path text, lexically (symlinks are not followed; a relative path
// that would depend on the working directory stays unknown when made absolute).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "checks/settings/eval/calls.hpp"

namespace deployctl::checks::settings::eval {

// PurePosixPath's normal form of `text`: '//' and '.' parts collapsed, trailing '/' dropped, '..' kept.
std::string pure_path(std::string_view text);
// os.path.join semantics (an absolute part restarts the path).
std::string join_path(std::string_view base, std::string_view part);
// os.path.normpath: also resolves '..' lexically.
std::string normalize_path(std::string_view text);
std::string path_parent(std::string_view pure);  // PurePath.parent
std::string path_name(std::string_view pure);    // PurePath.name
// os.path.dirname / basename (string semantics: 'a/b/' has basename '').
std::string os_dirname(std::string_view text);
std::string os_basename(std::string_view text);

// Path-like argument (str or Path) as text; nullopt when unknown or not path-like.
std::optional<std::string> path_text(const Value& value);

// `path.attr` for a known Path (.parent, .name, .stem, .suffix, .parents); nullopt when not modelled.
std::optional<ValuePtr> path_attribute(Frame& frame, const ValuePtr& path, std::string_view attr, const Origin& origin);
// `path.method(...)`; nullopt when not modelled.
std::optional<ValuePtr> call_path_method(CallSite& site, const ValuePtr& path, std::string_view method);
// `a / b` where a or b is a Path.
ValuePtr path_division(Frame& frame, const ValuePtr& left, const ValuePtr& right, const Origin& origin);

}  // namespace deployctl::checks::settings::eval
