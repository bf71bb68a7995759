// CEL001 celery-url-credentials: a Celery broker or result-backend URL written in the settings carries a
// password, literally or as an environment fallback. Messages give the password's length, never the password.
#include <array>
#include <string>
#include <string_view>

#include "checks/rules/own_helpers.hpp"
#include "checks/rules/rule.hpp"

namespace deployctl::checks::rules {

namespace {

using settings::Value;

// Celery's URL settings as a Django settings module names them: the old upper-case names (BROKER_URL,
// CELERY_RESULT_BACKEND) and the namespaced lower-case ones, which config_from_object('django.conf:settings',
// namespace='CELERY') reads as CELERY_BROKER_URL; any namespace ends the same way.
constexpr std::array<std::string_view, 4> url_setting_endings = {"BROKER_URL", "RESULT_BACKEND", "BROKER_READ_URL",
                                                                 "BROKER_WRITE_URL"};

bool is_celery_url_setting(std::string_view name) {
  for (const std::string_view ending : url_setting_endings)
    if (name == ending || (name.ends_with(ending) && name[name.size() - ending.size() - 1] == '_')) return true;
  return false;
}

void check_url(const Value& url, const std::string& where, const std::string& setting, FindingSink& sink) {
  const auto credential = own::written_credential(url, false);
  if (!credential) return;
  sink.report(where + " " + own::written_where(*credential) +
                  ": everyone with the source or its history can connect to the broker, read the task messages "
                  "(arguments often hold personal data) and queue tasks the workers run, and a deploy that misses "
                  "the variable connects with it.",
              credential->where, setting);
}

void check(const RuleContext& context, FindingSink& sink) {
  for (const auto& [name, value] : context.settings.values) {
    if (!is_celery_url_setting(name)) continue;
    // A list of broker URLs is Celery's failover form.
    if (value.is_sequence()) {
      for (std::size_t i = 0; i < value.items.size(); ++i)
        check_url(value.items[i], name + "[" + std::to_string(i) + "]", name, sink);
      continue;
    }
    check_url(value, name, name, sink);
  }
}

}  // namespace

extern const Rule cel001_celery_url_credentials{
    RuleInfo{
        .id = "CEL001",
        .name = "celery-url-credentials",
        .severity = Severity::error,
        .summary = "A Celery broker or result-backend URL with a password is written in the settings, literally or "
                   "as the fallback of an environment read.",
        .rationale =
            "Whoever has the broker's password can read every task message (task arguments often carry e-mail "
            "addresses, tokens and personal data) and queue tasks of their own, which the workers run with the "
            "application's rights. A password written in the settings is shared with everyone who can read the "
            "repository and its history, and as the default of an environment read "
            "(os.environ.get('CELERY_BROKER_URL', 'amqp://app:pw@mq.example.net//')) it hides a missing variable: "
            "the deploy starts and talks to the broker the default names.",
        .fix = "Read the URL from the environment without a default: CELERY_BROKER_URL = "
               "os.environ['CELERY_BROKER_URL'] (likewise CELERY_RESULT_BACKEND). A password-less default such as "
               "'redis://localhost:6379/0' is fine for development.",
        .example_fires = "CELERY_BROKER_URL = 'amqp://mysite:Zt4s3cr3tQp9@mq.mysite.net:5672/mysite'\n",
        .example_passes = "import os\n"
                          "\n"
                          "CELERY_BROKER_URL = os.environ['CELERY_BROKER_URL']\n",
        .django_check = "",
        .notes = "Reads BROKER_URL, RESULT_BACKEND, BROKER_READ_URL and BROKER_WRITE_URL under any namespace "
                 "(CELERY_BROKER_URL for config_from_object(..., namespace='CELERY'), the old upper-case "
                 "BROKER_URL and CELERY_RESULT_BACKEND), and lists of broker URLs. Placeholders, well-known "
                 "defaults (amqp://guest:guest@localhost//) and URLs to this machine, a container name or a reserved "
                 "domain are not credentials (the table of GIT002), nor are values written in test or development "
                 "settings files.",
        .concerns_secret = true,
    },
    check,
};

}  // namespace deployctl::checks::rules
