/// <reference lib="webworker" />
import { serveModel } from "../serve";
import { PersistVsAsyncModel } from "./model";

serveModel(() => new PersistVsAsyncModel());
