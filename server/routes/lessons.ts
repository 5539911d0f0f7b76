// GET /app/lessons (the list, in order) and GET /app/lessons/:id (one lesson with its steps), from the
// lesson files loaded and checked at start. The lessons do not change while the server runs, so each
// answer carries an ETag and is revalidated (no-cache): a reload costs a 304.
import { createHash } from 'node:crypto';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { HttpProblem } from '../http/problem';
import { summarise, type Lesson } from '../protocol/lesson-format';

export interface LessonRoutesOptions {
  lessons: Lesson[];
}

interface Prepared {
  text: string;
  etag: string;
}

function prepare(value: unknown): Prepared {
  const text = JSON.stringify(value);
  return { text, etag: `"${createHash('sha1').update(text).digest('base64url').slice(0, 16)}"` };
}

function send(request: FastifyRequest, reply: FastifyReply, body: Prepared): FastifyReply {
  reply.header('etag', body.etag).header('cache-control', 'no-cache');
  const tags = (request.headers['if-none-match'] ?? '').split(',').map((t) => t.trim().replace(/^W\//, ''));
  if (tags.includes(body.etag) || tags.includes('*')) return reply.code(304).send();
  return reply.type('application/json; charset=utf-8').send(body.text);
}

const lessonRoutes: FastifyPluginAsync<LessonRoutesOptions> = async (app, { lessons }) => {
  const list = prepare(lessons.map(summarise));
  const byId = new Map(lessons.map((lesson) => [lesson.id, prepare(lesson)]));

  // The lesson list a learner picks from: id, title, summary, number of steps, status codes taught.
  app.get('/app/lessons', async (request, reply) => send(request, reply, list));

  // One lesson: its introduction and steps (text, request to fill in, goal, hints, explanation, check).
  app.get<{ Params: { id: string } }>('/app/lessons/:id', async (request, reply) => {
    const lesson = byId.get(request.params.id);
    if (!lesson) {
      throw new HttpProblem('not-found', `There is no lesson "${request.params.id.slice(0, 60)}". GET /app/lessons lists the lessons and their ids.`);
    }
    return send(request, reply, lesson);
  });
};

export default lessonRoutes;
