// --lifespan's values, for the options struct (the protocol itself is lifespan.hpp's).
#pragma once

namespace deployctl::gateway::asgi {

enum class LifespanMode { automatic, on, off };  // auto: an app without lifespan is served without it

}  // namespace deployctl::gateway::asgi
