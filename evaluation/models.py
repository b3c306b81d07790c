"""Annual evaluation: reporting cycles, progress reports, compiled monitoring reports, reviews."""

from __future__ import annotations
