import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { LABS_DIR } from "../labs/lab-files.node.ts";
import { type LabMeta, labMetaSchema } from "../labs/schema";

/** A lab as the grader needs it: where it lives and what lab.json says. */
export interface Lab {
  slug: string;
  dir: string;
  meta: LabMeta;
  /** Editable and read-only files, as lab code imports them. */
  files: string[];
}

export class LabError extends Error {
  override name = "LabError";
}

/** `bank-account` (a folder of labs/) or a path to a lab folder. */
export function loadLab(nameOrPath: string): Lab {
  const dir = existsSync(join(LABS_DIR, nameOrPath, "lab.json"))
    ? join(LABS_DIR, nameOrPath)
    : resolve(nameOrPath);
  const metaPath = join(dir, "lab.json");
  if (!existsSync(metaPath)) {
    const known = listLabs().join(", ") || "none";
    throw new LabError(`No lab named "${nameOrPath}" (labs: ${known}).`);
  }
  const meta = parseLabMeta(readFileSync(metaPath, "utf8"), metaPath);
  const slug = dir.split(/[\\/]/).filter(Boolean).pop() ?? nameOrPath;
  return { slug, dir, meta, files: [...meta.editable, ...meta.readonly] };
}

/** lab.json, validated, with every problem named by field. */
export function parseLabMeta(text: string, path: string): LabMeta {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new LabError(`${path}: not valid JSON: ${(e as Error).message}`);
  }
  const parsed = labMetaSchema.safeParse(raw);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`);
    throw new LabError(`${path}: ${issues.join("; ")}`);
  }
  return parsed.data;
}

/** Folders of labs/ that hold a lab.json. */
export function listLabs(): string[] {
  if (!existsSync(LABS_DIR)) return [];
  return readdirSync(LABS_DIR)
    .filter((name) => existsSync(join(LABS_DIR, name, "lab.json")))
    .sort();
}

/**
 * Every `.ts` file under a checks folder, as `checks/<relative path>`, sorted: the checks
 * (`*.test.ts`) and any helper they import, the way the browser's catalog reads them.
 */
export function checkFiles(checksDir: string): Record<string, string> {
  const files: Record<string, string> = {};
  const walk = (dir: string, prefix: string) => {
    for (const name of readdirSync(dir).sort()) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path, `${prefix}${name}/`);
      else if (name.endsWith(".ts")) files[`checks/${prefix}${name}`] = readFileSync(path, "utf8");
    }
  };
  walk(checksDir, "");
  return files;
}
