// Judge servers for the experiment's failure scenarios, on top of the fake chat-completions server:
// a good judge whose grade is a fixed function of the graded text (so two runs that grade the same
// responses get the same scores, whichever server answers), and the ways a judge goes wrong.

import { rubricReply, scoreReply, type FakeReply, type FakeRequest, type FakeResponder } from './fake-llm-server';

/** FNV-1a of a string: the same text always gets the same score. */
function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

/** A working judge: rubrics as asked, grades 1..5 from the graded text. */
export const goodJudge: FakeResponder = (req: FakeRequest): FakeReply =>
  req.rubric ? rubricReply(req) : scoreReply(req, 1 + (hash(req.text) % 5));

/** A server that answers every request with a bare score line: no rubric, ever. */
export const scoreOnlyJudge: FakeResponder = () => ({ content: 'Score: 4' });

/** Every request answered 401, as a server with another API key answers. */
export const unauthorizedJudge: FakeResponder = () => ({
  status: 401,
  body: JSON.stringify({ error: { message: 'Incorrect API key provided' } }),
});

/** The good judge, answering each request after `ms`. */
export const slowJudge =
  (ms: number): FakeResponder =>
  (req) => ({ ...goodJudge(req), delayMs: ms });
