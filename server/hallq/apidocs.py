"""The live-event section of docs/api.md, made from the event classes themselves.

    python -m hallq.apidocs          # rewrite the section in docs/api.md
A test fails when docs/api.md and the event classes disagree.
"""

import re
import sys
from pathlib import Path

from hallq.events import EVENT_TYPES

BEGIN, END = "<!-- events:begin -->", "<!-- events:end -->"
DOC = Path(__file__).resolve().parents[2] / "docs" / "api.md"


def _type_name(annotation) -> str:
    text = getattr(annotation, "__name__", None) or str(annotation)
    return text.replace("typing.", "").replace("hallq.models.public.", "").replace(" | ", " or ")


def events_section() -> str:
    lines = [BEGIN, "", "| type | when | fields |", "|---|---|---|"]
    for cls in EVENT_TYPES:
        fields = ", ".join(f"`{name}` ({_type_name(f.annotation)})" for name, f in cls.model_fields.items())
        doc = " ".join((cls.__doc__ or "").split())
        lines.append(f"| `{cls.type}` | {doc} | {fields} |")
    lines += ["", END]
    return "\n".join(lines)


def current_section(text: str) -> str | None:
    match = re.search(re.escape(BEGIN) + ".*?" + re.escape(END), text, re.S)
    return match.group(0) if match else None


def main() -> None:
    text = DOC.read_text(encoding="utf-8")
    section = current_section(text)
    if section is None:
        sys.exit(f"{DOC} has no {BEGIN} … {END} section")
    DOC.write_text(text.replace(section, events_section()), encoding="utf-8")
    print(f"updated the live events in {DOC}")


if __name__ == "__main__":
    main()
