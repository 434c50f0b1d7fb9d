/**
 * fixtures/mpsc.ts's correct scenario alone: that file also exports its buggy twins, which fuzz
 * explores as well (every exported scenario), so a test that needs a file that passes uses this.
 */
export { default } from "../../fixtures/mpsc.js";
