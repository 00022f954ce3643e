// Tawasul's one script: the live parts of the pages. Every page works
// without it; with it, a page with a topic (`data-topic`: an open
// transaction's timeline, a meeting room) follows its events over the
// WebSocket, and resumes after a dropped connection from the last event it
// showed (the server sends what was missed, then live events). What changes
// is the server's own rendering of the page, fetched again: each element
// marked `data-live` is swapped for its new self, unless the person is
// typing or choosing inside it. The script renders nothing itself. It also
// records voice notes (MediaRecorder, Opus in WebM or Ogg) where the
// browser can.

const followed = document.querySelector("[data-topic]");
const recorder = document.getElementById("recorder");

if (followed) follow(followed);
if (recorder) offerRecording(recorder);

// The waveform player: as a voice note plays, the bars already heard keep
// their colour and the rest turn pale; a click on the waveform seeks there.
// Listened for on the document (media events do not bubble, so in the
// capture phase), since the live timeline replaces its players.
document.addEventListener("timeupdate", (e) => {
  const wave = waveOf(e.target);
  if (!wave) return;
  const total = Number(wave.closest(".voice").dataset.durationMs) / 1000;
  const heard = total > 0 ? e.target.currentTime / total : 0;
  const bars = wave.querySelectorAll("rect");
  wave.classList.add("tracked");
  bars.forEach((bar, i) => bar.classList.toggle("played", (i + 0.5) / bars.length <= heard));
}, true);
document.addEventListener("click", (e) => {
  const wave = e.target.closest && e.target.closest(".voice .wave");
  if (!wave) return;
  const audio = wave.closest(".voice").querySelector("audio");
  const total = Number(wave.closest(".voice").dataset.durationMs) / 1000;
  const box = wave.getBoundingClientRect();
  // The waveform runs left to right in either direction of the page, as the
  // player's own bar does.
  audio.currentTime = Math.max(0, Math.min(1, (e.clientX - box.left) / box.width)) * total;
  if (audio.paused) audio.play().catch(() => {});
});

function waveOf(node) {
  if (!(node instanceof HTMLAudioElement)) return null;
  const voice = node.closest(".voice");
  return voice && voice.querySelector(".wave");
}

// The printable summary's button: only with the script, which can print.
for (const button of document.querySelectorAll("[data-print]")) {
  button.hidden = false;
  button.addEventListener("click", () => window.print());
}

// The recorder is shown only where it can work; the server checks the
// recording (format, length) as it checks the API's.
function offerRecording(box) {
  const type = ["audio/webm;codecs=opus", "audio/ogg;codecs=opus"].find(
    (t) => window.MediaRecorder && MediaRecorder.isTypeSupported(t));
  if (!type || !navigator.mediaDevices) return;
  const button = box.querySelector("button");
  const state = box.querySelector(".recorder-state");
  const idle = button.textContent;
  let rec = null;
  box.hidden = false;

  button.addEventListener("click", async () => {
    if (rec) { rec.stop(); return; }
    let stream;
    try {
      stream = await navigator.mediaDevices.getUserMedia({ audio: true });
    } catch (_) {
      state.textContent = box.dataset.denied;
      return;
    }
    const parts = [];
    rec = new MediaRecorder(stream, { mimeType: type });
    rec.addEventListener("dataavailable", (e) => { if (e.data.size) parts.push(e.data); });
    rec.addEventListener("stop", async () => {
      stream.getTracks().forEach((t) => t.stop());
      rec = null;
      button.textContent = idle;
      button.setAttribute("aria-pressed", "false");
      state.textContent = box.dataset.sending;
      // Staff send it as the reply form's chosen visibility; the server
      // decides whether they may.
      const chosen = document.querySelector('input[name="visibility"]:checked');
      const visibility = chosen ? `&visibility=${encodeURIComponent(chosen.value)}` : "";
      try {
        const res = await fetch(box.dataset.action + visibility, {
          method: "POST", credentials: "same-origin",
          headers: { "Content-Type": type.split(";")[0] },
          body: new Blob(parts, { type }),
        });
        if (!res.ok) {
          const body = await res.json().catch(() => null);
          state.textContent = (body && body.error && body.error.message) || box.dataset.failed;
          return;
        }
        state.textContent = "";
        if (!timeline || document.documentElement.dataset.live !== "on") location.reload();
      } catch (_) {
        state.textContent = box.dataset.failed;
      }
    });
    rec.start();
    button.textContent = button.dataset.stop;
    button.setAttribute("aria-pressed", "true");
    state.textContent = "";
  });
}

function follow(holder) {
  const topic = holder.dataset.topic;
  let lastSeq = Number(holder.dataset.lastSeq || 0);
  let retry = 500;
  let refreshing = null;

  // Whether something was left as it was because the person was filling it
  // in: it is brought up to date once they leave it.
  let stale = false;

  async function refresh() {
    const res = await fetch(location.pathname, { credentials: "same-origin", headers: { Accept: "text/html" } });
    if (!res.ok) return;
    const doc = new DOMParser().parseFromString(await res.text(), "text/html");
    const busy = document.activeElement && document.activeElement.closest("form");
    stale = false;
    for (const fresh of doc.querySelectorAll("[data-live][id]")) {
      const here = document.getElementById(fresh.id);
      if (!here) continue;
      // A form the person is in stays as it is; the parts of it marked live
      // on their own (a vote's turnout) are still swapped.
      if (busy && here.contains(busy)) {
        stale = true;
        continue;
      }
      here.replaceChildren(...fresh.childNodes);
    }
  }

  document.addEventListener("focusout", () => {
    if (stale) scheduleRefresh();
  });

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
      ws.send(JSON.stringify({ type: "subscribe", topic, after_seq: lastSeq }));
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
