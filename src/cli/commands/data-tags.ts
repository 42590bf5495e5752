import type { Command } from 'commander'
import { InvalidParameterError } from '../../shared/errors.js'
import { withLathe } from '../context.js'

/** `KEY=VALUE` pairs of a version's tags, for tables. */
export function formatTags(tags: Readonly<Record<string, string>>): string {
  return Object.entries(tags)
    .map(([key, value]) => `${key}=${value}`)
    .join(', ')
}

/** `lathe data tag REF KEY VALUE` and `lathe data tag REF KEY --delete`. */
export function registerTagCommand(data: Command): void {
  data
    .command('tag <ref> <key> [value]')
    .description('set tag KEY of a dataset version (name:3, name@golden) to VALUE, or --delete it')
    .option('-d, --delete', 'remove the tag')
    .option('--json', 'print the version as JSON')
    .action(
      async (
        ref: string,
        key: string,
        value: string | undefined,
        options: { delete?: boolean; json?: boolean },
        command: Command,
      ) =>
        withLathe(command, async (lathe) => {
          if (!options.delete && value === undefined)
            throw new InvalidParameterError('Give the tag a VALUE, or --delete it')
          const version = options.delete
            ? await lathe.data.tags.delete(ref, key)
            : await lathe.data.tags.set(ref, key, value!)
          if (options.json) return console.log(JSON.stringify(version, null, 2))
          const shown = `${version.name}:${version.version}`
          console.log(
            options.delete ? `Removed tag ${key} of ${shown}` : `${shown} ${key}=${value}`,
          )
        }),
    )
}
