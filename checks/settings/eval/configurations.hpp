// django-configurations: a settings module whose settings are attributes of Configuration subclasses.
#pragma once

#include "checks/settings/eval/frame.hpp"
#include "checks/settings/eval/library.hpp"

namespace deployctl::checks::settings::eval {

void add_configurations_handlers(HandlerTable& table);

// Whether a class statement's base is django-configurations' Configuration.
bool is_configuration_base(const Value& base);

// After the settings module ran: binds the settings of the configuration class DJANGO_CONFIGURATION names
// (the only one, when it is not set), or, when that cannot be told, each setting as one of the classes' values.
void apply_configuration(Evaluation& run, LoadedModule& module);

}  // namespace deployctl::checks::settings::eval
