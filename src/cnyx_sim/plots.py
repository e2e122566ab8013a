"""Figures for notebooks and reports (needs matplotlib: ``pip install "cnyx-sim[plot]"``).

>>> import cnyx_sim, cnyx_sim.plots as cp                                   # doctest: +SKIP
>>> tables = cnyx_sim.load("results/integration")                            # doctest: +SKIP
>>> cp.fan_chart(tables["trajectories"], "gdp_nominal", tables["targets"])  # doctest: +SKIP

Every function returns a matplotlib Figure (shown inline by Jupyter) and labels in Chinese (``lang="zh"``)
or English (``lang="en"``); a CJK font ships with the package (:func:`use_cjk_font`). ``write_report``
is what ``cnyx-sim plot DIR`` runs. Implemented in :mod:`cnyx_sim.analysis`.
"""

from __future__ import annotations

from cnyx_sim.analysis.figures import (channel_waterfall, difference_vs_baseline, fan_chart, ledgers_by_unit,
                                       project_flows, target_dashboard, unit_small_multiples)
from cnyx_sim.analysis.fonts import use_cjk_font
from cnyx_sim.analysis.report import save_figure, target_table, write_report
from cnyx_sim.labels import unit_names

__all__ = ["channel_waterfall", "difference_vs_baseline", "fan_chart", "ledgers_by_unit", "project_flows",
           "save_figure", "target_dashboard", "target_table", "unit_names", "unit_small_multiples",
           "use_cjk_font", "write_report"]
