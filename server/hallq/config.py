"""Typed settings, read from HALLQ_* environment variables (or a .env file)."""

from functools import lru_cache
from pathlib import Path

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="HALLQ_", env_file=".env", extra="ignore")

    # Where data lives. The SQLite database defaults to <data_dir>/hallq.db.
    data_dir: Path = Path("var")
    database_url: str | None = None
    # memory:// serves one process; redis://host:port/db lets several processes share live events.
    broadcast_url: str = "memory://"

    # First start only: the admin's password. Unset means one is generated and printed once.
    admin_password: str | None = None
    seed_demo: bool = True

    # Sign-in
    token_ttl_minutes: int = Field(default=12 * 60, ge=1)
    login_max_failures: int = Field(default=5, ge=1)
    login_lockout_seconds: int = Field(default=300, ge=1)

    # Request hygiene
    max_body_bytes: int = Field(default=64 * 1024, ge=1024)
    ws_queue_size: int = Field(default=256, ge=8)
    ws_max_message_bytes: int = Field(default=4096, ge=64)

    # Requests per minute per client address on the public endpoints (0 turns a limit off).
    rate_issue_per_minute: int = Field(default=60, ge=0)
    rate_login_per_minute: int = Field(default=30, ge=0)
    rate_read_per_minute: int = Field(default=600, ge=0)
    rate_socket_per_minute: int = Field(default=120, ge=0)

    # Phone page links printed in QR codes; unset means the address the kiosk used.
    public_url: str | None = None

    # How many recent calls the snapshot carries for the display.
    recent_calls: int = Field(default=10, ge=1, le=100)

    # Windows: after this many recalls (重呼) the console suggests passing the number (过号).
    recall_limit: int = Field(default=3, ge=1, le=20)
    # 叫号超时自动过号: pass a called ticket whose customer has not come (开始办理) this many
    # seconds after the last call. Unset (the default) means never.
    auto_no_show_seconds: int | None = Field(default=None, ge=5, le=3600)
    # The evaluation pad may rate the ticket its window just finished for this long (评价器).
    rating_seconds: int = Field(default=90, ge=10, le=1800)
    # Ticket printers of kiosks that print through the server (ESC/POS), by kiosk name:
    # HALLQ_PRINTERS='{"k1": "tcp://192.168.1.50:9100", "k2": "usb://0x0416:0x5011"}'.
    # The kiosk page names itself with ?kiosk=k1. Kiosks not listed print from their browser.
    printers: dict[str, str] = {}
    # Seconds a print job may take (connect, status, send) before the kiosk is told it failed.
    print_timeout: float = Field(default=5.0, gt=0, le=60)
    # Seconds to wait for the printer's paper-sensor answer; 0 skips asking (a printer that
    # never answers would otherwise delay each ticket by this long).
    printer_status_timeout: float = Field(default=0.5, ge=0, le=10)

    @field_validator("printers")
    @classmethod
    def _printer_addresses(cls, printers: dict[str, str]) -> dict[str, str]:
        from hallq.printing import parse_address

        for address in printers.values():
            parse_address(address)  # a typo is found at start-up, not at the first customer
        return printers

    # The voice (pyttsx3 on espeak-ng, offline). Languages said one after the other: "zh", "en", "zh,en".
    voice_langs: str = Field(default="zh", pattern=r"^(zh|en)(,(zh|en))?$")
    voice_zh: str = "sit/cmn-latn-pinyin"  # the plain "sit/cmn" voice reads most characters as English
    voice_en: str = "gmw/en"
    voice_rate: int = Field(default=170, ge=80, le=300)  # words per minute; espeak's 200 is brisk for a hall
    # How many times the display says each call (chime + announcement each time).
    voice_repeat: int = Field(default=2, ge=1, le=5)
    # Speakers wired to the server itself: a command run per sound, e.g. "aplay -q {file}". Off when unset.
    voice_play_command: str | None = None
    # Cached announcements unused for this long are deleted (a hall says the same numbers every day).
    voice_cache_days: int = Field(default=7, ge=1)

    @property
    def sqlalchemy_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'hallq.db').as_posix()}"

    @property
    def voice_languages(self) -> list[str]:
        return self.voice_langs.split(",")

    @property
    def is_sqlite(self) -> bool:
        return self.sqlalchemy_url.startswith("sqlite")


@lru_cache
def get_settings() -> Settings:
    return Settings()
