"""Public-service integration: portable social insurance, medical insurance, hukou and schooling in migration
(ODD 7.14).

The plan (§二十二 推进公共服务便利共享: 社会保险关系无障碍转移接续, 医保关系转移接续, 住房公积金互认互贷; §二十五
加强基本公共服务制度衔接) lowers what it costs a household to live on the other side of the Sichuan-Chongqing
line and makes the region's units better places to move to. Both enter the migration logit (N2)-(N3) of
``mechanisms.population`` through its border matrices and destination constants:

    (PS1)  B'_od,t = B_od * (1 - rho_t * S_od)
           S_od = 1 for a Sichuan-Chongqing crossing (between units across the line, or between a unit and the
           core of the other province); 0 for the east coast, whose border the region's services do not reach;
           rho_t = share of the border friction that portable services remove
    (PS2)  a'_d,t = a_d + pi_t      for every unit d of the region (the region's pull); the external nodes'
           constants and their "stay out" option are unchanged

The base year has rho = pi = 0, so the migration calibration (N5) is untouched and the levers only act
after 2021. Sizes: Su, Tesfazion & Zhao (2017) attribute the provincial border effect to culture,
institutional barriers and dialect, so portable services remove at most the institutional part; An & Yan
(2024) find that hukou reform raised a city's migrants by 1.5 % (evidence.md §8), ln(1.015) = 0.015 utils.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from cnyx_sim.mechanisms.population import MigrationSystem

FloatArray = np.ndarray


def border_matrices(
    border_unit_unit: FloatArray,
    border_external_unit: FloatArray,
    reducible_external: FloatArray,
    removed: float,
) -> tuple[FloatArray, FloatArray]:
    """(PS1): the border matrices after integration.

    Parameters
    ----------
    border_unit_unit : [o, d] B between units (every provincial border inside the region is the
        Sichuan-Chongqing line).
    border_external_unit : [e, d] B between external nodes and units.
    reducible_external : [e] 1 for the cores of Sichuan and Chongqing, 0 for nodes outside both provinces.
    removed : rho_t in [0, 1].
    """
    uu = np.asarray(border_unit_unit, dtype=float) * (1.0 - removed)
    eu = np.asarray(border_external_unit, dtype=float) * (1.0 - removed * np.asarray(reducible_external)[:, None])
    return uu, eu


def integrated_system(system: MigrationSystem, reducible_external: FloatArray, removed: float,
                      pull: float) -> MigrationSystem:
    """(PS1)-(PS2): a copy of the calibrated migration system with this year's levers applied."""
    if removed == 0.0 and pull == 0.0:
        return system
    uu, eu = border_matrices(system.border_unit_unit, system.border_external_unit, reducible_external, removed)
    return replace(system, unit_constants=system.unit_constants + pull, border_unit_unit=uu,
                   border_external_unit=eu)
