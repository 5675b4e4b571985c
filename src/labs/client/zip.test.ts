import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, it } from "vitest";
import { crc32, zip } from "./zip";

it("computes the standard CRC-32", () => {
  expect(crc32(new TextEncoder().encode("123456789"))).toBe(0xcbf43926);
  expect(crc32(new Uint8Array())).toBe(0);
});

it("writes an archive that unzip and Python's zipfile read back, UTF-8 names and all", () => {
  const files = {
    "bank-account-submission/account.ts": "export const x = 1;\n",
    "bank-account-submission/récupération.ts": "// ünïcödé ✓\n",
  };
  const dir = mkdtempSync(join(tmpdir(), "zip-"));
  const archive = join(dir, "s.zip");
  writeFileSync(archive, zip(files));
  const script =
    "import json,sys,zipfile\nz=zipfile.ZipFile(sys.argv[1])\nassert z.testzip() is None\nprint(json.dumps({n: z.read(n).decode() for n in z.namelist()}))";
  const read = JSON.parse(execFileSync("python3", ["-c", script, archive], { encoding: "utf8" }));
  expect(read).toEqual(files);
  execFileSync("unzip", ["-q", archive, "-d", dir]);
  expect(readFileSync(join(dir, "bank-account-submission/account.ts"), "utf8")).toBe(
    files["bank-account-submission/account.ts"],
  );
});
