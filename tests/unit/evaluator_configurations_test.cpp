// Class-based settings: django-configurations' Configuration subclasses (the class DJANGO_CONFIGURATION names,
// values.* read from DJANGO_<NAME>), and project classes whose attributes the settings read.
#include "evaluator_support.hpp"

using namespace evaluator_test;

namespace {

constexpr const char* configured =
    "from configurations import Configuration, values\n"
    "class Common(Configuration):\n"
    "    DEBUG = True\n"
    "    ALLOWED_HOSTS = ['*']\n"
    "    SECRET_KEY = values.SecretValue()\n"
    "    TIME_ZONE = values.Value('UTC')\n"
    "class Prod(Common):\n"
    "    DEBUG = values.BooleanValue(False)\n"
    "    ALLOWED_HOSTS = values.ListValue(['example.com'])\n"
    "    helper = 'not a setting'\n";

}  // namespace

TEST_SUITE("evaluator-configurations") {
  TEST_CASE("the class DJANGO_CONFIGURATION names gives the settings, values.* reading DJANGO_<NAME>") {
    const auto model =
        run(configured, env_of({{"DJANGO_CONFIGURATION", "Prod"}, {"DJANGO_ALLOWED_HOSTS", "a.example, b.example"}}));
    const Value& debug = setting(model, "DEBUG");
    CHECK(debug.is_false());
    REQUIRE(debug.env != nullptr);
    CHECK(debug.env->variable == "DJANGO_DEBUG");
    CHECK_FALSE(debug.env->is_set);
    const Value& hosts = setting(model, "ALLOWED_HOSTS");
    REQUIRE(hosts.kind == Kind::list);
    REQUIRE(hosts.items.size() == 2);
    CHECK(is_string(hosts.items[1], "b.example"));
    CHECK(is_string(setting(model, "TIME_ZONE"), "UTC"));
    CHECK(model.get("helper") == nullptr);
    // SecretValue without its variable: django-configurations raises ImproperlyConfigured.
    const Value& key = setting(model, "SECRET_KEY");
    CHECK_FALSE(key.is_known());
    REQUIRE(key.env != nullptr);
    CHECK(key.env->variable == "DJANGO_SECRET_KEY");
    CHECK_FALSE(key.env->required_by.empty());
  }

  TEST_CASE("a value with environ_name is the final value at once, as Value.__new__ makes it, even inside a dict") {
    const char* source =
        "from configurations import Configuration, values\n"
        "class Prod(Configuration):\n"
        "    LOGGING = {'version': 1, 'loggers': {'app': {'level': values.Value('ERROR', "
        "environ_name='APP_LEVEL')}}}\n";
    const auto unset = run(source, env_of({{"DJANGO_CONFIGURATION", "Prod"}}));
    const Value* level = setting(unset, "LOGGING").get("loggers")->get("app")->get("level");
    REQUIRE(level != nullptr);
    CHECK(is_string(*level, "ERROR"));
    REQUIRE(level->env != nullptr);
    CHECK(level->env->variable == "APP_LEVEL");
    const auto set = run(source, env_of({{"DJANGO_CONFIGURATION", "Prod"}, {"APP_LEVEL", "INFO"}}));
    CHECK(is_string(*setting(set, "LOGGING").get("loggers")->get("app")->get("level"), "INFO"));
  }

  TEST_CASE("a set variable goes through the value class's conversion") {
    const auto model = run(
        configured, env_of({{"DJANGO_CONFIGURATION", "Prod"}, {"DJANGO_DEBUG", "yes"}, {"DJANGO_SECRET_KEY", "k"}}));
    CHECK(setting(model, "DEBUG").is_true());
    CHECK(is_string(setting(model, "SECRET_KEY"), "k"));
    const auto bad = run(configured, env_of({{"DJANGO_CONFIGURATION", "Prod"}, {"DJANGO_DEBUG", "maybe"}}));
    CHECK_FALSE(setting(bad, "DEBUG").is_known());
  }

  TEST_CASE("without DJANGO_CONFIGURATION each setting is one of the classes' values, saying so") {
    const auto model = run(configured);
    const Value& debug = setting(model, "DEBUG");
    CHECK_FALSE(debug.is_known());
    CHECK(debug.unknown_reason.find("DJANGO_CONFIGURATION") != std::string::npos);
    CHECK(debug.unknown_reason.find("Common, Prod") != std::string::npos);
    CHECK(debug.alternatives.size() == 2);
    CHECK(is_string(setting(model, "TIME_ZONE"), "UTC"));  // the same in every class: known
  }

  TEST_CASE("a single configuration class is the one used") {
    const auto model = run("from configurations import Configuration\nclass Prod(Configuration):\n    DEBUG = False\n");
    CHECK(setting(model, "DEBUG").is_false());
  }

  TEST_CASE("a name DJANGO_CONFIGURATION gives that no class has leaves the settings unknown") {
    const auto model = run(configured, env_of({{"DJANGO_CONFIGURATION", "Staging"}}));
    CHECK_FALSE(setting(model, "DEBUG").is_known());
    CHECK(setting(model, "DEBUG").unknown_reason.find("names no configuration class") != std::string::npos);
  }

  TEST_CASE("a project class whose upper-case attributes are exported into the module") {
    const auto model =
        run("class Base:\n    DEBUG = True\n    SECRET_KEY = 'k' * 60\nclass Prod(Base):\n    DEBUG = False\n    lower "
            "= 1\n"
            "for name in dir(Prod):\n    if name.isupper():\n        globals()[name] = getattr(Prod, name)\n"
            "globals().update({'OWN_' + k: v for k, v in vars(Prod).items() if k.isupper()})\n");
    CHECK(setting(model, "DEBUG").is_false());
    CHECK(setting(model, "SECRET_KEY").text.size() == 60);
    CHECK(model.get("lower") == nullptr);
    CHECK(setting(model, "OWN_DEBUG").is_false());
    CHECK(model.get("OWN_SECRET_KEY") == nullptr);  // vars() is the class's own __dict__
    CHECK(model.namespace_complete);
    // A base deployctl cannot see: dir() is unknown, and so is every name the loop may have bound.
    const auto unseen =
        run("from somewhere import Base\nDEBUG = False\nclass Prod(Base):\n    pass\n"
            "for name in dir(Prod):\n    globals()[name] = getattr(Prod, name)\n");
    CHECK_FALSE(setting(unseen, "DEBUG").is_known());
    CHECK_FALSE(unseen.namespace_complete);
    CHECK(unseen.namespace_incomplete_because.find("for loop at settings.py:5") != std::string::npos);
  }

  TEST_CASE("settings read from a project class through its attributes") {
    const auto model =
        run("class Base:\n    DEBUG = True\nclass Prod(Base):\n    DEBUG = False\n    HOSTS = ['a']\n"
            "DEBUG = Prod.DEBUG\nALLOWED_HOSTS = Prod.HOSTS\nX = Prod.MISSING\n");
    CHECK(setting(model, "DEBUG").is_false());
    CHECK(setting(model, "ALLOWED_HOSTS").items.size() == 1);
    CHECK(setting(model, "X").unknown_reason.find("AttributeError") != std::string::npos);
  }
}
