import type { Argv } from 'yargs';

/**
 * The arguments a command's options builder parses, as yargs infers them from the options
 * themselves (each kebab-case name with its camelCase twin): the builder is the one source, so an
 * option renamed there is a type error wherever the old name is read.
 */
export type ArgsOf<Builder extends (yargs: Argv) => Argv<unknown>> = Awaited<ReturnType<Builder>['argv']>;
