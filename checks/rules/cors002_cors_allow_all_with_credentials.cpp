// CORS002 cors-allow-all-with-credentials: django-cors-headers allows every origin and sends cookies too, so
// any website can act as the logged-in user and read the answers.
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
  if (!credentials || credentials->truthy() != true) return;
  sink.report(name + " is True" + own::default_note(*allow_all) + " and CORS_ALLOW_CREDENTIALS is True" +
                  own::default_note(*credentials) +
                  ": any website can send requests with its visitors' session cookies and read the responses, "
                  "acting as the logged-in user.",
              allow_all->origin, name);
}

}  // namespace

extern const Rule cors002_cors_allow_all_with_credentials{
    RuleInfo{
        .id = "CORS002",
        .name = "cors-allow-all-with-credentials",
        .severity = Severity::error,
        .summary = "django-cors-headers allows every origin and credentials together.",
        .rationale =
            "Browsers refuse a literal '*' with credentials, so django-cors-headers echoes the caller's Origin "
            "instead: every website then gets credentialed cross-origin access. A page the user happens to visit "
            "can read their account data, API tokens and anything else the session can see.",
        .fix = "List the trusted front-ends in CORS_ALLOWED_ORIGINS and keep CORS_ALLOW_CREDENTIALS only for them; "
               "never combine it with CORS_ALLOW_ALL_ORIGINS.",
        .example_fires = "INSTALLED_APPS = ['corsheaders']\n"
                         "MIDDLEWARE = ['corsheaders.middleware.CorsMiddleware']\n"
                         "CORS_ALLOW_ALL_ORIGINS = True\n"
                         "CORS_ALLOW_CREDENTIALS = True\n",
        .example_passes = "INSTALLED_APPS = ['corsheaders']\n"
                          "MIDDLEWARE = ['corsheaders.middleware.CorsMiddleware']\n"
                          "CORS_ALLOWED_ORIGINS = ['https://app.example.com']\n"
                          "CORS_ALLOW_CREDENTIALS = True\n",
        .django_check = "",
        .notes = "Allow-all without credentials is CORS001 (a warning). Silent when INSTALLED_APPS or MIDDLEWARE is "
                 "known and lacks django-cors-headers.",
    },
    check,
};

}  // namespace deployctl::checks::rules
