import BankConsole from "../demos/bank/BankConsole.astro";
import ReplayBenchmark from "../demos/benchmark/ReplayBenchmark.astro";
import ChatThread from "../demos/chat/ChatThread.astro";
import ClusterDemo from "../demos/cluster/ClusterDemo.astro";
import MailboxDemo from "../demos/mailbox/MailboxDemo.astro";
import PersistVsAsync from "../demos/persist/PersistVsAsync.astro";
import ReadSide from "../demos/readside/ReadSide.astro";
import ReplayLab from "../demos/replay/ReplayLab.astro";
import SnapshotSlider from "../demos/snapshots/SnapshotSlider.astro";
import TransferWorkflow from "../demos/transfer/TransferWorkflow.astro";
import Column from "./Column.astro";
import Columns from "./Columns.astro";
import Layout from "./Layout.astro";
import Notes from "./Notes.astro";
import RuntimeOnly from "./RuntimeOnly.astro";
import SiteLink from "./SiteLink.astro";
import SlideId from "./SlideId.astro";
import Step from "./Step.astro";

/** The components every deck may use without importing them, live demos included. */
export const deckComponents = {
  Notes,
  RuntimeOnly,
  SiteLink,
  SlideId,
  Step,
  Columns,
  Column,
  Layout,
  BankConsole,
  ChatThread,
  ClusterDemo,
  MailboxDemo,
  PersistVsAsync,
  ReadSide,
  ReplayBenchmark,
  ReplayLab,
  SnapshotSlider,
  TransferWorkflow,
};
