"""The processor: worker loop, run audit, host lock, signals, progress display.

`Processor`, `ProcessorReport` and `run_processor` are imported on first use, so a light submodule
(`scoutly.processor.durations`, `.lock`) does not pull in Playwright and Gemini with the worker."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from scoutly.processor.state import ProcessorReport
    from scoutly.processor.worker import Processor, run_processor

_LAZY = {"Processor": "worker", "run_processor": "worker", "ProcessorReport": "state"}

__all__ = ["Processor", "ProcessorReport", "run_processor"]


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(importlib.import_module(f"scoutly.processor.{_LAZY[name]}"), name)
    raise AttributeError(f"module 'scoutly.processor' has no attribute {name!r}")
