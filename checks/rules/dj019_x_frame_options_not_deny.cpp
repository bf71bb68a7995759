// DJ019: XFrameOptionsMiddleware is installed but X_FRAME_OPTIONS is not 'DENY' (security.W019).
#include "checks/rules/django_helpers.hpp"
#include "checks/rules/rule.hpp"

namespace deployctl::checks::rules {
namespace {

void check(const RuleContext& context, FindingSink& sink) {
  const settings::SettingsModel& model = context.settings;
  if (!django::definitely(django::middleware_installed(model, django::xframe_middleware, &sink))) return;
  const settings::Value option = settings::setting_or_default(model, "X_FRAME_OPTIONS");
  const settings::Value deny = settings::Value::from_string("DENY");
  const django::Answer is_deny =
      django::decide(sink, "X_FRAME_OPTIONS", option, [&deny](const settings::Value& v) { return v.equals(deny); });
  if (is_deny != false) return;
  sink.report(django::setting_is_not(model, "X_FRAME_OPTIONS", "'DENY'") +
                  ": unless the site frames its own pages on purpose, 'DENY' is the safer value",
              option.origin, "X_FRAME_OPTIONS");
}

}  // namespace

extern const Rule dj019_x_frame_options_not_deny;
const Rule dj019_x_frame_options_not_deny{
    RuleInfo{
        .id = "DJ019",
        .name = "x-frame-options-not-deny",
        .severity = Severity::warning,
        .summary = "X_FRAME_OPTIONS is not 'DENY' while XFrameOptionsMiddleware is installed",
        .rationale = "'SAMEORIGIN' lets any page of your own site frame any other, which still allows "
                     "clickjacking through a page an attacker controls (user content, an open redirect). Unless "
                     "the site frames itself on purpose, 'DENY' is safer.",
        .fix = "Remove the override (Django's default is 'DENY') or set X_FRAME_OPTIONS = \"DENY\"; use "
               "@xframe_options_sameorigin on the few views that must be framed.",
        .example_fires = "MIDDLEWARE = [\"django.middleware.clickjacking.XFrameOptionsMiddleware\"]\n"
                         "X_FRAME_OPTIONS = \"SAMEORIGIN\"\n",
        .example_passes = "MIDDLEWARE = [\"django.middleware.clickjacking.XFrameOptionsMiddleware\"]\n"
                          "X_FRAME_OPTIONS = \"DENY\"\n",
        .django_check = "security.W019",
        .notes = "The comparison is case-sensitive, as Django's: 'deny' fires. The default has been 'DENY' since "
                 "Django 3.0.",
    },
    check};

}  // namespace deployctl::checks::rules
