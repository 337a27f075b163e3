() => {
  // Accessibility checks run in the page: every control named, and text contrast at WCAG AA.
  const problems = [];
  const visible = (el) => el.getClientRects().length > 0 && getComputedStyle(el).visibility !== "hidden";

  const nameOf = (el) => {
    const aria = el.getAttribute("aria-label");
    if (aria && aria.trim()) return aria.trim();
    const by = el.getAttribute("aria-labelledby");
    if (by) return by.split(" ").map((id) => document.getElementById(id)?.textContent || "").join(" ").trim();
    if (el.labels && el.labels.length) return [...el.labels].map((l) => l.textContent).join(" ").trim();
    if (["BUTTON", "A", "SUMMARY"].includes(el.tagName)) return el.textContent.trim();
    return "";
  };
  for (const el of document.querySelectorAll("input, select, textarea, button, a[href], [tabindex]:not([tabindex='-1'])")) {
    if (el.type === "hidden" || (!visible(el) && !el.matches(".score input"))) continue;
    if (!nameOf(el)) problems.push(`no accessible name: ${el.outerHTML.slice(0, 100)}`);
  }

  const parse = (c) => {
    const m = /rgba?\(([^)]+)\)/.exec(c);
    if (!m) return [0, 0, 0, 0];
    const p = m[1].split(/[ ,/]+/).filter(Boolean).map(Number);
    return p.length === 4 ? p : [...p, 1];
  };
  const over = (top, base) => top.slice(0, 3).map((v, i) => v * top[3] + base[i] * (1 - top[3])).concat(1);
  const background = (el) => {
    const layers = [];
    for (let e = el; e; e = e.parentElement) {
      const c = parse(getComputedStyle(e).backgroundColor);
      if (c[3] > 0) layers.push(c);
      if (c[3] === 1) break;
    }
    return layers.reverse().reduce((acc, layer) => over(layer, acc), [255, 255, 255, 1]);
  };
  const lum = (c) => {
    const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
    return 0.2126 * f(c[0]) + 0.7152 * f(c[1]) + 0.0722 * f(c[2]);
  };
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const seen = new Set();
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const el = node.parentElement;
    if (!node.textContent.trim() || seen.has(el) || !visible(el) || el.closest("svg, [aria-hidden='true'], option")) continue;
    seen.add(el);
    if (el.closest(":disabled")) continue;  // inactive controls are exempt (WCAG 1.4.3)
    const style = getComputedStyle(el);
    if (style.clip === "rect(0px, 0px, 0px, 0px)") continue;
    const bg = background(el);
    const fg = over(parse(style.color), bg);
    const [a, b] = [lum(fg), lum(bg)].sort((x, y) => y - x);
    const ratio = (a + 0.05) / (b + 0.05);
    const size = parseFloat(style.fontSize);
    const large = size >= 24 || (size >= 18.66 && Number(style.fontWeight) >= 700);
    if (ratio < (large ? 3 : 4.5)) problems.push(`contrast ${ratio.toFixed(2)} for "${node.textContent.trim().slice(0, 40)}" (${style.color} on rgb(${bg.slice(0, 3).map(Math.round)}))`);
  }
  return problems;
}
