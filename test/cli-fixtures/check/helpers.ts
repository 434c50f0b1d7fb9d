/** Not a scenario file: `wakesim check` lists it as skipped (no default-exported scenario). */
export const answer = 42;
