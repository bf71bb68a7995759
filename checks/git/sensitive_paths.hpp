// Which repository paths hold settings (scanned for secret literals in history) and which must never be tracked
// (env files, private keys). Paths are '/'-separated and relative to the repository or project root.
#pragma once

#include <string_view>

namespace deployctl::checks::git {

// .env, .env.production, production.env, ... but not the templates meant to be committed: .env.example,
// .env.sample, .env.template, .env.dist, .env.defaults (and the same names with a suffix, e.g. env.example).
bool is_env_file(std::string_view path);

// Private keys and key stores by name: *.key, *.p12, *.pfx, *.jks, *.keystore, *.ppk, id_rsa, id_dsa, id_ecdsa,
// id_ed25519. A *.pem is one only when it holds a private key (`pem_holds_private_key`): certificates are public.
bool is_private_key_name(std::string_view path);
bool is_pem(std::string_view path);
bool pem_holds_private_key(std::string_view content);

// Settings-like paths, the ones the history scan reads without --all-paths:
//   settings.py, settings_*.py, *_settings.py (local_settings.py), any .py under a settings/ or config/ directory,
//   env files (`is_env_file`), and *.ini/*.cfg/*.toml/*.yaml/*.yml/*.json whose name contains "settings",
//   "secret" or "credential".
bool is_settings_like(std::string_view path);

// What the secret extractor can read: Python sources by AST, everything else as KEY=VALUE lines.
bool is_python_source(std::string_view path);

}  // namespace deployctl::checks::git
