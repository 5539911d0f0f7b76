// GET /app/lessons (the list) and GET /app/lessons/:id (one lesson with its steps), from the lesson files
// loaded and checked at start.
import type { FastifyPluginAsync } from 'fastify';
import { HttpProblem } from '../http/problem';
import { goalCodes, type Lesson, type LessonSummary } from '../lessons/lesson-format';

const lessonRoutes: FastifyPluginAsync<{ lessons: Lesson[] }> = async (app, { lessons }) => {
  const summaries: LessonSummary[] = lessons.map(({ id, title, summary, order, steps }) => ({
    id,
    title,
    summary,
    order,
    steps: steps.length,
    codes: [...new Set(steps.flatMap((step) => goalCodes(step.goal)))].sort((a, b) => a - b),
  }));
  app.get('/app/lessons', async (_request, reply) => reply.header('cache-control', 'no-cache').send(summaries));
  app.get<{ Params: { id: string } }>('/app/lessons/:id', async (request, reply) => {
    const lesson = lessons.find((l) => l.id === request.params.id);
    if (!lesson) {
      throw new HttpProblem('not-found', `There is no lesson "${request.params.id.slice(0, 60)}". GET /app/lessons lists them.`);
    }
    return reply.header('cache-control', 'no-cache').send(lesson);
  });
};

export default lessonRoutes;
