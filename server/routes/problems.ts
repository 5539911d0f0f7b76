// /problems/<slug>: the `type` URI of every problem body resolves here, to a short description.
import type { FastifyPluginAsync } from 'fastify';
import { HttpProblem, PROBLEM_TYPES, problemTypeUri, type ProblemSlug } from '../http/problem';

const problems: FastifyPluginAsync = async (app) => {
  app.get('/problems', async () =>
    Object.entries(PROBLEM_TYPES).map(([slug, { status, title }]) => ({ type: problemTypeUri(slug as ProblemSlug), status, title })),
  );
  app.get<{ Params: { slug: string } }>('/problems/:slug', async (request) => {
    const slug = request.params.slug as ProblemSlug;
    const known = Object.hasOwn(PROBLEM_TYPES, slug) ? PROBLEM_TYPES[slug] : undefined;
    if (!known) {
      throw new HttpProblem('not-found', `There is no problem type called ${JSON.stringify(request.params.slug)}. GET /problems lists them all.`);
    }
    return { type: problemTypeUri(slug), status: known.status, title: known.title };
  });
};

export default problems;
