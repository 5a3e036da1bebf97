"""DynamoDB write units as AWS's pricing page and developer guide count them (what bench 3 and the
estimate price)."""

from __future__ import annotations

from chalicelib.costmodel import index_write_units, write_units


def test_a_write_costs_a_unit_per_started_kilobyte_of_the_larger_item():
    assert write_units(None, 500) == 1
    assert write_units(None, 3500) == 4  # the guide's example: a 3.5 KB item, 4 units
    assert write_units(3000, 200) == 3  # an update that shrinks the item pays for the larger one
    assert write_units(None, None) == 1  # deleting nothing still costs a unit


def test_a_transaction_doubles_the_units():
    assert write_units(1500, 1500, transactional=True) == 4


def test_an_index_pays_when_the_item_enters_leaves_or_moves_in_it():
    assert index_write_units(None, None) == 0
    assert index_write_units(None, ("k1", 2100, "a")) == 3  # enters
    assert index_write_units(("k1", 900, "a"), None) == 1  # leaves
    assert index_write_units(("k1", 900, "a"), ("k2", 1100, "b")) == 1 + 2  # key moves: delete + put


def test_an_index_pays_nothing_when_its_projection_did_not_change():
    assert index_write_units(("k1", 900, "same"), ("k1", 900, "same")) == 0
    assert index_write_units(("k1", 900, "a"), ("k1", 1900, "b")) == 2
