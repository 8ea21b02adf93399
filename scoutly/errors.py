"""Exceptions that the CLI turns into one clear line instead of a traceback."""


class ScoutlyError(Exception):
    """An error the user can act on; its message is printed as-is (one line)."""


class ConfigError(ScoutlyError):
    """A setting is missing or invalid; the message names the variable."""


class DatabaseUnavailable(ScoutlyError):
    """MongoDB could not be reached."""


class InputError(ScoutlyError):
    """A user-supplied file or argument is invalid; the message names the file/field."""
