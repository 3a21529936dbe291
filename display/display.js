// The hall display (综合屏) and, with ?window=N, one window's own screen (窗口屏).
// It shows what the hall feed says and plays each call: chime, then the announcement the server
// synthesised. The server decides everything; this page only shows it, and never needs an F5.
//
// Address parameters: hall (default main), window (window screen), lang (zh|en),
// sound (1|0: default on for the hall screen, off for a window screen), repeat (1-5: overrides
// the server's HALLQ_VOICE_REPEAT), recent (at most this many last calls listed, default 8: as many as fit).

import { api, connectHall, extendWords, param, setLang, t } from "/common/hallq.js";
import { SoundQueue } from "/display/sound.js";

extendWords({
  zh: {
    now_calling: "正在呼叫",
    recent: "最近呼叫",
    recall: "重呼",
    duty: "今日值班经理",
    notices: "公告",
    no_calls: "请取号等候叫号",
    welcome: "欢迎光临",
    go_to: "请到",
    window_short: "{n}号窗口",
    window_idle: "等候叫号",
    unmute: "点击屏幕启用声音",
    unmute_hint: "Click to enable sound",
    unknown_hall: "未找到大厅 “{hall}”，请检查地址",
    name_sep: "、",
  },
  en: {
    now_calling: "Now calling",
    recent: "Recent calls",
    recall: "Again",
    duty: "Duty manager today",
    notices: "Notice",
    no_calls: "Please take a number and wait",
    welcome: "Welcome",
    go_to: "to",
    window_short: "Window {n}",
    window_idle: "Ready",
    unmute: "Click to enable sound",
    unmute_hint: "点击屏幕启用声音",
    unknown_hall: "No hall “{hall}”: check the address",
    name_sep: ", ",
  },
});

const hallSlug = param("hall", "main");
const windowOnly = param("window") ? Number(param("window")) : null;
const langParam = param("lang", "zh");
setLang(langParam);
const english = langParam === "en";
const RECENT_ROWS = clampInt(param("recent"), 1, 12, 8);
const soundOn = param("sound", windowOnly ? "0" : "1") !== "0";

const $ = (selector, root = document) => root.querySelector(selector);
const el = (tag, className, text) => {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
};

function clampInt(value, low, high, fallback) {
  const n = Number.parseInt(value, 10);
  return Number.isFinite(n) ? Math.min(high, Math.max(low, n)) : fallback;
}

for (const node of document.querySelectorAll("[data-word]")) node.textContent = t(node.dataset.word);

// ---------------------------------------------------------------- what the page knows

const state = { hall: null, calls: [], board: null };

/** Newest first, one row per ticket: a recall moves the number back to the top. */
function addCall(call) {
  state.calls = [call, ...state.calls.filter((c) => c.ticket.id !== call.ticket.id)].slice(0, 20);
}

function windowOf(number) {
  return state.hall && state.hall.windows.find((w) => w.number === number);
}

function serviceName(code) {
  const service = state.hall.services.find((s) => s.code === code);
  if (!service) return code;
  return english && service.name_en ? service.name_en : service.name;
}

// ---------------------------------------------------------------- drawing

function windowLabel(n) {
  return t("window_short", { n });
}

function drawHeader() {
  const hall = state.hall;
  $("#hall-name").textContent = english && hall.name_en ? hall.name_en : hall.name;
  document.title = `${hall.name} · ${t("now_calling")}`;
}

function drawLatest(flash) {
  const box = $("#latest");
  const call = state.calls[0];
  box.classList.toggle("idle", !call);
  $(".recall-tag", box).classList.toggle("hidden", !(call && call.recall));
  if (!call) {
    $(".latest-number", box).textContent = t("welcome");
    $(".latest-window", box).textContent = t("no_calls");
  } else {
    const number = $(".latest-number", box);
    number.textContent = call.ticket.number;
    number.className = "latest-number num";
    const where = $(".latest-window", box);
    where.replaceChildren(el("span", "hint", t("go_to")), document.createTextNode(windowLabel(call.window)));
  }
  if (flash) restartAnimation(box, "flash");
}

function drawRecent() {
  // The first call is already huge above: the list shows the ones before it.
  const rows = state.calls.slice(1, RECENT_ROWS + 1).map((call) => {
    const row = el("li", call.recall ? "again" : "");
    row.dataset.ticket = call.ticket.number;
    row.append(el("span", "number num", call.ticket.number), el("span", "window", windowLabel(call.window)));
    return row;
  });
  const list = $("#recent");
  list.replaceChildren(...rows);
  // As many rows as this screen has room for, whole: a half-cut number is misread.
  const bottom = list.getBoundingClientRect().bottom;
  for (const row of rows) if (row.getBoundingClientRect().bottom > bottom + 1) row.remove();
}

function drawWindows() {
  const windows = state.hall.windows;
  const box = $("#windows");
  // Up to ten windows in one row; a bigger hall gets two rows of smaller cards.
  const many = windows.length > 10;
  box.classList.toggle("many", many);
  box.style.gridTemplateColumns = `repeat(${many ? Math.ceil(windows.length / 2) : windows.length}, 1fr)`;
  box.replaceChildren(
    ...windows.map((w) => {
      const card = el("div", `window-card ${w.status}`);
      card.dataset.window = w.number;
      card.append(el("div", "name", windowLabel(w.number)));
      card.append(el("div", "serves", w.services.map(serviceName).join(t("name_sep"))));
      if (w.status !== "open") card.append(el("div", "state", t(`window.${w.status}`)));
      else if (w.current) card.append(el("div", "current num", w.current.number));
      else card.append(el("div", "state", t("window_idle")));
      return card;
    }),
  );
}

function drawServices() {
  const services = state.hall.services.filter((s) => s.active);
  const box = $("#services");
  box.style.gridTemplateColumns = `repeat(${services.length}, 1fr)`;
  box.replaceChildren(
    ...services.map((s) => {
      const item = el("div", "service");
      item.dataset.service = s.code;
      item.append(el("span", "code", s.code), el("span", "name", serviceName(s.code)));
      item.append(el("span", "waiting", t("waiting_n", { n: s.waiting })));
      return item;
    }),
  );
}

function drawBoard() {
  const board = state.board || { duty_today: null, notices: [] };
  const duty = $("#duty");
  duty.classList.toggle("off", !board.duty_today); // keeps its place: the clock stays right
  if (board.duty_today) {
    $(".duty-name", duty).textContent = board.duty_today.name;
    $(".duty-title", duty).textContent = board.duty_today.title;
  }
  const texts = board.notices.map((n) => n.text);
  const ticker = $("#ticker-text");
  const key = texts.join("\n");
  if (ticker.dataset.key === key) return; // same words: let the bar keep scrolling
  ticker.dataset.key = key;
  ticker.replaceChildren();
  texts.forEach((text, i) => {
    if (i > 0) ticker.append(el("span", "sep", "◆"));
    ticker.append(document.createTextNode(text));
  });
  $(".ticker").classList.toggle("hidden", texts.length === 0);
  // The same reading speed whatever the length: about 5 characters a second.
  requestAnimationFrame(() => {
    const pxPerSecond = parseFloat(getComputedStyle(document.documentElement).fontSize) * 2.2 * 5;
    ticker.style.animationDuration = `${Math.max(10, ticker.scrollWidth / pxPerSecond)}s`;
  });
}

function drawWindowScreen(flash) {
  const screen = $("#window-screen");
  const w = windowOf(windowOnly);
  if (!w) {
    showStatus(t("not_found") + ` ${windowLabel(windowOnly)}`, "not-found");
    return;
  }
  $(".ws-name", screen).textContent = windowLabel(w.number);
  $(".ws-services", screen).textContent = w.services.map(serviceName).join(t("name_sep"));
  const number = $(".ws-number", screen);
  const status = $(".ws-status", screen);
  screen.classList.remove("open", "paused", "closed", "idle");
  screen.classList.add(w.status);
  if (w.status !== "open") {
    number.textContent = "";
    status.textContent = t(`window.${w.status}`);
  } else if (w.current) {
    number.textContent = w.current.number;
    status.textContent = t("call_text", { number: w.current.number, window: w.number });
  } else {
    screen.classList.add("idle");
    number.textContent = "—";
    status.textContent = t("window_idle");
  }
  if (flash) restartAnimation(screen, "flash");
}

function draw(flash = false) {
  if (!state.hall) return;
  document.body.classList.remove("loading");
  if (windowOnly) {
    drawWindowScreen(flash);
    return;
  }
  drawHeader();
  drawLatest(flash);
  drawRecent();
  drawWindows();
  drawServices();
  drawBoard();
}

function restartAnimation(node, className) {
  node.classList.remove(className);
  void node.offsetWidth; // a reflow, so the same class starts the animation again
  node.classList.add(className);
}

for (const node of [$("#latest"), $("#window-screen")]) {
  node.addEventListener("animationend", (event) => {
    if (event.target === node) node.classList.remove("flash");
  });
}

// ---------------------------------------------------------------- the live feed

function applyWaiting(waiting) {
  if (!waiting) return;
  for (const service of state.hall.services) {
    if (service.code in waiting) service.waiting = waiting[service.code];
  }
}

function setCurrent(number, ticket) {
  const w = windowOf(number);
  if (w) w.current = ticket;
}

function clearCurrent(number, ticketId) {
  const w = windowOf(number);
  if (w && w.current && w.current.id === ticketId) w.current = null;
}

function onSnapshot(snapshot) {
  state.hall = snapshot.hall;
  state.board = snapshot.board;
  state.calls = [];
  for (const call of [...snapshot.recent_calls].reverse()) addCall(call);
  // Calls made while we were away are shown, not said: a late announcement only confuses.
  draw(false);
  loadVoiceSettings(); // a restarted server may say calls a different number of times
}

function onEvent(event) {
  switch (event.type) {
    case "ticket.called": {
      applyWaiting(event.waiting);
      setCurrent(event.window, event.ticket);
      addCall(event);
      const mine = !windowOnly || event.window === windowOnly;
      draw(mine);
      if (mine) sounds.add(event.audio_url);
      return;
    }
    case "ticket.finished":
    case "ticket.no_show":
      clearCurrent(event.window, event.ticket.id);
      break;
    case "ticket.transferred":
      if (event.from_window) clearCurrent(event.from_window, event.ticket.id);
      applyWaiting(event.waiting);
      break;
    case "ticket.issued":
    case "ticket.cancelled":
      applyWaiting(event.waiting);
      break;
    case "window.updated": {
      const i = state.hall.windows.findIndex((w) => w.number === event.window.number);
      if (i >= 0) state.hall.windows[i] = event.window;
      break;
    }
    case "board.updated":
      state.board = event.board;
      break;
    default:
      return; // a kind of event this page does not show
  }
  draw(false);
}

function showStatus(text, kind = "") {
  const box = $("#status");
  box.textContent = text;
  box.className = `status ${kind}`;
}

function onStatus(status) {
  if (status === "online") $("#status").classList.add("hidden");
  else if (status === "not_found") {
    document.body.classList.remove("loading");
    showStatus(t("unknown_hall", { hall: hallSlug }), "not-found");
  } else if (status === "offline") showStatus(t("offline"));
  // "connecting" on the first load says nothing: it takes a moment at most.
}

// ---------------------------------------------------------------- sound

const sounds = new SoundQueue({ enabled: soundOn, overlay: $("#unmute") });
$("#unmute").addEventListener("click", () => sounds.unblock());

async function loadVoiceSettings() {
  try {
    const info = await api("/api/voice");
    sounds.repeat = info.repeat;
    sounds.chime = info.chime;
  } catch {
    // The defaults (twice, the bundled chime) serve until the server answers.
  }
  const repeat = param("repeat");
  if (repeat !== null) sounds.repeat = clampInt(repeat, 1, 5, sounds.repeat);
}

// ---------------------------------------------------------------- clock

let shownDay = null;

function tick() {
  const timeZone = (state.hall && state.hall.timezone) || "Asia/Shanghai";
  const now = new Date();
  const locale = english ? "en-GB" : "zh-CN";
  const day = now.toLocaleDateString(locale, { timeZone, year: "numeric", month: "long", day: "numeric", weekday: "long" });
  const time = now.toLocaleTimeString("zh-CN", { timeZone, hour12: false });
  for (const node of document.querySelectorAll(".clock")) node.textContent = time;
  const date = $(".date");
  if (date) date.textContent = day;
  if (shownDay !== null && shownDay !== day && state.hall) refreshBoard();
  shownDay = day;
}

/** A new day has a new duty manager: ask the server who it is. */
async function refreshBoard() {
  try {
    state.board = await api(`/api/halls/${encodeURIComponent(hallSlug)}/board`);
    draw(false);
  } catch {
    // The next snapshot (any reconnect) brings it too.
  }
}

// ---------------------------------------------------------------- start

if (windowOnly) {
  $("#hall-screen").classList.add("hidden");
  $("#window-screen").classList.remove("hidden");
}
tick();
setInterval(tick, 1000);
window.addEventListener("resize", () => draw(false));
await loadVoiceSettings();
sounds.probe();
connectHall(hallSlug, { onSnapshot, onEvent, onStatus });
