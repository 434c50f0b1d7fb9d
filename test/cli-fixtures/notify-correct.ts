/** fixtures/notify.ts's correct scenario alone (see mpsc-correct.ts). */
export { default } from "../../fixtures/notify.js";
