/// <reference lib="webworker" />
import { serveModel } from "../serve";
import { ClusterModel } from "./model";

serveModel((config) => new ClusterModel(config));
