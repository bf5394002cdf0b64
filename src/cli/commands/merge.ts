/**
 * `interleave merge DIR...`: the final job of a CI matrix. Reads the part
 * each shard wrote (`gate --shard`, `sweep --shard`, `swarm --job`),
 * refuses parts that do not belong together, names missing or duplicated
 * shards, and writes what one machine would have written, with its exit code.
 */
import { join, relative, resolve } from 'node:path';
import { parseArgs, takeString } from '../args.js';
import { ExitCode } from '../exit-codes.js';
import type { GatePartBody } from '../gate-outputs.js';
import { UsageError, type CliIO } from '../io.js';
import { mergeGate } from '../merge-gate.js';
import { finishDiff, finishMinimize, mergeDiffParts, mergeMinimizeParts, type DiffPartBody, type MinimizePartBody } from '../grid-outputs.js';
import { checkOutputDir, OutputWriter, runSlug } from '../out-dir.js';
import { checkParts, findParts, readPart, type LoadedPart } from '../part-file.js';
import { createReporter } from '../reporter.js';
import { mergeSweep, type SweepPartBody } from '../sweep-outputs.js';
import { mergeSwarm, type SwarmPartBody } from '../swarm-outputs.js';

export const MERGE_USAGE = `usage: interleave merge DIR... [--out DIR] [--json | --quiet]

Combines the parts written by the jobs of a CI matrix into the output one
machine would have written:
  gate --shard I/N   -> junit.xml, summary.md, gate.json (and cases/), equal
                        to an unsharded gate's except for timings; exit code
                        as the gate's (0 every expectation holds, 1 not)
  sweep --shard I/N  -> sweep.md and sweep.json, equal to an unsharded sweep's
                        except for timings
  diff --shard I/N   -> the diff JSON, equal to an unsharded diff's but for timings
  minimize --shard I/N -> minimize.json: the same smallest failing
                        configurations; "checked" and "skipped" are the shards'
                        sums (a shard cannot skip what another shard's failure
                        dominates)
  swarm --job I      -> swarm.json: the shortest violation any job found, as a
                        trace \`interleave replay\` re-runs (exit code 1), or "no
                        violation found by N jobs covering about X states",
                        verdict unknown, never ok (exit code 3)

DIR is a shard's --out directory (holding part.json), or a directory whose
subdirectories are (as CI artifact downloads lay them out). Parts written by
different interleave versions, from different gate files or grids, or with
different models are refused, and so are missing and duplicated shards.

--out DIR   where the merged output goes (default: as the unsharded command's:
            out/gate, out/sweep/<model>, out/diff, out/minimize/<model>,
            out/swarm/<model>)
--json      print only the merged JSON
--quiet     print only the summary line

exit codes: as the unsharded command's; 2 parts missing, duplicated or not
            belonging together`;

export async function mergeCommand(argv: readonly string[], io: CliIO): Promise<ExitCode> {
  const args = parseArgs(argv, new Set(['json', 'quiet', 'help']));
  if (args.switches.has('help')) {
    io.stdout(MERGE_USAGE);
    return ExitCode.Ok;
  }
  const outText = takeString(args, 'out');
  if (args.values.size > 0) throw new UsageError(`merge takes no option --${[...args.values.keys()][0]}`, 'see interleave merge --help');
  if (args.positionals.length === 0) throw new UsageError('merge needs the shards\' out directories', 'e.g. interleave merge parts/shard-1 parts/shard-2 parts/shard-3');
  const found = findParts(args.positionals, (p) => resolve(io.cwd, p));
  const parts = checkParts(found.map((f): LoadedPart => ({ ...readPart(f.file, f.shown), dir: f.dir })));
  const mode = args.switches.has('json') ? 'json' : args.switches.has('quiet') ? 'quiet' : 'human';
  const rel = (p: string) => relative(io.cwd, p) || '.';
  const kind = parts[0].kind;
  const defaultOut = kind === 'gate' ? join('out', 'gate')
    : kind === 'sweep' ? join('out', 'sweep', runSlug((parts[0].body as SweepPartBody).input.model, {}))
    : kind === 'swarm' ? join('out', 'swarm', runSlug((parts[0].body as SwarmPartBody).definition, {}))
    : kind === 'minimize' ? join('out', 'minimize', runSlug((parts[0].body as MinimizePartBody).model, {}))
    : join('out', 'diff');
  const outDir = resolve(io.cwd, outText ?? defaultOut);
  checkOutputDir(outDir, outText !== undefined ? `--out ${outText}` : rel(outDir));
  const writer = new OutputWriter();
  const reporter = await createReporter(io, { mode, multiRun: false });
  try {
    if (kind === 'gate') return await mergeGate(parts as Array<LoadedPart<GatePartBody>>, { io, mode, reporter, writer, outDir, relative: rel });
    if (kind === 'sweep') return await mergeSweep(parts as Array<LoadedPart<SweepPartBody>>, { io, mode, reporter, writer, outDir });
    if (kind === 'swarm') return await mergeSwarm(parts as Array<LoadedPart<SwarmPartBody>>, { io, mode, writer, outDir, relative: rel });
    const json = mode === 'json';
    if (kind === 'minimize') return await finishMinimize(mergeMinimizeParts(parts as Array<LoadedPart<MinimizePartBody>>), { io, json, writer, outDir });
    return await finishDiff(mergeDiffParts(parts as Array<LoadedPart<DiffPartBody>>), { io, json, writer, outDir });
  } finally {
    await reporter.dispose();
  }
}
