/**
 * Help texts: `wakesim --help` (all commands) and `wakesim <command> --help`.
 */
import { FAULT_KINDS } from "../chooser/chooser.js";
import { STRATEGY_NAMES } from "../explore/strategies.js";
import { EXECUTOR_NAMES } from "../executors/spec.js";
import { BLOCK_RUNS } from "./engine.js";

const STRATEGIES = STRATEGY_NAMES.join("|");
const EXECUTORS = EXECUTOR_NAMES.join("|");

export const HELP: Record<"fuzz" | "replay" | "check" | "merge", string> = {
  fuzz: `wakesim fuzz <file…> [--runs N] [--time 30s] [--strategy ${STRATEGIES}] [--seed S]
             [--shard i/n] [--corpus DIR] [--json] [--executor ${EXECUTORS}] [--faults all|none|kind,…]
             [--workers N] [--watchdog 10s|off]
  Explores every scenario each file exports (defineScenario({ name, setup })): its default export
  first, then its named ones, each reported under its own name. .ts files load through tsx. A scenario stops at its first failure: the failure is shrunk, its report printed
  with the exact replay command, and the other files still run. (\`run\` is an alias.)
  --runs N        runs per scenario (default 1000 when --time is not given)
  --time T        wall time for all the files together, shared out evenly (500ms, 30s, 2m, 1m30s);
                  with --runs too, each scenario stops at whichever comes first
  --strategy S    portfolio (default), random, pct, swarm, exhaustive
  --seed S        an integer or any word (default 0); the same seed and --runs make the same runs
  --shard i/n     shard i (from 0) of n: runs are made in seed blocks of ${BLOCK_RUNS}; block k is
                  an independent exploration seeded S (k = 0) or "S:bk"; shard i takes blocks
                  i, i+n, i+2n, … so shards never overlap, and n shards with --runs N explore
                  what one machine would with --runs n·N. Not with --strategy exhaustive.
  --corpus DIR    add each failure to the regression corpus DIR (one JSON file per distinct
                  failure — scenario, oracle and diagnosis —, written atomically; see check)
  --json          print one JSON document on stdout instead of reports (progress stays on stderr)
  --executor E    ${EXECUTOR_NAMES.join(", ")}; a replay must repeat it (the command printed does).
                  A scenario that ships its own executor (options.executor: a factory) keeps it,
                  with a note; one that names a built-in executor in its options is run on E
  --faults F      fault kinds the chooser may inject: all, none, or ${FAULT_KINDS.join(",")}
  --workers N     explore in N worker threads (default 1: in this process), one seed block of
                  ${BLOCK_RUNS} runs at a time each; with --runs the same blocks make the same runs and the
                  failure reported is the first by block order, as without workers. Starting
                  the workers costs ~0.7 s, so use them for long budgets (--time, big --runs);
                  scenarios with asyncBlock(function* …) in setup gain little (README: Fast scenarios)
  --watchdog T    stop a run whose poll does not return within T (default 10s; off: no watchdog)
                  — a loop in a future that never ends —, report it with the task, the future it
                  awaited and a replay token, and go on with the next run; a scenario stops after
                  3 hangs. In this process each slice of runs runs under a vm timeout (Ctrl-C
                  still stops it); with --workers, each worker watches itself. A scenario with
                  async tasks is explored in a worker whose heartbeat this process watches (an
                  endless loop in an async function, or a promise chain that never waits, cannot be
                  stopped in its own thread); the report gives its step. Hangs are not added
                  to the corpus
  -h, --help      this text
  Exit 1 when any file found a violation or a hang (its report is printed, even when the corpus
  could not be written); otherwise 2 when a file could not be used — it failed to load, its setup
  threw, it spawned no task: each is reported in its place and the other files are still
  explored — or an argument is wrong; otherwise 130 (Ctrl-C) or 143 (SIGTERM) when stopped
  before the budget was spent, after printing what was explored; otherwise 0.`,

  replay: `wakesim replay <file> <token> [--executor E] [--trace out.json] [--html out.html] [--watchdog 10s|off]
  Reruns the run a token was printed for, with its full trace, and prints the report. When the
  file exports several scenarios, the one the token names is replayed.
  Exit 1 when it still fails, 0 when that schedule now passes.
  --trace F       write the run as Chrome trace-event JSON (open in https://ui.perfetto.dev or
                  chrome://tracing): a lane per task and one for the reactor, wakes as arrows
  --html F        write a self-contained HTML report (no network): the report, SVG lanes with wake
                  arrows, "never woken" markers, and a button to download the trace JSON
  --executor E    the executor of the original run, when it was not the default
  --watchdog T    when the run does not return within T (default 10s; off: no watchdog) — a
                  poll that never returns, as fuzz reports it —, stop it, name the task and the
                  future, and exit 1 instead of hanging
  -h, --help      this text`,

  check: `wakesim check [DIR] [--corpus DIR] [--runs N] [--time T] [--strategy S] [--seed S] [--json]
                [--executor E] [--faults F] [--workers N] [--watchdog 10s|off]
  The CI gate. DIR is the directory of scenario files (default: ./wakesim). First replays every
  entry of the regression corpus (default: DIR/corpus); each must now pass — one that still fails
  fails the gate, by name; a damaged entry is named and the others still run. Then fuzzes every
  scenario file under DIR (*.ts, *.js, … — not *.test.*, *.spec.*, *.d.ts, node_modules or dot
  directories; every scenario a file exports; files that export none are listed as skipped) with the budget
  (--runs per scenario, default 1000; --time for all of them), adding new failures to the corpus.
  Prints a summary table; --json prints one document instead. Exit 1 when an entry still fails or
  fuzzing found a failure; otherwise 2 when an entry or a scenario file could not be used (it
  failed to load, its setup threw, it spawned no task); otherwise 130/143 after Ctrl-C/SIGTERM.
  --corpus DIR    the regression corpus (default DIR/corpus); must be writable: new failures go there
  --runs N        runs per scenario (default 1000 when --time is not given)
  --time T        wall time for all the scenarios together (30s, 5m, 1m30s)
  --strategy S    ${STRATEGY_NAMES.join(", ")} (default portfolio)
  --seed S        an integer or any word (default 0)
  --executor E    ${EXECUTOR_NAMES.join(", ")}
  --faults F      fault kinds the chooser may inject: all, none, or ${FAULT_KINDS.join(",")}
  --workers N     as for fuzz: explore in N worker threads
  --watchdog T    as for fuzz (default 10s; off: no watchdog): stops a corpus replay or a run whose
                  poll never returns, and the hang fails the gate by name — the gate never hangs
  --json          print one JSON document on stdout instead of the table
  -h, --help      this text`,

  merge: `wakesim merge <results.json…> [--json] [--allow-missing]
  Combines the \`fuzz --json\` documents of the shards of one exploration (--shard 0/n … n-1/n):
  per scenario the runs, steps and schedules summed, every failure with its replay command, the
  PCT residual-miss bound over all the shards' clean PCT runs; names missing and duplicate shards.
  Exit 1 when any shard found a failure; otherwise 2 when an input cannot be used, a shard is
  given twice, a shard is missing (its job died, or its results were not uploaded), or a shard
  could not use a scenario file.
  --json          print one JSON document on stdout
  --allow-missing merge the shards that are there: a missing shard is a warning, not an error
  -h, --help      this text
  A CI matrix (GitHub Actions), 4 machines that never explore the same seed block:
    strategy: { matrix: { shard: [0, 1, 2, 3] } }
    run: npx wakesim fuzz wakesim/*.ts --time 10m --shard \${{ matrix.shard }}/4 --json > results/shard-\${{ matrix.shard }}.json
    then, in a job that needs them all (with if: always(), as a shard that finds a bug exits 1)
    and has their results/ uploaded as artifacts:
    run: npx wakesim merge results/*.json
  (a Kubernetes indexed job uses --shard $JOB_COMPLETION_INDEX/N, a Slurm array
  --shard $SLURM_ARRAY_TASK_ID/N with --array=0-(N-1).)`,
};

export const USAGE = `wakesim — deterministic simulation testing for poll-based futures

usage:
  wakesim fuzz <file…> [--runs N | --time 30s] [--strategy S] [--seed S] [--shard i/n] [--corpus DIR] [--json]
               [--executor E] [--faults F] [--workers N] [--watchdog 10s|off]
  wakesim replay <file> <token> [--trace out.json] [--html out.html] [--executor E] [--watchdog 10s|off]
  wakesim check [DIR] [--corpus DIR] [--runs N | --time 5m] [--strategy S] [--seed S] [--json]
                [--executor E] [--faults F] [--workers N] [--watchdog 10s|off]
  wakesim merge <results.json…> [--json] [--allow-missing]
  wakesim <command> --help     details of one command (every command takes -h, --help)
  wakesim --version

exit codes: 0 clean; 1 a violation was found (or still reproduces) — in any file, even if others
could not be used; otherwise 2 a usage or configuration error (the message names the argument or
file: a scenario file that failed to load, whose setup threw or that spawned no task — the other
files are still explored —, a missing shard in merge); otherwise 130 or 143 when stopped by Ctrl-C
or SIGTERM before the budget was spent (what was explored so far is printed).
Colour only on a terminal (or with FORCE_COLOR), never with a non-empty NO_COLOR.`;
