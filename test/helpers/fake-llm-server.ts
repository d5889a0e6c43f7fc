// A real HTTP server on 127.0.0.1 (random port) that speaks the chat-completions protocol and
// misbehaves on purpose, for the LLM judge tests. What it does is chosen per request: a queue of
// scripted replies first, else markers like [[score:7]] in the prompt, else a plain valid reply.
// It records every request and the most requests it ever had in flight at once, and lets tests wait
// for events (n requests seen, n in flight, all answered) instead of sleeping for a guessed time.
// Like real servers it serves only POST /v1/chat/completions (404 elsewhere) and, when `models` is
// set, only those models (404 "model not found" otherwise, as Ollama and OpenAI answer).
// useFakeLlmServer() gives a test file one server, reset before each test.

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach } from 'vitest';

/** One reply. Fields not given fall back to a well-formed 200 with a score of 4. */
export interface FakeReply {
  status?: number; // default 200
  headers?: Record<string, string>;
  content?: string; // the assistant message (status 200)
  finishReason?: string; // default 'stop'
  usage?: { prompt_tokens: number; completion_tokens: number };
  body?: string; // a raw body instead of the chat JSON (error bodies, broken JSON)
  delayMs?: number; // wait this long before answering
  bodyDelayMs?: number; // send the headers at once, the body this much later
  hang?: boolean; // never answer
  bodyHang?: boolean; // send the headers, never the body
}

export interface FakeRequest {
  index: number; // arrival order, from 0
  time: number; // performance.now() at arrival
  body: {
    model?: string;
    messages?: { role: string; content: string }[];
    temperature?: number;
    max_tokens?: number;
    response_format?: { type: string; json_schema?: { name?: string } };
  };
  authorization: string | undefined;
  text: string; // all message contents joined
  json: boolean; // response_format json_schema was asked for
  rubric: boolean; // a rubric-building request
}

export type FakeResponder = (req: FakeRequest) => FakeReply | Promise<FakeReply>;

export const DEFAULT_USAGE = { prompt_tokens: 100, completion_tokens: 20 };

/** A grading reply with score k in the mode the request asked for (k may be anything, e.g. '7'). */
export function scoreReply(
  req: FakeRequest,
  k: string | number,
  analysis = 'The step matches the reference.',
): FakeReply {
  if (req.json) return { content: JSON.stringify({ analysis, score: Number(k) }) };
  return { content: `${analysis}\nScore: ${k}` };
}

export function rubricReply(req: FakeRequest): FakeReply {
  if (req.json)
    return {
      content: JSON.stringify({ checkpoints: ['48*2 = 96', '96+37 = 133', '133-5 = 128'], final_answer: '128' }),
    };
  return {
    content: 'Checkpoint 1: 48*2 = 96\nCheckpoint 2: 96+37 = 133\nCheckpoint 3: 133-5 = 128\nFinal answer: 128',
  };
}

/**
 * The marker language (markers are written into the graded text): [[score:K]] replies "Score: K";
 * [[noscore]] replies without a score line; [[echo:K]] quotes the whole prompt, then "Score: K";
 * [[status:N]] answers HTTP N; [[delay:MS]] answers after MS; [[hang]] never answers; [[echokey]]
 * answers 500 with the request's Authorization header in the error body. No marker: rubric or a
 * score of 4.
 */
export const markerResponder: FakeResponder = (req) => {
  const m = /\[\[(\w+)(?::([^\]]*))?\]\]/.exec(req.text);
  if (req.rubric) return rubricReply(req);
  if (!m) return scoreReply(req, 4);
  const [, name, arg = ''] = m;
  switch (name) {
    case 'score':
      return scoreReply(req, arg);
    case 'noscore':
      return { content: 'The step is hard to assess; I will not commit to a number.' };
    case 'echo':
      return { content: `You asked me to grade:\n${req.text}\nMy own verdict follows.\nScore: ${arg}` };
    case 'status':
      return { status: Number(arg), body: JSON.stringify({ error: { message: `scripted ${arg}` } }) };
    case 'delay':
      return { ...scoreReply(req, 3), delayMs: Number(arg) };
    case 'hang':
      return { hang: true };
    case 'echokey':
      return { status: 500, body: JSON.stringify({ error: { message: `server saw ${req.authorization}` } }) };
    default:
      return scoreReply(req, 4);
  }
};

export class FakeLlmServer {
  readonly requests: FakeRequest[] = [];
  inFlight = 0;
  maxInFlight = 0;
  /** Answer 400 to any request with response_format, like a server without structured output. */
  rejectJsonSchema = false;
  /** When set, a request for another model is answered 404 "model not found". */
  models: string[] | null = null;
  private readonly queue: FakeReply[] = [];
  private waiters: { test: () => boolean; resolve: () => void }[] = [];

  private constructor(
    private readonly server: Server,
    readonly baseUrl: string,
    public responder: FakeResponder,
  ) {}

  /** Browser pages may call it when `cors` is set (every reply allows any origin, preflights answered);
   *  without it the server sends no CORS headers, as Ollama does by default for foreign origins. */
  cors = false;

  /** `port`: listen there (a test that stops a judge and starts a good one where it was); default any free port. */
  static async start(
    responder: FakeResponder = markerResponder,
    opts: { cors?: boolean; port?: number } = {},
  ): Promise<FakeLlmServer> {
    let self: FakeLlmServer | null = null;
    const server = createServer((req, res) => void self?.handle(req, res));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(opts.port ?? 0, '127.0.0.1', resolve);
    });
    const { port } = server.address() as AddressInfo;
    self = new FakeLlmServer(server, `http://127.0.0.1:${port}/v1`, responder);
    self.cors = opts.cors ?? false;
    return self;
  }

  /** Replies used in order by the next requests, before the responder is consulted. */
  script(...replies: FakeReply[]): void {
    this.queue.push(...replies);
  }

  /** Forgets requests, counters and the script (the responder stays). */
  reset(): void {
    this.requests.length = 0;
    this.queue.length = 0;
    this.maxInFlight = this.inFlight;
    this.rejectJsonSchema = false;
    this.models = null;
  }

  /** Resolves once `test` holds (checked now and after every arrival and every closed request). */
  waitUntil(test: () => boolean): Promise<void> {
    if (test()) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ test, resolve }));
  }

  /** Resolves once at least n requests have arrived since the last reset. */
  waitForRequests(n: number): Promise<void> {
    return this.waitUntil(() => this.requests.length >= n);
  }

  /** Resolves once at least n requests are in flight at the same time. */
  waitForInFlight(n: number): Promise<void> {
    return this.waitUntil(() => this.inFlight >= n);
  }

  /** Resolves once no request is in flight (every one answered, or closed by the client). */
  waitForIdle(): Promise<void> {
    return this.waitUntil(() => this.inFlight === 0);
  }

  private notify(): void {
    const still: typeof this.waiters = [];
    for (const w of this.waiters) (w.test() ? w.resolve : () => still.push(w))();
    this.waiters = still;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (this.cors) {
      res.setHeader('access-control-allow-origin', req.headers.origin ?? '*');
      res.setHeader(
        'access-control-allow-headers',
        req.headers['access-control-request-headers'] ?? 'authorization, content-type',
      );
      res.setHeader('access-control-allow-methods', 'POST, GET, OPTIONS');
      if (req.method === 'OPTIONS') {
        res.writeHead(204);
        res.end();
        return;
      }
    }
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    let counted = true;
    res.on('close', () => {
      if (counted) this.inFlight--;
      counted = false;
      this.notify();
    });
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    let body: FakeRequest['body'];
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    } catch {
      body = {};
    }
    const text = (body.messages ?? []).map((m) => m.content).join('\n');
    const schemaName = body.response_format?.json_schema?.name;
    const fr: FakeRequest = {
      index: this.requests.length,
      time: performance.now(),
      body,
      authorization: req.headers.authorization,
      text,
      json: body.response_format?.type === 'json_schema',
      rubric: schemaName === 'rubric' || /Checkpoint 1: \.\.\./.test(text),
    };
    const path = (req.url ?? '').split('?')[0];
    if (req.method !== 'POST' || path !== '/v1/chat/completions') {
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('404 page not found');
      return;
    }
    this.requests.push(fr);
    this.notify();
    let reply: FakeReply;
    if (this.models && !this.models.includes(body.model ?? '')) {
      reply = {
        status: 404,
        body: JSON.stringify({ error: { message: `model "${body.model}" not found, try pulling it first` } }),
      };
    } else if (this.rejectJsonSchema && body.response_format) {
      reply = { status: 400, body: JSON.stringify({ error: { message: 'response_format is not supported' } }) };
    } else {
      reply = this.queue.shift() ?? (await this.responder(fr));
    }
    if (reply.hang) return;
    if (reply.delayMs) await new Promise((r) => setTimeout(r, reply.delayMs));
    if (res.destroyed || res.writableEnded) return; // the client gave up
    const status = reply.status ?? 200;
    const payload =
      reply.body ??
      JSON.stringify({
        id: `fake-${fr.index}`,
        object: 'chat.completion',
        created: Math.floor(Date.now() / 1000),
        model: body.model ?? 'fake',
        choices: [
          {
            index: 0,
            message: { role: 'assistant', content: reply.content ?? 'Fine.\nScore: 4' },
            finish_reason: reply.finishReason ?? 'stop',
          },
        ],
        usage: { ...(reply.usage ?? DEFAULT_USAGE), total_tokens: 0 },
      });
    res.writeHead(status, { 'content-type': 'application/json', ...reply.headers });
    if (reply.bodyHang) {
      res.flushHeaders();
      return;
    }
    if (reply.bodyDelayMs) {
      res.flushHeaders();
      await new Promise((r) => setTimeout(r, reply.bodyDelayMs));
      if (res.destroyed) return;
    }
    res.end(payload);
  }
}

/**
 * One server for a test file: started before the first test, closed after the last, and before each
 * test reset, with `responder` (default: the marker language) restored. Read `.server` inside tests.
 */
export function useFakeLlmServer(responder: FakeResponder = markerResponder): { server: FakeLlmServer } {
  const holder = {} as { server: FakeLlmServer };
  beforeAll(async () => {
    holder.server = await FakeLlmServer.start(responder);
  });
  afterAll(async () => {
    await holder.server.close();
  });
  beforeEach(() => {
    holder.server.reset();
    holder.server.responder = responder;
  });
  return holder;
}
