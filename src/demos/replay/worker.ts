/// <reference lib="webworker" />
import { serveModel } from "../serve";
import { ReplayLabModel } from "./model";

serveModel(() => new ReplayLabModel());
