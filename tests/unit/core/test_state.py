"""The state's containers: an Index names its axis, refuses duplicates and says what it knows; a RegionState copy
is a snapshot the next year's arrays cannot change."""

from __future__ import annotations

import numpy as np
import pytest

from cnyx_sim.core.state import Index


def test_an_index_refuses_duplicate_codes_and_names_them():
    with pytest.raises(ValueError, match=r"^duplicate codes in index: \('a', 'b', 'a'\)$"):
        Index(("a", "b", "a"))


def test_an_index_of_distinct_codes_is_accepted_and_ordered():
    index = Index(("zigong", "luzhou", "yongchuan"))
    assert list(index) == ["zigong", "luzhou", "yongchuan"]
    assert len(index) == 3
    assert index.position("yongchuan") == 2


def test_an_unknown_code_raises_a_key_error_that_lists_the_known_codes():
    index = Index(("zigong", "luzhou"))
    with pytest.raises(KeyError) as caught:
        index.position("neijiang")
    assert caught.value.args == ("unknown code 'neijiang'; known: zigong, luzhou",)


def test_mask_is_true_exactly_where_the_code_is_wanted():
    index = Index(("a", "b", "c", "d"))
    mask = index.mask(["c", "a", "x"])  # an unknown wanted code selects nothing
    assert mask.dtype == np.bool_
    np.testing.assert_array_equal(mask, [True, False, True, False])


def test_mask_of_an_empty_index_is_a_boolean_selector():
    # an empty float array cannot index an array; a boolean one selects nothing
    mask = Index(()).mask(["a"])
    assert mask.dtype == np.bool_
    assert np.zeros(0)[mask].shape == (0,)


def test_a_copied_state_keeps_its_numbers_when_the_original_arrays_change(tiny):
    state = tiny.state()
    snapshot = state.copy()
    state.va_real[0, 0] = -1.0
    state.population[1] = -1.0
    state.tax_city[:] = 7.0
    assert snapshot.va_real[0, 0] == 100.0
    assert snapshot.population[1] == 80.0
    np.testing.assert_array_equal(snapshot.tax_city, np.zeros((2, 4)))
    assert snapshot.year == 2021 and snapshot.price_index == 1.0
