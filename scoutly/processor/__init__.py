"""The processor: worker loop, run audit, host lock, signals, progress display."""

from scoutly.processor.state import ProcessorReport
from scoutly.processor.worker import Processor, run_processor

__all__ = ["Processor", "ProcessorReport", "run_processor"]
