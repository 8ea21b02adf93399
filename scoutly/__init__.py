"""Scoutly: a self-hosted job-scouting appliance."""

__version__ = "0.1.0"
