// DJ006: SECURE_CONTENT_TYPE_NOSNIFF is not True, so browsers may sniff content types (security.W006).
#include "checks/rules/django_helpers.hpp"
#include "checks/rules/rule.hpp"

namespace deployctl::checks::rules {
namespace {

void check(const RuleContext& context, FindingSink& sink) {
  const settings::SettingsModel& model = context.settings;
  if (!django::definitely(django::middleware_installed(model, django::security_middleware, &sink))) return;
  const settings::Value nosniff = settings::setting_or_default(model, "SECURE_CONTENT_TYPE_NOSNIFF");
  if (django::decide(sink, "SECURE_CONTENT_TYPE_NOSNIFF", nosniff, django::is_true) != false) return;
  sink.report(django::setting_is_not(model, "SECURE_CONTENT_TYPE_NOSNIFF", "True") +
                  ": responses lack 'X-Content-Type-Options: nosniff', so browsers may guess content "
                  "types (and run an uploaded file as a script)",
              nosniff.origin, "SECURE_CONTENT_TYPE_NOSNIFF");
}

}  // namespace

extern const Rule dj006_content_type_nosniff_disabled;
const Rule dj006_content_type_nosniff_disabled{
    RuleInfo{
        .id = "DJ006",
        .name = "content-type-nosniff-disabled",
        .severity = Severity::warning,
        .summary = "SECURE_CONTENT_TYPE_NOSNIFF is not True",
        .rationale = "Without 'X-Content-Type-Options: nosniff' a browser may treat a user-uploaded text file as "
                     "HTML or JavaScript and execute it in your site's origin.",
        .fix = "Remove the override (Django's default is True) or set SECURE_CONTENT_TYPE_NOSNIFF = True.",
        .example_fires = "MIDDLEWARE = [\"django.middleware.security.SecurityMiddleware\"]\n"
                         "SECURE_CONTENT_TYPE_NOSNIFF = False\n",
        .example_passes = "MIDDLEWARE = [\"django.middleware.security.SecurityMiddleware\"]\n",
        .django_check = "security.W006",
        .notes = "The default has been True since Django 3.0; Django requires the value to be `True` itself.",
    },
    check};

}  // namespace deployctl::checks::rules
