// CHAN001 in-memory-channel-layer: a Django Channels layer is channels.layers.InMemoryChannelLayer, which lives
// inside one process, so messages never cross from one server process to another.
#include <string>

#include "checks/rules/django_helpers.hpp"
#include "checks/rules/rule.hpp"

namespace deployctl::checks::rules {

namespace {

using settings::Value;

constexpr std::string_view in_memory_layer = "channels.layers.InMemoryChannelLayer";

django::Answer is_in_memory(const Value& backend) {
  return django::decide(
      backend, [](const Value& value) { return django::Answer(value.is_string() && value.text == in_memory_layer); });
}

// For CHANNEL_LAYERS merged from branches: whether any alias may be the in-memory layer, and the unknown value that
// keeps it from being known (a BACKEND read from the environment rather than the branch that added a CONFIG).
django::Answer any_in_memory(const Value& layers, const Value*& unknown) {
  if (!layers.is_known()) {
    if (layers.alternatives.empty()) {
      unknown = &layers;
      return std::nullopt;
    }
    django::Answer answer = false;
    for (const Value& alternative : layers.alternatives) {
      const django::Answer one = any_in_memory(alternative, unknown);
      if (one == true) return true;
      if (!one) answer = std::nullopt;
    }
    return answer;
  }
  if (layers.kind != Value::Kind::dict) return false;
  django::Answer answer = false;
  for (const auto& [alias, layer] : layers.entries) {
    const Value* backend = layer.get("BACKEND");
    if (!backend) continue;
    const django::Answer one = is_in_memory(*backend);
    if (one == true) return true;
    if (!one) {
      answer = std::nullopt;
      if (!unknown) unknown = backend;
    }
  }
  return answer;
}

void check(const RuleContext& context, FindingSink& sink) {
  const Value* layers = context.settings.get("CHANNEL_LAYERS");
  if (!layers) return;
  if (!layers->is_known()) {
    // Branches that differ only in what a layer is configured with leave its BACKEND, the one thing asked, known.
    const Value* unknown = nullptr;
    if (any_in_memory(*layers, unknown) != false) sink.cannot_decide("CHANNEL_LAYERS", unknown ? *unknown : *layers);
    return;
  }
  if (layers->kind != Value::Kind::dict) return;
  for (const auto& [alias, layer] : layers->entries) {
    if (!alias.is_string()) continue;
    const Value* backend = layer.get("BACKEND");
    if (!backend) continue;
    const django::Answer in_memory = is_in_memory(*backend);
    if (!in_memory) sink.cannot_decide("CHANNEL_LAYERS", *backend);
    if (in_memory != true) continue;
    sink.report("CHANNEL_LAYERS['" + alias.text +
                    "'] is InMemoryChannelLayer, which lives inside one process: a group_send() or channel message "
                    "sent by one server process (or a Celery task, or a management command) never reaches the "
                    "consumers of another, so WebSocket updates are lost as soon as more than one process serves, "
                    "and every message queued is gone on restart.",
                backend->origin.file.empty() ? layer.origin : backend->origin, "CHANNEL_LAYERS");
  }
}

}  // namespace

extern const Rule chan001_in_memory_channel_layer{
    RuleInfo{
        .id = "CHAN001",
        .name = "in-memory-channel-layer",
        .severity = Severity::warning,
        .summary = "A Django Channels layer is InMemoryChannelLayer, which does not cross process boundaries.",
        .rationale =
            "Channels uses its layer to pass messages between consumers: chat rooms, live notifications and "
            "anything sent with group_send() from a view, a Celery task or a management command. "
            "InMemoryChannelLayer keeps groups and queues in the memory of one process, so a message sent in one "
            "ASGI worker, or from any other process, never reaches consumers connected to another, and the layer "
            "is emptied on every restart. Channels' documentation says not to use it in production.",
        .fix = "Use a layer that processes share, such as channels_redis: CHANNEL_LAYERS = {'default': {'BACKEND': "
               "'channels_redis.core.RedisChannelLayer', 'CONFIG': {'hosts': [os.environ['REDIS_URL']]}}}. Keep the "
               "in-memory layer for tests and development settings.",
        .example_fires = "CHANNEL_LAYERS = {\n"
                         "    'default': {'BACKEND': 'channels.layers.InMemoryChannelLayer'},\n"
                         "}\n",
        .example_passes = "CHANNEL_LAYERS = {\n"
                          "    'default': {\n"
                          "        'BACKEND': 'channels_redis.core.RedisChannelLayer',\n"
                          "        'CONFIG': {'hosts': [('redis', 6379)]},\n"
                          "    },\n"
                          "}\n",
        .django_check = "",
        .notes = "Fires on the settings module analysed, which deployctl takes to be the production one: run it on "
                 "your production settings (--settings). A layer chosen by a condition the analysis cannot know "
                 "is reported as a blind spot (DPL005) unless every branch gives the same answer.",
    },
    check,
};

}  // namespace deployctl::checks::rules
