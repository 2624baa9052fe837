import { Column, CreateDateColumn, PrimaryColumn, UpdateDateColumn, type ValueTransformer } from 'typeorm';

/**
 * Column helpers shared by every entity, so both drivers (SQLite and MySQL) get identical,
 * portable column definitions and migrations generated for each stay in step.
 */

/** BIGINT comes back from mysql2 and sql.js as a string or number; we keep money as a safe integer. */
export const fenTransformer: ValueTransformer = {
  to: (value: number | null | undefined) => value,
  from: (value: string | number | null) => {
    if (value === null || value === undefined) return value;
    const fen = typeof value === 'number' ? value : Number(value);
    if (!Number.isSafeInteger(fen)) throw new Error(`Amount ${value} is not a safe integer of fen`);
    return fen;
  },
};

export function IdColumn(): PropertyDecorator {
  return PrimaryColumn({ type: 'varchar', length: 36 });
}

export function ForeignIdColumn(options: { nullable?: boolean } = {}): PropertyDecorator {
  return Column({ type: 'varchar', length: 36, nullable: options.nullable ?? false });
}

/** Integer minor units (fen). Never a float. */
export function FenColumn(options: { default?: number } = {}): PropertyDecorator {
  return Column({ type: 'bigint', transformer: fenTransformer, default: options.default });
}

export function CreatedAtColumn(): PropertyDecorator {
  return CreateDateColumn({ type: 'datetime', precision: 6 });
}

export function UpdatedAtColumn(): PropertyDecorator {
  return UpdateDateColumn({ type: 'datetime', precision: 6 });
}

export function StringColumn(length: number, options: { nullable?: boolean } = {}): PropertyDecorator {
  return Column({ type: 'varchar', length, nullable: options.nullable ?? false });
}

export function TextColumn(options: { nullable?: boolean } = {}): PropertyDecorator {
  return Column({ type: 'text', nullable: options.nullable ?? false });
}

export function JsonColumn(options: { nullable?: boolean } = {}): PropertyDecorator {
  return Column({ type: 'simple-json', nullable: options.nullable ?? true });
}
