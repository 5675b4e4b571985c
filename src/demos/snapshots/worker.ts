/// <reference lib="webworker" />
import { serveModel } from "../serve";
import { SnapshotSliderModel } from "./model";

serveModel(() => new SnapshotSliderModel(() => performance.now()));
