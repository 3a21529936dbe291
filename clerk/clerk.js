// The clerk console: sign in, pick a window, and serve customers with big buttons or F-keys.
// Everything shown comes from the server (the desk view, the tally, the hall feed); the
// console only decides which buttons make sense to press, and the server checks anyway.

import { api, clockTime, connectHall, lang, param, setLang, staffSession, t } from "/common/hallq.js";
import { checkedSession, signIn, signOut } from "/clerk/signin.js";
import { duration, el, refusal, translatePage } from "/clerk/words.js";

const hall = param("hall", "main");
const $ = (id) => document.getElementById(id);
const buttons = Object.fromEntries([...document.querySelectorAll("[data-action]")].map((b) => [b.dataset.action, b]));

const state = {
  session: null,
  window: null, // the window number this console works
  hall: null, // the hall as the feed's snapshot says (services, windows, time zone)
  desk: null,
  tally: null,
  busy: false,
  feedOnline: false,
};

// ---- signing in and choosing a window -------------------------------------------------

async function begin(message = "") {
  for (const id of ["console", "pick", "logout", "switch-window"]) $(id).classList.add("hidden");
  let session = await checkedSession(hall);
  if (!session) session = await signIn($("signin"), { hall, message });
  state.session = session;
  $("user").textContent = session.display_name || session.username;
  $("logout").classList.remove("hidden");
  await pickWindow();
}

async function windowChoices() {
  if (state.session.role === "clerk") return state.session.windows;
  const detail = state.hall || (await api(`/api/halls/${encodeURIComponent(hall)}`));
  return detail.windows.map((w) => w.number);
}

async function pickWindow(force = false) {
  const choices = await windowChoices();
  const wanted = Number(param("window")) || state.session.window;
  if (!force && choices.includes(wanted)) return useWindow(wanted);
  if (!force && choices.length === 1) return useWindow(choices[0]);
  $("console").classList.add("hidden");
  const list = $("pick-windows");
  list.replaceChildren(
    ...choices.map((n) => {
      const button = el("button", "pick-window", t("window_n", { n }));
      const info = state.hall && state.hall.windows.find((w) => w.number === n);
      if (info) button.append(el("small", "", info.services.map(serviceName).join(" · ")));
      button.type = "button";
      button.onclick = () => useWindow(n);
      return button;
    }),
  );
  if (!choices.length) list.replaceChildren(el("p", "message", t("err.forbidden")));
  $("pick").classList.remove("hidden");
}

function useWindow(number) {
  state.window = number;
  state.desk = null;
  state.session = { ...state.session, window: number };
  staffSession.set(state.session);
  $("pick").classList.add("hidden");
  $("console").classList.remove("hidden");
  $("switch-window").classList.toggle("hidden", state.session.role === "clerk" && state.session.windows.length < 2);
  say("");
  render();
  refresh();
}

async function expired() {
  staffSession.clear();
  state.session = null;
  state.window = null;
  await begin(t("signin.expired"));
}

// ---- talking to the server ------------------------------------------------------------

function staffApi(path, options = {}) {
  return api(path, { ...options, token: state.session && state.session.token });
}

let refreshing = null;
let refreshAgain = false;
let actionsDone = 0; // a desk view asked for before an action's answer is older than that answer

/** Fetch the desk and the tally; calls made meanwhile are folded into one more round. */
async function refresh() {
  if (!state.window || !state.session) return;
  if (refreshing) {
    refreshAgain = true;
    return refreshing;
  }
  const base = `/api/halls/${encodeURIComponent(hall)}`;
  refreshing = (async () => {
    const asked = actionsDone;
    try {
      const [desk, tally] = await Promise.all([
        staffApi(`${base}/windows/${state.window}/desk`),
        staffApi(`${base}/tally`),
      ]);
      // Read while this console's own action was on its way, it could show the number gone:
      // dropped. The refresh that follows every action brings the true view.
      if (!state.busy && asked === actionsDone) {
        state.desk = desk;
        state.tally = tally;
        render();
      }
    } catch (err) {
      if (err.status === 401) return expired();
      if (err.status === 403) return pickWindow(true);
      say(refusal(err), "bad");
    } finally {
      refreshing = null;
    }
    if (refreshAgain) {
      refreshAgain = false;
      await refresh();
    }
  })();
  return refreshing;
}

const PATHS = { call: "call", recall: "recall", "no-show": "no-show", finish: "finish", start: "start" };

async function act(action, body) {
  if (state.busy || !state.window) return;
  const button = buttons[action];
  if (button && button.disabled) return;
  if (action === "transfer" && body === undefined) return openTransfer();
  let path = PATHS[action] || action;
  if (action === "pause") path = state.desk && state.desk.window.status === "open" ? "pause" : "resume";
  state.busy = true;
  render();
  try {
    const result = await staffApi(`/api/halls/${encodeURIComponent(hall)}/windows/${state.window}/${path}`, {
      method: "POST",
      body,
    });
    if (action === "call" && result === null) say(t("console.nobody"));
    else if (path === "pause" || path === "resume") say(t(`done.${path}`), "good");
    else say(t(`done.${action}`, { number: result.number }), "good");
    if (state.desk) {
      // Show what this console got at once; the desk view that follows confirms it.
      if (action === "call" || action === "recall" || action === "start") state.desk.current = result;
      else if (path === "pause" || path === "resume") state.desk.window = result;
      else state.desk.current = null;
    }
  } catch (err) {
    if (err.status === 401) return expired();
    say(refusal(err), "bad");
  } finally {
    state.busy = false;
    actionsDone += 1;
    render();
  }
  refresh();
}

// ---- transfer dialog ------------------------------------------------------------------

function serviceName(code) {
  const svc = state.hall && state.hall.services.find((s) => s.code === code);
  if (!svc) return code;
  return `${code} ${lang() === "en" && svc.name_en ? svc.name_en : svc.name}`;
}

function openTransfer() {
  const current = state.desk && state.desk.current;
  if (!current || !state.hall) return;
  const choice = (label, body) => {
    const button = el("button", "choice", label);
    button.type = "button";
    button.onclick = () => {
      $("transfer").close();
      act("transfer", body);
    };
    return button;
  };
  $("transfer-services").replaceChildren(
    ...state.hall.services
      .filter((s) => s.code !== current.service && s.active)
      .map((s) => choice(serviceName(s.code), { service: s.code })),
  );
  $("transfer-windows").replaceChildren(
    ...state.hall.windows
      .filter((w) => w.number !== state.window && w.status !== "closed")
      .map((w) =>
        choice(`${t("window_n", { n: w.number })} · ${w.services.map(serviceName).join(" ")}`, { window: w.number }),
      ),
  );
  $("transfer").showModal();
}

// ---- what the screen shows ------------------------------------------------------------

function say(text, tone = "") {
  const message = $("message");
  message.textContent = text;
  message.className = `message ${tone}`;
}

function seconds(fromIso, toIso) {
  return ((toIso ? new Date(toIso) : new Date()) - new Date(fromIso)) / 1000;
}

function marks(ticket) {
  const out = [];
  if (ticket.priority === "priority") {
    const reason = ticket.priority_reason ? ` · ${t(`reason.${ticket.priority_reason}`)}` : "";
    out.push(el("span", "mark priority", t("mark.priority") + reason));
  }
  if (ticket.front) out.push(el("span", "mark front", t("mark.front")));
  if (ticket.transferred) out.push(el("span", "mark", t("mark.transferred")));
  if (ticket.target_window) out.push(el("span", "mark", t("mark.to_window", { n: ticket.target_window })));
  return out;
}

function renderCurrent() {
  const desk = state.desk;
  const current = desk && desk.current;
  const tz = (state.hall && state.hall.timezone) || "Asia/Shanghai";
  $("current-number").textContent = current ? current.number : "—";
  $("current-number").classList.toggle("empty", !current);
  $("current-service").textContent = current ? serviceName(current.service) : t("console.idle");
  $("current-marks").replaceChildren(...(current ? marks(current) : []));
  const facts = [];
  if (current) {
    facts.push([t("fact.issued"), clockTime(current.issued_at, tz)]);
    facts.push([t("fact.waited"), duration(seconds(current.issued_at, current.called_at))]);
    facts.push([t("fact.called"), `${clockTime(current.called_at, tz)} · ${duration(seconds(current.called_at))}`]);
    if (current.phone) facts.push([t("fact.phone"), current.phone]);
    if (current.recall_count) facts.push([t("fact.recalls"), String(current.recall_count)]);
  }
  $("current-facts").replaceChildren(...facts.flatMap(([k, v]) => [el("dt", "", k), el("dd", "", v)]));
  const advice = $("advice");
  let text = "";
  if (desk && desk.suggest_no_show) text = t("advice.no_show", { n: current.recall_count });
  else if (desk && desk.no_show_at && current && !current.arrived_at) {
    text = t("advice.auto", { s: Math.max(0, Math.round(-seconds(desk.no_show_at))) });
  }
  advice.textContent = text;
  advice.classList.toggle("hidden", !text);
  buttons["no-show"].classList.toggle("suggested", Boolean(desk && desk.suggest_no_show));
}

function renderButtons() {
  const desk = state.desk;
  const status = desk ? desk.window.status : null;
  const current = desk && desk.current;
  const can = {
    call: status === "open",
    recall: status === "open" && Boolean(current),
    "no-show": Boolean(current),
    finish: Boolean(current),
    transfer: Boolean(current),
    pause: Boolean(desk),
    start: Boolean(current && !current.arrived_at),
  };
  for (const [action, button] of Object.entries(buttons)) button.disabled = state.busy || !can[action];
  buttons.start.classList.toggle("hidden", !(desk && desk.auto_no_show_seconds));
  $("pause-label").textContent = t(status === "paused" ? "act.resume" : status === "closed" ? "act.open" : "act.pause");
  const chip = $("window-status");
  chip.textContent = status ? t(`window.${status}`) : "";
  chip.className = `status ${status || ""}`;
}

function renderQueues() {
  const desk = state.desk;
  $("queues").replaceChildren(
    ...(desk ? desk.queues : []).map((queue) => {
      const box = el("div", "queue");
      const head = el("div", "queue-head");
      head.append(el("strong", "", serviceName(queue.code)), el("span", "count", t("waiting_n", { n: queue.waiting })));
      const list = el("ol", "next");
      for (const ticket of queue.next) {
        const item = el("li", "", ticket.number);
        item.append(...marks(ticket));
        list.append(item);
      }
      if (!queue.next.length) list.append(el("li", "none", t("console.none")));
      box.append(head, list);
      return box;
    }),
  );
}

function renderTally() {
  const tally = state.tally;
  if (!tally) return $("tally").replaceChildren();
  const r = tally.ratings;
  const rows = [
    [t("tally.served"), String(tally.served)],
    [t("tally.no_show"), String(tally.no_show)],
    [t("tally.average"), tally.average_handling_seconds === null ? "—" : duration(tally.average_handling_seconds)],
    [
      t("tally.ratings"),
      `${t("rating.very_satisfied")} ${r.very_satisfied} · ${t("rating.satisfied")} ${r.satisfied} · ${t("rating.dissatisfied")} ${r.dissatisfied}`,
    ],
  ];
  $("tally").replaceChildren(...rows.flatMap(([k, v]) => [el("dt", "", k), el("dd", "", v)]));
}

function render() {
  if (!state.window) return;
  const info = state.hall && state.hall.windows.find((w) => w.number === state.window);
  const services = info ? info.services.map(serviceName).join(" · ") : "";
  $("where").textContent = `· ${t("window_n", { n: state.window })}${services ? " · " + services : ""}`;
  renderCurrent();
  renderButtons();
  renderQueues();
  renderTally();
}

// ---- the hall feed --------------------------------------------------------------------

function onEvent(event) {
  if (event.type === "window.updated" && state.hall) {
    state.hall.windows = state.hall.windows.map((w) => (w.number === event.window.number ? event.window : w));
  }
  const mine = event.window === state.window || event.from_window === state.window;
  if (mine && event.type === "ticket.no_show" && event.automatic) {
    say(t("done.auto_no_show", { number: event.ticket.number }), "bad");
  }
  if (mine && event.type === "ticket.rated") {
    $("last-rating").textContent = t("rating.last", { number: event.ticket.number, score: t(`rating.${event.score}`) });
  }
  refresh();
}

connectHall(hall, {
  onSnapshot(snapshot) {
    state.hall = snapshot.hall;
    render();
    refresh();
  },
  onEvent,
  onStatus(status) {
    const banner = $("banner");
    const problem = status === "offline" || status === "not_found";
    banner.textContent = status === "not_found" ? `${t("not_found")}: ${hall}` : t("offline");
    banner.classList.toggle("hidden", !problem);
  },
});

// ---- keys and buttons -----------------------------------------------------------------

const KEYS = Object.fromEntries(Object.values(buttons).map((b) => [b.dataset.key, b.dataset.action]));

document.addEventListener("keydown", (event) => {
  const action = KEYS[event.key];
  if (!action || $("console").classList.contains("hidden")) return;
  event.preventDefault(); // F1 help, F5 reload: this screen's keys mean its buttons
  if (event.repeat || $("transfer").open) return;
  if (!buttons[action].classList.contains("hidden")) act(action);
});

for (const [action, button] of Object.entries(buttons)) button.addEventListener("click", () => act(action));
$("logout").addEventListener("click", async () => {
  const session = state.session;
  state.session = null;
  state.window = null;
  await signOut(session);
  begin();
});
$("switch-window").addEventListener("click", () => pickWindow(true));
$("lang").addEventListener("click", () => {
  setLang(lang() === "zh" ? "en" : "zh");
  $("lang").textContent = lang() === "zh" ? "EN" : "中文";
  translatePage();
  render();
});

// The waiting and serving times move on by themselves.
setInterval(() => {
  if (state.desk && state.desk.current) renderCurrent();
}, 1000);

setLang(param("lang", "zh"));
$("lang").textContent = lang() === "zh" ? "EN" : "中文";
translatePage();
begin();
