/**
 * Builds one SQL statement out of data-modifying CTEs contributed by several modules, so a state
 * change and everything that must commit with it (history, events, deliveries) is one round trip
 * and atomic without an explicit transaction. Foreign keys between sibling CTEs are checked at the
 * end of the statement.
 */
export class CteStatement {
  private readonly params: unknown[] = [];
  private readonly ctes: string[] = [];
  private readonly columns: string[] = [];

  /** Adds a parameter and returns its placeholder ($n). */
  param(value: unknown): string {
    this.params.push(value);
    return `$${this.params.length}`;
  }

  with(name: string, sql: string): this {
    this.ctes.push(`${name} AS (${sql})`);
    return this;
  }

  /** Adds an output column of `buildSelect` (an expression over the CTEs, usually a json value). */
  select(alias: string, expression: string): this {
    this.columns.push(`(${expression}) AS ${alias}`);
    return this;
  }

  /** The statement text and parameters, ending with one row of the `select` columns. */
  buildSelect(): [string, unknown[]] {
    const columns = this.columns.length > 0 ? this.columns.join(',\n       ') : '1 AS nothing';
    return this.ctes.length > 0 ? this.build(`SELECT ${columns}`) : [`SELECT ${columns}`, this.params];
  }

  /** The statement text and parameters, ending with `finalQuery`. */
  build(finalQuery: string): [string, unknown[]] {
    return [`WITH ${this.ctes.join(',\n')}\n${finalQuery}`, this.params];
  }
}
