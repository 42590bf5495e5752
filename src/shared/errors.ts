/**
 * Domain errors carry a stable MLflow-vocabulary `code`, never an HTTP status: the api edge maps
 * codes to statuses in one table (api/errors.ts). Messages may reach clients, so they never hold
 * secrets; they say what was wrong and what is allowed.
 */
export type ErrorCode =
  | 'RESOURCE_DOES_NOT_EXIST'
  | 'RESOURCE_ALREADY_EXISTS'
  | 'INVALID_PARAMETER_VALUE'
  | 'INVALID_STATE'
  | 'PERMISSION_DENIED'
  | 'TEMPORARILY_UNAVAILABLE'

export abstract class DomainError extends Error {
  abstract readonly code: ErrorCode
  constructor(message: string, options?: ErrorOptions) {
    super(message, options)
    this.name = new.target.name
  }
}

/** The named object does not exist (or is outside what the caller may see). */
export class NotFoundError extends DomainError {
  readonly code = 'RESOURCE_DOES_NOT_EXIST'
}

/** Creating an object whose unique name is taken. MLflow clients expect this code to continue. */
export class AlreadyExistsError extends DomainError {
  readonly code = 'RESOURCE_ALREADY_EXISTS'
}

/** A value breaks a rule: shape, range, immutability, a path outside its root. */
export class InvalidParameterError extends DomainError {
  readonly code = 'INVALID_PARAMETER_VALUE'
}

/** The request is well-formed but the object is in a state that forbids it. */
export class InvalidStateError extends DomainError {
  readonly code = 'INVALID_STATE'
}

/** The caller is known but not allowed to do this. */
export class PermissionDeniedError extends DomainError {
  readonly code = 'PERMISSION_DENIED'
}

/** Well-formed, but this process cannot serve it now (loading, overloaded): retrying may work. */
export class UnavailableError extends DomainError {
  readonly code = 'TEMPORARILY_UNAVAILABLE'
}
