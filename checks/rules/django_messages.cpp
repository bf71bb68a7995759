// Django names the setting in its message text ("You have not set a value for the SECURE_HSTS_SECONDS setting"),
// so the setting is taken from there: the first upper-case name the message uses that the settings assign.
#include "checks/rules/django_messages.hpp"

#include "checks/rules/registry.hpp"

namespace deployctl::checks::rules {

namespace {

bool is_setting_char(char c) { return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_'; }

// Upper-case words with an underscore, in order: candidate setting names.
std::vector<std::string> setting_names(std::string_view text) {
  std::vector<std::string> names;
  for (std::size_t i = 0; i < text.size();) {
    if (!is_setting_char(text[i]) || (i > 0 && (is_setting_char(text[i - 1]) || text[i - 1] == '.'))) {
      ++i;
      continue;
    }
    std::size_t end = i;
    while (end < text.size() && is_setting_char(text[end])) ++end;
    const std::string_view word = text.substr(i, end - i);
    if (word.size() > 2 && word.find('_') != std::string_view::npos && word.front() >= 'A' && word.front() <= 'Z')
      names.emplace_back(word);
    i = end;
  }
  return names;
}

}  // namespace

const Rule* mirror_rule(std::string_view check_id) {
  if (check_id.empty()) return nullptr;
  for (const Rule& rule : all_rules())
    if (rule.info.django_check == check_id) return &rule;
  return nullptr;
}

Finding& report_django_message(const django_runtime::DjangoMessage& message, const settings::SettingsModel& model,
                               FindingSink& sink) {
  std::string setting;
  settings::Origin where{model.settings_file, python::Position{1, 1, 0, 0}, true};
  for (const std::string& name : setting_names(message.message)) {
    if (const settings::Value* value = model.get(name); value && !value->origin.file.empty()) {
      setting = name;
      where = value->origin;
      break;
    }
    if (setting.empty()) setting = name;
  }
  std::string text =
      "Django's system check " + (message.id.empty() ? std::string("(no id)") : message.id) + ": " + message.message;
  if (message.obj && !message.obj->empty() && *message.obj != "None") text += " (" + *message.obj + ")";
  Finding& finding = sink.report(std::move(text), where, setting, message.hint);
  if (!message.id.empty()) finding.django_check = message.id;
  return finding;
}

}  // namespace deployctl::checks::rules
