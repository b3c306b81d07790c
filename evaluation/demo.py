"""Demo reporting cycles and progress reports."""

from __future__ import annotations

import random


def seed(*, rng: random.Random, scale: float, plan) -> dict:
    return {}
