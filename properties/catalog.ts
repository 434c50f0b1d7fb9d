/**
 * Every fixture case, gathered from the group catalogs.
 */
import type { BuggyCase, CorrectCase } from "./catalog-types.js";
import * as channels from "./catalog-channels.js";
import * as io from "./catalog-io.js";
import * as sync from "./catalog-sync.js";

const groups = [channels, sync, io];

export const buggyCases: readonly BuggyCase[] = groups.flatMap((g) => g.buggy);
export const correctCases: readonly CorrectCase[] = groups.flatMap((g) => g.correct);
