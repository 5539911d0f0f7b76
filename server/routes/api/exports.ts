// Asynchronous work: POST starts an export and answers 202 Accepted with the job's Location;
// polling the job gives 200 while it runs, then 303 See Other to the finished result.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { notFound } from '../../http/problem';
import { sendRepresentation } from '../../http/send-representation';
import { BookSchema, ExportJobSchema, IdParamsSchema, SandboxQuerySchema } from '../../protocol/toy-api-schemas';
import { declareResource, findOr404, problemResponses } from './collection';
import { traceStep } from '../../trace/tracer';

const JobParams = Type.Object({ id: Type.Integer({ minimum: 1 }), jobId: Type.String({ pattern: '^[0-9a-f]{12}$' }) });

const exportsRoutes: FastifyPluginAsyncTypebox = async (app) => {
  declareResource(app, '/books/:id/exports', ['POST']);
  declareResource(app, '/books/:id/exports/:jobId', ['GET']);
  declareResource(app, '/books/:id/exports/:jobId/result', ['GET']);
  const jobUrl = (bookId: number, jobId: string) => `/api/books/${bookId}/exports/${jobId}`;

  async function findJob(sandboxId: string, bookId: number, jobId: string) {
    const job = await app.exportJobs.find(sandboxId, bookId, jobId);
    if (!job) {
      throw notFound(`Export ${jobId} of book ${bookId}`, 'Exports are kept for a while only. Start a new one with POST /api/books/<id>/exports.');
    }
    return job;
  }

  // A learner starts an export (reading a book needs no login): 202 Accepted, Location of the job.
  app.post(
    '/books/:id/exports',
    {
      schema: {
        tags: ['books'],
        summary: 'Start exporting a book (202, then poll the job)',
        params: IdParamsSchema,
        querystring: SandboxQuerySchema,
        response: { 202: ExportJobSchema, ...problemResponses },
      },
    },
    async (request, reply) => {
      const sandbox = await app.sandboxes.forRequest(request);
      const book = findOr404(await sandbox.data.books.get(request.params.id), 'Book', request.params.id, '/api/books');
      const job = await app.exportJobs.start(sandbox.id, book);
      const url = jobUrl(book.id, job.id);
      traceStep({
        stage: 'job',
        title: `Started export job ${job.id} in the background: running → done in about ${app.exportJobs.secondsLeft(job)} s`,
        outcome: 'pass',
        why: 'The work takes a while, so the server answers at once with 202 Accepted and the job’s Location; polling it gives 200 and Retry-After while it runs, then 303 See Other to the result.',
        facts: { job: job.id, location: url, states: 'running → done' },
        learn: { kind: 'status', id: '202' },
      });
      return reply
        .code(202)
        .header('location', url)
        .header('retry-after', String(app.exportJobs.secondsLeft(job)))
        .send(app.exportJobs.describe(job, url));
    },
  );

  // A learner polls the job: 200 with progress and Retry-After while it runs, then 303 to the result.
  app.get(
    '/books/:id/exports/:jobId',
    {
      schema: {
        tags: ['books'],
        summary: 'Poll an export job',
        params: JobParams,
        querystring: SandboxQuerySchema,
        response: { 200: ExportJobSchema, 303: ExportJobSchema, ...problemResponses },
      },
    },
    async (request, reply) => {
      const sandbox = await app.sandboxes.forRequest(request);
      const job = await findJob(sandbox.id, request.params.id, request.params.jobId);
      const url = jobUrl(job.bookId, job.id);
      const body = app.exportJobs.describe(job, url);
      reply.header('cache-control', 'no-store');
      if (body.state === 'done') return reply.code(303).header('location', body.result!).send(body);
      return reply.header('retry-after', String(app.exportJobs.secondsLeft(job))).send(body);
    },
  );

  // The finished export: the book as it was when the export started, as a download.
  app.get(
    '/books/:id/exports/:jobId/result',
    {
      schema: {
        tags: ['books'],
        summary: 'Download a finished export',
        params: JobParams,
        querystring: SandboxQuerySchema,
        response: { 200: BookSchema, ...problemResponses },
      },
    },
    async (request, reply) => {
      const sandbox = await app.sandboxes.forRequest(request);
      const job = await findJob(sandbox.id, request.params.id, request.params.jobId);
      if (!app.exportJobs.isDone(job)) {
        throw notFound(`The result of export ${job.id}`, `The export is still running. Poll ${jobUrl(job.bookId, job.id)} until it answers 303.`);
      }
      reply.header('content-disposition', `attachment; filename="book-${job.bookId}.json"`);
      return sendRepresentation(request, reply, job.snapshot, { names: { root: 'book', item: 'book' }, etag: true });
    },
  );
};

export default exportsRoutes;
