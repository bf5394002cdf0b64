/**
 * Output locations: checked before any search, written atomically after.
 *
 * `checkOutputDir`/`checkOutputFile` refuse, with one line and exit code 2,
 * a location that cannot work (an existing file where a folder is wanted, a
 * folder where a file is, no permission, a read-only or pseudo-filesystem
 * such as /proc), so no one waits for a search whose results cannot be
 * kept. Each file then goes to a temporary name in its directory and is
 * renamed into place, so an interrupted run leaves old files or new ones,
 * never half a file. Directories are made one level at a time, at most as
 * many steps as the path has parts: Node's recursive mkdir spins forever
 * under /proc.
 */
import { accessSync, constants, existsSync, lstatSync, type Stats, mkdirSync, readdirSync, readFileSync, realpathSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { ExitCode, notWritten } from './exit-codes.js';
import { UsageError, type CliIO } from './io.js';

let counter = 0;

/** An output location refused before anything ran: one line, no hint, exit code 2. */
export class OutputPathError extends UsageError {
  constructor(message: string) {
    super(message, '');
    this.name = 'OutputPathError';
  }
}

/** Kernel pseudo-filesystems: writing there is either refused or means something else. */
const PSEUDO_FILESYSTEMS = new Set([
  'proc', 'sysfs', 'devpts', 'cgroup', 'cgroup2', 'debugfs', 'tracefs', 'securityfs', 'pstore', 'bpf',
  'configfs', 'fusectl', 'mqueue', 'binfmt_misc', 'efivarfs', 'selinuxfs', 'autofs', 'nsfs', 'rpc_pipefs',
]);

interface Mount { readonly point: string; readonly type: string; readonly readOnly: boolean }

/** The mount a path lives on, from /proc/self/mounts (Linux); undefined elsewhere. */
function mountOf(path: string): Mount | undefined {
  let text: string;
  try {
    text = readFileSync('/proc/self/mounts', 'utf8');
  } catch {
    return undefined;
  }
  let best: Mount | undefined;
  for (const line of text.split('\n')) {
    const [, rawPoint, type, options] = line.split(' ');
    if (!rawPoint || !type) continue;
    const point = rawPoint.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8)));
    const inside = path === point || path.startsWith(point.endsWith(sep) ? point : point + sep);
    // Later lines mount over earlier ones at the same point.
    if (inside && (!best || point.length >= best.point.length)) best = { point, type, readOnly: (options ?? '').split(',').includes('ro') };
  }
  return best;
}

/** The deepest part of `path` that exists (bounded by the number of its parts). */
function existingAncestor(path: string): string {
  let p = resolve(path);
  while (!existsSync(p)) {
    const up = dirname(p);
    if (up === p) break;
    p = up;
  }
  return p;
}

/** Why a file operation failed, in words (`EISDIR` -> "it is a folder, not a file"). */
export function reason(e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code;
  switch (code) {
    case 'ENOENT': return 'no such file or folder';
    case 'EACCES': case 'EPERM': return 'permission denied';
    case 'EROFS': return 'a read-only file system';
    case 'ENOSPC': return 'no space left on the device';
    case 'EDQUOT': return 'disk quota exceeded';
    case 'ENOTDIR': return 'part of the path is a file, not a folder';
    case 'EISDIR': return 'it is a folder, not a file';
    case 'ENAMETOOLONG': return 'the name is too long';
    default: return code ?? (e instanceof Error ? e.message : String(e));
  }
}

/** Why nothing can be written inside `dir` (which need not exist yet), or undefined when it can. */
function problemWithDir(dir: string): string | undefined {
  const abs = resolve(dir);
  // Results and their clean-up would mix with the system's own folders.
  if (dirname(abs) === abs) return 'it is the root of the file system; name a folder for the results, such as out/';
  const existing = existingAncestor(abs);
  if (!statSync(existing).isDirectory()) {
    return existing === abs ? 'it is a file, not a folder' : `${existing} is a file, not a folder`;
  }
  const mount = mountOf(realpathSync(existing));
  if (mount && PSEUDO_FILESYSTEMS.has(mount.type)) return `it is under ${mount.point}, a ${mount.type} pseudo-filesystem of the kernel`;
  if (mount?.readOnly) return `${mount.point} is mounted read-only`;
  try {
    accessSync(existing, constants.W_OK | constants.X_OK);
  } catch (e) {
    return `${existing}: ${reason(e)}`;
  }
  return undefined;
}

/**
 * Refuses an output folder that cannot be written (OutputPathError), before
 * any search; `flag` names it to the user (`--out ./afile`). Makes the folder
 * and writes a probe file in it, so what the checks miss (root on a
 * read-only mount, a full disk) shows now rather than after the search.
 */
export function checkOutputDir(dir: string, flag: string): void {
  const problem = problemWithDir(dir) ?? probe(dir);
  if (problem) throw new OutputPathError(`cannot write results to ${flag}: ${problem}`);
}

/** A path ending in a separator: a folder, whatever is (or is not) there yet. */
const namesFolder = (path: string) => /[\\/]$/.test(path);

/** `given` (a file the user named) resolved against `cwd`, keeping a trailing slash, which `checkOutputFile` refuses. */
export function resolveOutputFile(cwd: string, given: string): string {
  const abs = resolve(cwd, given);
  return namesFolder(given) ? `${abs}${sep}` : abs;
}

/** As `checkOutputDir`, for a single output file (`-o FILE`, `simulate --out FILE`). */
export function checkOutputFile(file: string, flag: string): void {
  const abs = resolve(file);
  let problem: string | undefined;
  // resolve() drops a trailing slash, which says the user meant a folder: writing a file there would surprise.
  if (namesFolder(file)) problem = 'it names a folder (it ends with a slash); give a file name';
  else if (existsSync(abs) && statSync(abs).isDirectory()) problem = 'it is a folder, not a file';
  else problem = notRegularFile(abs)
    ?? (existsSync(abs) && !isWritable(abs) ? 'permission denied' : problemWithDir(dirname(abs)) ?? probe(dirname(abs)));
  if (problem) throw new OutputPathError(`cannot write to ${flag}: ${problem}`);
}

/**
 * Why an existing `path` cannot be replaced by the finished file: the file is
 * written beside it and renamed over it (never half-written), which would
 * turn /dev/stdout, a device, a FIFO or a symbolic link into a plain file.
 */
function notRegularFile(path: string): string | undefined {
  let st;
  try {
    st = lstatSync(path);
  } catch {
    return undefined; // not there: it is made
  }
  if (st.isFile()) return undefined;
  const kind = (s: Stats) => (s.isCharacterDevice() || s.isBlockDevice() ? 'a device' : s.isFIFO() ? 'a pipe (FIFO)' : s.isSocket() ? 'a socket' : 'not a regular file');
  if (st.isSymbolicLink()) {
    let to: Stats;
    try {
      to = statSync(path);
    } catch {
      return 'it is a symbolic link whose target does not exist, which would be replaced by the file; give a file name';
    }
    // /dev/stdout leads to a pipe or terminal (/proc/self/fd/1), which has no path of its own.
    if (!to.isFile()) return `it is a symbolic link to ${kind(to)}, which would be replaced by a plain file; give a file name`;
    return `it is a symbolic link, which would be replaced by the file; give the file it points to (${realpathSync(path)}) or another name`;
  }
  return `it is ${kind(st)}, not a regular file (the output is written beside it and renamed over it); give a file name`;
}

function isWritable(path: string): boolean {
  try {
    accessSync(path, constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

function probe(dir: string): string | undefined {
  // What the probe makes it takes back if the folder cannot be made whole (a name too long halfway down).
  const made = existingAncestor(resolve(dir)) === resolve(dir) ? undefined : firstMissing(resolve(dir));
  try {
    ensureDir(dir);
    const tmp = join(dir, `.interleave-probe.${process.pid}.${counter++}`);
    writeFileSync(tmp, '');
    rmSync(tmp, { force: true });
    return undefined;
  } catch (e) {
    if (made !== undefined) rmSync(made, { recursive: true, force: true });
    return reason(e);
  }
}

/** The outermost folder of `abs` that does not exist yet. */
function firstMissing(abs: string): string {
  let p = abs;
  while (!existsSync(dirname(p)) && dirname(p) !== p) p = dirname(p);
  return p;
}

/** Makes `dir` and its missing parents, one level at a time. */
export function ensureDir(dir: string): void {
  const missing: string[] = [];
  let p = resolve(dir);
  while (!existsSync(p)) {
    missing.push(p);
    const up = dirname(p);
    if (up === p) break;
    p = up;
  }
  for (const d of missing.reverse()) {
    try {
      mkdirSync(d);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST' || !statSync(d).isDirectory()) throw e;
    }
  }
}

export function writeFileAtomic(path: string, content: string | Uint8Array): void {
  ensureDir(dirname(path));
  const tmp = join(dirname(path), `.${process.pid}.${counter++}.tmp`);
  try {
    writeFileSync(tmp, content);
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw Object.assign(e as Error, { outputPath: path });
  }
}

/** The first write that failed after the search: the verdict still goes to stdout, the exit code says both. */
export interface WriteFailure {
  readonly path: string;
  readonly reason: string;
}

/**
 * Collects writes that fail after the work is done, instead of losing the
 * verdict to an exception: `attempt` runs a write and remembers the first
 * failure; later writes are skipped (one clear line beats a cascade).
 */
export class OutputWriter {
  failure: WriteFailure | undefined;

  async attempt<T>(path: string, write: () => T | Promise<T>): Promise<T | undefined> {
    if (this.failure) return undefined;
    try {
      return await write();
    } catch (e) {
      this.failure = { path: (e as { outputPath?: string }).outputPath ?? path, reason: reason(e) };
      return undefined;
    }
  }

  /** `writeFileAtomic`, remembering a failure. */
  async write(path: string, content: string | Uint8Array): Promise<boolean> {
    return (await this.attempt(path, () => { writeFileAtomic(path, content); return true; })) === true;
  }

  /** `code`, or, after a failure, says so on stderr and returns the code that says both (see `notWritten`). */
  finish(code: ExitCode, io: Pick<CliIO, 'stderr'>): ExitCode {
    if (!this.failure) return code;
    io.stderr(`interleave: could not write ${this.failure.path} (${this.failure.reason}); the report on stdout is complete, the files under it are not (exit code ${notWritten(code)})`);
    return notWritten(code);
  }
}

/** `path` as the user will read it: relative to `cwd` when that is shorter (diagram paths must not fill the screen). */
export function displayPath(cwd: string, path: string): string {
  const rel = relative(cwd, path) || '.';
  return rel.length < path.length ? rel : path;
}

/** The same for every path of a `files` record. */
export function displayFiles(cwd: string, files: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.entries(files).map(([k, p]) => [k, displayPath(cwd, p)]));
}

/** A directory-safe name for a run: `dm-snapshot-semaphore--writers-2_bios-1`. */
export function runSlug(model: string, params: Readonly<Record<string, string | number>>): string {
  const p = Object.entries(params).map(([k, v]) => `${k}-${v}`).join('_');
  return `${model.replace(/[^A-Za-z0-9-]+/g, '-')}${p ? `--${p}` : ''}`.replace(/[^A-Za-z0-9_.-]/g, '-');
}

/**
 * Removes the folders of `dir` an earlier run wrote, known by the file
 * `marker` each holds (a gate case's result.json, a sweep's explorer), so
 * none is left beside the new ones to show a stale result.
 */
export function clearOldRunFolders(dir: string, marker: string): void {
  if (!existsSync(dir)) return;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.isDirectory() && existsSync(join(dir, entry.name, marker))) rmSync(join(dir, entry.name), { recursive: true, force: true });
  }
}
