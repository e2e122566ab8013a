"""Names vulture reports as unused in src/cnyx_sim that are not dead code (read by tests/test_dead_code.py).

vulture matches by name, so each line ``_.name`` marks every object called ``name`` as used. Every entry says
where it is used or why it stays. Rules for new entries: dead code is deleted, not listed; list a name only
when something vulture cannot see uses it (a name called by string, a public function for users, a result
field users read, a dataclass field the scenario layer fills). Pydantic validators are not listed: the test
ignores functions decorated with ``@field_validator`` / ``@model_validator`` (pydantic calls them), and the
name ``model_config`` (pydantic's configuration attribute).

This file is parsed by vulture, never imported or executed.
"""

# ---- Python and Mesa hooks (called by name)
_.__getattr__  # cnyx_sim/__init__.py: PEP 562 module __getattr__, the lazy public re-exports
_.decide  # core/agents.py CityAgent.decide: Mesa calls it by name, model.agents.shuffle_do("decide", signals)

# ---- public API for users (notebooks, scripts); each also used by the tests, notebook or benchmarks named
_.plot_region_path  # analysis/plots.py: notebooks/explore_baseline.ipynb
_.plot_units  # analysis/plots.py: notebooks/explore_baseline.ipynb
_.check_accounting  # checks.py: identities on tables read back from disk (tests/unit/test_checks.py, docs/model.md)
_.score_run  # targets.py: targets from a trajectories table read back (tests/e2e/test_sharing_scenarios.py)
_.build  # mechanisms/tax_sharing.py ActivityTable.build: activities by hand (mechanism tests, invariants)
_.missing_metadata  # scenario/docs.py: the schema-metadata test (tests/unit/scenario/test_docs.py)
_.extract_block  # scenario/docs.py: the docs drift test (tests/unit/scenario/test_docs.py)

# ---- result fields users read (the equations' full accounting, not only what the model passes on)
_.run_seconds  # api.py ScenarioOutput: per-run timing (benchmarks/bench_batch.py)
_.runs_total  # batch/engine.py BatchSummary: what run_batch did
_.runs_done_before  # batch/engine.py BatchSummary (tests/unit/batch/test_store.py)
_.runs_ran  # batch/engine.py BatchSummary (tests/unit/batch/test_store.py)
_.ok  # batch/engine.py BatchSummary.ok (tests/unit/batch/test_store.py, benchmarks/bench_batch.py)
_.current_spending  # mechanisms/budget.py BudgetOutcome: C of (B3) (tests/unit/mechanisms/test_budget.py)
_.external_out  # mechanisms/stats_sharing.py StatisticsResult: splits to external partners (D5) (tests)
_.external_outflow  # mechanisms/tax_sharing.py TaxSharingResult: External_e of (S8) (tests)

# ---- data fields filled from calibration or the scenario: descriptive names carried with the arrays
_.names_zh  # core/params.py ParkParams: Chinese park names (the interface the scenario layer fills)
_.kinds  # core/params.py ParkParams: 产业共建 / 飞地经济 ... (the interface the scenario layer fills)
_.event_names  # core/params.py InfrastructureParams: names of the dated events
_.gateway_names  # core/params.py OpeningParams: names of the gateways (the interface the scenario layer fills)
_.river  # scenario/schema_levers.py CompensationPair: YAML key naming the river and boundary section
_.sector_parent  # core/state.py Geography: primary / secondary / tertiary of each sector (calibration/sectors.csv)
_.industry_va  # scenario/schema_sharing.py StatSplit: YAML key, read through model_dump
_.template  # scenario/schema_sharing.py Agreement: YAML key, resolved by the loader through model_dump
_.templates  # scenario/schema_sharing.py Sharing: YAML key, resolved by the loader through model_dump

# ---- unused, in files outside the refactor branch's scope (issue 13): their owners delete them
_.n_ok  # batch/engine.py ChunkOutcome.n_ok: not read anywhere (batch engine split, hardening branch)
_.REQUIRED_METADATA  # scenario/docs.py: not read anywhere (scenario layer, hardening branch)
_.SHARING_PARAMETER_SECTIONS  # scenario/schema_sharing.py: not read anywhere (scenario layer, hardening branch)

# ---- scenario fields read by users and tools, not by the model
_.provenance  # scenario/schema.py CalibrationSection: what `cnyx-sim calibrate` wrote (input hashes, optimiser status); carried into every run's manifest.json with the resolved scenario

# ---- workbench public API (issue 11): functions users call from notebooks and tools, each tested
_.has_glyphs  # analysis/fonts.py: whether the bundled CJK font covers a label (tests/e2e/test_plots.py)
_.salib_outputs  # batch/design.py: (problem, X, Y) ready for SALib's analyzers (docs/outputs.md; tests/unit/batch/test_salib.py)
_.unit_registry  # batch/iamc.py: a pint registry that parses every unit of the IAMC export (tests/unit/batch/test_iamc.py)
_.hierarchy_problems  # batch/iamc.py: parents that are not the sum of their children (docs/outputs.md; test_iamc.py)
_.region_problems  # batch/iamc.py: region totals that are not the sum of units (docs/outputs.md; test_iamc.py)
_.build_model  # ema.py: the EMA Workbench adapter (docs/outputs.md; tests/e2e/test_ema.py)
_.channel_of  # channels.py: the owner of a scenario key path, for the channel decomposition (tests/unit/test_channels.py)
