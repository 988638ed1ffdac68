/** A predicate that cannot be accepted, with the 1-based character position it went wrong at. */
export class PredicateError extends Error {
  constructor(
    readonly reason: string,
    readonly position: number,
  ) {
    super(`Invalid predicate at position ${position}: ${reason}.`);
  }
}
