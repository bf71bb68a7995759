// Turns a rule's report into a Finding carrying the rule's metadata, and records what it could not decide.
#include "checks/rules/own_helpers.hpp"
#include "checks/rules/rule.hpp"

namespace deployctl::checks::rules {

Finding& FindingSink::report(std::string message, const settings::Origin& where, std::string setting, std::string fix) {
  Finding finding;
  finding.rule = std::string(info_.id);
  finding.severity = info_.severity;
  finding.message = std::move(message);
  finding.where = SourceSpan{
      where.file,      where.position.line, where.position.column, where.position.end_line, where.position.end_column,
      where.whole_file};
  if (!setting.empty()) finding.setting = std::move(setting);
  if (!info_.django_check.empty()) finding.django_check = std::string(info_.django_check);
  finding.fix = fix.empty() ? std::string(info_.fix) : std::move(fix);
  finding.concerns_secret = info_.concerns_secret;
  out_.push_back(std::move(finding));
  return out_.back();
}

namespace {

// The unknown part of a value: itself, or the first unknown element of a known list or dict (an item a loop
// appended, a key computed by code the analysis does not follow).
const settings::Value& unknown_part(const settings::Value& value) {
  if (!value.is_known()) return value;
  for (const settings::Value& item : value.items)
    if (const settings::Value& part = unknown_part(item); !part.is_known()) return part;
  for (const auto& [key, item] : value.entries) {
    if (const settings::Value& part = unknown_part(key); !part.is_known()) return part;
    if (const settings::Value& part = unknown_part(item); !part.is_known()) return part;
  }
  return value;
}

}  // namespace

void FindingSink::cannot_decide(std::string_view setting, const settings::Value& whole) {
  if (undecided_ == nullptr) return;
  const settings::Value& value = unknown_part(whole);
  if (value.is_known()) return;  // known, and the rule's question has no answer for it: no blind spot
  const bool required_from_environment =
      value.env && !value.env->is_set && !value.env->default_value && !own::env_only_chose(value);
  if (info_.concerns_secret && required_from_environment) return;
  std::string why = value.unknown_reason;
  if (required_from_environment)
    why = "it is read from environment variable " + value.env->variable + " (" + value.env->reader +
          ", no default), which the check was not given";
  else if (why.empty())
    why = "the analysis cannot compute it";
  undecided_->push_back({std::string(info_.id), std::string(setting), std::move(why),
                         value.origin.file.empty() ? whole.origin : value.origin});
}

}  // namespace deployctl::checks::rules
