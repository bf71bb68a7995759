// The Mustache data a target's generator fills, and the missing values it found. Private to generators/.
#pragma once

#include <string>
#include <vector>

#include "generators/template_engine.hpp"

namespace deployctl::generators {

struct TargetData {
  Data data{Data::type::object};
  std::vector<std::string> missing;     // one message per required value that is not known
  std::vector<std::string> skip_files;  // template names whose file does not apply this time
};

}  // namespace deployctl::generators
