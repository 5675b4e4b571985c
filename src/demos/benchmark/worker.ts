/// <reference lib="webworker" />
import { serveModel } from "../serve";
import { ReplayBenchmarkModel } from "./model";

serveModel(() => new ReplayBenchmarkModel(() => performance.now()));
