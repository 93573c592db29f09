"""Where things are: the repository root of the kit that is running."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
