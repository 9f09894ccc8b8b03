// The build stopped because its client went away (or, inside, because another stage failed and
// the others were told to stop).
export class BuildCancelledError extends Error {
  constructor() {
    super('Build cancelled');
  }
}
