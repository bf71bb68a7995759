// DPL005 unknown-setting: a setting some rule needed has a value the static analysis cannot know, so that rule
// could not decide. The rules record what they could not decide (FindingSink::cannot_decide); this rule reports
// it once per setting, after every other rule ran.
#include <map>
#include <set>
#include <string>

#include "checks/rules/blind_spots.hpp"

namespace deployctl::checks::rules {

namespace {

// The registry calls every rule with its context; this one is fed by the others' undecided settings instead.
void no_model_check(const RuleContext&, FindingSink&) {}

std::string joined(const std::set<std::string>& ids) {
  std::string out;
  for (const std::string& id : ids) out += (out.empty() ? "" : ", ") + id;
  return out;
}

}  // namespace

extern const Rule dpl005_unknown_setting{
    RuleInfo{
        .id = "DPL005",
        .name = "unknown-setting",
        .severity = Severity::info,
        .summary = "A setting the rules need has a value the analysis cannot know, so they could not check it.",
        .rationale =
            "deployctl reads the settings without running them. A value it cannot follow (code it does not "
            "evaluate, a file it does not read, an environment variable the check was not given) stays unknown "
            "rather than guessed, and a rule that needs it cannot decide. Saying which settings those are keeps a "
            "clean report honest: the problems those rules look for may still be there.",
        .fix = "Give the check the environment production runs with (--env-file, --env), write the setting so "
               "that it can be read without running code, or run Django's own checks as well (--django).",
        .example_fires =
            "import json\n\nwith open('/etc/mysite/settings.json') as f:\n    DEBUG = json.load(f)['debug']\n",
        .example_passes = "DEBUG = False\n",
        .django_check = "",
        .notes = "Secrets read from the environment without a default (SECRET_KEY = os.environ['DJANGO_SECRET_KEY']) "
                 "are not reported: that is where they belong, and the check is not meant to see them.",
    },
    no_model_check,
};

void report_unknown_settings(std::span<const Undecided> undecided, const settings::SettingsModel& model,
                             FindingSink& sink) {
  struct Blind {
    const Undecided* first = nullptr;  // where and why, from the first rule that met it
    std::set<std::string> rules;
  };
  std::map<std::string, Blind> by_setting;
  for (const Undecided& entry : undecided) {
    Blind& blind = by_setting[entry.setting];
    if (blind.first == nullptr) blind.first = &entry;
    blind.rules.insert(entry.rule);
  }
  for (const auto& [setting, blind] : by_setting) {
    const settings::Origin& where = blind.first->where;
    sink.report(setting + " cannot be known without running the settings (" + blind.first->why + "), so " +
                    joined(blind.rules) + " could not check it",
                where.file.empty() ? settings::Origin{model.settings_file, python::Position{1, 1, 0, 0}, true} : where,
                setting);
  }
}

}  // namespace deployctl::checks::rules
