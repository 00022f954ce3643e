// The P1/P2 baseline of PERFORMANCE.md: a plain Node.js `ws` broadcast server.
// Every text frame a client sends is relayed to every other client. No
// authentication, no persistence, no filter: the floor a gateway is measured
// against. `tawasul-load` starts it and prints "listening on <port>" parsing.
"use strict";
const { WebSocketServer, WebSocket } = require("ws");

const wss = new WebSocketServer({ host: "127.0.0.1", port: Number(process.env.PORT || 0), perMessageDeflate: false });
wss.on("listening", () => console.log(`listening on ${wss.address().port}`));
wss.on("connection", (socket) => {
  socket.on("message", (data, isBinary) => {
    for (const client of wss.clients) {
      if (client !== socket && client.readyState === WebSocket.OPEN) {
        client.send(data, { binary: isBinary });
      }
    }
  });
});
process.on("SIGTERM", () => process.exit(0));
