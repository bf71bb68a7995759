// systemd's readiness protocol without libsystemd: one datagram to $NOTIFY_SOCKET.
#pragma once

#include <string_view>

namespace deployctl::gateway::server {

// Sends `state` ("READY=1", "RELOADING=1", "STOPPING=1") when NOTIFY_SOCKET is set; otherwise does nothing.
void sd_notify(std::string_view state);

}  // namespace deployctl::gateway::server
