// DJ003: CsrfViewMiddleware is not installed, so no view is protected against CSRF by default (security.W003).
#include "checks/rules/django_helpers.hpp"
#include "checks/rules/rule.hpp"

namespace deployctl::checks::rules {
namespace {

void check(const RuleContext& context, FindingSink& sink) {
  const settings::SettingsModel& model = context.settings;
  if (django::middleware_installed(model, django::csrf_middleware, &sink) != false) return;
  sink.report(
      "'django.middleware.csrf.CsrfViewMiddleware' is not in MIDDLEWARE, so views are not protected "
      "against cross-site request forgery unless each one is decorated",
      settings::setting_origin(model, "MIDDLEWARE"), "MIDDLEWARE");
}

}  // namespace

extern const Rule dj003_csrf_middleware_missing;
const Rule dj003_csrf_middleware_missing{
    RuleInfo{
        .id = "DJ003",
        .name = "csrf-middleware-missing",
        .severity = Severity::warning,
        .summary = "CsrfViewMiddleware is not in MIDDLEWARE",
        .rationale = "Django's CSRF protection works through its middleware. Without it, any form or state-changing "
                     "view that is not individually decorated with csrf_protect can be triggered by another site "
                     "on behalf of a logged-in user.",
        .fix = "Add 'django.middleware.csrf.CsrfViewMiddleware' to MIDDLEWARE.",
        .example_fires = "MIDDLEWARE = [\n"
                         "    \"django.middleware.security.SecurityMiddleware\",\n"
                         "]\n",
        .example_passes = "MIDDLEWARE = [\n"
                          "    \"django.middleware.security.SecurityMiddleware\",\n"
                          "    \"django.middleware.csrf.CsrfViewMiddleware\",\n"
                          "]\n",
        .django_check = "security.W003",
        .notes = "",
    },
    check};

}  // namespace deployctl::checks::rules
