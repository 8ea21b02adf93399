"""Notifications through Apprise: new matches after each run or as a daily digest."""

from scoutly.notify.deliver import NotifyOutcome, notify_new_matches

__all__ = ["NotifyOutcome", "notify_new_matches"]
