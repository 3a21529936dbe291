import { api } from "/common/hallq.js";

// Each hall with a link to every screen that serves it.
const SCREENS = [
  ["/kiosk/?hall=", "取号机 Kiosk"],
  ["/display/?hall=", "大厅综合屏 Hall display"],
  ["/clerk/?hall=", "窗口工作台 Clerk console"],
  ["/clerk/guide?hall=", "引导员 Guide"],
];

const main = document.getElementById("halls");
try {
  const halls = await api("/api/halls");
  main.replaceChildren(
    ...halls.map((hall) => {
      const box = document.createElement("section");
      box.className = "hall";
      const title = document.createElement("h2");
      title.textContent = `${hall.name} ${hall.name_en ? "· " + hall.name_en : ""}`;
      const list = document.createElement("ul");
      for (const [href, label] of SCREENS) {
        const item = document.createElement("li");
        const link = document.createElement("a");
        link.href = href + encodeURIComponent(hall.slug);
        link.textContent = label;
        item.append(link);
        list.append(item);
      }
      box.append(title, list);
      return box;
    }),
  );
} catch (err) {
  main.textContent = `无法连接服务器 / Server unreachable: ${err.message}`;
}
