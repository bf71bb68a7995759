// systemd's readiness protocol without libsystemd: one datagram to $NOTIFY_SOCKET.
#pragma once

#include <string_view>

namespace deployctl::gateway::server {

// Sends `state` (newline-separated assignments: "READY=1\nMAINPID=42", "RELOADING=1", "STOPPING=1") when
// NOTIFY_SOCKET is set (a path, or "@name" for the abstract namespace); otherwise does nothing. Returns whether a
// datagram was sent.
bool sd_notify(std::string_view state);

// The messages of the master's life cycle, as systemd's Type=notify and Type=notify-reload services expect them.
void notify_ready();      // READY=1 with MAINPID (the master's pid, which a reload keeps) and a STATUS
void notify_reloading();  // RELOADING=1 with MONOTONIC_USEC
void notify_stopping();   // STOPPING=1

}  // namespace deployctl::gateway::server
