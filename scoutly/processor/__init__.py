"""The processor: worker loop, run audit, host lock, signals, progress display."""
