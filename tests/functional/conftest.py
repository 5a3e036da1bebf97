"""Fixtures shared by the functional tests."""

from __future__ import annotations

import dataclasses

import pytest


@pytest.fixture
def no_recheck(monkeypatch):
    """Jobs registered now re-check the queue only every 300 s (the deployed default), so only
    wake-ups and cancels can move them within a test (a lost wake-up shows as a stuck job)."""
    from chalicelib import engine

    settings = dataclasses.replace(engine.get_settings(), slot_recheck_s=300)
    monkeypatch.setattr(engine, "get_settings", lambda: settings)
