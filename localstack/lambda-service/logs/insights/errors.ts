/**
 * A query AWS would refuse, or one that uses what this emulation does not support: either way StartQuery
 * answers MalformedQueryException with a QueryCompileError that points at the offending characters.
 */
export class MalformedQueryError extends Error {
  constructor(
    message: string,
    readonly startCharOffset: number,
    readonly endCharOffset: number,
  ) {
    super(message);
    this.name = "MalformedQueryError";
  }
}
