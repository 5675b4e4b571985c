import { readFileSync } from "node:fs";
import { parse } from "csv-parse/sync";

/**
 * CSV files that map a submission folder to something: `--roster` (folder → student id) and
 * `--commits` (folder → the learner's commit). Both have a header row naming a `folder` column and
 * the value's column; other columns (a name, an email) are ignored. Every problem names the file
 * and the line.
 */
export class RosterError extends Error {
  override name = "RosterError";
}

export interface FolderMap {
  /** folder → value */
  values: Map<string, string>;
  path: string;
}

export function readFolderMap(
  path: string,
  column: string,
  check?: (value: string) => string | undefined,
): FolderMap {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    throw new RosterError(`${path}: cannot be read (${(e as NodeJS.ErrnoException).code}).`);
  }
  return parseFolderMap(text, path, column, check);
}

export function parseFolderMap(
  text: string,
  path: string,
  column: string,
  check?: (value: string) => string | undefined,
): FolderMap {
  let rows: { record: string[]; info: { lines: number } }[];
  try {
    rows = parse(text, {
      info: true,
      bom: true,
      relax_column_count: true,
      skip_empty_lines: true,
      trim: true,
    }) as unknown as typeof rows;
  } catch (e) {
    const line = (e as { lines?: number }).lines;
    throw new RosterError(`${path}${line ? `:${line}` : ""}: ${(e as Error).message}`);
  }
  const [head, ...body] = rows;
  if (!head) throw new RosterError(`${path}: is empty; it needs a header row: folder,${column}`);
  const names = head.record.map((name) => name.toLowerCase());
  const folderAt = names.indexOf("folder");
  const valueAt = names.indexOf(column);
  if (folderAt < 0 || valueAt < 0) {
    throw new RosterError(
      `${path}:${head.info.lines}: the header must name the columns "folder" and "${column}" (it has: ${head.record.join(", ")})`,
    );
  }
  const values = new Map<string, string>();
  const firstSeen = new Map<string, number>();
  const valueSeen = new Map<string, number>();
  for (const { record, info } of body) {
    const where = `${path}:${info.lines}`;
    const folder = record[folderAt] ?? "";
    const value = record[valueAt] ?? "";
    if (!folder) throw new RosterError(`${where}: the "folder" column is empty.`);
    if (!value) throw new RosterError(`${where}: the "${column}" column is empty for ${folder}.`);
    if (folder.includes("/") || folder.includes("\\") || folder === "." || folder === "..") {
      throw new RosterError(`${where}: "${folder}" is not a folder name (no slashes).`);
    }
    const problem = check?.(value);
    if (problem) throw new RosterError(`${where}: ${problem}`);
    const earlier = firstSeen.get(folder);
    if (earlier !== undefined) {
      throw new RosterError(
        `${where}: the folder "${folder}" is listed twice (first on line ${earlier}).`,
      );
    }
    if (column === "student") {
      const sameStudent = valueSeen.get(value);
      if (sameStudent !== undefined) {
        throw new RosterError(
          `${where}: the student "${value}" is listed twice (first on line ${sameStudent}); each student has one submission folder.`,
        );
      }
      valueSeen.set(value, info.lines);
    }
    firstSeen.set(folder, info.lines);
    values.set(folder, value);
  }
  return { values, path };
}
