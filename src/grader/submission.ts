import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import type { Lab } from "./lab";

/**
 * What the grader takes from a submission folder: the lab's editable files and nothing else.
 * Everything else is listed as ignored, so a learner who shipped a read-only file or a test of
 * their own learns that it played no part.
 */
export interface Submission {
  dir: string;
  /** Editable files found, by name. */
  files: Record<string, string>;
  /** Editable files the folder lacks. */
  missing: string[];
  /** Other files in the folder, relative to it. */
  ignored: string[];
}

/** Folders that are never part of a submission and are not worth listing one file at a time. */
const SKIPPED_DIRS = new Set([".git", "node_modules"]);

export function readSubmission(lab: Lab, dir: string): Submission {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new Error(`The submission folder ${dir} does not exist.`);
  }
  const editable = new Set(lab.meta.editable);
  const files: Record<string, string> = {};
  const ignored: string[] = [];
  const walk = (folder: string, prefix: string) => {
    for (const entry of readdirSync(folder, { withFileTypes: true })) {
      const path = `${prefix}${entry.name}`;
      if (entry.isDirectory()) {
        if (SKIPPED_DIRS.has(entry.name)) ignored.push(`${path}/`);
        else walk(join(folder, entry.name), `${path}/`);
      } else if (entry.isFile() && editable.has(path)) {
        files[path] = readFileSync(join(folder, entry.name), "utf8");
      } else {
        ignored.push(path);
      }
    }
  };
  walk(dir, "");
  const missing = lab.meta.editable.filter((name) => !(name in files));
  return { dir, files, missing, ignored: ignored.sort() };
}
