"""What a call says, per language (the hall's polite phrases are the same everywhere: 六统一).

`call_text` is what the screens show; `spoken_text` is what the voice reads aloud. They say
the same thing, but the spoken form spells the ticket number digit by digit (A001 → "A 零零一")
so that nobody hears "A one" or "A a thousand and one", and it avoids what the offline voice
mispronounces: espeak-ng reads 重呼 as "zhòng hū", so the spoken recall says 再次呼叫.
"""

CALL = {
    "zh": "请{number}号到{window}号窗口办理",
    "en": "Ticket {number}, please go to window {window}",
}
RECALL = {
    "zh": "重呼，请{number}号到{window}号窗口办理",
    "en": "Calling again: ticket {number}, please go to window {window}",
}
SPOKEN_CALL = {
    "zh": "请{number}号，到{window}号窗口办理",
    "en": "Ticket {number}, please go to window {window}.",
}
SPOKEN_RECALL = {
    "zh": "再次呼叫，请{number}号，到{window}号窗口办理",
    "en": "Calling again. Ticket {number}, please go to window {window}.",
}
LANGS = tuple(CALL)

_ZH_DIGITS = "零一二三四五六七八九"
_EN_DIGITS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")
# Full-width letters and digits (Ａ, １) read as English by the voice: make them ASCII first.
_HALF_WIDTH = {c: c - 0xFEE0 for c in range(0xFF10, 0xFF5B)}


def call_text(number: str, window: int, *, recall: bool = False, lang: str = "zh") -> str:
    templates = RECALL if recall else CALL
    return templates[lang].format(number=number, window=window)


def spell_number(number: str, lang: str = "zh") -> str:
    """A ticket number as the voice should read it: the letters, then each digit (A001 → "A 零零一")."""
    number = number.translate(_HALF_WIDTH).upper()
    letters = "".join(c for c in number if not c.isdigit())
    digits = [int(c) for c in number if c.isdigit()]
    if lang == "zh":
        spelled = "".join(_ZH_DIGITS[d] for d in digits)
    else:
        spelled = " ".join(_EN_DIGITS[d] for d in digits)
        letters = " ".join(letters)  # "AB" would be read as a word
    return f"{letters} {spelled}".strip()


def chinese_numeral(n: int) -> str:
    """1-9999 the way a window number is said: 3 → 三, 12 → 十二, 105 → 一百零五."""
    if not 0 < n < 10000:
        return str(n)
    units = ((1000, "千"), (100, "百"), (10, "十"), (1, ""))
    parts: list[str] = []
    zero = False
    for size, name in units:
        digit = n // size % 10
        if digit == 0:
            zero = bool(parts)
            continue
        if zero:
            parts.append("零")
            zero = False
        parts.append(_ZH_DIGITS[digit] + name)
    text = "".join(parts)
    return text[1:] if text.startswith("一十") else text  # 十二, not 一十二


def spoken_text(number: str, window: int, *, recall: bool = False, lang: str = "zh") -> str:
    templates = SPOKEN_RECALL if recall else SPOKEN_CALL
    spoken_window = chinese_numeral(window) if lang == "zh" else str(window)
    return templates[lang].format(number=spell_number(number, lang), window=spoken_window)
