/** Thrown by the test kit when the actor under test has stopped and cannot show its state. */
export class StateUnavailable extends Error {
  constructor(path: string) {
    super(`${path} did not answer: it has stopped`);
    this.name = "StateUnavailable";
  }
}
