import { Sim, PENDING, ready } from "wakesim";
function sw(k: number) { let left = k; return { poll(cx: any) { if (left === 0) return ready(k); left--; cx.waker.wakeByRef(); return PENDING; } }; }
const N = 200000;
for (const esc of [true, false]) {
  const t = performance.now();
  for (let i = 0; i < N; i++) { const s = new Sim({ seed: i, oracles: { escapes: esc } }); s.spawn(sw(9)); s.spawn(sw(9)); s.spawn(sw(9)); s.run(); }
  console.log("escapes", esc, ((performance.now() - t) / N * 1000).toFixed(3), "us");
}
const t = performance.now();
for (let i = 0; i < N; i++) { const s = new Sim({ seed: i, oracles: false }); s.spawn(sw(9)); s.spawn(sw(9)); s.spawn(sw(9)); s.run(); }
console.log("oracles off", ((performance.now() - t) / N * 1000).toFixed(3), "us");
