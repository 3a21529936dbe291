"""Make sounds/chime.wav: the two-tone "ding-dong" played before each announcement.

Pure Python (math, array, wave), no samples taken from anywhere: two bell-like tones, E5 then
C5 (a falling major third, the classic door-chime interval), each a fundamental with two soft
overtones, a 5 ms attack and an exponential decay. Mono, 16-bit, 22050 Hz like the voice.
The output is deterministic; run it again and the file is byte for byte the same.

    python scripts/make_chime.py [out.wav]

Released under CC0 1.0 (public domain dedication), like the file it makes.
"""

import math
import sys
import wave
from array import array
from pathlib import Path

RATE = 22050
LENGTH = 1.7  # seconds
# (start in s, frequency in Hz, decay time constant in s)
TONES = [(0.0, 659.25, 0.32), (0.55, 523.25, 0.45)]
OVERTONES = [(1.0, 1.0), (2.0, 0.28), (3.0, 0.08)]  # (multiple of the fundamental, relative level)
ATTACK = 0.005
PEAK = 0.7  # about -3 dBFS: loud enough, never clipping


def samples() -> list[float]:
    out = [0.0] * int(RATE * LENGTH)
    for start, freq, decay in TONES:
        first = int(start * RATE)
        for i in range(len(out) - first):
            t = i / RATE
            envelope = min(1.0, t / ATTACK) * math.exp(-t / decay)
            if t > ATTACK and envelope < 1e-4:
                break
            out[first + i] += envelope * sum(
                level * math.sin(2 * math.pi * freq * mult * t) for mult, level in OVERTONES
            )
    # A short fade at the very end, so the file never stops on a click.
    fade = int(0.05 * RATE)
    for i in range(fade):
        out[-1 - i] *= i / fade
    top = max(abs(s) for s in out)
    return [s / top * PEAK for s in out]


def write(path: Path) -> None:
    data = array("h", (round(s * 32767) for s in samples()))
    if sys.byteorder == "big":
        data.byteswap()
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(RATE)
        out.writeframes(data.tobytes())


if __name__ == "__main__":
    target = (
        Path(sys.argv[1])
        if len(sys.argv) > 1
        else Path(__file__).resolve().parents[1] / "sounds" / "chime.wav"
    )
    write(target)
    print(f"wrote {target}")
