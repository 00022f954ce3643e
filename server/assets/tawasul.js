// Tawasul's one script: the live parts of the pages. Every page works
// without it; with it, an open transaction's timeline follows new events
// over the WebSocket, and resumes after a dropped connection from the last
// event it showed (the server sends what was missed, then live events).
// The new timeline is the server's own rendering of the page, fetched and
// swapped in: the script renders nothing itself.

const timeline = document.getElementById("timeline");

if (timeline) follow(timeline);

function follow(list) {
  const id = list.dataset.transaction;
  let lastSeq = Number(list.dataset.lastSeq || 0);
  let retry = 500;
  let refreshing = null;

  async function refresh() {
    const res = await fetch(location.pathname, { credentials: "same-origin", headers: { Accept: "text/html" } });
    if (!res.ok) return;
    const doc = new DOMParser().parseFromString(await res.text(), "text/html");
    const fresh = doc.getElementById("timeline");
    if (!fresh) return;
    list.replaceChildren(...fresh.children);
    list.dataset.lastSeq = fresh.dataset.lastSeq;
  }

  function scheduleRefresh() {
    // A burst of events becomes one fetch.
    if (refreshing) return;
    refreshing = setTimeout(async () => {
      refreshing = null;
      try { await refresh(); } catch (_) { /* the next event tries again */ }
    }, 100);
  }

  async function connect() {
    let token;
    try {
      const res = await fetch("/session/token", { credentials: "same-origin" });
      if (!res.ok) return; // signed out: the page stays as it is
      token = (await res.json()).token;
    } catch (_) {
      return later();
    }
    const scheme = location.protocol === "https:" ? "wss:" : "ws:";
    const ws = new WebSocket(`${scheme}//${location.host}/api/v1/ws`);
    ws.addEventListener("open", () => {
      ws.send(JSON.stringify({ type: "auth", token }));
      ws.send(JSON.stringify({ type: "subscribe", topic: `transaction:${id}`, after_seq: lastSeq }));
    });
    ws.addEventListener("message", (m) => {
      let frame;
      try { frame = JSON.parse(m.data); } catch (_) { return; }
      if (frame.type === "subscribed") {
        retry = 500;
        document.documentElement.dataset.live = "on";
      } else if (frame.type === "event" && frame.seq > lastSeq) {
        lastSeq = frame.seq;
        scheduleRefresh();
      }
    });
    ws.addEventListener("close", (e) => {
      document.documentElement.dataset.live = "off";
      // 4401: the session ended; 4403: not ours to follow. Anything else: again.
      if (e.code !== 4401 && e.code !== 4403) later();
    });
  }

  function later() {
    setTimeout(connect, retry);
    retry = Math.min(retry * 2, 15000);
  }

  connect();
}
