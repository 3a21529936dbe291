// The ticket kiosk (取号机): choose a service, read what to bring (一次性告知), take a number,
// print the ticket. Made for touch alone: no hover, no keyboard, and customers who may never
// have used a screen. The server decides what may be issued; this page shows it.
//
// Address: /kiosk/?hall=main[&kiosk=k1][&print=browser|off][&paper=80|58][&lang=en][&large=1]
//          [&ticket_seconds=20][&idle_seconds=60]
// kiosk=k1 prints through the server on the printer HALLQ_PRINTERS names k1; without it the
// browser prints (start Chromium with --kiosk --kiosk-printing for silent printing).

import { api, clockTime, connectHall, extendWords, param, setLang, t } from "/common/hallq.js";
import { printTicket, renderTicket } from "/common/ticket.js";

extendWords({
  zh: {
    choose: "请选择您要办理的业务",
    help: "需要帮助，请找门口的引导员",
    large_on: "大字",
    large_off: "标准字",
    other_lang: "English",
    bring: "办理此业务，请带齐以下材料",
    bring_note: "（一次性告知，号票上也印有）",
    no_documents: "无需准备材料",
    phone_add: "留手机号，到号前短信提醒（可不留）",
    phone_change: "修改",
    phone_remove: "不留了",
    phone_shown: "到号前短信提醒：{phone}",
    phone_title: "请输入您的11位手机号",
    phone_placeholder: "1__ ____ ____",
    phone_bad: "手机号应为11位数字、以1开头，请核对",
    clear: "清空",
    delete: "删除",
    cancel: "取消",
    ok: "确定",
    back: "返回",
    take: "确认取号",
    taking: "正在取号…",
    ticket_title: "取号成功",
    printing: "正在打印号票…",
    printed: "号票已打印，请在出票口取走",
    print_failed: "号票未能打印（{why}）。您的号码有效：请记住号码或拍照，或找工作人员。",
    printer_offline: "打印机未连接",
    printer_no_paper: "打印机缺纸",
    printer_timeout: "打印机无响应",
    printer_error: "打印机故障",
    unknown_printer: "本机未设置打印机",
    reprint: "重新打印",
    done_in: "完成（{n}秒后返回）",
    issue_offline: "暂时无法连接服务器，没有取号。请稍后再试，或找工作人员。",
    issue_failed: "没有取号：{why}",
    hall_missing: "找不到大厅“{hall}”，请联系管理员检查取号机地址",
  },
  en: {
    choose: "Please choose a service",
    help: "Need help? Please ask the guide at the door",
    large_on: "Large text",
    large_off: "Normal text",
    other_lang: "中文",
    bring: "For this service, please bring",
    bring_note: "(also printed on your ticket)",
    no_documents: "Nothing to bring",
    phone_add: "Text me before my turn (optional)",
    phone_change: "Change",
    phone_remove: "Remove",
    phone_shown: "Text reminder to {phone}",
    phone_title: "Your 11-digit mobile number",
    phone_placeholder: "1__ ____ ____",
    phone_bad: "A mobile number has 11 digits and starts with 1",
    clear: "Clear",
    delete: "Delete",
    cancel: "Cancel",
    ok: "OK",
    back: "Back",
    take: "Take a number",
    taking: "Taking a number…",
    ticket_title: "You have a number",
    printing: "Printing your ticket…",
    printed: "Your ticket is printed: please take it",
    print_failed: "The ticket could not be printed ({why}). Your number is valid: remember it or take a photo, or ask staff.",
    printer_offline: "printer not connected",
    printer_no_paper: "out of paper",
    printer_timeout: "printer not responding",
    printer_error: "printer fault",
    unknown_printer: "no printer set up here",
    reprint: "Print again",
    done_in: "Done (back in {n} s)",
    issue_offline: "The server cannot be reached: no number was taken. Please try again shortly or ask staff.",
    issue_failed: "No number was taken: {why}",
    hall_missing: "There is no hall “{hall}”: please ask the administrator to check this kiosk's address",
  },
});

const HALL = param("hall", "main");
const KIOSK = param("kiosk");
const PRINT = KIOSK ? "server" : param("print", "browser");
const PAPER = param("paper", "80");
const DEFAULT_LANG = param("lang", "zh");
const DEFAULT_LARGE = param("large") === "1";
const TICKET_SECONDS = Number(param("ticket_seconds", 20));
const IDLE_SECONDS = Number(param("idle_seconds", 60));
// A second tap of a double tap lands on whatever the next screen put under the finger.
const TAP_GUARD_MS = 600;

const $ = (id) => document.getElementById(id);
const screens = ["home", "confirm", "keypad", "issued"];

let hall = null; // the hall as the last snapshot showed it
let online = false;
let link = null;
let chosen = null; // the service being confirmed
let requestId = null; // one per confirm: a retry after a timeout gets the same ticket back
let phone = "";
let typed = "";
let busy = false;
let settle = null;
let ticket = null;
let idleTimer = null;
let countdown = null;
let large = DEFAULT_LARGE;

// ---- screens and words ----

function show(name, { settling = true } = {}) {
  for (const s of screens) $(s).classList.toggle("hidden", s !== name);
  // For a moment the new screen takes no taps: the second tap of a double tap, or an
  // impatient one, must not press whatever the new screen put under the finger.
  clearTimeout(settle);
  for (const s of screens) $(s).classList.toggle("settling", settling && s === name);
  if (settling) settle = setTimeout(() => $(name).classList.remove("settling"), TAP_GUARD_MS);
  clearInterval(countdown);
  armIdle();
}

function current() {
  return screens.find((s) => !$(s).classList.contains("hidden"));
}

function applyWords() {
  for (const node of document.querySelectorAll("[data-word]")) node.textContent = t(node.dataset.word);
  $("large-toggle").textContent = t(large ? "large_off" : "large_on");
  document.documentElement.classList.toggle("large", large);
  drawHall();
  if (chosen) drawChosen();
  drawPhone();
  if (ticket && current() === "issued") drawTicket();
}

function setLanguage(code) {
  setLang(code);
  document.documentElement.dataset.lang = code;
  applyWords();
}

function newRequestId() {
  // crypto.randomUUID() needs https; a kiosk on the hall's LAN is plain http.
  return Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, "0")).join("");
}

function serviceName(s) {
  return document.documentElement.dataset.lang === "en" ? [s.name_en || s.name, s.name] : [s.name, s.name_en];
}

// ---- back to the start by itself ----

function armIdle() {
  clearTimeout(idleTimer);
  if (current() !== "home" && current() !== "issued") idleTimer = setTimeout(goHome, IDLE_SECONDS * 1000);
}

function goHome() {
  chosen = null;
  requestId = null;
  phone = "";
  typed = "";
  ticket = null;
  large = DEFAULT_LARGE;
  setLanguage(DEFAULT_LANG); // the next customer starts as the hall set the kiosk up
  show("home");
}

document.addEventListener("pointerdown", () => armIdle(), { capture: true });
document.addEventListener("contextmenu", (e) => e.preventDefault()); // a long press opens nothing

// ---- the hall, live ----

function byCode(code) {
  return hall && hall.services.find((s) => s.code === code);
}

function setOnline(value, status) {
  online = value;
  const banner = $("banner");
  if (status === "not_found") {
    banner.textContent = t("hall_missing", { hall: HALL });
  } else {
    banner.textContent = t("server_down");
  }
  banner.classList.toggle("hidden", value || status === "connecting");
  document.body.classList.toggle("offline", !value);
  drawHall();
}

function drawHall() {
  const box = $("services");
  if (!hall) return;
  const en = document.documentElement.dataset.lang === "en";
  $("hall-name").textContent = en && hall.name_en ? hall.name_en : hall.name;
  $("hall-name-other").textContent = en ? hall.name : hall.name_en;
  const services = hall.services.filter((s) => s.active);
  const codes = services.map((s) => s.code).join();
  if (box.dataset.codes !== codes) {
    // Buttons are made once per layout and updated in place: a live update must never
    // replace the button under a finger in the middle of a tap.
    box.replaceChildren(...services.map(makeServiceButton));
    box.dataset.codes = codes;
  }
  for (const s of services) drawServiceButton(box.querySelector(`[data-code="${s.code}"]`), s);
}

function makeServiceButton(s) {
  const button = document.createElement("button");
  button.type = "button";
  button.className = "service";
  button.dataset.code = s.code;
  for (const part of ["code", "name", "name-other", "state"]) {
    const span = document.createElement("span");
    span.className = part;
    button.append(span);
  }
  button.addEventListener("click", () => choose(button.dataset.code));
  return button;
}

function drawServiceButton(button, s) {
  const [name, other] = serviceName(s);
  button.querySelector(".code").textContent = s.code;
  button.querySelector(".name").textContent = name;
  button.querySelector(".name-other").textContent = other || "";
  const open = s.available && online;
  button.querySelector(".state").textContent = s.available
    ? t("waiting_n", { n: s.waiting })
    : t(`closed.${s.closed_reason}`);
  button.disabled = !open;
  button.classList.toggle("closed", !s.available);
}

function onSnapshot(snapshot) {
  hall = snapshot.hall;
  drawHall();
  if (chosen) drawChosen();
}

function onEvent(event) {
  if (!hall) return;
  if (event.waiting) {
    for (const s of hall.services) if (s.code in event.waiting) s.waiting = event.waiting[s.code];
  }
  // Availability is the server's to decide: when it may have changed, ask for the hall again.
  const capped = event.type === "ticket.issued" && byCode(event.ticket.service)?.daily_cap != null;
  if (event.type === "window.updated" || capped) link.send({ type: "resync" });
  drawHall();
  if (chosen) drawChosen();
}

// ---- choose, read what to bring, confirm ----

function choose(code) {
  const s = byCode(code);
  if (!s || !s.available || !online || current() !== "home") return;
  chosen = code;
  requestId = newRequestId();
  phone = "";
  $("confirm-error").classList.add("hidden");
  $("take").disabled = false;
  $("take").textContent = t("take");
  drawChosen();
  drawPhone();
  show("confirm");
}

function drawChosen() {
  const s = byCode(chosen);
  if (!s) return;
  const en = document.documentElement.dataset.lang === "en";
  $("chosen-code").textContent = s.code;
  $("chosen-name").textContent = serviceName(s)[0];
  $("chosen-waiting").textContent = s.available ? t("waiting_n", { n: s.waiting }) : t(`closed.${s.closed_reason}`);
  const docs = en && s.documents_en.length ? s.documents_en : s.documents;
  const list = $("documents");
  list.replaceChildren(
    ...(docs.length ? docs : [t("no_documents")]).map((d) => {
      const item = document.createElement("li");
      item.textContent = d;
      return item;
    }),
  );
}

async function take() {
  if (busy || !chosen) return;
  busy = true;
  const button = $("take");
  button.disabled = true; // one ticket per confirm: the first tap is the only one
  button.textContent = t("taking");
  $("confirm-error").classList.add("hidden");
  try {
    const body = { service: chosen, request_id: requestId };
    if (phone) body.phone = phone;
    ticket = await api(`/api/halls/${encodeURIComponent(HALL)}/tickets`, { method: "POST", body });
    showTicket();
  } catch (err) {
    refused(err);
  } finally {
    busy = false;
  }
}

function refused(err) {
  const box = $("confirm-error");
  const button = $("take");
  button.textContent = t("take");
  if (err.code === "offline" || err.status >= 500) {
    // Nothing is known to be issued: the same request_id on the next try cannot make two.
    box.textContent = t("issue_offline");
    button.disabled = false;
  } else if (err.status === 409 && t(`closed.${err.code}`) !== `closed.${err.code}`) {
    box.textContent = t("issue_failed", { why: t(`closed.${err.code}`) });
    link.send({ type: "resync" });
  } else {
    box.textContent = t("issue_failed", { why: err.message });
    button.disabled = err.code === "bad_phone" ? false : button.disabled;
  }
  box.classList.remove("hidden");
}

// ---- the phone number (optional) ----

function masked(number) {
  return `${number.slice(0, 3)}****${number.slice(7)}`;
}

function grouped(digits) {
  return [digits.slice(0, 3), digits.slice(3, 7), digits.slice(7)].filter(Boolean).join(" ");
}

function drawPhone() {
  $("phone-open").classList.toggle("hidden", Boolean(phone));
  $("phone-chosen").classList.toggle("hidden", !phone);
  $("phone-shown").textContent = phone ? t("phone_shown", { phone: masked(phone) }) : "";
  $("phone-digits").textContent = typed ? grouped(typed) : t("phone_placeholder");
  $("phone-digits").classList.toggle("empty", !typed);
}

function openKeypad() {
  typed = phone;
  $("phone-error").classList.add("hidden");
  drawPhone();
  show("keypad");
}

function makeKeys() {
  const keys = ["1", "2", "3", "4", "5", "6", "7", "8", "9", "clear", "0", "delete"];
  $("keys").replaceChildren(
    ...keys.map((key) => {
      const button = document.createElement("button");
      button.type = "button";
      button.className = /\d/.test(key) ? "key" : "key word";
      button.dataset.key = key;
      if (/\d/.test(key)) button.textContent = key;
      else button.dataset.word = key;
      button.addEventListener("click", () => press(key));
      return button;
    }),
  );
}

function press(key) {
  if (key === "clear") typed = "";
  else if (key === "delete") typed = typed.slice(0, -1);
  else if (typed.length < 11) typed += key;
  $("phone-error").classList.add("hidden");
  drawPhone();
}

function acceptPhone() {
  // The server checks it again; here only so the customer hears at once that a digit is missing.
  if (!/^1[3-9]\d{9}$/.test(typed)) {
    $("phone-error").textContent = t("phone_bad");
    $("phone-error").classList.remove("hidden");
    return;
  }
  phone = typed;
  drawPhone();
  show("confirm");
}

// ---- the ticket ----

function drawTicket() {
  renderTicket($("ticket"), ticket, hall, { lang: document.documentElement.dataset.lang, paper: PAPER });
  $("reminder").textContent = phone ? t("phone_shown", { phone: masked(phone) }) : "";
  $("reminder").classList.toggle("hidden", !phone);
}

function showTicket() {
  drawTicket();
  show("issued");
  printNow();
  let left = TICKET_SECONDS;
  const done = $("done");
  done.textContent = t("done_in", { n: left });
  countdown = setInterval(() => {
    left -= 1;
    done.textContent = t("done_in", { n: left });
    if (left <= 0) goHome();
  }, 1000);
}

function printStatus(text, failed = false) {
  $("print-status").textContent = text;
  $("print-status").classList.toggle("error", failed);
  $("reprint").classList.toggle("hidden", !failed);
}

async function printNow() {
  if (PRINT === "off" || !ticket) return printStatus("");
  printStatus(t("printing"));
  const printing = ticket;
  try {
    if (PRINT === "server") {
      await api(`/api/tickets/${encodeURIComponent(printing.token)}/print`, {
        method: "POST",
        body: { kiosk: KIOSK },
        timeout: 15000,
      });
    } else {
      await printTicket(printing, hall, { lang: document.documentElement.dataset.lang, paper: PAPER });
    }
    if (ticket === printing) printStatus(t("printed"));
  } catch (err) {
    const why = t(err.code) !== err.code ? t(err.code) : err.code === "offline" ? t("printer_offline") : err.message;
    if (ticket === printing) printStatus(t("print_failed", { why }), true);
  }
}

// ---- start ----

$("lang-toggle").addEventListener("click", () => {
  setLanguage(document.documentElement.dataset.lang === "en" ? "zh" : "en");
});
$("large-toggle").addEventListener("click", () => {
  large = !large;
  applyWords();
});
$("back").addEventListener("click", goHome);
$("take").addEventListener("click", take);
$("phone-open").addEventListener("click", openKeypad);
$("phone-change").addEventListener("click", openKeypad);
$("phone-remove").addEventListener("click", () => {
  phone = "";
  drawPhone();
});
$("phone-cancel").addEventListener("click", () => show("confirm"));
$("phone-ok").addEventListener("click", acceptPhone);
$("done").addEventListener("click", goHome);
$("reprint").addEventListener("click", printNow);

function tick() {
  $("clock").textContent = clockTime(new Date().toISOString(), hall ? hall.timezone : undefined);
}

makeKeys();
setLanguage(DEFAULT_LANG);
show("home", { settling: false });
tick();
setInterval(tick, 10000);
link = connectHall(HALL, {
  onSnapshot,
  onEvent,
  onStatus: (status) => setOnline(status === "online", status),
});
// Opening hours pass with the clock, not with an event: look at the hall again each minute.
setInterval(() => link.send({ type: "resync" }), 60000);
