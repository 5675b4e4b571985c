export { oldestMember, type Removal, Removals } from "./oldest";
export type { SingletonRecord } from "./records";
export { downRemovalMargin } from "./removal-margin";
export {
  ClusterSingletonManager,
  type ClusterSingletonManagerOptions,
  type SingletonInstance,
} from "./singleton-manager";
