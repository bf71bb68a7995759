// DB001 database-password-literal: a DATABASES password is written in the settings, as the value itself or as
// the fallback of an environment read. Messages give its length, never the password.
#include <string>

#include "checks/rules/own_helpers.hpp"
#include "checks/rules/rule.hpp"

namespace deployctl::checks::rules {

namespace {

using settings::Value;

void check_alias(const std::string& alias, const Value& database, FindingSink& sink) {
  // SQLite ignores PASSWORD: a value there protects nothing and leaks nothing that matters.
  if (const Value* engine = database.get("ENGINE"); engine && engine->is_string() && engine->text.ends_with("sqlite3"))
    return;
  const Value* password = database.get("PASSWORD");
  if (!password) return;
  const std::string where = "DATABASES['" + alias + "']['PASSWORD']";
  if (own::is_literal_text(*password)) {
    sink.report(where + " is " + own::sized(password->text, "literal") +
                    " written in the settings: everyone with the source or its history has the database password.",
                password->origin, "DATABASES");
    return;
  }
  // PASSWORD = os.environ.get('DB_PASSWORD', 'postgres'): the fallback is a password in the source too. URL
  // readers (env.db, dj_database_url) are DB002's: their default is a whole URL, not this password.
  if (!password->env || !password->env->default_value || own::is_database_url_read(*password->env)) return;
  const settings::EnvRead& read = *password->env;
  const Value& fallback = *read.default_value;
  if (!fallback.is_string() || fallback.text.empty() || fallback.env) return;
  sink.report(where + " falls back to " + own::sized(fallback.text, "literal") + " written in the settings when " +
                  read.variable + " is unset (" + own::describe_read(read) +
                  "): the password is in the source, and a deploy that misses the variable uses it.",
              read.where, "DATABASES");
}

void check(const RuleContext& context, FindingSink& sink) {
  const settings::SettingsModel& model = context.settings;
  const Value* databases = model.get("DATABASES");
  if (!databases || databases->kind != Value::Kind::dict) return;
  for (const auto& [alias, database] : databases->entries)
    if (alias.is_string() && database.kind == Value::Kind::dict) check_alias(alias.text, database, sink);
}

}  // namespace

extern const Rule db001_database_password_literal{
    RuleInfo{
        .id = "DB001",
        .name = "database-password-literal",
        .severity = Severity::error,
        .summary =
            "A DATABASES PASSWORD is written in the settings, literally or as the fallback of an environment read.",
        .rationale =
            "A password in the source is shared with everyone who can read the repository, its history, forks "
            "and CI logs, and it cannot be rotated without a commit. As a fallback (os.environ.get('DB_PASSWORD', "
            "'postgres')) it also hides a missing variable: the deploy starts and talks to the database with "
            "the development password.",
        .fix = "Read the password from the environment or a secrets file without a fallback: "
               "'PASSWORD': os.environ['DB_PASSWORD'], or give the whole connection as DATABASE_URL.",
        .example_fires = "DATABASES = {\n"
                         "    'default': {\n"
                         "        'ENGINE': 'django.db.backends.postgresql',\n"
                         "        'NAME': 'mysite',\n"
                         "        'USER': 'mysite',\n"
                         "        'PASSWORD': 'hunter2-mysite',\n"
                         "        'HOST': 'db.internal',\n"
                         "    }\n"
                         "}\n",
        .example_passes = "import os\n"
                          "\n"
                          "DATABASES = {\n"
                          "    'default': {\n"
                          "        'ENGINE': 'django.db.backends.postgresql',\n"
                          "        'NAME': 'mysite',\n"
                          "        'USER': 'mysite',\n"
                          "        'PASSWORD': os.environ['DB_PASSWORD'],\n"
                          "        'HOST': 'db.internal',\n"
                          "    }\n"
                          "}\n",
        .django_check = "",
        .notes = "Empty passwords and SQLite databases are not reported. Credentials inside a database URL default "
                 "are DB002.",
    },
    check,
};

}  // namespace deployctl::checks::rules
