import { Ajv, type ValidateFunction } from "ajv";
import classroom50 from "./schemas/classroom50-result.schema.json" with { type: "json" };
import exercism from "./schemas/exercism-v3.schema.json" with { type: "json" };
import grades from "./schemas/grades.schema.json" with { type: "json" };
import gradescope from "./schemas/gradescope-results.schema.json" with { type: "json" };
import provenance from "./schemas/provenance.schema.json" with { type: "json" };

/**
 * The JSON schemas of the grader's outputs (src/grader/schemas/), compiled once. The tests hold
 * every output to them; `merge` checks the grades files it reads against `grades`.
 */
const ajv = new Ajv({ allErrors: true });
for (const schema of [provenance, grades, exercism, gradescope, classroom50]) ajv.addSchema(schema);

const compiled = (id: string): ValidateFunction => ajv.getSchema(id) as ValidateFunction;

export const validators = {
  exercism: compiled("exercism-v3.schema.json"),
  gradescope: compiled("gradescope-results.schema.json"),
  classroom50: compiled("classroom50-result.schema.json"),
  provenance: compiled("provenance.schema.json"),
  grades: compiled("grades.schema.json"),
};

/** `/tests/0/status must be equal to one of the allowed values`, one per line. */
export function schemaProblems(validate: ValidateFunction, data: unknown): string[] {
  if (validate(data)) return [];
  return (validate.errors ?? []).map((e) => `${e.instancePath || "(root)"} ${e.message}`);
}
