/// <reference lib="webworker" />
import { serveModel } from "../serve";
import { BankConsoleModel } from "./model";

// The account's upper limit comes in the worker's name ("bank-console:1000"), so the model is
// built before the first message and `reset` rebuilds the same account.
const limit = Number(self.name.split(":")[1]);
serveModel(() => new BankConsoleModel(Number.isFinite(limit) && limit > 0 ? limit : null));
