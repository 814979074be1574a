import { Column, ColumnOptions, ValueTransformer } from 'typeorm';

/**
 * Instants are stored as UTC epoch milliseconds in a bigint column: one type that means the
 * same on SQLite and PostgreSQL, whatever the server's or the process's time zone.
 */
const epochMilliseconds: ValueTransformer = {
  to: (value: Date | null | undefined) => (value instanceof Date ? value.getTime() : value),
  from: (value: string | number | null) => (value === null ? null : new Date(Number(value))),
};

export function TimestampColumn(options: Pick<ColumnOptions, 'nullable'> = {}): PropertyDecorator {
  return Column({ type: 'bigint', transformer: epochMilliseconds, ...options });
}
