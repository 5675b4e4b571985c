/// <reference lib="webworker" />
import { serveModel } from "../serve";
import { MailboxModel } from "./model";

serveModel(() => new MailboxModel());
