/// <reference lib="webworker" />
import { serveModel } from "../serve";
import { TransferWorkflowModel } from "./model";

serveModel(() => new TransferWorkflowModel());
