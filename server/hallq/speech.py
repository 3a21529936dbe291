"""What a call says, per language (the hall's polite phrases are the same everywhere: 六统一)."""

CALL = {
    "zh": "请{number}号到{window}号窗口办理",
    "en": "Ticket {number}, please go to window {window}",
}
RECALL = {
    "zh": "重呼，请{number}号到{window}号窗口办理",
    "en": "Calling again: ticket {number}, please go to window {window}",
}


def call_text(number: str, window: int, *, recall: bool = False, lang: str = "zh") -> str:
    templates = RECALL if recall else CALL
    return templates[lang].format(number=number, window=window)
