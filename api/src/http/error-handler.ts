/** The one place where errors become responses: RFC 9457 problem+json, no stack traces, 5xx logged. */
import type { ErrorRequestHandler, Request, RequestHandler, Response } from 'express';
import { toProblem } from './error-mapping';
import { ApiProblem, PROBLEM_CONTENT_TYPE, PROBLEMS, problemTypeUri, type ProblemBody } from './problem';

export function sendProblem(req: Request, res: Response, problem: ApiProblem): void {
  const body: ProblemBody = {
    type: problemTypeUri(problem.type),
    title: problem.type.title,
    status: problem.type.status,
    detail: problem.detail,
    instance: req.originalUrl.split('?')[0] ?? req.originalUrl,
    ...(problem.code === undefined ? {} : { code: problem.code }),
    ...(problem.transactionId === undefined || problem.transactionId === ''
      ? {}
      : { transactionId: problem.transactionId }),
    ...(typeof req.id === 'string' ? { requestId: req.id } : {}),
    ...(problem.errors === undefined ? {} : { errors: problem.errors }),
  };
  for (const [name, value] of Object.entries(problem.headers)) res.setHeader(name, value);
  res.status(body.status).type(PROBLEM_CONTENT_TYPE).send(JSON.stringify(body));
}

export function createErrorHandler(): ErrorRequestHandler {
  return (err: unknown, req, res, next): void => {
    // Once streaming has begun (SSE) the status is sent; only the connection can still be ended.
    if (res.headersSent) {
      next(err);
      return;
    }
    const { problem, exposed } = toProblem(err);
    if (!exposed || problem.type.status >= 500) {
      req.log.error({ err, problemCode: problem.code }, 'request failed');
    } else {
      req.log.info({ problemCode: problem.code, status: problem.type.status }, 'request refused');
    }
    sendProblem(req, res, problem);
  };
}

/** Requests that matched no route (after every router) end here. */
export function createNotFoundHandler(): RequestHandler {
  return (req, _res, next): void => {
    next(new ApiProblem(PROBLEMS.notFound, `There is no ${req.method} ${req.path} in this API; see /openapi.json.`));
  };
}
