"""The ids gridgym registers in Node, known here without starting Node (test/python checks they match)."""

#: Single-agent ids: ``make`` and ``make_vec`` build them, gymnasium.register lists them as ``gridgym/<id>``.
ENV_IDS = (
    "CommunityBattery-v0",
    "CommunityBatteryGrid-v0",
    "EnergyHub-v0",
    "Microgrid-v0",
    "MicrogridDiscrete-v0",
    "MicrogridResilience-v0",
)

#: Parallel (multi-agent) ids: ``parallel_env`` builds them.
PARALLEL_IDS = (
    "Community-v0",
    "EnergyHubParallel-v0",
)
