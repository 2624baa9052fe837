import type { DataSource, EntityManager, EntityTarget, ObjectLiteral } from 'typeorm';

/**
 * SQL for the callback hot path, built from the entity metadata. TypeORM's query builders
 * spend time per parameter that grows with the statement (a batch of a few dozen rows cost
 * milliseconds of CPU), and run one round trip per statement; these build plain statements
 * that a PipelinedTransaction can send together. Values still go through the driver's own
 * conversion (dates, JSON, booleans, transformers) both ways, so rows are stored and read
 * exactly as TypeORM would store and read them, on MySQL and on SQLite alike.
 */

export interface Statement {
  sql: string;
  params: unknown[];
}

/** Runs one statement on the caller's EntityManager (inside its transaction, if any). */
export function runStatement(manager: EntityManager, statement: Statement | undefined): Promise<unknown> {
  if (!statement) return Promise.resolve(undefined);
  return manager.query(statement.sql, statement.params);
}

export function isMysql(source: DataSource): boolean {
  return source.driver.options.type === 'mysql' || source.driver.options.type === 'mariadb';
}

function quote(source: DataSource, name: string): string {
  return source.driver.escape(name);
}

/**
 * Inserts whole entities (every column must be set; nothing is read back). `computed` gives
 * an SQL expression instead of a value for some columns (the event sequence, numbered by the
 * database in the same round trip); it must be built from numbers only, never from input.
 */
export function insertStatement<T extends ObjectLiteral>(
  source: DataSource,
  entity: EntityTarget<T>,
  rows: T[],
  computed: Partial<Record<keyof T & string, (rowIndex: number) => string>> = {},
): Statement | undefined {
  if (rows.length === 0) return undefined;
  const metadata = source.getMetadata(entity);
  const driver = source.driver;
  const columns = metadata.columns.filter((column) => column.isInsert);
  const params: unknown[] = [];
  const tuples = rows.map((row, rowIndex) => {
    const cells = columns.map((column) => {
      const expression = computed[column.propertyName as keyof T & string];
      if (expression) return expression(rowIndex);
      const value = column.getEntityValue(row, true);
      if (value === undefined) throw new Error(`${metadata.tableName}.${column.propertyName} is not set`);
      params.push(driver.preparePersistentValue(value, column));
      return '?';
    });
    return `(${cells.join(', ')})`;
  });
  const names = columns.map((column) => quote(source, column.databaseName)).join(', ');
  return { sql: `INSERT INTO ${quote(source, metadata.tableName)} (${names}) VALUES ${tuples.join(', ')}`, params };
}

export async function insertRows<T extends ObjectLiteral>(
  manager: EntityManager,
  entity: EntityTarget<T>,
  rows: T[],
): Promise<void> {
  await runStatement(manager, insertStatement(manager.connection, entity, rows));
}

/**
 * One UPDATE for many rows of a table: each listed column set per row id (CASE), the version
 * bumped and updatedAt set, as TypeORM's update does. `increment` adds one to a counter column.
 */
export function updateStatement<T extends { id: string }>(
  source: DataSource,
  entity: EntityTarget<T>,
  rows: T[],
  properties: Array<keyof T & string>,
  options: { increment?: keyof T & string } = {},
): Statement | undefined {
  if (rows.length === 0) return undefined;
  const metadata = source.getMetadata(entity);
  const driver = source.driver;
  const id = quote(source, 'id');
  const params: unknown[] = [];
  const assignments = properties.map((property) => {
    const column = metadata.findColumnWithPropertyName(property);
    if (!column) throw new Error(`${metadata.tableName} has no column ${property}`);
    const cases = rows.map((row) => {
      params.push(row.id, driver.preparePersistentValue(row[property], column));
      return 'WHEN ? THEN ?';
    });
    return `${quote(source, column.databaseName)} = CASE ${id} ${cases.join(' ')} END`;
  });
  if (options.increment) {
    const column = metadata.findColumnWithPropertyName(options.increment);
    if (!column) throw new Error(`${metadata.tableName} has no column ${options.increment}`);
    const counter = quote(source, column.databaseName);
    assignments.push(`${counter} = ${counter} + 1`);
  }
  if (metadata.versionColumn) {
    const version = quote(source, metadata.versionColumn.databaseName);
    assignments.push(`${version} = ${version} + 1`);
  }
  if (metadata.updateDateColumn) {
    assignments.push(`${quote(source, metadata.updateDateColumn.databaseName)} = ?`);
    params.push(driver.preparePersistentValue(new Date(), metadata.updateDateColumn));
  }
  params.push(...rows.map((row) => row.id));
  return {
    sql: `UPDATE ${quote(source, metadata.tableName)} SET ${assignments.join(', ')} WHERE ${id} IN (${rows.map(() => '?').join(', ')})`,
    params,
  };
}

/**
 * SELECT of whole rows matching every condition (a value, or a list for IN), optionally
 * locked FOR UPDATE (MySQL only: SQLite transactions are serialised). Read the result with
 * `hydrate`.
 */
export function selectStatement<T extends ObjectLiteral>(
  source: DataSource,
  entity: EntityTarget<T>,
  conditions: Partial<Record<keyof T & string, unknown>>,
  options: { forUpdate?: boolean; properties?: Array<keyof T & string> } = {},
): Statement {
  const metadata = source.getMetadata(entity);
  const driver = source.driver;
  const params: unknown[] = [];
  const columnOf = (property: string) => {
    const column = metadata.findColumnWithPropertyName(property);
    if (!column) throw new Error(`${metadata.tableName} has no column ${property}`);
    return column;
  };
  const where = Object.entries(conditions).map(([property, value]) => {
    const column = columnOf(property);
    const name = quote(source, column.databaseName);
    if (!Array.isArray(value)) {
      params.push(driver.preparePersistentValue(value, column));
      return `${name} = ?`;
    }
    // An empty list matches nothing (IN () is not valid SQL).
    if (value.length === 0) return '1 = 0';
    params.push(...value.map((item: unknown) => driver.preparePersistentValue(item, column)));
    return `${name} IN (${value.map(() => '?').join(', ')})`;
  });
  const columns = options.properties ? options.properties.map(columnOf) : metadata.columns;
  const select = columns.map((column) => quote(source, column.databaseName)).join(', ');
  const lock = options.forUpdate && isMysql(source) ? ' FOR UPDATE' : '';
  return {
    sql: `SELECT ${select} FROM ${quote(source, metadata.tableName)} WHERE ${where.join(' AND ')}${lock}`,
    params,
  };
}

/** Entities from the raw rows of a `selectStatement`, with the driver's conversions applied. */
export function hydrate<T extends ObjectLiteral>(source: DataSource, entity: EntityTarget<T>, rawRows: unknown): T[] {
  const metadata = source.getMetadata(entity);
  const driver = source.driver;
  return (rawRows as Array<Record<string, unknown>>).map((raw) => {
    const row = metadata.create() as T;
    for (const column of metadata.columns) {
      if (column.databaseName in raw)
        column.setEntityValue(row, driver.prepareHydratedValue(raw[column.databaseName], column));
    }
    return row;
  });
}
