/** Not a scenario file: `wakesim check` lists it as skipped (it exports no scenario). */
export const answer = 42;
