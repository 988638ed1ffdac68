/**
 * Builds one SQL statement out of data-modifying CTEs contributed by several modules, so a state
 * change and everything that must commit with it (history, events, deliveries) is one round trip
 * and atomic without an explicit transaction. Foreign keys between sibling CTEs are checked at the
 * end of the statement.
 */
export class CteStatement {
  private readonly params: unknown[] = [];
  private readonly ctes: string[] = [];

  /** Adds a parameter and returns its placeholder ($n). */
  param(value: unknown): string {
    this.params.push(value);
    return `$${this.params.length}`;
  }

  with(name: string, sql: string): this {
    this.ctes.push(`${name} AS (${sql})`);
    return this;
  }

  /** The statement text and parameters, ending with `finalQuery`. */
  build(finalQuery: string): [string, unknown[]] {
    return [`WITH ${this.ctes.join(',\n')}\n${finalQuery}`, this.params];
  }
}
