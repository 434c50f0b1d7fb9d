/**
 * fixtures/mpsc.ts's correct scenario alone, for bench/workers.ts: that file also exports its
 * buggy twins, which `wakesim fuzz` explores as well (every exported scenario), and a bug found
 * would end the command early and exit 1.
 */
export { default } from "../fixtures/mpsc.js";
