"""What a call says: the shown text, and the spoken form the voice reads without stumbling."""

import subprocess

import pytest

from hallq import speech


def test_the_screen_text_keeps_the_halls_phrase():
    assert speech.call_text("A001", 3) == "请A001号到3号窗口办理"
    assert speech.call_text("A001", 3, recall=True) == "重呼，请A001号到3号窗口办理"
    assert speech.call_text("A001", 3, lang="en") == "Ticket A001, please go to window 3"


def test_the_spoken_number_is_spelled_digit_by_digit():
    assert speech.spell_number("A001") == "A 零零一"
    assert speech.spell_number("B120") == "B 一二零"
    assert speech.spell_number("Ａ０１２") == "A 零一二"  # full-width, as typed on a Chinese keyboard
    assert speech.spell_number("AB012", "en") == "A B zero one two"


@pytest.mark.parametrize(
    ("n", "said"), [(3, "三"), (10, "十"), (12, "十二"), (20, "二十"), (105, "一百零五"), (110, "一百一十")]
)
def test_window_numbers_are_said_as_chinese_numerals(n, said):
    assert speech.chinese_numeral(n) == said


def test_spoken_calls_and_recalls():
    assert speech.spoken_text("A001", 3) == "请A 零零一号，到三号窗口办理"
    # espeak-ng reads 重呼 as "zhòng hū": the spoken recall says 再次呼叫 instead.
    assert speech.spoken_text("A001", 3, recall=True) == "再次呼叫，请A 零零一号，到三号窗口办理"
    assert speech.spoken_text("D120", 8, lang="en") == "Ticket D one two zero, please go to window 8."


@pytest.mark.parametrize(
    ("number", "window", "recall"), [("A001", 3, False), ("D120", 12, True), ("C009", 105, False)]
)
def test_the_mandarin_voice_reads_every_word_as_mandarin(number, window, recall):
    text = speech.spoken_text(number, window, recall=recall)
    # The espeak-ng command (scripts/test.sh installs it) shows how the voice will read the text.
    phonemes = subprocess.run(
        ["espeak-ng", "-v", "cmn-latn-pinyin", "-q", "-x", text], capture_output=True, text=True, check=True
    ).stdout
    assert phonemes.strip()
    assert "(en)" not in phonemes, phonemes  # no word fell back to English
