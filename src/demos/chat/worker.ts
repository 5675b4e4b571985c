/// <reference lib="webworker" />
import { serveModel } from "../serve";
import { ChatThreadModel } from "./model";

serveModel(() => new ChatThreadModel());
