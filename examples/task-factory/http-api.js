'use strict';
// The admin and ingress HTTP API (JSON in, JSON out) over a TaskFactory. Errors are
// `{ "error": { "code", "field"?, "message" } }`: 400 bad input (naming the field), 404, 409 when the
// definition's state forbids the action, 502 when Temporal failed, 500 for anything else.
const http = require('node:http');
const { ServiceError } = require('temporal-native');
const { InputError } = require('./definitions');
const { NotFoundError, ConflictError } = require('./factory');

const MAX_BODY_BYTES = 1 << 20;

class HttpError extends Error {
  constructor(status, code, message, field) {
    super(message);
    this.status = status;
    this.code = code;
    this.field = field;
  }
}

function readJson(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    let size = 0;
    req.on('data', (chunk) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new HttpError(413, 'too_large', `the body is over ${MAX_BODY_BYTES} bytes`));
        req.destroy();
      } else chunks.push(chunk);
    });
    req.on('error', reject);
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      if (text.trim() === '') return resolve({});
      try {
        resolve(JSON.parse(text));
      } catch (err) {
        reject(new InputError('(body)', `is not valid JSON: ${err.message}`));
      }
    });
  });
}

function toHttpError(err) {
  if (err instanceof HttpError) return err;
  if (err instanceof InputError) return new HttpError(400, 'invalid_field', err.message, err.field);
  if (err instanceof NotFoundError) return new HttpError(404, 'not_found', err.message);
  if (err instanceof ConflictError) return new HttpError(409, 'conflict', err.message, err.field);
  if (err instanceof URIError) return new HttpError(400, 'invalid_path', err.message);
  if (err instanceof ServiceError) return new HttpError(502, 'upstream_failed', `${err.name}: ${err.message}`);
  return new HttpError(500, 'internal', `${err.name ?? 'Error'}: ${err.message}`);
}

/** Routes: [method, pattern, handler(params, body, query)]. */
function routes(factory) {
  const { repo } = factory;
  return [
    ['GET', /^\/health$/, () => ({ status: 200, body: { ok: true } })],
    ['GET', /^\/definitions$/, () => ({ status: 200, body: repo.listDefinitions() })],
    ['POST', /^\/definitions$/, async (_, body) => ({ status: 201, body: await factory.createDefinition(body) })],
    ['GET', /^\/definitions\/([^/]+)$/, ([id]) => ({ status: 200, body: factory.get(id) })],
    ['PUT', /^\/definitions\/([^/]+)$/, async ([id], body) => ({ status: 200, body: await factory.updateDefinition(id, body) })],
    ['DELETE', /^\/definitions\/([^/]+)$/, async ([id]) => (await factory.deleteDefinition(id), { status: 204 })],
    ['GET', /^\/definitions\/([^/]+)\/schedule$/, async ([id]) => ({ status: 200, body: await factory.schedule(id) })],
    ['POST', /^\/definitions\/([^/]+)\/trigger$/, async ([id]) => ({ status: 202, body: await factory.trigger(id) })],
    ['POST', /^\/definitions\/([^/]+)\/backfill$/, async ([id], body) => ({ status: 202, body: await factory.backfill(id, body) })],
    ['POST', /^\/definitions\/([^/]+)\/pause$/, async ([id], body) => ({ status: 200, body: await factory.setPaused(id, true, body.note) })],
    ['POST', /^\/definitions\/([^/]+)\/resume$/, async ([id]) => ({ status: 200, body: await factory.setPaused(id, false) })],
    ['POST', /^\/events$/, async (_, body) => ({ status: 202, body: await factory.ingestEvent(body) })],
    ['GET', /^\/runs$/, (_, __, query) => ({ status: 200, body: repo.listRuns(query.get('definition') ?? undefined) })],
    [
      'GET',
      /^\/tasks$/,
      (_, __, query) => ({
        status: 200,
        body: repo.listTasks({ run: query.get('run') ?? undefined, status: query.get('status') ?? undefined, kind: query.get('kind') ?? undefined, definition: query.get('definition') ?? undefined }),
      }),
    ],
    [
      'POST',
      /^\/tasks\/(\d+)\/complete$/,
      (([id], body) => {
        const done = repo.completeTaskById(Number(id), body.result);
        if (!done) throw new NotFoundError(`task ${id} does not exist`);
        if (!done.changed) throw new ConflictError('status', `task ${id} is already done`);
        return { status: 200, body: done.task };
      }),
    ],
  ];
}

/** Starts the API on `port` (0: any free one) at 127.0.0.1; resolves once it listens. */
function startHttpApi(factory, { port = 0, host = '127.0.0.1', log = () => undefined } = {}) {
  const table = routes(factory);
  const server = http.createServer(async (req, res) => {
    const send = (status, body) => {
      res.writeHead(status, body === undefined ? {} : { 'content-type': 'application/json' });
      res.end(body === undefined ? undefined : JSON.stringify(body));
    };
    try {
      const url = new URL(req.url ?? '/', 'http://localhost');
      const path = url.pathname.replace(/\/+$/, '') || '/';
      const matching = table.filter(([, pattern]) => pattern.test(path));
      const route = matching.find(([method]) => method === req.method);
      if (!route) throw matching.length ? new HttpError(405, 'method_not_allowed', `${req.method} is not allowed on ${path}`) : new HttpError(404, 'not_found', `no route ${path}`);
      const params = route[1].exec(path).slice(1).map(decodeURIComponent);
      const body = ['POST', 'PUT'].includes(req.method ?? '') ? await readJson(req) : undefined;
      if (body !== undefined && (typeof body !== 'object' || body === null || Array.isArray(body))) throw new InputError('(body)', 'must be a JSON object');
      const result = await route[2](params, body, url.searchParams);
      send(result.status, result.body);
    } catch (err) {
      const e = toHttpError(err);
      if (e.status >= 500) log(`${req.method} ${req.url}: ${e.message}`);
      if (!res.headersSent) send(e.status, { error: { code: e.code, ...(e.field ? { field: e.field } : {}), message: e.message } });
    }
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      const address = server.address();
      resolve({
        url: `http://${host}:${address.port}`,
        close: () => new Promise((done) => { server.closeAllConnections(); server.close(() => done()); }),
      });
    });
  });
}

module.exports = { startHttpApi };
