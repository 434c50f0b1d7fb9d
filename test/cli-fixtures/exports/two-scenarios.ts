/**
 * A scenario file with a correct default export and a buggy named one: fuzz and check must
 * explore both (the named one was once skipped without a word), and the replay command printed
 * for the named one's failure must reproduce it.
 */
export { default } from "../../../fixtures/notify.js"; // notify-correct
export { default as buggy } from "../../../fixtures/example.js"; // example-buggy-notify: a lost wakeup
