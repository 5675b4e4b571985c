/// <reference lib="webworker" />
import { serveModel } from "../serve";
import { BankConsoleModel } from "./model";

serveModel(({ limit }) => {
  const max = Number(limit);
  return new BankConsoleModel(Number.isInteger(max) && max > 0 ? max : null);
});
