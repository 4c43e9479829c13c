#!/usr/bin/env node
/**
 * `temporal-native` command line. `dev-server` runs the embedded Temporal dev server until SIGINT or
 * SIGTERM:
 *
 *   npx temporal-native dev-server --port 7233 [--ip 127.0.0.1] [--db FILE] [--namespace NAME]...
 *     [--tls-cert FILE --tls-key FILE [--tls-client-ca FILE]] [--api-key KEY]
 *
 * `--api-key` may also come from TEMPORAL_DEV_SERVER_API_KEY, which other users of the machine cannot
 * read from the process list.
 */
import { startDevServer, type DevServerOptions } from './devserver';
import { InvalidOptionError } from './common/options-validation';

const USAGE =
  'usage: temporal-native dev-server [--port N] [--ip ADDR] [--db FILE] [--namespace NAME]...\n' +
  '         [--tls-cert FILE --tls-key FILE [--tls-client-ca FILE]] [--api-key KEY (or env TEMPORAL_DEV_SERVER_API_KEY)]';

class UsageError extends Error {}

/** The flag behind each option that `startDevServer` may refuse, so the message names what was typed. */
const OPTION_FLAGS: Record<string, string> = {
  'tls.cert': '--tls-cert',
  'tls.key': '--tls-key',
  'tls.clientCa': '--tls-client-ca',
  apiKey: '--api-key',
};

/**
 * Parses `dev-server` flags; throws UsageError naming the bad flag.
 *
 * @example
 * ```ts
 * parseDevServerArgs(['--port', '0', '--db', 'dev.sqlite']); // { port: 0, namespaces: [], dbPath: 'dev.sqlite' }
 * ```
 */
export function parseDevServerArgs(args: string[], env: NodeJS.ProcessEnv = {}): DevServerOptions {
  const options: DevServerOptions = { port: 7233, namespaces: [] };
  const tls: { cert?: string; key?: string; clientCa?: string } = {};
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
      case '--tls-cert':
        tls.cert = value();
        break;
      case '--tls-key':
        tls.key = value();
        break;
      case '--tls-client-ca':
        tls.clientCa = value();
        break;
      case '--api-key':
        options.apiKey = value();
        break;
      case '--help':
      case '-h':
        throw new UsageError('');
      default:
        throw new UsageError(`unknown flag ${JSON.stringify(flag)}`);
    }
  }
  if (tls.cert !== undefined || tls.key !== undefined || tls.clientCa !== undefined) {
    if (tls.cert === undefined) throw new UsageError('--tls-cert is required with --tls-key or --tls-client-ca');
    if (tls.key === undefined) throw new UsageError('--tls-key is required with --tls-cert');
    options.tls = { cert: tls.cert, key: tls.key, ...(tls.clientCa === undefined ? {} : { clientCa: tls.clientCa }) };
  }
  const envKey = env.TEMPORAL_DEV_SERVER_API_KEY;
  if (options.apiKey === undefined && envKey !== undefined && envKey !== '') options.apiKey = envKey;
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
    options = parseDevServerArgs(rest, process.env);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    process.stderr.write(`${err.message ? `${err.message}\n` : ''}${USAGE}\n`);
    return err.message ? 2 : 0;
  }
  let server: Awaited<ReturnType<typeof startDevServer>>;
  try {
    server = await startDevServer(options);
  } catch (err) {
    // A bad certificate, key or API key is a usage problem: name it, no stack trace.
    if (!(err instanceof InvalidOptionError)) throw err;
    const flag = OPTION_FLAGS[err.field];
    process.stderr.write(`temporal-native: ${flag === undefined ? err.message : `${flag}: ${err.message}`}\n`);
    return 2;
  }
  const security = [options.tls ? (options.tls.clientCa ? 'mTLS' : 'TLS') : 'plaintext', ...(options.apiKey ? ['API key required'] : [])].join(', ');
  process.stdout.write(
    `Temporal dev server listening on ${server.address} (namespace "default"${options.dbPath ? `, db ${options.dbPath}` : ', in memory'}, ${security})\n`,
  );
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
