// The evaluation pad (评价器): a small tablet facing the customer at one window.
// Idle it shows the window, its clerk and the number being served; after 办结 it asks for a
// rating of that ticket until rated or until the server's time to rate runs out.

import { api, connectHall, param } from "/common/hallq.js";

const hall = param("hall", "main");
const windowNumber = Number(param("window", "1"));
const base = `/api/halls/${encodeURIComponent(hall)}/windows/${windowNumber}`;
const $ = (id) => document.getElementById(id);
const THANKS_MS = 5000;

let pad = null; // the server's PadState
let asking = null; // the ticket being rated
let idleTimer = null;
let thanksUntil = 0;

function show(view) {
  for (const id of ["idle", "ask", "why", "thanks"]) $(id).classList.toggle("hidden", id !== view);
}

function render() {
  if (Date.now() < thanksUntil) return show("thanks");
  const toRate = pad && pad.to_rate;
  if (toRate) {
    if (!asking || asking.id !== toRate.id) {
      asking = toRate;
      resetReasons();
      $("ask-number").textContent = `${toRate.number}号`;
      show("ask");
    }
    clearTimeout(idleTimer);
    // Back to idle when the server stops accepting this rating.
    idleTimer = setTimeout(refresh, Math.max(1000, new Date(pad.rate_until) - Date.now() + 500));
    return;
  }
  asking = null;
  show("idle");
  $("window-name").textContent = pad ? pad.window_name : `${windowNumber}号窗口`;
  $("clerk").textContent = pad && pad.clerk ? `工作人员 ${pad.clerk} 为您服务` : "";
  const current = pad && pad.current;
  $("serving").classList.toggle("hidden", !current);
  $("idle-text").classList.toggle("hidden", Boolean(current));
  $("serving-number").textContent = current ? current.number : "";
  const status = pad ? pad.status : "open";
  $("idle-text").textContent = { open: "欢迎光临 · Welcome", paused: "暂停服务 · Paused" }[status] || "本窗口未开放 · Closed";
}

let pending = null;
let again = false;
/** Ask for the pad's view; an event during the ask means one more round (it may be newer). */
async function refresh() {
  if (pending) {
    again = true;
    return pending;
  }
  pending = (async () => {
    try {
      pad = await api(`${base}/pad`);
      $("pad-message").textContent = "";
    } catch (err) {
      $("pad-message").textContent = err.status === 404 ? `没有 ${windowNumber} 号窗口` : "";
    } finally {
      pending = null;
    }
    render();
    if (again) {
      again = false;
      await refresh();
    }
  })();
  return pending;
}

function resetReasons() {
  for (const b of document.querySelectorAll(".reason")) b.setAttribute("aria-pressed", "false");
}

async function send(score, reasons = []) {
  if (!asking) return;
  const ticket = asking;
  for (const b of document.querySelectorAll(".score, .submit")) b.disabled = true;
  try {
    await api(`${base}/rating`, { method: "POST", body: { ticket: ticket.id, score, reasons } });
    thanksUntil = Date.now() + THANKS_MS;
    setTimeout(render, THANKS_MS + 50);
  } catch (err) {
    // Already rated (a double tap) counts as thanks; anything else: back to what the server says.
    if (err.code === "already_rated") thanksUntil = Date.now() + THANKS_MS;
    else $("pad-message").textContent = err.code === "offline" ? "网络中断，请稍后再试" : "";
  } finally {
    for (const b of document.querySelectorAll(".score, .submit")) b.disabled = false;
  }
  asking = null;
  await refresh();
}

for (const button of document.querySelectorAll(".score")) {
  button.addEventListener("click", () => {
    if (button.dataset.score === "dissatisfied") show("why");
    else send(button.dataset.score);
  });
}
for (const button of document.querySelectorAll(".reason")) {
  button.addEventListener("click", () => {
    button.setAttribute("aria-pressed", button.getAttribute("aria-pressed") === "true" ? "false" : "true");
  });
}
$("submit-reasons").addEventListener("click", () => {
  const chosen = [...document.querySelectorAll(".reason[aria-pressed=true]")].map((b) => b.dataset.reason);
  send("dissatisfied", chosen);
});

// Only this window's events matter to this pad.
function concernsMe(event) {
  if (event.type === "window.updated") return event.window.number === windowNumber;
  return event.window === windowNumber || event.from_window === windowNumber;
}

connectHall(hall, {
  onSnapshot: refresh,
  onEvent(event) {
    if (concernsMe(event)) refresh();
  },
  onStatus(status) {
    $("banner").textContent = "网络连接中断，正在重新连接… Reconnecting…";
    $("banner").classList.toggle("hidden", status !== "offline");
  },
});
refresh();
