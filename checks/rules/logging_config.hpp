// What logging.config.dictConfig (CPython 3.11, Lib/logging/config.py) would do with the LOGGING setting,
// worked out from the evaluated value alone: the LOG rules share this one reading of the rules.
#pragma once

#include <string>
#include <vector>

#include "checks/rules/rule.hpp"
#include "checks/settings/settings_model.hpp"

namespace deployctl::checks::rules::logging_config {

enum class Issue {
  bad_version,              // 'version' missing or != 1: ValueError
  undefined_reference,      // a handler, formatter or filter name that is not defined: ValueError
  unknown_level,            // a level _checkLevel rejects: ValueError / TypeError
  handler_class,            // no 'class' (nor '()'), a class that does not exist, FileHandler without filename
  invalid_formatter,        // a style other than %, {, $ or a '%' format with no %(name)s field: ValueError
  relative_filename,        // a file handler writing to a path relative to the working directory
  disables_django_loggers,  // disable_existing_loggers true without configuring 'django'
};

struct Problem {
  Issue issue;
  std::string message;  // complete sentence; quotes names and levels, never secrets (LOGGING holds none)
  settings::Origin where;
};

// Every problem dictConfig would have with `logging`. Only certain problems are returned: parts of the
// value the evaluator could not know are skipped.
std::vector<Problem> check(const settings::Value& logging);

// Reports the problems of one kind found in the model's LOGGING, when Django would pass LOGGING to
// logging.config.dictConfig (LOGGING_CONFIG left at its default and LOGGING not empty).
void report(const settings::SettingsModel& model, FindingSink& sink, Issue issue);

}  // namespace deployctl::checks::rules::logging_config
