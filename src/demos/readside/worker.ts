/// <reference lib="webworker" />
import { serveModel } from "../serve";
import { ReadSideModel } from "./model";

serveModel(() => new ReadSideModel());
