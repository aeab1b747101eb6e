/** What a person can do about a problem the API answered with: one sentence per kind of failure. */

interface ProblemLike {
  readonly status: number;
  readonly code?: string;
}

export function adviceFor(problem: ProblemLike): string {
  switch (problem.status) {
    case 0:
      return 'Check that the API is running and reachable from this browser, then try again.';
    case 400:
      return 'Correct the fields named above and submit again.';
    case 401:
      return 'Your token was not accepted (expired, revoked or mistyped): sign out and sign in with a current token.';
    case 403:
      return problem.code === 'ACCESS_DENIED'
        ? 'The ledger refused this access and recorded the refusal. Ask the patient for consent, or use break-glass in an emergency.'
        : 'Your role or organisation may not do this. Ask someone with the right role, or your administrator.';
    case 404:
      return 'Check the id: it may be mistyped, or belong to another organisation.';
    case 409:
      return "The ledger's state changed or does not allow this now: reload the page and check the current state.";
    case 413:
      return 'The file is too large for the API; export a narrower window and try again.';
    case 422:
      return 'The content was refused by the custodian: correct it and submit again.';
    case 429:
      return 'Too many requests from your token: wait a minute and try again.';
    case 502:
      return 'The organisation holding the record did not answer properly; try again later or contact that organisation.';
    case 503:
      return 'A service the request needs is down (the ledger network or a record store); try again in a few minutes.';
    default:
      return problem.status >= 500
        ? 'The server failed; try again, and give your administrator the request id if it keeps happening.'
        : 'Check the request and try again.';
  }
}
