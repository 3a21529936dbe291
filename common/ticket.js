// The ticket as the customer holds it: on the kiosk screen, and printed on 80 mm or 58 mm
// thermal paper. Shared by the kiosk and the guide console, so every ticket looks the same.
//
//   renderTicket(element, ticket, hall, {lang, paper})  fill `element` with the ticket
//   printTicket(ticket, hall, {lang, paper})            print it from this browser (Promise)
//   qrSrc(token)                                        the QR code image of the phone page
//
// `ticket` is a ticket as POST /api/halls/{hall}/tickets returns it; `hall` may be null (the
// ticket carries its hall's name and time zone). lang "zh" (default) or "en"; paper "80"
// (default) or "58". Pages using it link /common/ticket.css.

const WORDS = {
  zh: {
    ahead: "前方等待 {n} 人",
    issued: "取号时间",
    documents: "请备齐以下材料（一次性告知）",
    qr: "微信或手机扫码，随时查看排队进度",
    note: "请留意大厅屏幕与语音叫号",
    priority: "优先",
  },
  en: {
    ahead: "{n} ahead of you",
    issued: "Taken at",
    documents: "Please have these ready",
    qr: "Scan to follow your number on your phone",
    note: "Watch the hall screen and listen for your number",
    priority: "Priority",
  },
};

function word(lang, key, n) {
  return (WORDS[lang] || WORDS.zh)[key].replace("{n}", n);
}

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

/** The QR code (SVG from the server) that opens this ticket's phone page. */
export function qrSrc(token) {
  return `/api/tickets/${encodeURIComponent(token)}/qr.svg`;
}

function issuedAt(ticket) {
  const parts = new Intl.DateTimeFormat("en-CA", {
    timeZone: ticket.timezone || "Asia/Shanghai",
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
  }).formatToParts(new Date(ticket.issued_at));
  const p = Object.fromEntries(parts.map((x) => [x.type, x.value]));
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}`;
}

/** Fill `element` with the ticket. Returns the QR <img>, so a caller can wait for it to load. */
export function renderTicket(element, ticket, hall = null, { lang = "zh", paper = "80" } = {}) {
  const en = lang === "en";
  const slip = el("article", `hallq-ticket paper-${paper === "58" ? "58" : "80"}`);
  slip.lang = en ? "en" : "zh-CN";
  const hallName = en && hall && hall.name_en ? hall.name_en : ticket.hall_name;
  slip.append(el("header", "tk-hall", hallName));

  const service = el("div", "tk-service");
  service.append(el("span", "tk-service-main", en ? ticket.service_name_en || ticket.service_name : ticket.service_name));
  const other = en ? ticket.service_name : ticket.service_name_en;
  if (other) service.append(el("span", "tk-service-other", other));
  slip.append(service);

  const number = el("div", "tk-number", ticket.number);
  if (ticket.priority === "priority") number.append(el("span", "tk-priority", word(lang, "priority")));
  slip.append(number);
  slip.append(el("div", "tk-ahead", word(lang, "ahead", ticket.ahead)));
  slip.append(el("div", "tk-time", `${word(lang, "issued")} ${issuedAt(ticket)}`));

  const docs = en && ticket.documents_en && ticket.documents_en.length ? ticket.documents_en : ticket.documents;
  if (docs && docs.length) {
    const box = el("section", "tk-docs");
    box.append(el("h3", "", word(lang, "documents")));
    const list = el("ul");
    for (const doc of docs) list.append(el("li", "", doc));
    box.append(list);
    slip.append(box);
  }

  const figure = el("figure", "tk-qr");
  const img = el("img");
  img.alt = "";
  img.src = qrSrc(ticket.token);
  figure.append(img, el("figcaption", "", word(lang, "qr")));
  slip.append(figure, el("footer", "tk-note", word(lang, "note")));

  element.replaceChildren(slip);
  return img;
}

function printSlip() {
  let slip = document.querySelector("body > .hallq-print-slip");
  if (!slip) {
    slip = el("div", "hallq-print-slip");
    document.body.append(slip);
  }
  return slip;
}

/**
 * Print the ticket from this browser: a kiosk's Chromium started with --kiosk-printing prints
 * it at once, without a dialog. Resolves once handed to the printer (or after a few seconds
 * should the QR image not load: the number matters more than the code).
 */
export async function printTicket(ticket, hall = null, options = {}) {
  const img = renderTicket(printSlip(), ticket, hall, options);
  try {
    await Promise.race([img.decode(), new Promise((resolve) => setTimeout(resolve, 3000))]);
  } catch {
    // The QR code did not load; print the ticket without it rather than not at all.
  }
  window.print();
}
