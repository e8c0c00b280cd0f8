"""Settings: one object, read from the environment (prefix KEZEK_) once."""

import secrets
from functools import lru_cache
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

VAR_DIR = Path("var")


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="KEZEK_", env_file=".env", extra="ignore")

    database_url: str = f"sqlite:///{VAR_DIR}/kezek.db"
    secret_key: str = Field(
        default="", description="Signs sessions and tokens; generated into var/ if empty"
    )
    token_minutes: int = 60 * 12
    host: str = "127.0.0.1"
    port: int = 8000
    default_locale: str = "ru"
    # Brute-force throttling of logins: per login name and per client address.
    login_attempts_per_account: int = 5
    login_attempts_per_ip: int = 30
    login_window_seconds: int = 900
    # "memory://" for one process; "redis://127.0.0.1:6379/0" when several workers share limits.
    rate_limit_storage: str = "memory://"
    # Prefix of the throttling keys, so several deployments can share one Redis.
    rate_limit_namespace: str = "kezek"
    log_json: bool = True
    # Concurrency: how long anything waits before answering a retryable 409 busy instead.
    db_pool_size: int = 10
    db_max_overflow: int = 20
    db_pool_timeout_seconds: float = 10
    db_lock_timeout_ms: int = Field(
        default=5000, description="PostgreSQL lock_timeout: a row lock waited for longer is busy"
    )
    sqlite_busy_timeout_ms: int = Field(
        default=10000, description="How long a SQLite writer waits for the write lock"
    )
    max_concurrent_requests: int = Field(
        default=30, description="Requests inside the app at once; keep it <= the pool's size"
    )
    admission_wait_seconds: float = 10
    cookie_secure: bool = False
    media_dir: Path = Field(
        default=VAR_DIR / "media",
        description="Identity photos and selfie videos, outside the web root, never served raw",
    )
    identity_challenge_seconds: int = Field(
        default=180, description="How long a camera-check challenge may be answered"
    )
    identity_max_failures: int = Field(
        default=5, description="Failed camera checks in a row before a lockout"
    )
    identity_lockout_minutes: int = 60
    identity_video_retention_hours: int = Field(
        default=24,
        description="How long a decided selfie video stays for analysts to flag it; then deleted",
    )
    face_match_threshold: float = Field(
        default=0.6,
        description="Largest embedding distance at which two faces count as the same person",
    )

    # The insurance registry (docs/registry.md). Empty URL: no registry; vehicles register
    # unchecked and nobody books as an insured driver (owners, holders in Kezek and attorneys do).
    registry_url: str = Field(default="", description="Base URL of the insurance registry")
    registry_connect_timeout_seconds: float = 2.0
    registry_read_timeout_seconds: float = 5.0
    registry_retries: int = Field(default=2, description="Retries after a timeout or a 5xx")
    registry_backoff_seconds: float = Field(
        default=0.2, description="First retry's wait; doubles each time, with jitter"
    )
    registry_breaker_failures: int = Field(
        default=5, description="Failed lookups in a row that open the circuit breaker"
    )
    registry_breaker_reset_seconds: float = Field(
        default=30, description="How long the open breaker refuses before trying once more"
    )
    registry_cache_seconds: int = Field(
        default=3600, description="A cached registry answer younger than this is used as is"
    )
    signing_key_file: Path = Field(
        default=VAR_DIR / "keys" / "attorney_signing_key.pem",
        description="The Ed25519 key that signs powers of attorney (0600); made on first start",
    )
    attorney_confirmation_seconds: int = Field(
        default=300,
        description="How old a passed camera check may be to confirm a power of attorney grant",
    )
    public_base_url: str = Field(
        default="",
        description="The address QR codes and PDFs point to, e.g. https://kezek.kz; "
        "the request's own address if empty",
    )

    def resolved_secret_key(self) -> str:
        """The configured key, or one generated once and kept beside the database."""
        if self.secret_key:
            return self.secret_key
        key_file = VAR_DIR / "secret_key"
        if not key_file.exists():
            VAR_DIR.mkdir(parents=True, exist_ok=True)
            key_file.write_text(secrets.token_urlsafe(48))
            key_file.chmod(0o600)
        return key_file.read_text().strip()


@lru_cache
def get_settings() -> Settings:
    return Settings()
