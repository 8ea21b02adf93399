"""Loguru setup: human lines to stderr, a rotating + retained log file, JSON lines on request.

Every record passes through `scoutly.redact.redact` (message, bound values and formatted tracebacks),
so the Gemini key, MongoDB passwords and Apprise URLs (registered as secrets) never reach a sink.
Bind a run id into every line of a job with `logger.contextualize(run=..., company=...)`.
"""

from __future__ import annotations

import logging as std_logging
import sys
import traceback
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, TextIO

from loguru import logger

from scoutly.errors import ConfigError
from scoutly.redact import redact

if TYPE_CHECKING:
    from loguru import Record

LOG_FILE_NAME = "scoutly.log"
TIME_HUMAN = "<green>{time:YYYY-MM-DD HH:mm:ss}</green> | <level>{level: <7}</level> | "
TIME_PLAIN = "{time:YYYY-MM-DDTHH:mm:ss.SSSZ} | {level: <7} | "
DEFAULT_EXTRA = {"run": "-", "company": "-"}  # "-": outside a job (the line then shows neither)


def _job_part(record: Record, *, colour: bool) -> str:
    """`run company | ` for a line inside a job; nothing outside one (no `- -` placeholders)."""
    extra = record["extra"]
    run = extra.get("run") not in (None, "", "-")
    company = extra.get("company") not in (None, "", "-")
    parts = [("<cyan>{extra[run]}</cyan>" if colour else "{extra[run]}") if run else "",
             "{extra[company]}" if company else ""]
    shown = " ".join(part for part in parts if part)
    return f"{shown} | " if shown else ""


def human_format(record: Record) -> str:
    """Loguru format for a terminal: time, level, the job's run id and company when there is one, message."""
    return TIME_HUMAN + _job_part(record, colour=True) + "<level>{message}</level>\n"


def plain_format(record: Record) -> str:
    """Loguru format for pipes and the log file (same parts, ISO time, no colour)."""
    return TIME_PLAIN + _job_part(record, colour=False) + "{message}\n"
NOISY_LIBRARIES = ("pymongo", "httpx", "httpcore", "apprise", "asyncio", "google_genai", "urllib3")


def _redact_value(value: Any) -> Any:
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, dict):
        return {key: _redact_value(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(_redact_value(item) for item in value)
    return value


def redact_record(record: Record) -> None:
    """Loguru patcher: mask secrets in the message, the bound extras and any traceback.

    A traceback is formatted here (without local variables) and appended to the message, so no sink
    ever formats an exception itself and no secret can slip through an exception's text.
    """
    exception = record.get("exception")
    message = record["message"]
    if exception is not None and exception.type is not None:
        text = "".join(traceback.format_exception(exception.type, exception.value, exception.traceback))
        message = f"{message}\n{text.rstrip()}"
        record["exception"] = None
    record["message"] = redact(message)
    record["extra"].update({key: _redact_value(value) for key, value in record["extra"].items()})


class _CurrentStderr:
    """Writes to whatever `sys.stderr` is *now*, so a Rich Live display that redirects stderr can print
    log lines above itself instead of being torn by them."""

    def write(self, message: str) -> None:
        sys.stderr.write(message)

    def flush(self) -> None:
        sys.stderr.flush()

    def isatty(self) -> bool:
        return sys.stderr.isatty()


class _InterceptHandler(std_logging.Handler):
    """Send records of libraries using the standard `logging` module through Loguru (and redaction)."""

    def emit(self, record: std_logging.LogRecord) -> None:
        try:
            level: str | int = logger.level(record.levelname).name
        except ValueError:
            level = record.levelno
        logger.opt(depth=6, exception=record.exc_info).log(level, record.getMessage())


def setup_logging(
    *,
    level: str = "INFO",
    log_dir: Path | None = None,
    json: bool = False,
    rotation: str = "10 MB",
    retention: str | int = "14 days",
    stream: TextIO | None = None,
    colorize: bool | None = None,
) -> Path | None:
    """(Re)configure Loguru for the process; returns the log file path, if any.

    `json=True` writes JSON lines (Loguru's serialized records) to both stderr and the file.
    """
    logger.remove()
    logger.configure(extra=dict(DEFAULT_EXTRA), patcher=redact_record)
    sink = stream or _CurrentStderr()
    if json:
        logger.add(sink, level=level, serialize=True, backtrace=False, diagnose=False)
    else:
        use_colour = colorize if colorize is not None else sink.isatty()
        fmt = human_format if use_colour else plain_format
        logger.add(sink, level=level, format=fmt, colorize=use_colour, backtrace=False, diagnose=False)
    path: Path | None = None
    if log_dir is not None:
        log_dir.mkdir(parents=True, exist_ok=True)
        path = log_dir / LOG_FILE_NAME
        logger.add(
            path,
            level=level,
            format=plain_format,
            serialize=json,
            rotation=rotation,
            retention=retention,
            compression="gz",
            encoding="utf-8",
            enqueue=False,
            backtrace=False,
            diagnose=False,
        )
    std_logging.basicConfig(handlers=[_InterceptHandler()], level=0, force=True)
    for name in NOISY_LIBRARIES:
        std_logging.getLogger(name).setLevel(std_logging.WARNING)
    return path


class LogSettings(Protocol):
    """The logging settings (`scoutly.config.Settings`; config is a sibling part, not imported)."""

    @property
    def log_dir(self) -> Path | None: ...
    @property
    def log_json(self) -> bool: ...
    @property
    def log_rotation(self) -> str: ...
    @property
    def log_retention(self) -> str: ...
    def variable_text(self, field: str) -> str: ...


def setup_from_settings(settings: LogSettings, *, level: str = "INFO", json: bool | None = None) -> Path | None:
    """`setup_logging` with the log directory, format and rotation from settings; a directory that cannot hold
    the log file or a rotation/retention Loguru cannot parse is a `ConfigError` naming the variable."""
    try:
        return setup_logging(
            level=level,
            log_dir=settings.log_dir,
            json=settings.log_json if json is None else json,
            rotation=settings.log_rotation,
            retention=settings.log_retention,
        )
    except OSError as exc:
        reason = exc.strerror or str(exc)
        raise ConfigError(f"{settings.variable_text('log_dir')}: cannot write the log file there ({reason})") from None
    except ValueError as exc:
        text = str(exc).lower()
        if "retention" in text:
            field, expected = "log_retention", "a duration, e.g. '14 days' or '1 week'"
        elif "rotation" in text:
            field, expected = "log_rotation", "a size, duration or time, e.g. '10 MB', '1 day' or 'daily'"
        else:
            raise
        raise ConfigError(f"{settings.variable_text(field)}: not {expected}") from None

