// The JUnit of a merged run, made by Newman's own JUnit reporter from the merged JSON report: the
// same test suites, names and counts a serial run's JUnit has, by construction.
import { EventEmitter } from 'node:events';
import { createRequire } from 'node:module';
import type { NewmanJsonReport } from './merge-json.js';

type Reporter = new (newman: EventEmitter, options: { export?: string }) => unknown;
type CollectionClass = new (json: unknown) => unknown;

export function junitFromJson(report: NewmanJsonReport): string {
  const fromNewman = createRequire(createRequire(import.meta.url).resolve('newman'));
  const JunitReporter = fromNewman('./lib/reporters/junit/index.js') as Reporter;
  const { Collection } = fromNewman('postman-collection') as { Collection: CollectionClass };
  const run = Object.assign(new EventEmitter(), {
    summary: { collection: new Collection(report.collection), run: report.run },
    exports: [] as Array<{ content?: string }>,
  });
  new JunitReporter(run, {});
  run.emit('beforeDone', null, { summary: run.summary });
  return run.exports[0]?.content ?? '';
}
