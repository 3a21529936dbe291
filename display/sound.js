// The display's sound: the chime, then each call's announcement, one at a time, in order.

const STALE_MS = 60000; // a call not said within a minute is not said at all
const BACKLOG = 3; // with more calls waiting than this, each is said once
const MAX_CLIP_MS = 20000; // a clip that never ends must not hold up the calls after it

/**
 * Chime, then the announcement, `repeat` times per call; calls in order, one sound at a time,
 * each heard to its end. When the browser refuses to play before a click, it says so once.
 */
export class SoundQueue {
  /** enabled: play at all; overlay: the element asking for a click when autoplay is blocked. */
  constructor({ enabled, overlay }) {
    this.enabled = enabled;
    this.overlay = overlay;
    this.items = [];
    this.chime = "/sounds/chime.wav";
    this.repeat = 2;
    this.busy = false;
    this.blocked = false;
    this.audio = new Audio();
    this.audio.preload = "auto";
  }

  add(url) {
    if (!this.enabled) return;
    this.items.push({ url, at: Date.now(), said: 0 });
    this.pump();
  }

  async pump() {
    if (this.busy || this.blocked) return;
    this.busy = true;
    try {
      while (this.items.length) {
        const item = this.items[0];
        if (Date.now() - item.at > STALE_MS) {
          this.items.shift();
          continue;
        }
        const times = this.items.length > BACKLOG ? 1 : this.repeat;
        while (item.said < times) {
          await this.play(this.chime);
          if (item.url) await this.play(item.url);
          item.said += 1;
        }
        this.items.shift();
      }
    } catch (err) {
      this.block();
    } finally {
      this.busy = false;
    }
  }

  /** Resolves when the clip has ended or cannot be played; rejects only when the browser forbids sound. */
  play(src) {
    const audio = this.audio;
    return new Promise((resolve, reject) => {
      let settled = false;
      // Settles once, and removes only its own listeners: the refused play() of a broken clip
      // answers late, when the next clip already plays, and must not touch that one.
      const settle = (err) => {
        if (settled) return;
        settled = true;
        clearTimeout(guard);
        audio.removeEventListener("ended", finished);
        audio.removeEventListener("error", finished);
        if (err) reject(err);
        else resolve();
      };
      const finished = () => settle(null); // ended, or no voice (503) or a broken file: go on
      const guard = setTimeout(finished, MAX_CLIP_MS);
      audio.addEventListener("ended", finished);
      audio.addEventListener("error", finished);
      audio.src = src;
      audio.play().catch((err) => settle(err && err.name === "NotAllowedError" ? err : null));
    });
  }

  /** Find out before the first customer is called whether the browser lets this page play sound. */
  async probe() {
    if (!this.enabled) return;
    const audio = new Audio(this.chime);
    audio.volume = 0; // silent, but not muted: muted playback is always allowed and would prove nothing
    try {
      await audio.play();
      audio.pause();
    } catch (err) {
      if (err && err.name === "NotAllowedError") this.block();
    }
  }

  block() {
    this.blocked = true;
    this.overlay.classList.remove("hidden");
  }

  unblock() {
    this.overlay.classList.add("hidden");
    this.blocked = false;
    // Inside the click: playing now is what the browser remembers as permission.
    this.audio.src = this.chime;
    this.audio.volume = 0;
    this.audio
      .play()
      .catch(() => {})
      .finally(() => {
        this.audio.pause();
        this.audio.volume = 1;
        this.pump();
      });
  }
}
