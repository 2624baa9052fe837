import type { EntityManager, EntityTarget, ObjectLiteral } from 'typeorm';

/**
 * Multi-row statements for the callback hot path. TypeORM's query builders spend time per
 * parameter that grows with the statement (a batch of a few dozen rows cost milliseconds of
 * CPU), so these build the SQL from the entity metadata directly. Values still go through the
 * driver's own conversion (dates, JSON, booleans), so rows are stored exactly as a TypeORM
 * insert or update would store them, on MySQL and on SQLite alike.
 */

/** Inserts whole entities (every column must be set; nothing is read back). */
export async function insertRows<T extends ObjectLiteral>(
  manager: EntityManager,
  entity: EntityTarget<T>,
  rows: T[],
): Promise<void> {
  if (rows.length === 0) return;
  const metadata = manager.connection.getMetadata(entity);
  const driver = manager.connection.driver;
  const columns = metadata.columns.filter((column) => column.isInsert);
  const params: unknown[] = [];
  const tuple = `(${columns.map(() => '?').join(', ')})`;
  for (const row of rows) {
    for (const column of columns) {
      const value = column.getEntityValue(row, true);
      if (value === undefined) throw new Error(`${metadata.tableName}.${column.propertyName} is not set`);
      params.push(driver.preparePersistentValue(value, column));
    }
  }
  await manager.query(
    `INSERT INTO ${driver.escape(metadata.tableName)} (${columns.map((column) => driver.escape(column.databaseName)).join(', ')}) VALUES ${rows.map(() => tuple).join(', ')}`,
    params,
  );
}

/**
 * One UPDATE for many rows of a table: each listed column set per row id (CASE), the version
 * bumped and updatedAt set, as TypeORM's update does.
 */
export async function updateRows<T extends { id: string }>(
  manager: EntityManager,
  entity: EntityTarget<T>,
  rows: T[],
  properties: Array<keyof T & string>,
): Promise<void> {
  if (rows.length === 0) return;
  const metadata = manager.connection.getMetadata(entity);
  const driver = manager.connection.driver;
  const quote = (name: string) => driver.escape(name);
  const id = quote('id');
  const params: unknown[] = [];
  const assignments = properties.map((property) => {
    const column = metadata.findColumnWithPropertyName(property);
    if (!column) throw new Error(`${metadata.tableName} has no column ${property}`);
    const cases = rows.map((row) => {
      params.push(row.id, driver.preparePersistentValue(row[property], column));
      return 'WHEN ? THEN ?';
    });
    return `${quote(column.databaseName)} = CASE ${id} ${cases.join(' ')} END`;
  });
  if (metadata.versionColumn) {
    const version = quote(metadata.versionColumn.databaseName);
    assignments.push(`${version} = ${version} + 1`);
  }
  if (metadata.updateDateColumn) {
    assignments.push(`${quote(metadata.updateDateColumn.databaseName)} = ?`);
    params.push(driver.preparePersistentValue(new Date(), metadata.updateDateColumn));
  }
  params.push(...rows.map((row) => row.id));
  await manager.query(
    `UPDATE ${quote(metadata.tableName)} SET ${assignments.join(', ')} WHERE ${id} IN (${rows.map(() => '?').join(', ')})`,
    params,
  );
}
