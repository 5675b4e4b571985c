import type { V3Results, V3TestResult } from "../labs/results";

/**
 * JUnit XML from v3 results, for CI systems that show test reports (GitHub, GitLab, Jenkins).
 * One `<testsuite>` per task, in task order; a run that could not finish is one `<error>`.
 */
export function junitXml(results: V3Results, suiteName: string): string {
  const groups = new Map<string, V3TestResult[]>();
  for (const test of results.tests) {
    const group = test.name.split(" > ")[0] ?? "checks";
    groups.set(group, [...(groups.get(group) ?? []), test]);
  }
  const count = (status: string) => results.tests.filter((t) => t.status === status).length;
  const runError = results.status === "error" && results.message !== undefined;
  const lines = [
    `<?xml version="1.0" encoding="UTF-8"?>`,
    `<testsuites name="${xml(suiteName)}" tests="${results.tests.length + (runError ? 1 : 0)}" failures="${count("fail")}" errors="${count("error") + (runError ? 1 : 0)}">`,
  ];
  if (runError) {
    lines.push(
      `  <testsuite name="grading" tests="1" failures="0" errors="1">`,
      `    <testcase classname="grading" name="the checks run">`,
      `      <error message="${xml(firstLine(results.message ?? ""))}">${xml(results.message ?? "")}</error>`,
      `    </testcase>`,
      `  </testsuite>`,
    );
  }
  for (const [group, tests] of groups) {
    const failures = tests.filter((t) => t.status === "fail").length;
    const errors = tests.filter((t) => t.status === "error").length;
    lines.push(
      `  <testsuite name="${xml(group)}" tests="${tests.length}" failures="${failures}" errors="${errors}">`,
    );
    for (const test of tests) {
      const name = test.name.split(" > ").slice(1).join(" > ") || test.name;
      const open = `    <testcase classname="${xml(group)}" name="${xml(name)}"`;
      if (test.status === "pass" && !test.output) {
        lines.push(`${open}/>`);
        continue;
      }
      lines.push(`${open}>`);
      if (test.status !== "pass") {
        const tag = test.status === "fail" ? "failure" : "error";
        const message = test.message ?? "";
        lines.push(`      <${tag} message="${xml(firstLine(message))}">${xml(message)}</${tag}>`);
      }
      if (test.output) lines.push(`      <system-out>${xml(test.output)}</system-out>`);
      lines.push("    </testcase>");
    }
    lines.push("  </testsuite>");
  }
  lines.push("</testsuites>", "");
  return lines.join("\n");
}

function firstLine(text: string): string {
  return text.split("\n")[0] ?? "";
}

/** XML-escapes text and drops characters XML 1.0 cannot carry (control codes from output). */
export function xml(text: string): string {
  return (
    text
      // biome-ignore lint/suspicious/noControlCharactersInRegex: removing them is the point
      .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, "")
      .replace(/&/g, "&amp;")
      .replace(/</g, "&lt;")
      .replace(/>/g, "&gt;")
      .replace(/"/g, "&quot;")
  );
}
