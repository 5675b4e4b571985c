import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, dirname, join } from "node:path";
import { unzipSync } from "fflate";

/**
 * A submission handed in as a zip, such as the lab page's **Download submission** saves
 * (`<lab>-submission.zip` holding `<lab>-submission/<editable files>`). It is unpacked into a
 * fresh temporary folder, which is then graded like any submission folder. An archive is learner
 * input: an entry that would land outside that folder (zip-slip: `../x`, `/etc/x`, `C:\x`) or
 * that is larger than a lab file can sensibly be is refused before anything is written.
 */
export class SubmissionZipError extends Error {
  override name = "SubmissionZipError";
}

export const ZIP_LIMITS = {
  /** The archive itself. */
  archiveBytes: 8 * 1024 * 1024,
  /** One file, unpacked: lab files are a few kilobytes. */
  entryBytes: 1024 * 1024,
  /** Every file, unpacked. */
  totalBytes: 8 * 1024 * 1024,
  entries: 500,
} as const;

export function isZip(path: string): boolean {
  return path.toLowerCase().endsWith(".zip");
}

/** The zip's files by path, with the one folder every file sits in (if any) taken off. */
export function readSubmissionZip(path: string): Map<string, Uint8Array> {
  const name = basename(path);
  const size = statSync(path).size;
  if (size > ZIP_LIMITS.archiveBytes) {
    throw new SubmissionZipError(
      `${name} is ${megabytes(size)}; a submission zip may be at most ${megabytes(ZIP_LIMITS.archiveBytes)}.`,
    );
  }
  let total = 0;
  let count = 0;
  let entries: Record<string, Uint8Array>;
  try {
    entries = unzipSync(readFileSync(path), {
      filter(entry) {
        count += 1;
        if (count > ZIP_LIMITS.entries) {
          throw new SubmissionZipError(
            `${name} holds more than ${ZIP_LIMITS.entries} entries; a submission is a few lab files.`,
          );
        }
        if (entry.name.endsWith("/")) return false; // a folder: made as its files need it
        safePath(entry.name, name);
        const biggest = Math.max(entry.size, entry.originalSize);
        if (biggest > ZIP_LIMITS.entryBytes) {
          throw new SubmissionZipError(
            `${name}: the entry "${entry.name}" is ${megabytes(biggest)} unpacked; a file may be at most ${megabytes(ZIP_LIMITS.entryBytes)}. Nothing was unpacked.`,
          );
        }
        total += biggest;
        if (total > ZIP_LIMITS.totalBytes) {
          throw new SubmissionZipError(
            `${name} unpacks to more than ${megabytes(ZIP_LIMITS.totalBytes)}; a submission is a few lab files. Nothing was unpacked.`,
          );
        }
        return true;
      },
    });
  } catch (e) {
    if (e instanceof SubmissionZipError) throw e;
    throw new SubmissionZipError(`${name} is not a zip that can be read: ${(e as Error).message}.`);
  }
  const files = new Map<string, Uint8Array>();
  for (const [entry, data] of Object.entries(entries)) {
    if (entry.startsWith("__MACOSX/")) continue; // macOS's resource forks, never a lab file
    files.set(safePath(entry, name), data);
  }
  if (files.size === 0) throw new SubmissionZipError(`${name} holds no files.`);
  return withoutCommonFolder(files);
}

/** Unpacks a submission zip into a new temporary folder; `dispose` removes it. */
export function unpackSubmissionZip(path: string): { dir: string; dispose(): void } {
  const files = readSubmissionZip(path);
  const root = mkdtempSync(join(tmpdir(), "grade-zip-"));
  const dir = join(root, basename(path).replace(/\.zip$/i, "") || "submission");
  try {
    for (const [name, data] of files) {
      const target = join(dir, name);
      mkdirSync(dirname(target), { recursive: true });
      writeFileSync(target, data);
    }
  } catch (e) {
    rmSync(root, { recursive: true, force: true });
    throw e;
  }
  return { dir, dispose: () => rmSync(root, { recursive: true, force: true }) };
}

/** The entry's path inside the submission, or an error if it would leave it. */
function safePath(entry: string, zipName: string): string {
  const refuse = (why: string) =>
    new SubmissionZipError(
      `${zipName}: the entry "${entry}" ${why}, outside the submission folder (a zip-slip path). Nothing was unpacked.`,
    );
  if (entry.includes("\\")) throw refuse("uses backslashes, which can lead");
  if (entry.startsWith("/") || /^[A-Za-z]:/.test(entry)) throw refuse("is an absolute path");
  // biome-ignore lint/suspicious/noControlCharactersInRegex: refusing them is the point
  if (/[\u0000-\u001f]/.test(entry)) throw refuse("has control characters in its name, leading");
  const parts = entry.split("/").filter((part) => part !== "" && part !== ".");
  if (parts.includes("..")) throw refuse("climbs out with ..");
  if (parts.length === 0) throw refuse("has no name, leading");
  return parts.join("/");
}

/** `bank-account-submission/account.ts` → `account.ts`, when every file shares that folder. */
function withoutCommonFolder(files: Map<string, Uint8Array>): Map<string, Uint8Array> {
  const firsts = new Set([...files.keys()].map((path) => path.split("/")[0]));
  const [only] = firsts;
  if (firsts.size !== 1 || [...files.keys()].some((path) => !path.includes("/"))) return files;
  return new Map([...files].map(([path, data]) => [path.slice((only as string).length + 1), data]));
}

function megabytes(bytes: number): string {
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}
