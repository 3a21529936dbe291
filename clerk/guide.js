// The guide's console (引导员人工排号): take a number for a customer who cannot use the kiosk,
// priority included, print it as the kiosk does, and watch every queue and window. A manager
// may also move a waiting ticket to the front or cancel it. The server decides who may.

import { api, clockTime, connectHall, extendWords, lang, param, setLang, t } from "/common/hallq.js";
import { printTicket, renderTicket } from "/common/ticket.js";
import { checkedSession, signIn, signOut } from "/clerk/signin.js";
import { duration, el, refusal, translatePage } from "/clerk/words.js";

const hall = param("hall", "main");
const base = `/api/halls/${encodeURIComponent(hall)}`;
const $ = (id) => document.getElementById(id);
const SUPERVISORS = ["manager", "admin"]; // only to show their buttons; the server checks
// As the kiosk: ?printer=k1 prints on the server's ESC/POS printer of that name (HALLQ_PRINTERS),
// otherwise this browser prints the shared ticket layout; &paper=58 for narrow paper.
const PRINTER = param("printer");
const PAPER = param("paper", "80");

const state = { session: null, hall: null, queues: [], service: null, reason: "", issued: null, busy: false };

extendWords({
  zh: {
    "guide.title": "引导员工作台",
    "guide.issue": "代客取号",
    "guide.service": "业务",
    "guide.priority": "类别",
    "guide.normal": "普通",
    "guide.phone": "手机号（选填，用于到号提醒）",
    "guide.take": "取号",
    "guide.print": "重新打印",
    "guide.windows": "窗口状态",
    "guide.queues": "排队情况",
    "guide.issued": "已取号 {number}",
    "guide.front": "置顶",
    "guide.cancel": "取消",
    "guide.confirm_cancel": "确定取消 {number} 吗？该号将不再叫号。",
    "guide.moved": "{number} 已置顶",
    "guide.cancelled": "{number} 已取消",
    "guide.waited": "已等 {t}",
    "guide.closed": "暂停取号",
    "guide.printing": "正在打印号票…",
    "guide.printed": "号票已打印",
    "guide.print_failed": "号票未能打印（{why}），号码仍然有效",
    "err.printer_offline": "打印机未连接",
    "err.printer_no_paper": "打印机缺纸",
    "err.printer_timeout": "打印机无响应",
    "err.unknown_printer": "未设置该打印机",
  },
  en: {
    "guide.title": "Guide console",
    "guide.issue": "Take a number for a customer",
    "guide.service": "Service",
    "guide.priority": "Kind",
    "guide.normal": "Normal",
    "guide.phone": "Mobile (optional, for the reminder)",
    "guide.take": "Take number",
    "guide.print": "Print again",
    "guide.windows": "Windows",
    "guide.queues": "Queues",
    "guide.issued": "Issued {number}",
    "guide.front": "To front",
    "guide.cancel": "Cancel",
    "guide.confirm_cancel": "Cancel {number}? It will not be called.",
    "guide.moved": "{number} moved to the front",
    "guide.cancelled": "{number} cancelled",
    "guide.waited": "waited {t}",
    "guide.closed": "Not issuing",
    "guide.printing": "Printing…",
    "guide.printed": "Ticket printed",
    "guide.print_failed": "The ticket could not be printed ({why}); the number is valid",
    "err.printer_offline": "printer not connected",
    "err.printer_no_paper": "out of paper",
    "err.printer_timeout": "printer not responding",
    "err.unknown_printer": "no such printer set up",
  },
});

const staffApi = (path, options = {}) => api(path, { ...options, token: state.session && state.session.token });

async function begin(message = "") {
  $("guide").classList.add("hidden");
  $("logout").classList.add("hidden");
  const session = await checkedSession(hall);
  state.session = session || (await signIn($("signin"), { hall, message }));
  $("user").textContent = state.session.display_name || state.session.username;
  $("logout").classList.remove("hidden");
  $("guide").classList.remove("hidden");
  refresh();
}

async function failed(err, where) {
  if (err.status === 401) return begin(t("signin.expired"));
  say(where, refusal(err), "bad");
}

function say(id, text, tone = "") {
  $(id).textContent = text;
  $(id).className = `message ${tone}`;
}

// ---- issuing --------------------------------------------------------------------------

function renderServices() {
  const services = state.hall ? state.hall.services.filter((s) => s.active) : [];
  $("services").replaceChildren(
    ...services.map((s) => {
      const button = el("button", "pick-one service-choice");
      button.type = "button";
      button.setAttribute("role", "radio");
      button.setAttribute("aria-checked", String(state.service === s.code));
      button.dataset.service = s.code;
      button.append(
        el("strong", "", `${s.code} ${lang() === "en" && s.name_en ? s.name_en : s.name}`),
        el("small", "", s.available ? t("waiting_n", { n: s.waiting }) : t(`closed.${s.closed_reason}`)),
      );
      button.classList.toggle("unavailable", !s.available);
      button.onclick = () => {
        state.service = s.code;
        renderServices();
      };
      return button;
    }),
  );
  $("issue").disabled = state.busy || !state.service;
}

function chooseReason(reason) {
  state.reason = reason;
  for (const b of document.querySelectorAll("[data-priority]")) {
    b.setAttribute("aria-checked", String(b.dataset.priority === reason));
  }
}
for (const button of document.querySelectorAll("[data-priority]")) {
  button.addEventListener("click", () => chooseReason(button.dataset.priority));
}

async function issue() {
  if (state.busy || !state.service) return;
  state.busy = true;
  renderServices();
  const body = { service: state.service };
  if (state.reason) Object.assign(body, { priority: "priority", priority_reason: state.reason });
  const phone = $("phone").value.trim();
  if (phone) body.phone = phone;
  try {
    const ticket = await staffApi(`${base}/tickets`, { method: "POST", body });
    state.issued = ticket;
    say("issue-message", t("guide.issued", { number: ticket.number }), "good");
    renderTicket($("issued-ticket"), ticket, state.hall, { lang: lang(), paper: PAPER });
    $("issued").classList.remove("hidden");
    $("phone").value = "";
    chooseReason(""); // priority is for this customer only, not the next one
    printIssued();
  } catch (err) {
    await failed(err, "issue-message");
  } finally {
    state.busy = false;
    renderServices();
  }
}

// ---- windows and queues ---------------------------------------------------------------

function renderWindows() {
  const windows = state.hall ? state.hall.windows : [];
  $("windows").replaceChildren(
    ...windows.map((w) => {
      const card = el("div", `window-card ${w.status}`);
      card.append(
        el("strong", "", t("window_n", { n: w.number })),
        el("span", "svc", w.services.join(" ")),
        el("span", "now", w.current ? w.current.number : "—"),
        el("span", `status ${w.status}`, t(`window.${w.status}`)),
      );
      return card;
    }),
  );
}

function renderQueues() {
  const supervisor = state.session && SUPERVISORS.includes(state.session.role);
  const tz = (state.hall && state.hall.timezone) || "Asia/Shanghai";
  $("queues").replaceChildren(
    ...state.queues.map((queue) => {
      const box = el("div", "queue");
      const head = el("div", "queue-head");
      head.append(
        el("strong", "", `${queue.code} ${lang() === "en" && queue.name_en ? queue.name_en : queue.name}`),
        el("span", "count", t("waiting_n", { n: queue.waiting })),
      );
      const list = el("ol", "next");
      for (const ticket of queue.next) {
        const item = el("li");
        item.dataset.number = ticket.number;
        item.append(el("span", "num", ticket.number));
        if (ticket.priority === "priority") {
          const why = ticket.priority_reason ? t(`reason.${ticket.priority_reason}`) : t("mark.priority");
          item.append(el("span", "mark priority", why));
        }
        if (ticket.front) item.append(el("span", "mark front", t("mark.front")));
        if (ticket.target_window) item.append(el("span", "mark", t("mark.to_window", { n: ticket.target_window })));
        const waited = duration((Date.now() - new Date(ticket.issued_at)) / 1000);
        item.append(el("span", "when", `${clockTime(ticket.issued_at, tz)} · ${t("guide.waited", { t: waited })}`));
        if (supervisor) {
          if (!ticket.front) item.append(manage("front", ticket));
          item.append(manage("cancel", ticket));
        }
        list.append(item);
      }
      if (!queue.next.length) list.append(el("li", "none", t("console.none")));
      box.append(head, list);
      return box;
    }),
  );
}

function manage(what, ticket) {
  const button = el("button", `manage ${what}`, t(`guide.${what}`));
  button.type = "button";
  button.onclick = async () => {
    if (what === "cancel" && !window.confirm(t("guide.confirm_cancel", { number: ticket.number }))) return;
    button.disabled = true;
    try {
      await staffApi(`${base}/tickets/${ticket.id}/${what}`, { method: "POST" });
      say("queue-message", t(what === "front" ? "guide.moved" : "guide.cancelled", { number: ticket.number }), "good");
    } catch (err) {
      await failed(err, "queue-message");
    }
    refresh();
  };
  return button;
}

let refreshing = null;
let again = false;
async function refresh() {
  if (!state.session) return;
  if (refreshing) {
    again = true;
    return;
  }
  refreshing = (async () => {
    try {
      const [detail, queues] = await Promise.all([api(base), staffApi(`${base}/queues?limit=30`)]);
      state.hall = detail;
      state.queues = queues;
      render();
    } catch (err) {
      await failed(err, "queue-message");
    } finally {
      refreshing = null;
    }
    if (again) {
      again = false;
      refresh();
    }
  })();
}

function render() {
  $("hall-name").textContent = state.hall ? `· ${lang() === "en" && state.hall.name_en ? state.hall.name_en : state.hall.name}` : "";
  renderServices();
  renderWindows();
  renderQueues();
}

connectHall(hall, {
  onSnapshot(snapshot) {
    state.hall = snapshot.hall;
    render();
    refresh();
  },
  onEvent: refresh,
  onStatus(status) {
    $("banner").textContent = status === "not_found" ? `${t("not_found")}: ${hall}` : t("offline");
    $("banner").classList.toggle("hidden", status !== "offline" && status !== "not_found");
  },
});

$("issue").addEventListener("click", issue);
async function printIssued() {
  const ticket = state.issued;
  if (!ticket) return;
  say("print-message", t("guide.printing"));
  try {
    if (PRINTER) {
      const path = `/api/tickets/${encodeURIComponent(ticket.token)}/print`;
      await api(path, { method: "POST", body: { kiosk: PRINTER }, timeout: 15000 });
    } else {
      await printTicket(ticket, state.hall, { lang: lang(), paper: PAPER });
    }
    if (state.issued === ticket) say("print-message", t("guide.printed"), "good");
  } catch (err) {
    if (state.issued === ticket) say("print-message", t("guide.print_failed", { why: refusal(err) }), "bad");
  }
}

$("print").addEventListener("click", printIssued);
$("logout").addEventListener("click", async () => {
  const session = state.session;
  state.session = null;
  await signOut(session);
  begin();
});
$("lang").addEventListener("click", () => {
  setLang(lang() === "zh" ? "en" : "zh");
  $("lang").textContent = lang() === "zh" ? "EN" : "中文";
  translatePage();
  render();
});
// Waiting times move on by themselves.
setInterval(renderQueues, 15000);

setLang(param("lang", "zh"));
$("lang").textContent = lang() === "zh" ? "EN" : "中文";
translatePage();
begin();
