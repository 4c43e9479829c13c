#!/usr/bin/env node
/**
 * `temporal-native` command line. `dev-server` runs the embedded Temporal dev server until SIGINT or
 * SIGTERM:
 *
 *   npx temporal-native dev-server --port 7233 [--ip 127.0.0.1] [--db FILE] [--namespace NAME]...
 */
import { startDevServer, type DevServerOptions } from './devserver';

const USAGE = 'usage: temporal-native dev-server [--port N] [--ip ADDR] [--db FILE] [--namespace NAME]...';

class UsageError extends Error {}

/**
 * Parses `dev-server` flags; throws UsageError naming the bad flag.
 *
 * @example
 * ```ts
 * parseDevServerArgs(['--port', '0', '--db', 'dev.sqlite']); // { port: 0, namespaces: [], dbPath: 'dev.sqlite' }
 * ```
 */
export function parseDevServerArgs(args: string[]): DevServerOptions {
  const options: DevServerOptions = { port: 7233, namespaces: [] };
  for (let i = 0; i < args.length; i++) {
    const flag = args[i];
    const [name, inline] = flag.includes('=') ? [flag.slice(0, flag.indexOf('=')), flag.slice(flag.indexOf('=') + 1)] : [flag, undefined];
    const value = (): string => {
      const v = inline ?? args[++i];
      if (v === undefined || v === '') throw new UsageError(`${name} needs a value`);
      return v;
    };
    switch (name) {
      case '--port': {
        const v = value();
        const port = Number(v);
        if (!/^\d+$/.test(v) || port > 65535) throw new UsageError(`--port must be an integer in 0..65535, got ${JSON.stringify(v)}`);
        options.port = port;
        break;
      }
      case '--ip':
        options.ip = value();
        break;
      case '--db':
        options.dbPath = value();
        break;
      case '--namespace':
        options.namespaces!.push(value());
        break;
      case '--help':
      case '-h':
        throw new UsageError('');
      default:
        throw new UsageError(`unknown flag ${JSON.stringify(flag)}`);
    }
  }
  return options;
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command !== 'dev-server') {
    process.stderr.write(`${command ? `unknown command ${JSON.stringify(command)}\n` : ''}${USAGE}\n`);
    return 2;
  }
  let options: DevServerOptions;
  try {
    options = parseDevServerArgs(rest);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    process.stderr.write(`${err.message ? `${err.message}\n` : ''}${USAGE}\n`);
    return err.message ? 2 : 0;
  }
  const server = await startDevServer(options);
  process.stdout.write(`Temporal dev server listening on ${server.address} (namespace "default"${options.dbPath ? `, db ${options.dbPath}` : ', in memory'})\n`);
  await new Promise<void>((resolve) => {
    const stop = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  await server.stop();
  process.stdout.write('Temporal dev server stopped\n');
  return 0;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      process.stderr.write(`temporal-native: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exitCode = 1;
    },
  );
}
