"""Where the pages and sounds are: inside the installed package, or beside server/ in a checkout."""

from functools import lru_cache
from pathlib import Path

PAGE_DIRS = ("kiosk", "display", "clerk", "common", "sounds")


@lru_cache
def web_root() -> Path:
    packaged = Path(__file__).parent / "web"
    if (packaged / "common").is_dir():
        return packaged
    return Path(__file__).resolve().parents[2]
