// django-environ's Path objects take part in operators (`environ.Path(__file__) - 3`, `root + 'x'`, `~root`).
#pragma once

#include <optional>

#include "checks/python/ast.hpp"
#include "checks/settings/eval/frame.hpp"

namespace deployctl::checks::settings::eval {

std::optional<ValuePtr> environ_path_binary(Frame& frame, const ValuePtr& left, python::BinaryOperator op,
                                            const ValuePtr& right, const Origin& origin);
std::optional<ValuePtr> environ_path_invert(Frame& frame, const ValuePtr& operand, const Origin& origin);

// django-environ's db_url_config(url): the DATABASES entry a database URL stands for.
ValuePtr environ_db_url_config(Frame& frame, const Value& url, const ValuePtr& engine,
                               const std::shared_ptr<const EnvRead>& read, const Origin& origin);

}  // namespace deployctl::checks::settings::eval
