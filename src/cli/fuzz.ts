/**
 * `wakesim fuzz <file…>`: explore scenario files — every scenario each exports, its default
 * export first, each reported under its own name — print each failure's report (or one JSON
 * document with --json), add failures to the corpus. A file that cannot be used (it fails to
 * load, its setup throws, it spawns no task) is reported in its place and the others are still
 * explored. Exit 1 when any file found a violation; otherwise 2 when a file could not be used or
 * an argument is wrong; otherwise 130 (Ctrl-C) or 143 (SIGTERM) when stopped before the budget
 * was spent; otherwise 0.
 */
import { isSystematic } from "../explore/strategies.js";
import { budgetFrom, parseCommand, parseSeed, parseWatchdog, parseWorkers, parseShard, parseStrategy, simOptionsFrom, EXPLORE_OPTIONS, WATCHDOG_OPTIONS, type Shard } from "./args.js";
import { COMMAND, VERSION } from "./context.js";
import { BLOCK_RUNS } from "./engine.js";
import { CliError, EXIT } from "./errors.js";
import { onInterrupt } from "./interrupt.js";
import { FuzzPool } from "./pool.js";
import { checkCorpusWritable } from "./corpus.js";
import { loadScenarios } from "./load.js";
import { makeProgress, plural } from "./progress.js";
import { watchParent } from "./reexec.js";
import { budgetJson, type FuzzDocument } from "./results.js";
import { exploreAll, loadError, type Item } from "./session.js";
import { colorFor, liveProgress, painter } from "./term.js";
import { HELP } from "./usage.js";

const OPTIONS = { ...EXPLORE_OPTIONS, shard: { type: "string" }, ...WATCHDOG_OPTIONS } as const;

export async function fuzz(argv: readonly string[], name = "fuzz"): Promise<number> {
  const { values, positionals } = parseCommand(name, argv, OPTIONS);
  if (values.help === true) {
    process.stdout.write(`${HELP.fuzz}\n`);
    return EXIT.ok;
  }
  if (positionals.length === 0) throw new CliError(`${name}: name at least one scenario file, e.g. wakesim ${name} fixtures/example.ts (see: wakesim ${name} --help)`);
  // Every argument is checked before the first run.
  const budget = budgetFrom(values);
  const strategy = typeof values.strategy === "string" ? parseStrategy(values.strategy) : "portfolio";
  const seed = typeof values.seed === "string" ? parseSeed(values.seed) : 0;
  const shard: Shard = typeof values.shard === "string" ? parseShard(values.shard) : { index: 0, count: 1 };
  if (isSystematic(strategy) && shard.count > 1) {
    throw new CliError(`--shard cannot split --strategy ${strategy}: it is one deterministic walk, not seeded — run it on one machine, or shard a seeded strategy`);
  }
  const sim = simOptionsFrom(values);
  const corpus = typeof values.corpus === "string" ? values.corpus : null;
  if (corpus === "") throw new CliError("--corpus needs a directory, e.g. --corpus wakesim/corpus");
  if (corpus !== null) checkCorpusWritable(corpus); // before hours of exploring, not after the first find
  const json = values.json === true;
  // --workers N > 1 explores in a pool of N worker threads. The watchdog (default 10s, --watchdog
  // off to opt out) stops a run whose poll never returns: in-process, or in the pool.
  const workers = typeof values.workers === "string" ? parseWorkers(values.workers) : 1;
  const watchdogMs = parseWatchdog(values);
  const pooled = workers > 1;
  if (pooled && isSystematic(strategy)) {
    throw new CliError(`--workers cannot run --strategy ${strategy}: it is one deterministic walk, not seed blocks — run it without --workers, or use a seeded strategy`);
  }
  watchParent(); // when main.ts started this process again with single-threaded GC (reexec.ts)

  // The pool starts first: its workers start and load the files while this thread loads them.
  const pool = pooled ? new FuzzPool(workers, watchdogMs ?? Infinity, positionals) : null;
  // A file that fails to load is reported in its place; the others are still explored.
  const items: Item[] = [];
  // Every scenario a file exports is explored, its default export first (load.ts).
  for (const file of positionals) {
    try {
      for (const { scenario, exportName } of await loadScenarios(file)) items.push({ file, scenario, exportName });
    } catch (e) {
      items.push(loadError(file, e));
    }
  }
  // Nothing to explore: a usage error, said on stderr — with --json, the document (its entries'
  // errors, exit 2) still goes to stdout, so a shard's result file is never empty.
  if (!json && !items.some((x) => "scenario" in x)) {
    await pool?.close();
    const errors = items.map((x) => ("error" in x ? `${x.error.message}${x.error.details === "" ? "" : `\n${x.error.details}`}` : ""));
    throw new CliError(errors.length === 1 ? errors[0]! : `no file could be loaded:\n${errors.join("\n")}`);
  }

  const color = !json && colorFor(process.stdout);
  const interrupt = onInterrupt((line) => process.stderr.write(`\n${line}\n`));
  try {
    const session = await exploreAll(items, {
      strategy,
      seed,
      budget,
      shard,
      sim,
      corpus,
      command: COMMAND,
      color,
      paint: painter(color),
      progress: makeProgress(process.stderr, liveProgress(process.stderr)),
      interrupt,
      pool,
      watchdogMs,
      print: json ? null : (text) => process.stdout.write(`${text}\n`),
      note: (text) => process.stderr.write(`${text}\n`),
    });
    const failed = session.results.filter((r) => !r.ok && r.error === undefined);
    const unusable = session.results.filter((r) => r.error !== undefined);
    const code = failed.length > 0 ? EXIT.violation : unusable.length > 0 ? EXIT.usage : session.interrupted ? interrupt.exitCode : EXIT.ok;
    if (json) {
      const doc: FuzzDocument = {
        wakesim: VERSION,
        command: "fuzz",
        ok: code === EXIT.ok,
        exitCode: code,
        interrupted: session.interrupted,
        ...(interrupt.signal === null ? {} : { signal: interrupt.signal }),
        seed,
        strategy,
        budget: budgetJson(budget),
        shard,
        blockRuns: isSystematic(strategy) ? 0 : BLOCK_RUNS,
        results: session.results,
      };
      process.stdout.write(`${JSON.stringify(doc, null, 2)}\n`);
    } else {
      const p = painter(color);
      const errors = unusable.length === 0 ? "" : `; ${p("red", `${unusable.length} could not be used`)}: ${unusable.map((r) => r.file).join(", ")}`;
      if (session.interrupted) {
        const skipped = session.skipped.map((l) => l.scenario.name);
        const explored = session.results.length - unusable.length;
        process.stdout.write(
          `${p("yellow", "interrupted")} by ${interrupt.signal === "SIGTERM" ? "SIGTERM" : "Ctrl-C"}: ${explored} of ${plural(items.length, "scenario")} explored` +
            `${skipped.length > 0 ? ` (not explored: ${skipped.join(", ")})` : ""}; ${failed.length} failed${errors}\n`,
        );
      } else if (items.length > 1) {
        process.stdout.write(
          failed.length === 0 && unusable.length === 0
            ? `${p("green", "all ok")}: ${items.length} scenarios\n`
            : `${failed.length === 0 ? "" : `${p("red", `${failed.length} of ${items.length} scenarios failed`)}: ${failed.map((r) => r.scenario).join(", ")}`}${failed.length === 0 ? errors.slice(2) : errors}\n`,
        );
      }
    }
    return code;
  } finally {
    interrupt.dispose();
    await pool?.close();
  }
}
