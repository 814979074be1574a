import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { MIGRATIONS } from '../../migrations';

describe('migrations/index.ts', () => {
  it('lists every migration file in migrations/, oldest first', () => {
    const dir = join(__dirname, '..', '..', 'migrations');
    const files = readdirSync(dir)
      .filter((file) => /^\d+-\w+\.ts$/.test(file))
      .sort();
    // A migration class is named <Name><timestamp>; its file <timestamp>-<Name>.ts.
    const expected = files.map((file) => {
      const [, timestamp, name] = /^(\d+)-(\w+)\.ts$/.exec(file)!;
      return `${name}${timestamp}`;
    });
    expect(MIGRATIONS.map((migration) => migration.name)).toEqual(expected);
  });
});
