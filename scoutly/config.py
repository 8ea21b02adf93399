"""Settings from the environment and an optional `.env` file (pydantic-settings).

`MONGODB_URI` and `GEMINI_API_KEY` keep their well-known names; every other knob is `SCOUTLY_<NAME>`.
Load them with `load_settings()`; a bad value raises `ConfigError` naming the variable.
"""

from __future__ import annotations

import difflib
import json
import os
import re
import sys
from collections.abc import Callable
from functools import lru_cache
from ipaddress import IPv4Network, IPv6Network, ip_network
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import AliasChoices, Field, PrivateAttr, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict, SettingsError

from scoutly.errors import ConfigError
from scoutly.redact import redact, register_secret

DEFAULT_MONGODB_URI = "mongodb://localhost:27017/scoutly"
LOG_LEVELS = ("TRACE", "DEBUG", "INFO", "SUCCESS", "WARNING", "ERROR", "CRITICAL")  # Loguru's own


class Settings(BaseSettings):
    """Every knob of the appliance. Field docs say what each is for."""

    model_config = SettingsConfigDict(
        env_prefix="SCOUTLY_",
        env_file=".env",
        env_file_encoding="utf-8",
        extra="ignore",
        allow_inf_nan=False,  # issue 11: `inf` delays hung scrapes; every float knob must be a real number
    )

    # --- storage -------------------------------------------------------------------------------------
    mongodb_uri: str = Field(
        DEFAULT_MONGODB_URI,
        validation_alias=AliasChoices("MONGODB_URI", "SCOUTLY_MONGODB_URI"),
        description="MongoDB URI; the database name is its path. `mongomock://NAME` = in-memory double.",
    )
    # least privilege (issue 11, h11priv): the compose MongoDB's users, read only to refuse placeholder passwords
    mongo_root_password: SecretStr | None = Field(
        None, validation_alias=AliasChoices("MONGO_ROOT_PASSWORD"), description="docker compose: MongoDB's root."
    )
    mongo_app_password: SecretStr | None = Field(
        None, validation_alias=AliasChoices("MONGO_APP_PASSWORD"), description="docker compose: Scoutly's own user."
    )
    mongodb_timeout_ms: int = Field(
        5000, ge=100, le=120_000, description="How long a command waits for MongoDB before giving up (ms)."
    )

    # --- Gemini --------------------------------------------------------------------------------------
    gemini_api_key: SecretStr | None = Field(
        None, validation_alias=AliasChoices("GEMINI_API_KEY", "SCOUTLY_GEMINI_API_KEY")
    )
    gemini_base_url: str | None = Field(None, description="Override the Gemini API endpoint (tests, proxies).")
    gemini_screen_model: str = Field("gemini-2.5-flash", description="Model that screens titles+locations.")
    gemini_deep_model: str = Field("gemini-2.5-flash", description="Model for the structured deep analysis.")
    gemini_fallback_models: Annotated[list[str], NoDecode] = Field(
        ["gemini-2.5-flash-lite"],
        description="Tried in order when a model's daily quota is spent (JSON list or comma-separated).",
    )
    gemini_rpm: int = Field(10, ge=1, le=100_000, description="Requests per minute per model (free-tier default).")
    gemini_tpm: int = Field(250_000, ge=1000, le=100_000_000, description="Input tokens per minute per model.")
    gemini_rpd: int = Field(
        20, ge=1, le=10_000_000, description="Requests per day per model (resets midnight Pacific)."
    )
    gemini_model_limits: Annotated[dict[str, dict[str, int]], NoDecode] = Field(
        {}, description='Per-model overrides, JSON: {"gemma-3-27b-it": {"rpm": 30, "tpm": 15000, "rpd": 14400}}.'
    )
    gemini_screening: bool = Field(True, description="Screen titles first so few postings cost a deep analysis.")
    gemini_deep_batch_size: int = Field(6, ge=1, le=20, description="Postings per deep-analysis request.")
    gemini_prompt_token_budget: int = Field(
        12_000, ge=1000, le=2_000_000, description="Max estimated input tokens per request."
    )
    gemini_posting_tokens: int = Field(
        1200, ge=100, le=100_000, description="Description tokens kept per posting (deep)."
    )
    gemini_cv_tokens: int = Field(2500, ge=100, le=100_000, description="CV tokens kept per candidate (deep).")
    gemini_max_retries: int = Field(4, ge=1, le=10, description="Attempts for 500/503 and timeouts.")
    gemini_retry_initial_seconds: float = Field(2.0, ge=0, le=60, description="First backoff for 500/503 (doubles).")
    gemini_timeout_seconds: float = Field(90.0, gt=0, le=600, description="HTTP timeout of one Gemini request.")

    # --- processor -----------------------------------------------------------------------------------
    concurrency: int = Field(5, ge=1, le=5, description="Companies processed at once (the Pi's budget).")
    lease_seconds: int = Field(300, ge=30, le=86_400, description="How long a claimed job is ours without a heartbeat.")
    max_attempts: int = Field(5, ge=1, le=20, description="Attempts before a job is dead.")
    heartbeat_seconds: float = Field(30.0, ge=0.1, le=3600, description="Lease + processor heartbeat interval.")
    shutdown_grace_seconds: float = Field(
        60.0, ge=0, le=3600, description="On SIGTERM: time in-flight jobs get to finish."
    )
    idle_max_seconds: float = Field(60.0, ge=0.01, le=3600, description="Longest wait between polls of an empty queue.")
    maintenance_seconds: float = Field(
        60.0, ge=0.1, le=86_400, description="Reclaim expired leases, resume parked analyses."
    )
    processor_enqueue: bool = Field(True, description="The daemon also enqueues due companies (no cron needed).")

    # --- acquisition ---------------------------------------------------------------------------------
    chromium_path: str | None = Field(None, description="Chromium executable; default: found on PATH.")
    # least privilege (issue 11, h11priv)
    chromium_sandbox: Literal["auto", "on", "off"] = Field(
        "auto",
        description="Chromium's sandbox: auto = on where the kernel allows it (not root, user namespaces), else off "
        "with one warning; on = always (fails if impossible); off = never.",
    )
    browser_memory_limit_mb: int = Field(
        1000, ge=200, le=64_000, description="Restart Chromium when its process tree's memory (summed PSS) passes this."
    )
    browser_restart_after_pages: int = Field(50, ge=1, le=10_000, description="Restart Chromium after this many pages.")
    user_agent: str = Field(
        "Mozilla/5.0 (X11; Linux aarch64) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/130.0.0.0 Safari/537.36 Scoutly/0.1",
    )
    politeness_delay_s: float = Field(1.0, ge=0, le=60, description="Pause between two requests to the same domain.")
    fetch_timeout_s: float = Field(
        20.0, ge=1, le=300, description="Total time allowed for one HTTP request, body included."
    )
    max_page_bytes: int = Field(
        5 * 1024 * 1024, ge=10_000, le=100 * 1024 * 1024, description="Larger pages/feeds are refused."
    )
    max_detail_fetches: int = Field(40, ge=0, le=1000, description="Detail pages fetched per scrape for new postings.")
    description_max_chars: int = Field(20_000, ge=500, le=1_000_000, description="Cap on a stored posting description.")
    # bounds on hostile pages (issue 11, h11bounds)
    parse_timeout_s: float = Field(
        30.0, ge=1, le=600, description="Time one page may take to be read (parsed, extracted) before it is refused."
    )
    max_postings_per_listing: int = Field(
        2000, ge=10, le=100_000, description="More postings than this in one listing: kept this many, listing partial."
    )
    ats_api_overrides: Annotated[dict[str, str], NoDecode] = Field(
        default_factory=dict,
        description='ATS feed base URLs by vendor, e.g. {"greenhouse": "http://127.0.0.1:8080"} (tests, proxies).',
    )
    removal_confirmations: int = Field(
        1,
        ge=1,
        le=5,
        description="Complete page listings (static/rendered) in a row that must lack a posting before it is "
        "closed; 2 guards against pages that only half loaded. ATS feeds always close at once.",
    )

    # --- egress (issue 11, h11egress) ---------------------------------------------------------------
    allow_networks: Annotated[tuple[IPv4Network | IPv6Network, ...], NoDecode] = Field(
        (),
        description="Networks (CIDRs, comma-separated) acquisition may reach although they are not public "
        "internet: an intranet to scrape, e.g. 192.168.1.0/24. Loopback, private, link-local, CGNAT, multicast "
        "and reserved addresses are refused otherwise.",
    )

    # --- logs ----------------------------------------------------------------------------------------
    log_dir: Path | None = Field(None, description="Directory for the rotating log file (none: stderr only).")
    log_json: bool = Field(False, description="Write JSON lines to the log file.")
    log_level: str = Field("INFO", description="DEBUG, INFO, WARNING or ERROR.")
    log_rotation: str = Field("10 MB", description="Start a new log file at this size (or e.g. '1 day').")
    log_retention: str = Field("14 days", description="Delete rotated log files older than this.")

    @field_validator("gemini_fallback_models", mode="before")
    @classmethod
    def _split_models(cls, value: object) -> object:
        if isinstance(value, str):
            if value.strip().startswith("["):
                return json.loads(value)
            return [part.strip() for part in value.split(",") if part.strip()]
        return value

    @field_validator("allow_networks", mode="before")
    @classmethod
    def _parse_networks(cls, value: object) -> object:
        items = value.split(",") if isinstance(value, str) else value
        if not isinstance(items, list | tuple):
            return value
        texts = [str(item).strip() for item in items]
        return tuple(ip_network(text, strict=False) for text in texts if text)

    @field_validator("mongodb_uri")
    @classmethod
    def _check_uri(cls, value: str) -> str:
        if not value.startswith(("mongodb://", "mongodb+srv://", "mongomock://")):
            raise ValueError("must start with mongodb://, mongodb+srv:// or mongomock://")
        return value

    @field_validator("log_level", mode="before")
    @classmethod
    def _log_level(cls, value: object) -> object:
        if isinstance(value, str):
            value = value.strip().upper()
            if value not in LOG_LEVELS:
                raise ValueError(f"must be one of {', '.join(LOG_LEVELS)}")
        return value

    @field_validator("gemini_model_limits", "ats_api_overrides", mode="before")
    @classmethod
    def _json_object(cls, value: object) -> object:
        """JSON from the environment, parsed here so a bad value is one validation error among the others."""
        if isinstance(value, str):
            try:
                return json.loads(value)
            except json.JSONDecodeError as exc:
                raise ValueError(f"not valid JSON ({exc.msg} at character {exc.pos})") from None
        return value

    _sources: _Sources | None = PrivateAttr(None)  # where each variable came from (set by load_settings)

    def variable_text(self, field: str) -> str:
        """`SCOUTLY_LOG_ROTATION='banana' (from .env)`: a setting as the user wrote it, for error messages."""
        variable = _variable_name((field,))
        origin = self._sources.origin(variable) if self._sources is not None else ""
        return f"{variable}={_shown(getattr(self, field, None))}{origin}"

    def gemini_key(self) -> str | None:
        """The Gemini key as plain text, or None when not configured."""
        if self.gemini_api_key is None:
            return None
        value = self.gemini_api_key.get_secret_value().strip()
        return value or None


# --- reporting bad and unknown settings (h12cli) -----------------------------------------------------------
# SCOUTLY_* variables that are not settings: read by the test suite and by scripts/catchup.sh.
NOT_SETTINGS = frozenset({"SCOUTLY_TEST_MONGODB_URI", "SCOUTLY_MAX_RUNTIME"})


def _variable_name(loc: tuple[int | str, ...]) -> str:
    field = str(loc[0]) if loc else "?"
    if field.isupper():  # already an alias such as MONGODB_URI
        return field
    info = Settings.model_fields.get(field)
    alias = getattr(info, "validation_alias", None) if info else None
    if isinstance(alias, AliasChoices):
        return str(alias.choices[0])
    return f"SCOUTLY_{field.upper()}"


def known_variables() -> frozenset[str]:
    """Every environment variable name that sets a setting."""
    names = set()
    for field, info in Settings.model_fields.items():
        names.add(f"SCOUTLY_{field.upper()}")
        if isinstance(info.validation_alias, AliasChoices):
            names.update(str(choice).upper() for choice in info.validation_alias.choices)
    return frozenset(names)


class _Sources:
    """Where each variable came from: the process environment (which wins, as in pydantic-settings) or the env
    file, so a message can say "(from .env)"."""

    def __init__(self, env_file: Path | None) -> None:
        self.file = env_file or Path(".env")
        self.environment = {name.upper() for name in os.environ}
        self.in_file: dict[str, str | None] = {}
        if self.file.is_file():
            from dotenv import dotenv_values  # pydantic-settings' own .env reader

            self.in_file = {name.upper(): value for name, value in dotenv_values(self.file).items()}

    def origin(self, variable: str) -> str:
        """" (from .env)" when the value came from the env file, else ""."""
        if variable.upper() not in self.environment and variable.upper() in self.in_file:
            return f" (from {self.file})"
        return ""

    def unknown(self) -> list[str]:
        """One warning per SCOUTLY_* variable that is no setting, naming the closest known one."""
        known = known_variables()
        given = {name for name in (*self.environment, *self.in_file) if name.startswith("SCOUTLY_")}
        warnings = []
        for name in sorted(given - known - NOT_SETTINGS):
            closest = difflib.get_close_matches(name, sorted(known), n=1, cutoff=0.75)
            hint = f"; did you mean {closest[0]}?" if closest else " (see README › Configuration)"
            warnings.append(f"warning: {name}{self.origin(name)} is not a Scoutly setting, ignored{hint}")
        return warnings


def _shown(value: object) -> str:
    text = redact(str(value) if isinstance(value, str | Path) else repr(value))
    return repr(text if len(text) <= 200 else text[:197] + "...")


def _validation_lines(exc: ValidationError, sources: _Sources) -> list[str]:
    lines = []
    for error in exc.errors():
        variable = _variable_name(error["loc"])
        message = error["msg"].removeprefix("Value error, ")
        lines.append(f"{variable}: {message} (got {_shown(error.get('input'))}){sources.origin(variable)}")
    return lines


def _settings_error_line(exc: SettingsError, sources: _Sources) -> str:
    """pydantic-settings' parse failure of a complex value ('error parsing value for field "x" ...')."""
    match = re.search(r'field "(\w+)"', str(exc))
    variable = _variable_name((match.group(1),)) if match else "a setting"
    cause = exc.__cause__
    reason = f"not valid JSON ({cause.msg} at character {cause.pos})" if isinstance(cause, json.JSONDecodeError) \
        else "cannot be parsed"
    return f"{variable}: {reason}{sources.origin(variable)}"


def load_settings(
    env_file: Path | None = None, *, warn: Callable[[str], None] | None = None, **overrides: Any
) -> Settings:
    """Build settings from env (+ `env_file`), or raise `ConfigError` with one line per bad variable (saying
    when its value came from the env file). `warn` receives one line per unknown SCOUTLY_* variable."""
    if env_file is not None and not env_file.is_file():
        raise ConfigError(f"{env_file}: env file not found")
    sources = _Sources(env_file)
    if warn is not None:
        for line in sources.unknown():
            warn(line)
    try:
        settings = Settings(_env_file=env_file or ".env", **overrides)
    except ValidationError as exc:
        lines = _validation_lines(exc, sources)
    except SettingsError as exc:
        lines = [_settings_error_line(exc, sources)]
    else:
        settings._sources = sources
        register_secret(settings.gemini_key())
        for password in (settings.mongo_root_password, settings.mongo_app_password):  # h11priv
            register_secret(password.get_secret_value() if password else None)
        return settings
    if len(lines) == 1:
        raise ConfigError(lines[0]) from None
    raise ConfigError(f"{len(lines)} bad settings:\n" + "\n".join(lines)) from None


def _warn(line: str) -> None:
    print(f"scoutly: {line}", file=sys.stderr)


@lru_cache(maxsize=1)
def _cached(env_file: str | None) -> Settings:
    return load_settings(Path(env_file) if env_file else None, warn=_warn)


_env_file: str | None = None


def use_env_file(path: Path | None) -> None:
    """Select the env file the CLI should read (`scoutly --env-file`)."""
    global _env_file
    _env_file = str(path) if path else None
    _cached.cache_clear()


def get_settings() -> Settings:
    """Process-wide settings (cached)."""
    return _cached(_env_file)
