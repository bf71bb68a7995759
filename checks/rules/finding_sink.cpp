// Turns a rule's report into a Finding carrying the rule's metadata.
#include "checks/rules/rule.hpp"

namespace deployctl::checks::rules {

Finding& FindingSink::report(std::string message, const settings::Origin& where, std::string setting, std::string fix) {
  Finding finding;
  finding.rule = std::string(info_.id);
  finding.severity = info_.severity;
  finding.message = std::move(message);
  finding.where = SourceSpan{where.file,         where.position.line,       where.position.column,
                             where.position.end_line, where.position.end_column, where.whole_file};
  if (!setting.empty()) finding.setting = std::move(setting);
  if (!info_.django_check.empty()) finding.django_check = std::string(info_.django_check);
  finding.fix = fix.empty() ? std::string(info_.fix) : std::move(fix);
  finding.concerns_secret = info_.concerns_secret;
  out_.push_back(std::move(finding));
  return out_.back();
}

}  // namespace deployctl::checks::rules
