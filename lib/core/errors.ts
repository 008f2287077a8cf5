/** Domain errors that the route/page/action guards translate into HTTP answers. */

/** The thing does not exist *for this actor* (also: another workspace's record). */
export class NotFoundError extends Error {
  override name = "NotFoundError";
  constructor(what = "Not found") {
    super(what);
  }
}

export class ForbiddenError extends Error {
  override name = "ForbiddenError";
  constructor(message = "You do not have permission to do this") {
    super(message);
  }
}

/** A stale write or a decided request: the client should reload. */
export class ConflictError extends Error {
  override name = "ConflictError";
}

/** Input that parsed but breaks a rule; the message is shown to the user as is. */
export class InvalidInputError extends Error {
  override name = "InvalidInputError";
  constructor(
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }
}

/**
 * The request itself could not be taken in: wrong Content-Type (415), too large (413),
 * unreadable or malformed body (400), or refused at the boundary (403, e.g. cross-site).
 * The message is shown to the caller as is.
 */
export class HttpInputError extends Error {
  override name = "HttpInputError";
  constructor(
    readonly status: 400 | 403 | 413 | 415,
    message: string,
  ) {
    super(message);
  }
}
