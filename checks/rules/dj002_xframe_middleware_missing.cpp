// DJ002: XFrameOptionsMiddleware is not installed, so pages carry no X-Frame-Options header (security.W002).
#include "checks/rules/django_helpers.hpp"
#include "checks/rules/rule.hpp"

namespace deployctl::checks::rules {
namespace {

void check(const RuleContext& context, FindingSink& sink) {
  const settings::SettingsModel& model = context.settings;
  if (django::middleware_installed(model, django::xframe_middleware, &sink) != false) return;
  sink.report(
      "'django.middleware.clickjacking.XFrameOptionsMiddleware' is not in MIDDLEWARE, so pages are served "
      "without an X-Frame-Options header and can be framed by any site (clickjacking)",
      settings::setting_origin(model, "MIDDLEWARE"), "MIDDLEWARE");
}

}  // namespace

extern const Rule dj002_xframe_middleware_missing;
const Rule dj002_xframe_middleware_missing{
    RuleInfo{
        .id = "DJ002",
        .name = "xframe-middleware-missing",
        .severity = Severity::warning,
        .summary = "XFrameOptionsMiddleware is not in MIDDLEWARE",
        .rationale = "Without the X-Frame-Options header any site can load your pages in an invisible frame and "
                     "trick users into clicking buttons on them (clickjacking). Unless the site is meant to be "
                     "framed, the header should be sent.",
        .fix = "Add 'django.middleware.clickjacking.XFrameOptionsMiddleware' to MIDDLEWARE.",
        .example_fires = "MIDDLEWARE = [\n"
                         "    \"django.middleware.security.SecurityMiddleware\",\n"
                         "]\n",
        .example_passes = "MIDDLEWARE = [\n"
                          "    \"django.middleware.security.SecurityMiddleware\",\n"
                          "    \"django.middleware.clickjacking.XFrameOptionsMiddleware\",\n"
                          "]\n",
        .django_check = "security.W002",
        .notes = "",
    },
    check};

}  // namespace deployctl::checks::rules
