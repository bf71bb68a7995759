// DJ018: DEBUG is on (security.W018).
#include "checks/rules/django_helpers.hpp"
#include "checks/rules/rule.hpp"

namespace deployctl::checks::rules {
namespace {

void check(const RuleContext& context, FindingSink& sink) {
  const settings::SettingsModel& model = context.settings;
  const settings::Value debug = settings::setting_or_default(model, "DEBUG");
  if (!django::definitely(django::decide(sink, "DEBUG", debug, django::truthy))) return;
  sink.report(django::setting_state(model, "DEBUG") +
                  ": error pages show tracebacks, settings and SQL to anyone, and Django keeps every query in memory",
              debug.origin, "DEBUG");
}

}  // namespace

extern const Rule dj018_debug_enabled;
const Rule dj018_debug_enabled{
    RuleInfo{
        .id = "DJ018",
        .name = "debug-enabled",
        .severity = Severity::warning,
        .summary = "DEBUG is on",
        .rationale = "With DEBUG on, any error shows a page with the traceback, local variables and most settings "
                     "to whoever triggered it, static files are served by Django, and every SQL query is kept in "
                     "memory. It must never be on in production.",
        .fix = "Set DEBUG = False in production, e.g. DEBUG = os.environ.get(\"DJANGO_DEBUG\") == \"1\" so that a "
               "missing variable means off.",
        .example_fires = "DEBUG = True\n",
        .example_passes = "DEBUG = False\n",
        .django_check = "security.W018",
        .notes = "Django tests truthiness: DEBUG = \"False\" (a non-empty string) is on.",
    },
    check};

}  // namespace deployctl::checks::rules
