/** HTML helpers for the sandboxes' pages. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** The page frame every sandbox page shares. */
export function layout(title: string, body: string): string {
  return `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>body{font-family:system-ui,sans-serif;max-width:28rem;margin:2rem auto;padding:0 1rem;color:#222}
.card{border:1px solid #ddd;border-radius:12px;padding:1.5rem}.amount{font-size:2rem;font-weight:600;margin:.5rem 0}
label{display:block;margin:.4rem 0}button{font-size:1rem;padding:.6rem 1rem;margin:.3rem .3rem 0 0;border-radius:8px;border:1px solid #888;cursor:pointer}
button.pay{background:#1677ff;color:#fff;border-color:#1677ff}.muted{color:#777;font-size:.85rem}</style></head>
<body><div class="card">${body}</div><p class="muted">paygraph sandbox · vendor emulator</p></body></html>`;
}
