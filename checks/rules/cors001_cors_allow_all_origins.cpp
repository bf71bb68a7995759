// CORS001 cors-allow-all-origins: django-cors-headers lets every origin read the site's responses. With
// CORS_ALLOW_CREDENTIALS on as well it is CORS002, an error.
#include <string>

#include "checks/rules/own_helpers.hpp"
#include "checks/rules/rule.hpp"

namespace deployctl::checks::rules {

namespace {

void check(const RuleContext& context, FindingSink& sink) {
  const settings::SettingsModel& model = context.settings;
  std::string name;
  const settings::Value* allow_all = own::cors_allow_all(model, name, sink);
  if (!allow_all) return;
  if (!own::known_or_blind(model, "CORS_ALLOW_CREDENTIALS", sink)) return;
  const settings::Value* credentials = model.get("CORS_ALLOW_CREDENTIALS");
  if (credentials && credentials->truthy() == true) return;  // CORS002
  sink.report(name + " is True" + own::default_note(*allow_all) +
                  ": any website can call this site's API from its visitors' browsers and read the responses.",
              allow_all->origin, name);
}

}  // namespace

extern const Rule cors001_cors_allow_all_origins{
    RuleInfo{
        .id = "CORS001",
        .name = "cors-allow-all-origins",
        .severity = Severity::warning,
        .summary = "django-cors-headers allows every origin (CORS_ALLOW_ALL_ORIGINS or the old CORS_ORIGIN_ALLOW_ALL).",
        .rationale =
            "With allow-all, django-cors-headers answers every Origin with Access-Control-Allow-Origin, so any "
            "page on the internet can call the API from a visitor's browser and read what comes back: data that "
            "is reachable only from inside a network (an intranet, a VPN) or by IP allow-list leaks this way. "
            "It is usually a development shortcut that reached production.",
        .fix = "List the front-ends that may call the API: CORS_ALLOWED_ORIGINS = ['https://app.example.com'] "
               "(or CORS_ALLOWED_ORIGIN_REGEXES), and remove CORS_ALLOW_ALL_ORIGINS.",
        .example_fires = "INSTALLED_APPS = ['corsheaders']\n"
                         "MIDDLEWARE = ['corsheaders.middleware.CorsMiddleware']\n"
                         "CORS_ALLOW_ALL_ORIGINS = True\n",
        .example_passes = "INSTALLED_APPS = ['corsheaders']\n"
                          "MIDDLEWARE = ['corsheaders.middleware.CorsMiddleware']\n"
                          "CORS_ALLOWED_ORIGINS = ['https://app.example.com']\n",
        .django_check = "",
        .notes = "Silent when INSTALLED_APPS or MIDDLEWARE is known and lacks django-cors-headers. "
                 "CORS_ALLOW_ALL_ORIGINS wins over CORS_ORIGIN_ALLOW_ALL whenever it is set, as in the package.",
    },
    check,
};

}  // namespace deployctl::checks::rules
