"""Opening-up (O1)-(O3): foreign access, bonded zones and the location-utility shift, by hand."""

from __future__ import annotations

import math

import numpy as np
import pytest

from cnyx_sim.mechanisms import opening

YEARS = np.array([2025, 2027])
CUTS = np.array([0.1, 0.05])
SERVES = np.array([[True, False, True], [True, True, False]])  # [gateway, unit]


def test_foreign_access_compounds_the_cuts_of_the_gateways_in_effect_hand_computed():
    np.testing.assert_allclose(opening.foreign_access(2024, YEARS, CUTS, SERVES, 4.0), 1.0)
    np.testing.assert_allclose(opening.foreign_access(2025, YEARS, CUTS, SERVES, 4.0), [0.9 ** -4, 1.0, 0.9 ** -4])
    np.testing.assert_allclose(opening.foreign_access(2030, YEARS, CUTS, SERVES, 4.0),
                               [0.9 ** -4 * 0.95 ** -4, 0.95 ** -4, 0.9 ** -4])


def test_bonded_zones_count_from_their_year_in_the_units_they_serve():
    bonded = np.array([False, True])
    np.testing.assert_array_equal(opening.bonded_zones(2026, YEARS, bonded, SERVES), [0, 0, 0])
    np.testing.assert_array_equal(opening.bonded_zones(2027, YEARS, bonded, SERVES), [1, 1, 0])


def test_the_location_shift_adds_foreign_access_for_all_and_the_zone_for_projects_from_abroad():
    foreign, share, bonded = np.array([1.5, 1.0]), np.array([0.1, 0.1]), np.array([0.0, 1.0])
    shift = opening.location_utility(foreign, share, bonded, access_weight=0.5, bonded_weight=0.4,
                                     is_abroad=np.array([False, True]))
    access = 0.5 * math.log(0.9 + 0.1 * 1.5)
    np.testing.assert_allclose(shift, [[access, 0.0], [access, 0.4]])
    assert shift[0, 0] == pytest.approx(0.5 * math.log(1.05))


def test_bonded_zone_flags_written_as_zero_one_numbers_are_flags():
    # a table read from a file gives 0.0 / 1.0, not booleans: gateway 0 (bonded, 2024) serves unit 0; gateway 1
    # (not bonded, 2023) serves both
    zones = opening.bonded_zones(2025, np.array([2024, 2023]), np.array([1.0, 0.0]),
                                 np.array([[1.0, 0.0], [1.0, 1.0]]))
    assert zones.tolist() == [1.0, 0.0]
